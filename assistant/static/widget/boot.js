/* ChainQA portal widget (产业链链长制政策问答), part 1 of 4: configuration.
 * The parts of this folder (boot, text, render, panel) are concatenated in that order inside one function by
 * assistant/api/routes_static.py, which defines CSS, DEFAULT_API, MAX_CHARS and the texts that depend on the
 * knowledge base (STARTERS, GREETING, NOTE, from prompts/ui/) ahead of them: /widget.js
 * stays one script tag with one private scope, and no part exceeds a readable length.
 * Embedding: <script src="https://HOST/widget.js" data-api="https://HOST" data-title="产业链链长制政策问答"></script> */
var script = document.currentScript;
if (!script || document.querySelector("[data-chainqa-widget]")) return;
var API = (script.getAttribute("data-api") || DEFAULT_API || new URL(script.src, location.href).origin)
  .replace(/\/+$/, "");
var TITLE = script.getAttribute("data-title") || "产业链链长制政策问答";
var WARN_AT = Math.floor(MAX_CHARS * 0.9); // the counter warns from here on, before the server's limit
var MAX_TURNS = 10, MAX_TURN_CHARS = 700, TIMEOUT_MS = 60000;
var UNREACHABLE = "暂时无法连接到问答服务，请稍后再试。";
var MESSAGES = { // the service's error codes in Chinese: its own messages are English, for developers
  too_large: "问题或对话太长，请精简后再试。", bad_request: "问题不能为空，请输入后再发送。",
  invalid_request: "请求格式有误，请刷新页面后再试。", not_ready: "问答服务正在启动，请稍后再试。",
  rate_limited: "提问过于频繁，请稍后再试。", internal_error: "服务暂时出了问题，请稍后再试。",
  engine_error: "服务暂时出了问题，请稍后再试。"
};
var state = { traditional: false, elder: false, busy: false, history: [], tables: 0 };
