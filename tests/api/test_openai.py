"""`/v1/chat/completions` driven by the real `openai` client, streaming and not."""

from __future__ import annotations

import openai
import pytest

QUESTION = "湖北芯片这条链谁是链长？"


@pytest.fixture(scope="module")
def oa(base_url):
    with openai.OpenAI(base_url=f"{base_url}/v1", api_key="unused", max_retries=0, timeout=30) as c:
        yield c


def test_completion(oa):
    r = oa.chat.completions.create(model="chainqa", messages=[{"role": "user", "content": QUESTION}])
    assert r.object == "chat.completion" and r.choices[0].finish_reason == "stop"
    assert r.choices[0].message.role == "assistant"
    assert "曹广晶" in r.choices[0].message.content
    extra = r.model_extra["chainqa"]
    assert extra["citations"] and extra["refused"] is False


def test_streaming_completion(oa):
    stream = oa.chat.completions.create(model="chainqa", stream=True,
                                        messages=[{"role": "user", "content": QUESTION}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "曹广晶" in text
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["chainqa"]["answer"] == text


def test_earlier_messages_are_history(oa):
    messages = [{"role": "system", "content": "你是政策助手"}, {"role": "user", "content": QUESTION},
                {"role": "assistant", "content": "集成电路产业链的链长是曹广晶。"},
                {"role": "user", "content": [{"type": "text", "text": "他还负责哪些产业链？"}]}]
    r = oa.chat.completions.create(model="chainqa", messages=messages)
    assert "光通信" in r.choices[0].message.content


def test_models_list(oa):
    assert [m.id for m in oa.models.list()] == ["chainqa"]


@pytest.mark.parametrize("messages", [
    [{"role": "user", "content": ""}],
    [{"role": "assistant", "content": "只有助手消息"}],
])
def test_bad_requests_are_openai_errors(oa, messages):
    with pytest.raises(openai.BadRequestError) as info:
        oa.chat.completions.create(model="chainqa", messages=messages)
    assert info.value.status_code == 400
    assert info.value.body["message"]


def test_empty_messages_is_422(oa):
    with pytest.raises(openai.UnprocessableEntityError):
        oa.chat.completions.create(model="chainqa", messages=[])
