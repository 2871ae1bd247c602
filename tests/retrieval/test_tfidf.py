"""CharTfidf gives scikit-learn's TfidfVectorizer(analyzer="char") matrices bit for bit, on the intent
ranker's real example questions and on awkward text (case, runs of spaces, short and empty texts)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from retrieval.tfidf import CharTfidf

AWKWARD = ["湖北芯片这条链谁是链长？", "Chain  LEADER   of AI", "", "链", "a", "湖北  湖南\t\t省", "ＡＢＣ abc"]


def _same(ours, theirs) -> None:
    ours, theirs = ours.tocsr(), theirs.tocsr()
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data, theirs.data)  # exactly, not approximately


@pytest.mark.parametrize("sublinear", [True, False])
def test_the_same_bits_as_sklearn(understanding, sublinear):
    catalog = understanding.ranker.catalog
    texts = [understanding.reader.read(e).delex for i in catalog.intents for e in i.examples] + AWKWARD
    ours, theirs = CharTfidf((1, 3), sublinear), TfidfVectorizer(analyzer="char", ngram_range=(1, 3),
                                                                 sublinear_tf=sublinear)
    _same(ours.fit_transform(texts), theirs.fit_transform(texts))
    assert ours.vocabulary == theirs.vocabulary_ and np.array_equal(ours.idf, theirs.idf_)
    queries = ["<chain>这条链谁是链长", "完全没见过的字", "", *AWKWARD]
    _same(ours.transform(queries), theirs.transform(queries))
    matrix = ours.fit_transform(texts)
    assert np.array_equal((matrix @ ours.transform(queries[:1]).T).toarray(),
                          (theirs.fit_transform(texts) @ theirs.transform(queries[:1]).T).toarray())
