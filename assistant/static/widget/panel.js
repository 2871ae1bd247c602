/* ChainQA portal widget (产业链链长制政策问答). One line, no framework, no build step:
 *   <script src="https://HOST/widget.js" data-api="https://HOST" data-title="产业链链长制政策问答"></script>
 * Styles live in a Shadow DOM. User and service text only ever goes into text nodes, never into HTML. */
(function () {
  "use strict";
  var DEFAULT_API = "__CHAINQA_API_BASE__"; // filled in by the server from the widget_api_base setting
  var script = document.currentScript;
  if (!script || document.querySelector("[data-chainqa-widget]")) return;
  var API = (script.getAttribute("data-api") || DEFAULT_API || new URL(script.src, location.href).origin)
    .replace(/\/+$/, "");
  var TITLE = script.getAttribute("data-title") || "产业链链长制政策问答";
  var MAX_TURNS = 10, MAX_TURN_CHARS = 700, TIMEOUT_MS = 60000;
  var STARTERS = ["湖北芯片这条链谁是链长？", "园区企业招工难，湖南省里找哪个部门？", "什么是“五图作业”？"];
  var UNREACHABLE = "暂时无法连接到问答服务，请稍后再试。";

  // ---- 简 → 繁: a small built-in map (phrases first, then single characters) -------------------------
  var PHRASES = [["制造", "製造"], ["研制", "研製"], ["以后", "以後"], ["之后", "之後"], ["后续", "後續"],
    ["头发", "頭髮"], ["发展", "發展"], ["系统", "系統"], ["联系", "聯繫"]];
  var PAIRS = ([
    "产產 业業 链鏈 长長 发發 区區 门門 导導 领領 务務 厅廳 经經 济濟 电電 车車 装裝 备備 设設 计計 划劃 实實 书書 记記 县縣 园園 兴興 创創 农農 机機 药藥 医醫 疗療 网網 数數 据據 云雲 储儲 动動 为為 这這",
    "个個 们們 会會 对對 时時 从從 来來 关關 于於 与與 应應 当當 开開 问問 题題 么麼 谁誰 请請 说說 话話 让讓 还還 进進 过過 选選 运運 达達 远遠 边邊 连連 统統 级級 组組 织織 纪紀 约約 红紅 纳納 线線 练練",
    "细細 终終 给給 络絡 结結 绿綠 维維 综綜 编編 总總 职職 责責 负負 贯貫 资資 贸貿 费費 质質 购購 财財 规規 视視 观觀 览覽 认認 订訂 议議 讯訊 访訪 证證 评評 识識 试試 详詳 语語 读讀 调調 谈談 谋謀 谢謝",
    "协協 单單 卫衛 华華 东東 丰豐 临臨 举舉 义義 乐樂 买買 亚亞 亲親 仅僅 价價 优優 传傳 体體 侧側 兰蘭 养養 内內 军軍 冲衝 决決 况況 准準 减減 击擊 则則 刚剛 别別 刘劉 办辦 劳勞 势勢 厂廠 历歷 压壓 参參",
    "双雙 变變 号號 后後 吗嗎 员員 响響 图圖 团團 围圍 国國 场場 块塊 坚堅 报報 处處 复復 头頭 夺奪 奋奮 学學 宁寧 审審 寻尋 层層 属屬 岁歲 币幣 师師 带帶 帮幫 广廣 庆慶 库庫 废廢 张張 强強 归歸 录錄 彻徹",
    "径徑 态態 惯慣 战戰 户戶 扩擴 扬揚 执執 护護 担擔 拟擬 拥擁 择擇 挥揮 损損 换換 携攜 敌敵 断斷 无無 显顯 晓曉 术術 杂雜 权權 条條 杨楊 极極 构構 标標 栏欄 树樹 样樣 桥橋 检檢 楼樓 欢歡 气氣 汇匯 沟溝",
    "没沒 泽澤 测測 浓濃 润潤 涨漲 渐漸 温溫 湾灣 满滿 滨濱 灵靈 灾災 点點 炼煉 热熱 爱愛 状狀 独獨 环環 现現 画畫 畅暢 监監 盘盤 矿礦 码碼 础礎 确確 种種 积積 称稱 稳穩 签簽 简簡 类類 粮糧 紧緊 纲綱 纵縱",
    "纸紙 绍紹 绕繞 继繼 绩績 续續 罚罰 联聯 肃肅 胜勝 脑腦 节節 苏蘇 荣榮 获獲 营營 补補 见見 觉覺 许許 论論 译譯 该該 贝貝 贴貼 贵貴 赋賦 赢贏 赵趙 跃躍 践踐 转轉 轨軌 软軟 轮輪 载載 较較 辅輔 辆輛 输輸",
    "适適 递遞 遗遺 邓鄧 邮郵 郑鄭 释釋 钢鋼 钱錢 铁鐵 银銀 销銷 锂鋰 错錯 键鍵 闭閉 间間 闻聞 阳陽 阶階 际際 陆陸 陈陳 险險 随隨 隐隱 难難 页頁 项項 顺順 须須 顾顧 频頻 颜顏 额額 风風 飞飛 馆館 驱驅 验驗",
    "鱼魚 齐齊 龙龍 专專 丝絲 两兩 严嚴 习習 乱亂 争爭 亏虧 亿億 仓倉 众眾 伟偉 党黨 扫掃 挂掛 晋晉 杀殺 荐薦 涛濤 汉漢 岗崗 贷貸 筹籌 启啟 鉴鑑 讲講 辖轄 阵陣 盖蓋 够夠 尔爾 缩縮 纬緯 韧韌"
  ].join(" ")).split(" "), TRAD = {};
  PAIRS.forEach(function (p) { TRAD[p.charAt(0)] = p.charAt(1); });

  function toTraditional(value) {
    var out = value;
    PHRASES.forEach(function (p) { out = out.split(p[0]).join(p[1]); });
    return out.replace(/[\u4e00-\u9fff]/g, function (ch) { return TRAD[ch] || ch; });
  }

  // ---- styles (adopted by the shadow root; the host page's CSS cannot reach in) ------------------------
  var CSS = [
    ":host{all:initial}*{box-sizing:border-box;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;",
    "background:#b5121b;color:#fff;font-size:16px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher:hover{background:#8f0e15}.launcher svg{width:1.1em;height:1.1em;vertical-align:-.2em;margin-right:6px}",
    "button:focus-visible,textarea:focus-visible,summary:focus-visible,.log:focus-visible{outline:3px solid #f5b400;",
    "outline-offset:2px}.panel{position:fixed;right:20px;bottom:84px;z-index:2147483001;width:390px;max-width:calc(100vw - 24px);",
    "height:600px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;color:#1f1f1f;border-radius:10px;",
    "box-shadow:0 8px 30px rgba(0,0,0,.3);overflow:hidden;font-size:15px;line-height:1.6}.panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:6px;padding:10px 12px;background:#b5121b;color:#fff}header h2{flex:1;margin:0;",
    "font-size:1.05em;font-weight:600}header button{background:rgba(255,255,255,.15);color:#fff;",
    "border:1px solid rgba(255,255,255,.5);border-radius:4px;padding:3px 8px;font-size:.85em;cursor:pointer}",
    "header button[aria-pressed=true]{background:#fff;color:#b5121b}header .close{font-size:1.2em;padding:2px 9px}.log{flex:1;",
    "overflow-y:auto;padding:12px;background:#f6f6f6}.msg{margin:0 0 12px;padding:8px 12px;border-radius:8px;max-width:92%;",
    "word-break:break-word}.msg p{margin:.2em 0}.msg ul{margin:.2em 0;padding-left:1.3em}.user{margin-left:auto;background:#1a56a8;",
    "color:#fff;white-space:pre-wrap}.bot{background:#fff;border:1px solid #e2e2e2}.bot blockquote{margin:.4em 0;padding:.1em .8em;",
    "border-left:3px solid #b5121b;color:#444;background:#fafafa}.streaming{white-space:pre-wrap}.msg table{border-collapse:collapse;",
    "margin:.4em 0;font-size:.92em}.msg th,.msg td{border:1px solid #ddd;padding:2px 6px;text-align:left}.status{color:#666;",
    "font-size:.9em}.error{background:#fff4f4;border:1px solid #e0a0a0;color:#8f0e15}.cites{margin-top:8px;",
    "border-top:1px dashed #ddd;padding-top:6px}.cites h3{margin:0 0 4px;font-size:.9em;color:#555}details{margin:4px 0;",
    "font-size:.92em}summary{cursor:pointer;color:#1a56a8}details blockquote{margin:4px 0 4px 6px;padding:4px 8px;",
    "border-left:3px solid #1a56a8;background:#f3f7fc;white-space:pre-wrap}.suggestions{display:flex;flex-wrap:wrap;gap:6px;",
    "padding:8px 12px 0;background:#fff}.suggestions button{border:1px solid #1a56a8;color:#1a56a8;background:#fff;",
    "border-radius:14px;padding:3px 10px;font-size:.85em;cursor:pointer;text-align:left}form{display:flex;gap:8px;padding:10px 12px;",
    "background:#fff;border-top:1px solid #e2e2e2}textarea{flex:1;resize:none;border:1px solid #bbb;border-radius:6px;",
    "padding:6px 8px;font-size:1em;min-height:44px}form button{border:0;border-radius:6px;background:#1a56a8;color:#fff;",
    "padding:0 16px;font-size:1em;cursor:pointer}form button[disabled]{background:#9ab;cursor:wait}.note{margin:0;padding:0 12px 8px;",
    "font-size:.75em;color:#777;background:#fff}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);",
    "white-space:nowrap}.panel.elder{font-size:20px;line-height:1.75}.panel.elder textarea{min-height:60px}",
    ".launcher.elder{font-size:21px;padding:18px 26px}@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;",
    "height:100%;max-height:100%;border-radius:0}.launcher{right:12px;bottom:12px}}"
  ].join("");

  // ---- DOM helpers: text only ----------------------------------------------------------------------------
  var shown = []; // text nodes with their original (simplified) text in .cqText: the 繁体 toggle rewrites them
  var state = { traditional: false, elder: false, busy: false, history: [] };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }
  function text(original) {
    var node = document.createTextNode("");
    shown.push(node);
    return setText(node, original);
  }
  function setText(node, original) {
    node.cqText = original;
    node.nodeValue = state.traditional ? toTraditional(original) : original;
    return node;
  }
  function inline(node, line) { // **bold** is the only inline markup the answers use
    line.split("**").forEach(function (part, i) {
      if (part) node.append(i % 2 ? el("strong", {}, [text(part)]) : text(part));
    });
    return node;
  }

  function renderAnswer(parent, answer) { // the Markdown subset of the answers: quotes, tables, bullets
    var open = {};
    function block(kind, tag) {
      if (!open[kind]) { open = {}; open[kind] = el(tag); parent.append(open[kind]); }
      return open[kind];
    }
    answer.split("\n").forEach(function (raw) {
      var line = raw.replace(/\s+$/, ""), item = /^\s*[-*•]\s+(.*)$/.exec(line);
      if (/^>/.test(line)) {
        var q = line.replace(/^>\s?/, "");
        if (q) block("quote", "blockquote").append(inline(el("p"), q)); else block("quote", "blockquote");
      } else if (/^\|.*\|$/.test(line)) {
        if (/^\|[\s:|-]+\|$/.test(line)) return; // the header separator row
        var first = !open.table, tr = el("tr");
        line.slice(1, -1).split("|").forEach(function (c) { tr.append(inline(el(first ? "th" : "td"), c.trim())); });
        block("table", "table").append(tr);
      } else if (item) {
        block("list", "ul").append(inline(el("li"), item[1]));
      } else {
        open = {};
        if (line.trim()) parent.append(inline(el("p"), line.replace(/^#+\s*/, "")));
      }
    });
  }
  function renderCitations(parent, citations) {
    if (!citations || !citations.length) return;
    var box = el("div", { "class": "cites" }, [el("h3", {}, [text("出处（点击展开原文）")])]);
    citations.forEach(function (c) {
      var label = "《" + c.doc_title + "》" + (c.section ? " · " + c.section : "");
      box.append(el("details", { "class": "citation" }, [el("summary", {}, [text(label)]),
        el("blockquote", {}, [text(c.quote)])]));
    });
    parent.append(box);
  }
  function icon() { // a speech bubble (emoji fonts are often missing on office PCs)
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    var path = document.createElementNS(ns, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  }

  // ---- the widget ---------------------------------------------------------------------------------------
  var host = el("div", { "data-chainqa-widget": "" }), root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el("style", {}, [document.createTextNode(CSS)]));
  }
  function button(label, cls, content, extra) {
    var attrs = { type: "button", "class": cls, "aria-label": label };
    Object.keys(extra || {}).forEach(function (k) { attrs[k] = extra[k]; });
    return el("button", attrs, content);
  }
  var launcher = button("打开" + TITLE, "launcher", [icon(), text("政策问答")],
    { "aria-expanded": "false", "aria-controls": "chainqa-panel" });
  var elderBtn = button("长者模式：放大字号", "elder-toggle", [text("长者模式")], { "aria-pressed": "false" });
  var tradBtn = button("繁體中文：将回答转换为繁体字", "trad-toggle", [document.createTextNode("繁体")],
    { "aria-pressed": "false" });
  var closeBtn = button("关闭问答窗口", "close", [document.createTextNode("×")]);
  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "对话记录", tabindex: "0" });
  var suggestions = el("div", { "class": "suggestions", role: "group", "aria-label": "推荐问题" });
  var input = el("textarea", { id: "chainqa-input", rows: "2", maxlength: "500", placeholder: "请输入您的问题，按 Enter 发送" });
  var send = el("button", { type: "submit", "aria-label": "发送问题" }, [text("发送")]);
  var form = el("form", { "aria-label": "提问" }, [
    el("label", { "class": "sr", "for": "chainqa-input" }, [text("输入您的问题")]), input, send]);
  var panel = el("section", { id: "chainqa-panel", "class": "panel", role: "dialog", "aria-label": TITLE, hidden: "" }, [
    el("header", {}, [el("h2", {}, [text(TITLE)]), elderBtn, tradBtn, closeBtn]), log, suggestions, form,
    el("p", { "class": "note" }, [text("回答依据湖北、湖南两省链长制政策原文，仅供参考，以正式文件为准。")])]);
  root.append(launcher, panel);
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function addMessage(kind, content) {
    var msg = el("div", { "class": "msg " + kind }, content ? [text(content)] : []);
    log.append(msg);
    scrollDown();
    return msg;
  }
  function showSuggestions(list) {
    suggestions.replaceChildren();
    (list || []).slice(0, 3).forEach(function (q) {
      var b = el("button", { type: "button", "class": "suggestion" }, [text(q)]);
      b.addEventListener("click", function () { ask(q); });
      suggestions.append(b);
    });
  }
  function showError(msg, message) {
    msg.replaceChildren(text(message));
    msg.className = "msg bot error";
    msg.setAttribute("role", "alert");
  }
  async function errorMessage(res) {
    if (res.status === 429) return "提问过于频繁，请 " + (res.headers.get("Retry-After") || "几") + " 秒后再试。";
    try {
      var body = await res.json();
      if (body && body.error && body.error.message) return "请求未被受理：" + body.error.message;
    } catch (e) { /* not JSON */ }
    return res.status >= 500 ? UNREACHABLE : "请求未被受理（" + res.status + "）。";
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

  async function stream(question, msg) {
    var controller = new AbortController(), answer = null, streamed = "", body = null;
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    try {
      var res = await fetch(API + "/api/chat/stream", { method: "POST", signal: controller.signal, credentials: "omit",
        headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
        body: JSON.stringify({ question: question, history: state.history }) });
      if (!res.ok) return showError(msg, await errorMessage(res));
      await readEvents(res, function (ev) {
        if (ev.error) throw new Error(ev.error.message || "error");
        if (ev.answer) answer = ev.answer;
        if (!ev.delta) return;
        if (!body) { body = text(""); msg.replaceChildren(body); msg.classList.add("streaming"); }
        setText(body, streamed += ev.delta);
        scrollDown();
      });
      if (!answer) return showError(msg, UNREACHABLE);
      msg.replaceChildren();
      msg.classList.remove("streaming");
      renderAnswer(msg, answer.answer);
      renderCitations(msg, answer.citations);
      scrollDown();
      state.history = state.history.concat([{ role: "user", content: question.slice(0, MAX_TURN_CHARS) },
        { role: "assistant", content: answer.answer.slice(0, MAX_TURN_CHARS) }]).slice(-MAX_TURNS);
      showSuggestions(answer.suggestions);
    } catch (e) {
      showError(msg, e && e.name === "AbortError" ? "回答超时，请稍后再试。" :
        (e instanceof TypeError ? UNREACHABLE : "回答中断：" + e.message));
    } finally {
      clearTimeout(timer);
    }
  }
  async function ask(question) {
    question = (question || "").trim();
    if (!question || state.busy) return;
    state.busy = send.disabled = true;
    input.value = "";
    addMessage("user", question);
    var msg = addMessage("bot", "");
    msg.append(el("span", { "class": "status" }, [text("正在查找政策原文…")]));
    try {
      await stream(question, msg);
    } finally {
      state.busy = send.disabled = false;
    }
  }
  function open(show) {
    panel.hidden = !show;
    launcher.setAttribute("aria-expanded", String(show));
    if (!show) return launcher.focus();
    if (!log.childElementCount) {
      addMessage("bot", "您好！我可以回答湖北、湖南两省产业链链长制的政策问题，每个回答都附原文出处。");
      showSuggestions(STARTERS);
    }
    input.focus();
  }
  function toggle(key, btn) { // 长者模式 (elder) and 繁体 (traditional), remembered in localStorage
    state[key] = !state[key];
    btn.setAttribute("aria-pressed", String(state[key]));
    try { localStorage.setItem("chainqa-" + key, state[key] ? "1" : "0"); } catch (e) { /* storage blocked */ }
    panel.classList.toggle("elder", state.elder);
    launcher.classList.toggle("elder", state.elder);
    tradBtn.textContent = state.traditional ? "简体" : "繁体";
    shown = shown.filter(function (node) { return node.isConnected; });
    shown.forEach(function (node) { setText(node, node.cqText); });
  }
  launcher.addEventListener("click", function () { open(panel.hidden); });
  closeBtn.addEventListener("click", function () { open(false); });
  elderBtn.addEventListener("click", function () { toggle("elder", elderBtn); });
  tradBtn.addEventListener("click", function () { toggle("traditional", tradBtn); });
  form.addEventListener("submit", function (e) { e.preventDefault(); ask(input.value); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); ask(input.value); }
  });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") open(false); });
  try {
    if (localStorage.getItem("chainqa-elder") === "1") toggle("elder", elderBtn);
    if (localStorage.getItem("chainqa-traditional") === "1") toggle("traditional", tradBtn);
  } catch (e) { /* storage blocked */ }
  if (document.body) document.body.append(host);
  else document.addEventListener("DOMContentLoaded", function () { document.body.append(host); });
})();
