/* Part 4 of 4: the widget. A launcher and a modal dialog (focus trapped inside while open, Escape closes
 * and returns focus to the launcher), the conversation, the question box with its character counter. */
function icon() { // a speech bubble (emoji fonts are often missing on office PCs)
  var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}
var host = el("div", { "data-chainqa-widget": "" }), root = host.attachShadow({ mode: "open" });
if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
} else {
  root.append(el("style", {}, [document.createTextNode(CSS)]));
}
function button(name, cls, content, extra) {
  return el("button", Object.assign({ type: "button", "class": cls, "aria-label": name }, extra || {}), content);
}
var launcher = button("打开" + TITLE, "launcher", [icon(), "政策问答"],
  { "aria-expanded": "false", "aria-controls": "chainqa-panel", "aria-haspopup": "dialog" });
var newBtn = button("新对话：清空当前对话", "new-chat", ["新对话"]);
var elderBtn = button("长者模式：放大字号、加宽窗口", "elder-toggle", ["长者模式"], { "aria-pressed": "false" });
var tradBtn = button("繁體中文", "trad-toggle", ["繁體"], { "aria-pressed": "false" }); // a name 繁體 leaves as it is
var closeBtn = button("关闭问答窗口", "close", [document.createTextNode("×")]);
var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "对话记录", tabindex: "0" });
var suggestions = el("div", { "class": "suggestions", role: "group", "aria-label": "推荐问题" });
var input = el("textarea", { id: "chainqa-input", rows: "2", placeholder: "请输入您的问题，按回车键发送",
  "aria-describedby": "chainqa-count chainqa-limit" });
var send = el("button", { type: "submit", "aria-label": "发送问题" }, ["发送"]);
var counter = el("p", { "class": "counter", id: "chainqa-count", "aria-hidden": "true" });
var limitNote = el("p", { "class": "sr", id: "chainqa-limit", role: "status" });
var form = el("form", { "aria-label": "提问" }, [
  el("label", { "class": "sr", "for": "chainqa-input" }, ["输入您的问题"]), input, send, counter, limitNote]);
var panel = el("div", { id: "chainqa-panel", "class": "panel", role: "dialog", "aria-modal": "true",
  "aria-labelledby": "chainqa-title", hidden: "" }, [
  el("div", { "class": "bar" }, [el("h2", { id: "chainqa-title" }, [TITLE]), newBtn, elderBtn, tradBtn, closeBtn]),
  log, suggestions, form, el("p", { "class": "note" }, [NOTE])]);
root.append(launcher, panel);

function scrollDown() { log.scrollTop = log.scrollHeight; }
function addMessage(kind, content) {
  var msg = el("div", { "class": "msg " + kind }, content ? [content] : []);
  log.append(msg);
  scrollDown();
  return msg;
}
function showSuggestions(list) {
  suggestions.replaceChildren();
  (list || []).slice(0, 3).forEach(function (q) {
    var b = el("button", { type: "button", "class": "suggestion" }, [q]);
    b.addEventListener("click", function () { input.focus(); ask(q); }); // the button goes: keep focus in the dialog
    suggestions.append(b);
  });
}
function showError(msg, message) {
  msg.replaceChildren(text(message));
  msg.className = "msg bot error";
  msg.setAttribute("role", "alert");
}
function chineseError(code, status) {
  return MESSAGES[code] || (status >= 500 ? UNREACHABLE : "请求未被受理（错误代码 " + (code || status) + "）。");
}
async function errorMessage(res) {
  if (res.status === 429) return "提问过于频繁，请 " + (res.headers.get("Retry-After") || "几") + " 秒后再试。";
  var code = null;
  try { code = ((await res.json()).error || {}).code; } catch (e) { /* not JSON */ }
  return chineseError(code, res.status);
}
async function readEvents(res, onEvent) { // server-sent events: `data: {...}` blocks separated by a blank line
  var reader = res.body.getReader(), decoder = new TextDecoder("utf-8"), buffer = "";
  for (var chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += decoder.decode(chunk.value, { stream: true });
    var events = buffer.split("\n\n");
    buffer = events.pop();
    events.forEach(function (ev) {
      var data = ev.split("\n").filter(function (l) { return l.indexOf("data:") === 0; })
        .map(function (l) { return l.slice(5).trim(); }).join("\n");
      if (data) onEvent(JSON.parse(data));
    });
  }
}
async function stream(question, msg) { // true when an answer came
  var controller = new AbortController(), answer = null, streamed = "", body = null;
  var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
  try {
    var res = await fetch(API + "/api/chat/stream", { method: "POST", signal: controller.signal, credentials: "omit",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify({ question: question, history: state.history }) });
    if (!res.ok) { showError(msg, await errorMessage(res)); return false; }
    await readEvents(res, function (ev) {
      if (ev.error) throw Object.assign(new Error("stream"), { code: ev.error.code });
      if (ev.answer) answer = ev.answer;
      if (!ev.delta) return;
      if (!body) { body = text(""); msg.replaceChildren(body); msg.classList.add("streaming"); }
      setText(body, streamed += ev.delta);
      scrollDown();
    });
    if (!answer) { showError(msg, UNREACHABLE); return false; }
    renderAnswer(msg, question, answer);
    scrollDown();
    state.history = state.history.concat([{ role: "user", content: question.slice(0, MAX_TURN_CHARS) },
      { role: "assistant", content: answer.answer.slice(0, MAX_TURN_CHARS) }]).slice(-MAX_TURNS);
    showSuggestions(answer.suggestions);
    return true;
  } catch (e) {
    showError(msg, e && e.name === "AbortError" ? "回答超时，请稍后再试。" :
      (e instanceof TypeError ? UNREACHABLE : "回答中断：" + chineseError(e.code, 500)));
    return false;
  } finally {
    clearTimeout(timer);
  }
}
function length(value) { return Array.from(value.trim()).length; } // code points, as the server counts
function updateCounter() {
  var n = length(input.value), level = n > MAX_CHARS ? "over" : n >= WARN_AT ? "near" : "";
  counter.replaceChildren(text(n + " / " + MAX_CHARS));
  counter.className = "counter " + level;
  input.setAttribute("aria-invalid", String(level === "over"));
  var say = level === "over" ? "已超出 " + (n - MAX_CHARS) + " 字，请删减后再发送。" :
    level === "near" ? "还可输入 " + (MAX_CHARS - n) + " 字。" : "";
  if (limitNote.dataset.level !== level) { // announce when the level changes, not on every keystroke
    limitNote.dataset.level = level;
    limitNote.replaceChildren(text(say));
  }
}
async function ask(question) {
  question = (question || "").trim();
  if (!question || state.busy) return;
  if (length(question) > MAX_CHARS) { updateCounter(); return; } // never cut a question: the user shortens it
  state.busy = true;
  send.setAttribute("aria-disabled", "true"); // not `disabled`: a disabled button would drop the focus
  var typed = input.value;
  input.value = "";
  updateCounter();
  addMessage("user", question);
  var msg = addMessage("bot", "");
  msg.append(el("span", { "class": "status" }, ["正在查找政策原文…"]));
  try {
    var ok = await stream(question, msg);
    if (!ok && !input.value) { input.value = typed.trim() ? typed : question; updateCounter(); } // retry is one key away
  } finally {
    state.busy = false;
    send.removeAttribute("aria-disabled");
  }
}
function greet() {
  addMessage("bot", GREETING);
  showSuggestions(STARTERS);
}
function newConversation() {
  if (state.busy) return;
  state.history = [];
  log.replaceChildren();
  repaint();
  greet();
  input.focus();
}
function open(show) {
  panel.hidden = !show;
  launcher.setAttribute("aria-expanded", String(show));
  if (!show) return launcher.focus();
  if (!log.childElementCount) greet();
  input.focus();
}
function focusable() {
  return Array.from(panel.querySelectorAll("button, textarea, a[href], summary, [tabindex='0']"))
    .filter(function (e) { return e.getClientRects().length > 0; });
}
function trapFocus(e) { // a modal dialog: Tab and Shift+Tab go round inside it
  var items = focusable(), first = items[0], last = items[items.length - 1], active = root.activeElement;
  if (!items.length) return;
  if (e.shiftKey && (active === first || !panel.contains(active))) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && (active === last || !panel.contains(active))) { e.preventDefault(); first.focus(); }
}
async function toggle(key, btn) { // 长者模式 (elder) and 繁體 (traditional), remembered in localStorage
  if (key === "traditional" && !state.traditional && !(await loadTraditional())) {
    addMessage("bot error", "繁体字对照表暂时无法加载，请稍后再试。");
    return;
  }
  state[key] = !state[key];
  btn.setAttribute("aria-pressed", String(state[key]));
  try { localStorage.setItem("chainqa-" + key, state[key] ? "1" : "0"); } catch (e) { /* storage blocked */ }
  panel.classList.toggle("elder", state.elder);
  launcher.classList.toggle("elder", state.elder);
  panel.classList.toggle("trad", state.traditional);
  repaint();
}
launcher.addEventListener("click", function () { open(panel.hidden); });
closeBtn.addEventListener("click", function () { open(false); });
newBtn.addEventListener("click", newConversation);
elderBtn.addEventListener("click", function () { toggle("elder", elderBtn); });
tradBtn.addEventListener("click", function () { toggle("traditional", tradBtn); });
form.addEventListener("submit", function (e) { e.preventDefault(); ask(input.value); });
input.addEventListener("input", updateCounter);
input.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); ask(input.value); }
});
panel.addEventListener("keydown", function (e) {
  if (e.key === "Escape") open(false);
  else if (e.key === "Tab") trapFocus(e);
});
updateCounter();
try {
  if (localStorage.getItem("chainqa-elder") === "1") toggle("elder", elderBtn);
  if (localStorage.getItem("chainqa-traditional") === "1") toggle("traditional", tradBtn);
} catch (e) { /* storage blocked */ }
if (document.body) document.body.append(host);
else document.addEventListener("DOMContentLoaded", function () { document.body.append(host); });
