/* The chat UI (/ui) in Chinese where Gradio 6 writes English without its translation layer: toast titles
 * ("Info", "Error"), the connection-lost notice, copy buttons, the screen-reader labels of messages.
 * A MutationObserver rewrites those strings wherever Gradio puts them. Only Gradio's own chrome is
 * touched: text nodes inside toasts and buttons, and aria-label/title/placeholder attributes, never the
 * text of a message. A selection copied from an answer gets the answer's AI label appended. */
(function () {
  "use strict";
  var TEXT = {
    "Info": "提示", "Error": "错误", "Warning": "警告", "Success": "完成", "Close": "关闭", "Copy": "复制",
    "Copied": "已复制", "Connection Lost": "连接中断",
    "Connection to the server was lost. Attempting reconnection...": "与服务器的连接已中断，正在尝试重新连接……",
    "Connection errored out.": "连接出错，请稍后再试。", "An Unexpected Error Occurred!": "出现意外错误，请稍后再试。",
    "An error occurred.": "出现错误。", "Info.": "提示。", "Warning.": "警告。", "Success.": "完成。",
    "Loading...": "加载中……", "Scroll down": "滚动到底部", "Feedback": "反馈", "Like": "赞", "Dislike": "踩",
    "Liked": "已赞", "Disliked": "已踩", "Copy table data": "复制表格数据", "Copied to clipboard": "已复制到剪贴板",
    "Search...": "搜索……", "Filter...": "筛选……", "Cell is read-only": "单元格只读", "Examples": "示例",
    "Copy conversation": "复制对话", "Copied conversation": "已复制对话", "Chatbot": "对话", "Textbox": "文本框",
    "Dataframe": "表格", "File upload": "上传文件", "Fullscreen": "全屏", "Exit fullscreen": "退出全屏",
    "More tabs": "更多标签页", "Open cell menu": "打开单元格菜单", "Table actions": "表格操作",
    "chatbot conversation": "对话记录", "Sort column": "排序"
  };
  var PREFIXES = [["bot's message: ", "助手的消息："], ["user's message: ", "用户的消息："]];
  var ATTRIBUTES = ["aria-label", "title", "placeholder"];
  var CHROME = "[data-testid='toast-body'], button, .toast-wrap, .label-wrap, .icon-button-wrapper";

  function translate(value) {
    if (!value) return null;
    var key = value.trim();
    if (Object.prototype.hasOwnProperty.call(TEXT, key)) return value.replace(key, TEXT[key]);
    for (var i = 0; i < PREFIXES.length; i++) {
      if (value.indexOf(PREFIXES[i][0]) === 0) return PREFIXES[i][1] + value.slice(PREFIXES[i][0].length);
    }
    return null;
  }
  function messageLabel(node, value) { // Gradio labels a message with its raw Markdown: read the shown text
    for (var i = 0; i < PREFIXES.length; i++) {
      var label = PREFIXES[i][1];
      if (value.indexOf(PREFIXES[i][0]) === 0 || value.indexOf(label) === 0) {
        var shown = label + (node.textContent || "").replace(/\s+/g, " ").trim();
        return shown === value ? null : shown;
      }
    }
    return null;
  }
  function fixElement(node) {
    var testid = node.getAttribute("data-testid");
    if ((testid === "bot" || testid === "user") && node.hasAttribute("aria-label")) {
      var label = messageLabel(node, node.getAttribute("aria-label"));
      if (label !== null) node.setAttribute("aria-label", label);
      return;
    }
    ATTRIBUTES.forEach(function (name) {
      var done = translate(node.getAttribute(name));
      if (done !== null) node.setAttribute(name, done);
    });
  }
  function fixText(node) {
    var parent = node.parentElement;
    if (!parent || !parent.closest(CHROME)) return; // a message's own text is never rewritten
    var done = translate(node.nodeValue);
    if (done !== null) node.nodeValue = done;
  }
  function fix(node) {
    if (node.nodeType === 3) return fixText(node);
    if (node.nodeType !== 1) return;
    fixElement(node);
    node.querySelectorAll("*").forEach(fixElement);
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (var t = walker.nextNode(); t; t = walker.nextNode()) fixText(t);
  }
  new MutationObserver(function (records) {
    records.forEach(function (r) {
      if (r.type === "attributes") fixElement(r.target);
      else if (r.type === "characterData") fixText(r.target);
      else r.addedNodes.forEach(fix);
      var message = r.target.parentElement && r.target.parentElement.closest("[data-testid=bot], [data-testid=user]");
      if (message) fixElement(message); // its text changed (streaming): so does its label
    });
  }).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ATTRIBUTES });
  if (document.body) fix(document.body);
  document.addEventListener("copy", function (e) { // a copied part of an answer keeps its AI label
    var sel = document.getSelection(), chosen = sel ? sel.toString() : "";
    var node = sel && sel.anchorNode, at = node && (node.nodeType === 1 ? node : node.parentElement);
    var message = at && at.closest("[data-testid=bot]"), label = message && message.querySelector(".generated");
    if (!chosen || !label || chosen.indexOf(label.textContent) >= 0 || !e.clipboardData) return;
    e.clipboardData.setData("text/plain", chosen + "\n\n" + label.textContent);
    e.preventDefault();
  });
})();
