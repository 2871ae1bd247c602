"""Content safety in real Chromium: every answer in /ui and in the portal widget carries the AI label (the
configured wording), and a copied part of an answer keeps it; an operator adds a term on the admin page and the
visitor's next question containing it is refused with the content-policy refusal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.api.live import ROOT, LiveServer, make_settings, shared_data_dir
from tests.assistant.test_lexicon import FIXTURE
from tests.browser import test_ui, test_widget
from tests.browser.test_widget import LABEL

pytestmark = pytest.mark.browser
QUESTION = "湖北芯片这条链谁是链长？"
REFUSAL = (ROOT / "prompts" / "refusals" / "zh" / "content_policy.md").read_text(encoding="utf-8").strip()
KEY_NAME, KEY = "ops-safety", "ops-safety-key-0123456789"
# select the words of an answer after its label, then copy: what the clipboard would receive
COPY = """(message) => {
  const words = [...message.querySelectorAll("p, strong")].find(n => n.textContent.includes("曹广晶"));
  const range = document.createRange();
  range.selectNodeContents(words);
  const root = message.getRootNode(), sel = root.getSelection ? root.getSelection() : document.getSelection();
  sel.removeAllRanges(); sel.addRange(range);
  const event = new ClipboardEvent("copy", { clipboardData: new DataTransfer(), bubbles: true, composed: true,
                                             cancelable: true });
  words.dispatchEvent(event);
  return [sel.toString(), event.clipboardData.getData("text/plain")];
}"""


@pytest.fixture(scope="module")
def safety_url(tmp_path_factory):
    from assistant.api.app import create_app

    data_dir = shared_data_dir(tmp_path_factory)
    store = tmp_path_factory.mktemp("safety-browser") / "store.sqlite3"
    settings = make_settings(data_dir, store_url=f"sqlite:///{store}", admin_keys={KEY_NAME: KEY},
                             lexicon_file=FIXTURE)
    with LiveServer(create_app(settings)) as url:
        yield url


def _copied(message) -> tuple[str, str]:
    selected, copied = message.evaluate(COPY)
    assert selected and LABEL not in selected  # only the answer's words were selected …
    return selected, copied


def test_the_label_is_on_answers_in_ui_and_survives_copy(page, safety_url):
    page.goto(f"{safety_url}/ui/")
    test_ui.ask(page, QUESTION)
    chat = page.locator("#chat")
    expect(chat).to_contain_text("曹广晶")
    expect(chat.locator(".generated").last).to_have_text(LABEL)
    message = chat.locator("[data-testid=bot]").last
    expect(message.locator(".generated")).to_be_visible()
    selected, copied = _copied(message)
    assert copied.startswith(selected) and copied.endswith(LABEL)  # … and the copy says it was generated
    page.get_by_text("复制整段对话").click()
    expect(page.locator("#transcript textarea")).to_have_value(re.compile(re.escape(f"〔{LABEL}〕")))


def test_the_label_is_on_answers_in_the_widget_and_survives_copy(page, safety_url):
    test_widget.open_widget(page, safety_url)
    test_widget.ask(page, QUESTION)
    answer = test_widget.answered(page)
    expect(answer.locator(".generated")).to_have_text(LABEL)
    expect(answer.locator(".generated")).to_be_visible()
    selected, copied = _copied(answer)
    assert copied == selected + "\n\n" + LABEL


def test_a_term_added_on_the_admin_page_refuses_the_next_question(page, safety_url):
    question = "湖北有哪些晶圆代工黑市？"
    test_widget.open_widget(page, safety_url)
    test_widget.ask(page, question)
    expect(page.locator(".msg.bot").last.locator(".rate")).to_be_visible()
    expect(page.locator(".msg.bot").last).not_to_contain_text(REFUSAL)

    page.goto(f"{safety_url}/admin")
    page.get_by_label("管理密钥").fill(KEY)
    page.get_by_role("button", name="登录", exact=True).click()
    safety = page.locator("#safety")
    expect(safety.get_by_role("row").filter(has_text="军火")).to_contain_text("拦截")
    safety.get_by_label("词语").fill("代工黑市")
    safety.get_by_label("类别").select_option("违法")
    safety.get_by_label("处置方式").select_option("block")
    safety.get_by_role("button", name="添加敏感词").click()
    expect(page.get_by_role("status").filter(has_text="已保存为版本")).to_contain_text("敏感词“代工黑市”")
    expect(page.locator("#safety").get_by_role("row").filter(has_text="代工黑市")).to_contain_text("违法")

    test_widget.open_widget(page, safety_url)
    test_widget.ask(page, "湖北有哪些晶圆代 工 黑市？")
    refused = page.locator(".msg.bot").last
    expect(refused.locator(".rate")).to_be_visible()
    expect(refused).to_contain_text(REFUSAL)
    expect(refused.locator(".generated")).to_have_text(LABEL)

    page.goto(f"{safety_url}/admin")
    audit = page.locator("#safety").get_by_role("row").filter(has_text="代工黑市")
    expect(audit.filter(has_text="提问")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出审计记录（CSV）").click()
    assert "代工黑市" in download.value.path().read_text(encoding="utf-8-sig")
