// The admin page's one script (served from this origin: the page's CSP allows no inline script). It only
// helps pick a curated answer's quote: it loads the chosen document's text and copies the selected part
// into the quote field exactly as it stands (the server checks it verbatim). Without it the page still
// works: the operator opens the document in a new window and pastes.
(function () {
  "use strict";
  var form = document.getElementById("curated-form");
  if (!form) { return; }
  var byId = function (id) { return document.getElementById(id); };
  var doc = byId("curated-doc"), link = byId("curated-doc-link"), picker = byId("picker");
  var load = byId("picker-load"), text = byId("picker-text"), use = byId("picker-use");
  var note = byId("picker-note"), quote = byId("curated-quote");
  var picked = "";
  picker.hidden = false;

  function reset() {
    link.href = "/documents/" + encodeURIComponent(doc.value);
    text.hidden = true;
    use.hidden = true;
    text.textContent = "";
    picked = "";
    note.textContent = "";
  }

  function inside(node) { return node !== null && text.contains(node); }

  // a click on the button may move the selection: keep the last one made inside the text
  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (sel && sel.rangeCount && inside(sel.anchorNode) && inside(sel.focusNode) && sel.toString()) {
      picked = sel.toString();
    }
  });

  doc.addEventListener("change", reset);

  load.addEventListener("click", function () {
    note.textContent = "正在载入原文…";
    fetch("/api/documents/" + encodeURIComponent(doc.value), { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (d) {
        text.textContent = d.text;
        text.hidden = false;
        use.hidden = false;
        note.textContent = "已载入《" + d.title + "》。选中一段文字后，点“用选中的文字作引文”。";
        text.focus();
      })
      .catch(function () { note.textContent = "原文载入失败，请在新窗口打开原文后复制引文。"; });
  });

  use.addEventListener("click", function () {
    if (!picked.trim()) { note.textContent = "请先在原文中选中一段文字。"; return; }
    quote.value = picked;
    note.textContent = "已填入引文（" + picked.length + " 字）。";
    quote.focus();
  });
})();
