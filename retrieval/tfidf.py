"""Character n-gram TF-IDF, computed exactly as scikit-learn's
`TfidfVectorizer(analyzer="char", ngram_range=…, sublinear_tf=…)` computes it (smooth idf, l2 rows, the
same float64 operations in the same order, so the same bits), without importing scikit-learn: its import
alone (0.75 s) was half of a one-question CLI run. tests/retrieval/test_tfidf.py compares the two."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

_WHITE_SPACES = re.compile(r"\s\s+")


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """sklearn's `_char_ngrams` after its lowercasing preprocessor."""
    text = _WHITE_SPACES.sub(" ", text.lower())
    grams = list(text) if low == 1 else []
    for n in range(2 if low == 1 else low, min(high + 1, len(text) + 1)):  # unigrams: list(text)
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


class CharTfidf:
    def __init__(self, ngram_range: tuple[int, int] = (1, 3), sublinear_tf: bool = False) -> None:
        self.ngram_range, self.sublinear_tf = ngram_range, sublinear_tf
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0)

    def _counts(self, texts: Sequence[str], vocabulary: dict[str, int], grow: bool) -> sparse.csr_matrix:
        indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for text in texts:
            counter: dict[int, int] = {}
            for gram in char_ngrams(text, *self.ngram_range):
                index = vocabulary.setdefault(gram, len(vocabulary)) if grow else vocabulary.get(gram)
                if index is not None:
                    counter[index] = counter.get(index, 0) + 1
            indices.extend(counter)
            values.extend(counter.values())
            indptr.append(len(indices))
        x = sparse.csr_matrix((np.asarray(values, dtype=np.int64), np.asarray(indices, dtype=np.int32),
                               np.asarray(indptr, dtype=np.int32)), shape=(len(texts), len(vocabulary)))
        x.sort_indices()
        return x

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        found: dict[str, int] = {}
        x = self._counts(texts, found, grow=True)
        order = sorted(found.items())  # columns in term order, as sklearn's _sort_features
        remap = np.empty(len(order), dtype=x.indices.dtype)
        for new, (term, old) in enumerate(order):
            found[term] = new
            remap[old] = new
        # a new matrix: its indices are not sorted now (and must stay in this order for the same sums)
        x = sparse.csr_matrix((x.data, remap.take(x.indices, mode="clip"), x.indptr), shape=x.shape)
        self.vocabulary = found
        df = np.bincount(x.indices, minlength=x.shape[1]).astype(np.float64) + 1.0
        self.idf = np.full_like(df, fill_value=x.shape[0] + 1, dtype=np.float64)
        self.idf /= df
        np.log(self.idf, out=self.idf)
        self.idf += 1.0
        return self._weigh(x)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self._weigh(self._counts(texts, self.vocabulary, grow=False))

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        # not .astype(): scipy's sorts the indices on the way, sklearn's conversion keeps their order
        x = sparse.csr_matrix((counts.data.astype(np.float64), counts.indices.copy(), counts.indptr.copy()),
                              shape=counts.shape)
        if self.sublinear_tf:
            np.log(x.data, x.data)
            x.data += 1.0
        x.data *= self.idf[x.indices]
        for row in range(x.shape[0]):  # sklearn's l2 normalisation: a sequential sum of squares per row
            part = x.data[x.indptr[row]:x.indptr[row + 1]]
            if part.size:
                total = np.cumsum(part * part)[-1]
                if total != 0.0:
                    part /= np.sqrt(total)
        return x
