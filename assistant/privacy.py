"""The question log and feedback are personal data: phone numbers, ID numbers and e-mail addresses are
masked before they are stored, and text the database cannot hold (lone surrogates) is made storable."""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
# order matters: an e-mail may hold digits, an ID number is longer than a phone number
_PATTERNS = (
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[邮箱]"),
    (re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])"), "[身份证号]"),
    (re.compile(r"(?<![0-9A-Za-z])[1-9]\d{14}(?![0-9A-Za-z])"), "[身份证号]"),  # the old 15-digit form
    (re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"), "[手机号]"),
    (re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[- ]?\d{7,8}(?!\d)"), "[电话]"),
)


def storable(text: str) -> str:
    """`text` as valid UTF-8: a lone surrogate becomes U+FFFD instead of failing the insert."""
    return _SURROGATE.sub("\ufffd", text)


def mask(text: str | None) -> str | None:
    """Phone numbers, ID numbers and e-mail addresses replaced by a label, e.g. `[手机号]`."""
    if text is None:
        return None
    text = storable(text)
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text
