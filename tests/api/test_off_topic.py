"""A question that mentions a programming language is not off topic for that alone (issue 15, defect 9:
the off-topic rule matched "java" inside "javascript"): ASCII cues of knowledge/policy.yaml match whole words."""

from __future__ import annotations


def test_a_chain_question_mentioning_javascript_is_answered(client):
    r = client.post("/api/chat", json={"question": "用javascript写的网站能查湖北芯片这条链谁是链长吗？"})
    assert r.status_code == 200
    answer = r.json()
    assert answer["refusal_reason"] != "off_topic" and "曹广晶" in answer["answer"]
