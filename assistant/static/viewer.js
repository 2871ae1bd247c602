/* The document viewer: bring the highlighted quote into view and give it the focus, so a keyboard or
 * screen-reader user starts reading at the quote rather than at the top of a long document. */
(function () {
  "use strict";
  var mark = document.getElementById("hl");
  if (!mark) return;
  mark.scrollIntoView({ block: "center" });
  mark.focus({ preventScroll: true });
})();
