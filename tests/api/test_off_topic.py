"""A question that mentions a programming language is not off topic for that alone (issue 15, defect 9:
the off-topic rule matched "java" inside "javascript"). The guard is being rewritten in the engine
(assistant/offline/guard.py, the lead's); until it lands this is a strict xfail, so the rewrite turns
it into a failure that asks for the marker to go."""

from __future__ import annotations

import pytest


@pytest.mark.xfail(strict=True, reason="engine: the off-topic rule matches 'java' in 'javascript' (guard rewrite pending)")
def test_a_chain_question_mentioning_javascript_is_answered(client):
    r = client.post("/api/chat", json={"question": "用javascript写的网站能查湖北芯片这条链谁是链长吗？"})
    assert r.status_code == 200
    answer = r.json()
    assert answer["refusal_reason"] != "off_topic" and "曹广晶" in answer["answer"]
