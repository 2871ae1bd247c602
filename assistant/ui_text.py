"""Chinese for the parts of /ui that Gradio draws itself, and the UI's look.

Gradio 6 translates its own strings by the browser's language, and its zh-CN table misses some
("Copy message"); the table below overrides Gradio's keys for every language it ships, so the UI is
Chinese whatever the browser says. Strings Gradio writes without its translation layer (toast titles,
"Connection Lost", "bot's message:", copy buttons) are rewritten in the page by /assets/ui.js."""

from __future__ import annotations

from functools import lru_cache

import gradio as gr

from assistant.errors import ChainQAError

CHINESE = {  # Gradio's i18n keys (flat keys take precedence over its nested built-in tables)
    "chatbot.copy_message": "复制这条消息", "chatbot.copied_message": "已复制", "chatbot.like": "赞",
    "chatbot.dislike": "踩", "chatbot.clear": "清空对话", "chatbot.retry": "重新回答", "chatbot.undo": "撤销",
    "chatbot.edit": "编辑", "chatbot.submit": "发送", "chatbot.cancel": "取消", "chatbot.complete": "完成",
    "common.clear": "清除", "common.complete": "完成", "common.download": "下载", "common.download_all": "全部下载",
    "common.edit": "编辑", "common.empty": "空", "common.error": "错误", "common.loading": "加载中",
    "common.progress": "进度", "common.remove": "移除", "common.settings": "设置", "common.submit": "提交",
    "common.undo": "撤销", "common.share": "分享", "common.language": "语言", "common.display_theme": "显示主题",
    "common.built_with_gradio": "使用 Gradio 构建", "common.or": "或",
    "status.queue_position": "排队中：第 {position} 位，共 {size} 位",
    "blocks.lost_connection": "由于离开页面，连接已断开，正在重新排队……",
    "blocks.connection_can_break": "在手机上，切换标签页或设备休眠可能使连接中断。",
    "blocks.long_requests_queue": "当前请求较多，请稍候。",
    "blocks.waiting_for_inputs": "正在等待文件上传完成，请稍后重试。",
    "dataframe.sort_column": "排序", "dataframe.sort_ascending": "升序", "dataframe.sort_descending": "降序",
    "dataframe.clear_sort": "取消排序", "dataframe.filter": "筛选", "dataframe.clear_filter": "清除筛选",
    "dataframe.new_row": "新行", "dataframe.new_column": "新列", "dataframe.add_row_above": "在上方插入行",
    "dataframe.add_row_below": "在下方插入行", "dataframe.add_column_left": "在左侧插入列",
    "dataframe.add_column_right": "在右侧插入列", "dataframe.delete_row": "删除行", "dataframe.delete_column": "删除列",
    "dataframe.incorrect_format": "格式不正确，只支持 CSV 和 TSV 文件",
    "dataframe.drop_to_upload": "把 CSV 或 TSV 文件拖到这里导入",
}
LOCALES = ("ar", "ca", "ckb", "de", "en", "es", "et", "eu", "fa", "fi", "fr", "he", "hi", "id", "ja", "ko", "lt",
           "nb", "nl", "pl", "pt-BR", "pt", "ro", "ru", "sv", "ta", "th", "tr", "uk", "ur", "uz", "zh-CN", "zh-TW")
ERRORS = {  # ChainQAError codes: the service's own messages are English, for developers and logs
    "too_large": "问题或对话太长（问题最多 {limit} 字），请精简后再发送。", "bad_request": "问题不能为空。",
    "not_ready": "问答服务正在启动，请稍后再试。", "rate_limited": "提问过于频繁，请稍后再试。",
}
# The primary colour is the portal's red, dark enough for white text (4.5:1 and more from shade 500 up).
RED = gr.themes.Color(c50="#fdf2f2", c100="#fbe3e4", c200="#f5c2c4", c300="#ec9599", c400="#dc5c63",
                      c500="#c42a33", c600="#b5121b", c700="#8f0e15", c800="#6d0a10", c900="#4f070b",
                      c950="#33040a", name="portal_red")
CSS = """
.generated { display: inline-block; padding: 0 6px; border: 1px solid #8a6d00; border-radius: 3px;
  color: #5c4800; background: #fff8d6; font-size: .8em; }
#feedback-status { min-height: 0; }
"""
HEAD = '<script src="/assets/ui.js"></script>'


def error_text(exc: ChainQAError, limit: int = 500) -> str:
    return ERRORS.get(exc.code, "暂时无法回答，请稍后再试。").format(limit=limit)


@lru_cache(maxsize=1)
def i18n() -> gr.I18n:
    from opencc import OpenCC

    traditional = OpenCC("s2tw")
    tables = {locale: dict(CHINESE) for locale in LOCALES}
    tables["zh-TW"] = {k: traditional.convert(v) for k, v in CHINESE.items()}
    return gr.I18n(**tables)


def theme() -> gr.themes.Base:
    return gr.themes.Default(primary_hue=RED)
