"""TokenCodes: the issue stage's one flat, integer form of every post's tokens."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitoring.issues.dedup import duplicate_groups
from monitoring.issues.tfidf import TermEncoder, fit_tfidf
from monitoring.store.token_codes import TokenCodes

DOCS = pd.Series([["harga", "beras", "naik"], None, np.array(["beras", "mahal"], dtype=object), [],
                  float("nan"), ("naik", "lagi", "harga")], dtype=object)


def words(codes: TokenCodes) -> list[list[str]]:
    return [list(codes.vocabulary[codes.codes[s:s + n]]) for s, n in zip(codes.starts, codes.lengths)]


def test_of_reads_lists_arrays_tuples_and_missing_documents():
    codes = TokenCodes.of(DOCS)
    assert words(codes) == [["harga", "beras", "naik"], [], ["beras", "mahal"], [], [], ["naik", "lagi", "harga"]]
    assert len(codes) == 6 and list(codes.documents) == [0, 0, 0, 2, 2, 5, 5, 5]
    assert TokenCodes.of(codes) is codes
    assert words(TokenCodes.of([["a", "b"], ["b"]])) == [["a", "b"], ["b"]]


@pytest.mark.parametrize("rows", [[5, 0, 2], [1, 3], [2, 2, 0], []])
def test_take_gathers_documents_in_the_given_order(rows):
    codes = TokenCodes.of(DOCS)
    taken = codes.take(rows)
    assert words(taken) == [words(codes)[r] for r in rows]
    assert taken.vocabulary is codes.vocabulary


def test_slice_is_a_view_of_consecutive_documents():
    codes = TokenCodes.of(DOCS)
    assert words(codes.slice(2, 6)) == words(codes)[2:6]
    assert words(codes.slice(4, 100)) == words(codes)[4:]
    assert np.shares_memory(codes.slice(2, 6).codes, codes.codes)


def test_local_numbers_words_as_a_factorisation_of_the_subset_would():
    subset = TokenCodes.of(DOCS).take([5, 2])
    codes, used = subset.local()
    expected_codes, expected_words = pd.factorize(np.array(["naik", "lagi", "harga", "beras", "mahal"], dtype=object))
    assert list(codes) == list(expected_codes) and list(used) == list(expected_words)


def test_the_stages_give_the_same_result_from_codes_as_from_lists():
    rng = np.random.default_rng(3)
    vocabulary = [f"kata{i}" for i in range(60)]
    lists = [list(rng.choice(vocabulary, size=rng.integers(0, 9))) for _ in range(400)]
    lists[::8] = lists[1::8]  # copies for the duplicate groups
    docs = pd.Series(lists, dtype=object)
    codes = TokenCodes.of(docs)
    rows = np.arange(0, 400, 3)
    assert np.array_equal(duplicate_groups(codes), duplicate_groups(docs))
    vectorizer, X = fit_tfidf(codes.take(rows), max_features=40)
    expected_vectorizer, expected_X = fit_tfidf(docs.iloc[rows].reset_index(drop=True), max_features=40)
    assert vectorizer.vocabulary_ == expected_vectorizer.vocabulary_
    assert (X != expected_X).nnz == 0
    encoder = TermEncoder(vectorizer)
    assert (encoder.transform(codes)[0] != encoder.transform(docs)[0]).nnz == 0
