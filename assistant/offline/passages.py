"""Answers from the documents themselves: passages found by search, document facts, comparisons."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from assistant.answer import Citation
from assistant.offline.compose import Draft
from assistant.offline.intent import Understanding
from assistant.prompts import Prompts
from assistant.tools import ToolDeps
from retrieval.normalize import fold

_STOP = set("的了吗呢么是在有和与及或这那哪谁什么怎么如何多少几个请问一下省里我们你们他们湖北湖南省方案文件链长制")
_SENT = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")

Search = Callable[..., list]


def _grams(text: str) -> set[str]:
    t = "".join(ch for ch in fold(text) if ch not in _STOP)
    return {t[i : i + 2] for i in range(len(t) - 1)}


class PassageAnswers:
    def __init__(self, deps: ToolDeps, prompts: Prompts, search: Search, knowledge_dir: Path) -> None:
        self.deps = deps
        self.p = prompts
        self.search = search
        data = yaml.safe_load((knowledge_dir / "comparison.yaml").read_text(encoding="utf-8"))
        self.comparison = data["rows"]

    def passage(self, u: Understanding, question: str, expansions: list[str],
                doc_id: str | None = None) -> Draft | None:
        """The best-matching sentences of the best passages, quoted verbatim."""
        query = " ".join([question, *expansions])
        hits = self.search(query, k=6, province=None if doc_id else u.province, doc_id=doc_id)
        topic = re.sub(r"新闻发布会|发布会|政协|常委会|发言|文章|毛腾飞|报道", "", question) if doc_id else question
        want = _grams(topic) | {g for e in expansions for g in _grams(e)}
        wants_number = bool(re.search(r"多少|几|数量|目标|比例|增长|how many|how much", u.text))
        scored = []
        for rank, hit in enumerate(hits):
            if hit.chunk.kind == "table_row":  # synthetic "column: value" text; the table tools answer these
                continue
            for sent in _sentences(hit.chunk.text):
                overlap = len(want & _grams(sent))
                bonus = 1.5 if wants_number and re.search(r"\d", sent) else 0
                scored.append((overlap + bonus - rank * 0.3, overlap, sent, hit.chunk))
        scored.sort(key=lambda s: -s[0])
        if not scored or scored[0][1] < 2:
            return None
        chosen = [(sc, ov, _window(chunk.text, sent), chunk) for sc, ov, sent, chunk in _pick(scored)]
        cites = [self._cite(chunk, sent) for _, _, sent, chunk in chosen]
        body = "\n\n".join(f"> {sent.strip()}\n>\n> —— 《{c.doc_title}》" + (f"（{c.section}）" if c.section else "")
                           for (_, _, sent, _), c in zip(chosen, cites, strict=True))
        return Draft("根据原文：\n\n" + body, cites, ["search"], [])

    def _cite(self, chunk, sentence: str) -> Citation:
        doc = self.deps.documents[chunk.doc_id]
        s = sentence.strip()
        start = doc.text.find(s, max(chunk.start - 1, 0))
        if start < 0:
            start = doc.text.find(s)
        return Citation(doc_id=chunk.doc_id, doc_title=doc.title, section=chunk.section, quote=s,
                        start=start if start >= 0 else None, end=start + len(s) if start >= 0 else None)

    def compare(self, u: Understanding) -> Draft:
        rows = [r for r in self.comparison if any(fold(k) in u.text for k in r["keywords"])] or self.comparison
        lines = ["| 方面 | 湖北 | 湖南 |", "| --- | --- | --- |"]
        cites = []
        for r in rows:
            lines.append(f"| {r['topic']} | {r['湖北']['text']} | {r['湖南']['text']} |")
            cites += [self.deps.cite(r[p]["source"], r[p]["quote"]) for p in ("湖北", "湖南")]
        text = "湖北与湖南链长制对比：\n\n" + "\n".join(lines)
        return Draft(text, cites, ["compare"], ["湖北的“七个一”工作模式是什么？", "湖南的“八个一”是什么？"])


_HEADING = re.compile(r"^\s*([（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)[^。]{0,24}[。:：]?\s*$")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT.findall(text) if len(s.strip()) >= 6 and "|" not in s and not _HEADING.match(s)]


def _window(text: str, sentence: str, budget: int = 170) -> str:
    """The sentence plus the ones after it in the same passage, up to a small budget, verbatim."""
    start = text.find(sentence)
    if start < 0:
        return sentence
    end = start + len(sentence)
    list_intro = sentence.rstrip().endswith((":", "："))  # "参加今天发布会的有:" continues on the next lines
    for nxt in _SENT.finditer(text, end):
        new_paragraph = "\n" in text[end : nxt.start() + 1]
        if nxt.end() - start > budget or "|" in nxt.group() or (new_paragraph and not list_intro):
            break
        end = nxt.end()
    return text[start:end].strip()


def _pick(scored: list) -> list:
    best = scored[0]
    chosen = [best]
    for cand in scored[1:]:
        if len(chosen) == 2:
            break
        if cand[2] != best[2] and cand[1] >= max(2, best[1] * 0.8):
            chosen.append(cand)
    return chosen
