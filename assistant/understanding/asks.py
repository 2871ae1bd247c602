"""Splits a message into its asks: at question marks and sentence ends, at numbered parts (1. 2. / ① ② /
第一 第二) and at separators (以及, 另外, 顺便 …) — a separator in mid-sentence only when the words before it
already ask something, so "汽车以及智能制造装备两条链的链长" stays one ask. Words come from knowledge/intents.yaml."""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.catalog import Markers

_END = re.compile(r"[。！？!?；;\n]+")
_NUMBERED = re.compile(r"(?:^|(?<=[\s，,：:]))(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）]|[①-⑩])\s*")
_COMMA = re.compile(r"[，,、]")  # "谁当链长、哪个部门牵头": an enumeration comma can join two questions too
_SHORT_REST = 3  # characters after a leading separator that only say "more" (别的吗), not a new ask
_TRIM = " \t，,。.？?！!；;：:、"
_MIN_CHARS = 2


class AskSplitter:
    def __init__(self, markers: Markers, question_words: list[str], stopwords: list[str],
                 counters: Sequence[str] = ()) -> None:
        words = sorted({*markers.separators, *markers.numbering}, key=len, reverse=True)
        self._separator = re.compile("|".join(re.escape(w) for w in words) or r"(?!)", re.IGNORECASE)
        question_words = [*question_words, *markers.question_words]
        asking = "|".join(re.escape(w) for w in sorted(markers.question_words, key=len, reverse=True)) or r"(?!)"
        joiners = "|".join(re.escape(w) for w in markers.joiners) or r"(?!)"
        # "…press conference, and which company …": a joiner starts an ask only when a question word follows
        self._joiner = re.compile(rf"[，,]?\s*\b(?:{joiners})\b\s*(?=(?:{asking})\b)", re.IGNORECASE)
        self._question = re.compile("|".join(re.escape(w) for w in sorted(question_words, key=len, reverse=True))
                                    or r"(?!)", re.IGNORECASE)
        switches = "|".join(re.escape(w) for w in sorted(markers.topic_switch, key=len, reverse=True)) or r"(?!)"
        self._switch = re.compile(rf"(?:{switches})[^，,。；;！!？?]*[，,。；;！!？?]?", re.IGNORECASE)
        self._continues = tuple(markers.continues)
        self._question_end = re.compile(rf"(?:{self._question.pattern})$", re.IGNORECASE)  # ends on a question word
        self._counter = re.compile("|".join(re.escape(w) for w in counters) or r"(?!)")
        self._counter_end = re.compile(rf"(?:{self._counter.pattern}).?$")  # the left part ends on its measure
        filler = sorted({*question_words, *stopwords}, key=len, reverse=True)
        self._filler = re.compile("|".join(re.escape(w) for w in filler) or r"(?!)", re.IGNORECASE)

    def after_switch(self, message: str) -> tuple[str, bool]:
        """"不聊孝感了，食品链牵头部门是哪个": the message after its last change of subject (the clause that
        changes it dropped), and whether the subject changed: what came before no longer applies."""
        found = list(self._switch.finditer(message))
        if not found:
            return message, False
        rest = message[found[-1].end() :].strip()
        return rest or message, True

    def split(self, message: str) -> list[str]:
        asks: list[str] = []
        for sentence in _END.split(message):
            for part in (p for piece in _NUMBERED.split(sentence) for p in self._joiner.split(piece)):
                for piece in self._at_separators(part):
                    asks += self._at_commas(piece)
        asks = [a.strip(_TRIM) for a in asks]
        return [a for a in asks if len(a) >= _MIN_CHARS] or [message.strip()]

    def _at_commas(self, text: str) -> list[str]:
        """"链长是谁，他的手机号多少": two questions joined by a comma are two asks."""
        out, start = [], 0
        for m in _COMMA.finditer(text):
            left, right = text[start : m.start()], text[m.end() :]
            if m.group() == "、" and self._counter_end.search(left.rstrip()) and self._counter.search(right):
                continue  # "几批、多少家企业": two measures of one thing are one ask (not "打造多少家X、引导多少Y")
            if m.group() == "、" and self._question_end.search(left.rstrip()):
                continue  # "是什么时候、由谁印发的": two question words of one predicate are one ask
            if right.lstrip().startswith(self._continues):
                continue  # "…的时间跨度，分别管到哪一年": one ask about both
            if self._question.search(left) and self._question.search(right) and self._has_content(right):
                out.append(left)
                start = m.end()
        return [*out, text[start:]]

    def asks(self, text: str) -> bool:
        """Whether a clause asks something (a question word)."""
        return bool(self._question.search(text))

    def _has_content(self, text: str) -> bool:
        """More than question words: "分别是什么" continues the ask before it, "他的手机号多少" is a new one."""
        return len(self._filler.sub("", text).strip(_TRIM)) >= 2

    def _at_separators(self, text: str) -> list[str]:
        out, start = [], 0
        for m in self._separator.finditer(text):
            left = text[start : m.start()].strip(_TRIM)
            if not left:  # a leading separator: dropped, unless it is most of a short follow-up ("还有别的吗")
                start = start if len(text[m.end() :].strip(_TRIM)) <= _SHORT_REST else m.end()
            elif len(text[m.end() :].strip(_TRIM)) < _MIN_CHARS:
                continue  # "哪个市拿了第一": nothing follows it, so it starts no ask
            elif text[m.start() - 1] in "，, " or self._question.search(left):
                out.append(left)
                start = m.end()
        out.append(text[start:])
        return out
