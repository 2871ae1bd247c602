/* Part 2 of 4: text. Service and user text only ever goes into text nodes and attributes, never into HTML.
 * Every displayed string is registered, so the 繁體 toggle can rewrite the displayed copy; the originals
 * (sent back as history and feedback, and the Answer's verbatim quotes) are never changed. */
var shown = []; // {node, attr, value}: attr null for a text node
var S2T = null, s2tLoading = null; // the OpenCC table (assistant/api/s2t.py), fetched on first use

function display(value) { return state.traditional && S2T ? toTraditional(value) : value; }
function paint(item) {
  if (item.attr) item.node.setAttribute(item.attr, display(item.value));
  else item.node.nodeValue = display(item.value);
}
function text(value) {
  var item = { node: document.createTextNode(""), attr: null, value: value };
  shown.push(item);
  paint(item);
  return item.node;
}
function setText(node, value) { // a registered text node gets new content (streaming)
  var item = shown.find(function (s) { return s.node === node; });
  if (item) { item.value = value; paint(item); } else node.nodeValue = value;
}
function label(node, attr, value) { // a displayed attribute: aria-label, placeholder, title
  var item = { node: node, attr: attr, value: value };
  shown.push(item);
  paint(item);
  return node;
}
function repaint() {
  // forget what a new conversation removed (once the widget is on the page, to not drop its own parts)
  shown = shown.filter(function (s) { return s.node.isConnected || !host.isConnected; });
  shown.forEach(paint);
}
function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    if (k === "aria-label" || k === "placeholder" || k === "title") label(node, k, attrs[k]);
    else node.setAttribute(k, attrs[k]);
  });
  (children || []).forEach(function (c) { node.append(typeof c === "string" ? text(c) : c); });
  return node;
}

// ---- 简 → 繁, as the opencc package converts (configuration s2tw) ---------------------------------------
var SEPARATORS = /(\s+|[-,.?!*\u3000，。、；：？！…“”‘’『』「」﹁﹂—－（）《》〈〉～．／＼︒︑︔︓︿﹀︹︺︙︐［﹇］﹈︕︖︰︳︴︽︾︵︶｛︷｝︸﹃﹄【︻】︼])/;
function convertChars(value) {
  var out = "";
  for (var ch of value) out += S2T.chars[ch] || ch;
  return out;
}
function convertRun(value) { // the longest phrase anywhere (leftmost of equals) first, then each side
  for (var n = Math.min(value.length, S2T.longest); n >= 2; n--) {
    for (var i = 0; i + n <= value.length; i++) {
      var hit = S2T.phrases[value.substr(i, n)];
      if (hit !== undefined) return convertRun(value.slice(0, i)) + hit + convertRun(value.slice(i + n));
    }
  }
  return convertChars(value);
}
function toTraditional(value) {
  return value.split(SEPARATORS).map(function (part, i) { return i % 2 ? part : convertRun(part); }).join("");
}
function parseTable(data) {
  var table = { chars: Object.create(null), phrases: Object.create(null), longest: data.longest };
  var cps = Array.from(data.chars);
  for (var i = 0; i + 1 < cps.length; i += 2) table.chars[cps[i]] = cps[i + 1];
  S2T = table; // convertChars below needs the characters already
  data.phrases.split(" ").forEach(function (entry) {
    var eq = entry.indexOf("=");
    if (eq > 0) table.phrases[entry.slice(0, eq)] = entry.slice(eq + 1);
    else table.phrases[entry] = convertChars(entry);
  });
  return table;
}
function loadTraditional() { // resolves true once the table is there, false if it cannot be fetched
  if (S2T) return Promise.resolve(true);
  s2tLoading = s2tLoading || fetch(API + "/widget/s2t.json", { credentials: "omit" })
    .then(function (res) { if (!res.ok) throw new Error(String(res.status)); return res.json(); })
    .then(function (data) { parseTable(data); return true; })
    .catch(function () { s2tLoading = null; return false; });
  return s2tLoading;
}
