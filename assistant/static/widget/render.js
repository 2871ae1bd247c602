/* Part 3 of 4: an answer as DOM. The Markdown subset the answers use (paragraphs, **bold**, > quotes,
 * tables, bullets), the machine-generated label, the sources with links to the document viewer, 👍/👎. */
function inline(node, line) { // **bold** is the only inline markup the answers use
  line.split("**").forEach(function (part, i) {
    if (part) node.append(i % 2 ? el("strong", {}, [part]) : text(part));
  });
  return node;
}
function tableBox() { // a wide table scrolls inside a focusable box (keyboard users can scroll it too)
  state.tables += 1;
  var table = el("table");
  return { box: el("div", { "class": "table-wrap", role: "region", tabindex: "0",
    "aria-label": "回答中的表格 " + state.tables }, [table]), table: table };
}
function tableRow(line, header) {
  var tr = el("tr");
  line.slice(1, -1).split("|").forEach(function (c) { tr.append(inline(el(header ? "th" : "td"), c.trim())); });
  return tr;
}
function quoteLine(quote, q) { // quoted evidence may be a table row: shown as a table, not as pipes
  if (!/^\|.*\|$/.test(q)) { if (q) quote.append(inline(el("p"), q)); return; }
  if (/^\|[\s:|-]+\|$/.test(q)) return;
  var last = quote.lastElementChild;
  if (!last || !last.classList.contains("table-wrap")) { last = tableBox().box; quote.append(last); }
  last.querySelector("table").append(tableRow(q, false));
}
function renderMarkdown(parent, answer) {
  var open = {};
  function block(kind, make) {
    if (!open[kind]) { open = {}; open[kind] = make(); parent.append(open[kind].box || open[kind]); }
    return open[kind].table || open[kind];
  }
  answer.split("\n").forEach(function (raw) {
    var line = raw.replace(/\s+$/, ""), item = /^\s*[-*•]\s+(.*)$/.exec(line);
    if (/^>/.test(line)) {
      quoteLine(block("quote", function () { return el("blockquote"); }), line.replace(/^>\s?/, ""));
    } else if (/^\|.*\|$/.test(line)) {
      if (/^\|[\s:|-]+\|$/.test(line)) return; // the header separator row
      var first = !open.table;
      block("table", tableBox).append(tableRow(line, first));
    } else if (item) {
      block("list", function () { return el("ul"); }).append(inline(el("li"), item[1]));
    } else {
      open = {};
      if (line.trim()) parent.append(inline(el("p"), line.replace(/^#+\s*/, "")));
    }
  });
}
function viewerLink(c) { // the document viewer highlights start..end (CONTRACT.md)
  var url = API + "/documents/" + encodeURIComponent(c.doc_id);
  if (Number.isInteger(c.start) && Number.isInteger(c.end)) url += "?start=" + c.start + "&end=" + c.end;
  return url;
}
function renderCitations(parent, citations) {
  if (!citations || !citations.length) return;
  var list = el("ul");
  citations.forEach(function (c) {
    var name = "《" + c.doc_title + "》" + (c.section ? " · " + c.section : "");
    list.append(el("li", { "class": "citation" }, [
      el("a", { href: viewerLink(c), target: "_blank", rel: "noopener noreferrer" },
        [name, el("span", { "class": "sr" }, ["（在新标签页中打开原文）"])]),
      el("details", {}, [el("summary", {}, ["引文"]), el("blockquote", {}, [c.quote])])]));
  });
  parent.append(el("div", { "class": "cites" }, [
    el("h3", {}, ["出处", el("span", { "class": "trad-note" }, ["（繁体为转换显示，原文为简体）"])]), list]));
}
function thumb(up) { // drawn, not emoji: emoji fonts are often missing on office PCs
  var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  path.setAttribute("d", "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6V3a1.5 1.5 0 0 0-.4-1L13.2 1 7 7.6V19a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1.2-.7v-2z");
  path.setAttribute("fill", "currentColor");
  if (!up) path.setAttribute("transform", "rotate(180 12 12)");
  svg.append(path);
  return svg;
}
function renderRating(parent, question, answer) {
  var status = el("span", { role: "status" }), rated = 0;
  function rate(value, mine, other) {
    if (rated === value) return;
    rated = value;
    mine.setAttribute("aria-pressed", "true");
    other.setAttribute("aria-pressed", "false");
    sendFeedback(question, answer.answer, value).then(function (ok) {
      status.replaceChildren(text(ok ? (value > 0 ? "感谢反馈！" : "已记录，我们会改进这类回答。") : "反馈未能提交，请稍后再试。"));
    });
  }
  var up = el("button", { type: "button", "class": "up", "aria-pressed": "false" }, [thumb(true), "有用"]);
  var down = el("button", { type: "button", "class": "down", "aria-pressed": "false" }, [thumb(false), "没用"]);
  up.addEventListener("click", function () { rate(1, up, down); });
  down.addEventListener("click", function () { rate(-1, down, up); });
  parent.append(el("div", { "class": "rate", role: "group", "aria-label": "这个回答有帮助吗" },
    [el("span", {}, ["这个回答有帮助吗？"]), up, down, status]));
}
async function sendFeedback(question, answer, rating) {
  try {
    var res = await fetch(API + "/api/feedback", { method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: question, answer: answer.slice(0, 20000), rating: rating }) });
    return res.ok;
  } catch (e) {
    return false;
  }
}
function keepLabelOnCopy(msg) { // a copied part of an answer still says it was generated (the AI label)
  msg.addEventListener("copy", function (e) {
    var sel = root.getSelection ? root.getSelection() : document.getSelection();
    var chosen = sel ? sel.toString() : "";
    if (!chosen || chosen.indexOf(GENERATED) >= 0 || !e.clipboardData) return;
    e.clipboardData.setData("text/plain", chosen + "\n\n" + GENERATED);
    e.preventDefault();
  });
}
function renderAnswer(msg, question, answer) {
  msg.replaceChildren();
  msg.classList.remove("streaming");
  if (answer.generated !== false) {
    msg.append(el("p", { "class": "generated" }, [GENERATED])); // the wording: generated_label_template
    if (!msg.dataset.labelled) { keepLabelOnCopy(msg); msg.dataset.labelled = "1"; }
  }
  renderMarkdown(msg, answer.answer);
  renderCitations(msg, answer.citations);
  renderRating(msg, question, answer);
}
