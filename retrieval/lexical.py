"""BM25 (retrieval/bm25.py) over jieba tokens of folded text, with the registry's names in jieba's dictionary."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from retrieval.bm25 import Bm25
from retrieval.normalize import fold_words, squash
from retrieval.postings import Postings, TermCounts

if TYPE_CHECKING:
    import jieba  # imported where a tokenizer is built: jieba's import (pkg_resources) alone is 0.25 s
from retrieval.registry import Tables

# Function words and question words: they say how a question is asked, not what about.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 也 都 就 而 并 对 把 被 从 向 为 以 于 之 其 这 那 哪 该 有 没有 吗 呢 吧 啊 "
    "什么 哪些 哪个 哪位 哪里 谁 多少 几 几个 怎么 怎样 如何 是否 是不是 有没有 要不要 一下 具体 请问 "
    "a an the of to in on for and or is are was were what which who whom how when does do did by with "
    "under as its it this that".split())
_WORDY = re.compile(r"\w")
_ASCII_WORD = re.compile(r"([a-z0-9]*[a-z][a-z0-9]*)")  # English words and codes such as 5g, 3d


def registry_words(tables: Tables) -> list[str]:
    """Chain, leader, department and glossary names and their aliases, for jieba's dictionary."""
    words: set[str] = set()
    for chains in tables.chain_aliases.values():
        for chain, aliases in chains.items():
            words.update([chain, chain.removesuffix("产业链"), *aliases])
    for row in tables.chains:
        words.update(v for v in (row.chain, row.industry, row.lead_department) if v)
        words.add(squash(row.leader))
    words.update(squash(g.name) for g in tables.general_leaders)
    for names in tables.department_families.values():
        words.update(names)
    for term in tables.terms:
        words.update([term.term, *term.aliases])
    for action in tables.actions:
        words.add(action.action)
    for key, values in tables.synonyms.items():
        words.update([key, *values])
    return sorted(w for w in (fold_words(w) for w in words) if len(w) >= 2 and " " not in w)


@lru_cache(maxsize=1)
def _base_dictionary() -> tuple[Mapping[str, int], int]:
    """jieba's default dictionary, loaded once per process (0.8 s) and read-only: each Tokenizer
    gets its own copy to add words to."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)  # no "Building prefix dict" chatter
    base = jieba.Tokenizer()
    base.check_initialized()
    return MappingProxyType(base.FREQ), base.total


class Tokenizer:
    """A private jieba.Tokenizer (never the global one) that knows the registry's names. It is built on
    the first text it cuts: loading jieba's dictionary is half a second, and table answers never search."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.words = sorted(set(words))
        self._built: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    @property
    def _jieba(self) -> jieba.Tokenizer:
        if self._built is None:
            with self._lock:
                if self._built is None:
                    import jieba

                    freq, total = _base_dictionary()
                    tok = jieba.Tokenizer()
                    tok.FREQ, tok.total, tok.initialized = dict(freq), total, True
                    for word in self.words:
                        tok.add_word(word, freq=max(tok.suggest_freq(word), 1000))
                    self._built = tok
        return self._built

    def tokens(self, text: str) -> list[str]:
        """Search-mode tokens of the folded text, without stop words and punctuation. English words
        are whole tokens (jieba would cut "chain" into ch/ai/n around the alias "AI")."""
        out = []
        for i, piece in enumerate(_ASCII_WORD.split(fold_words(text))):
            words = [piece] if i % 2 else self._jieba.cut_for_search(piece, HMM=True)
            for tok in words:
                tok = tok.strip()
                if tok and tok not in STOPWORDS and _WORDY.search(tok):
                    out.append(tok)
        return out


class LexicalIndex:
    """BM25 over a fixed list of texts (retrieval/bm25.py); `top` is a vectorised arg-partition."""

    def __init__(self, tokenizer: Tokenizer, bm25: Bm25, postings: Postings | None = None) -> None:
        """`postings`: what `bm25` was scored from, when built here (`save` writes them)."""
        self.tokenizer, self._bm25, self.size, self.postings = tokenizer, bm25, bm25.size, postings

    @classmethod
    def build(cls, texts: list[str], tokenizer: Tokenizer, k1: float = 1.2, b: float = 0.5) -> LexicalIndex:
        postings = Postings.of(TermCounts.count(tokenizer.tokens(t) for t in texts))
        return cls(tokenizer, Bm25.scored(postings, k1, b), postings)

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every text for the query tokens (repeats count again)."""
        return self._bm25.scores(tokens)

    def top(self, scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k best (index, score) pairs with a positive score, optionally within a boolean mask."""
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(i), float(scores[i])) for i in best if scores[i] > 0]

    def save(self, directory: Path) -> None:
        """The postings the scores were computed from (the next build updates them, a load scores them:
        10 ms at 100×, where the scores were 6 MB more to write at every build); plain .npy files."""
        if self.postings is None:
            raise ValueError("only an index built here is saved (a loaded one has no postings)")
        directory.mkdir(parents=True, exist_ok=True)
        bm25 = self._bm25
        self.postings.save(directory)
        meta = {"size": self.size, "words": self.tokenizer.words, "vocab": self.postings.vocab, "k1": bm25.k1,
                "b": bm25.b}
        (directory / "lexical.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, tokenizer: Tokenizer | None = None) -> LexicalIndex:
        meta = json.loads((directory / "lexical.json").read_text(encoding="utf-8"))
        postings = Postings.read(directory)
        if postings.size != meta["size"]:
            raise ValueError(f"the BM25 postings of {directory} are of {postings.size} rows, not {meta['size']}")
        if tokenizer is None or tokenizer.words != meta["words"]:
            tokenizer = Tokenizer(meta["words"])
        return cls(tokenizer, Bm25.scored(postings, meta["k1"], meta["b"]))
