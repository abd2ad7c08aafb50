"""The vectorised TF-IDF fit equals scikit-learn's TfidfVectorizer on the same terms."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from monitoring.issues.labels import document_terms
from monitoring.issues.tfidf import TermEncoder, fit_tfidf

POSTS = [
    "harga beras naik lagi warga kupang antri beras murah",
    "beras mahal bgt di pasar naik terus harga",
    "banjir rob jakarta utara warga ngungsi",
    "banjir lagi jakarta utara rob parah",
    "bansos belum cair warga desa protes bansos",
    "bansos cair minggu depan kata pak lurah",
    "",
    "harga cabai naik harga bawang naik",
    "jalan rusak parah di ntt jalan berlubang",
    "jalan rusak belum diperbaiki pemkab",
    "mantap jiwa 🔥 harga beras turun",
]
TOKENS = pd.Series([p.split() for p in POSTS])


def _random_tokens(seed: int, docs: int = 400) -> pd.Series:
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i}" for i in range(300)], dtype=object)
    weights = 1 / np.arange(1, 301)
    weights /= weights.sum()
    return pd.Series([list(rng.choice(vocabulary, size=rng.integers(0, 15), p=weights)) for _ in range(docs)])


@pytest.mark.parametrize("tokens, params", [
    (TOKENS, {}),
    (TOKENS, {"min_df": 2}),
    (TOKENS, {"min_df": 2, "max_df": 0.3}),
    (TOKENS, {"max_df": 2}),
    (_random_tokens(1), {"min_df": 2, "max_df": 0.5}),
    (_random_tokens(2), {"min_df": 0.01, "max_df": 0.9}),
])
def test_fit_equals_scikit_learn(tokens, params):
    ours, X = fit_tfidf(tokens, **params)
    theirs = TfidfVectorizer(analyzer=document_terms, sublinear_tf=True, dtype=np.float32, **params)
    expected = theirs.fit_transform(tokens.tolist())
    assert ours.vocabulary_ == theirs.vocabulary_
    np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=1e-6)
    np.testing.assert_allclose(X.toarray(), expected.toarray(), rtol=1e-5, atol=1e-6)
    # the returned vectorizer is fitted: scikit-learn's own transform gives the same matrix
    np.testing.assert_allclose(ours.transform(tokens.tolist()).toarray(), expected.toarray(), rtol=1e-5, atol=1e-6)


def test_max_features_keeps_the_most_frequent_terms():
    ours, X = fit_tfidf(TOKENS, max_features=5)
    assert set(ours.vocabulary_) == {"harga", "beras", "naik", "warga", "bansos"}
    assert X.shape == (len(TOKENS), 5)


def test_nothing_left_after_pruning_raises():
    with pytest.raises(ValueError):
        fit_tfidf(TOKENS, min_df=50)


def test_encoder_transforms_new_documents_like_the_vectorizer():
    vectorizer, _ = fit_tfidf(TOKENS, min_df=2)
    new = pd.Series([["harga", "beras", "naik", "di", "ntt"], ["banjir", "rob"], [], ["kata", "baru"]])
    X, lengths = TermEncoder(vectorizer).transform(new)
    np.testing.assert_allclose(X.toarray(), vectorizer.transform(new.tolist()).toarray(), rtol=1e-5, atol=1e-6)
    assert lengths.tolist() == [5, 2, 0, 2]
