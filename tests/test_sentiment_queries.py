"""Sentimen page queries give the same answers from the fact table as from post_view (the exact view)."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from monitoring import schema as S
from monitoring.sentiment import queries as sentiment_queries
from monitoring.store import database as storage
from monitoring.store import queries
from tests.test_queries import FILTERS, both, same_rows


@pytest.fixture(scope="module")
def truth(truth_db_path, tmp_path_factory):
    """The truth store with varied model confidence (some posts not scored) and a few analyst labels."""
    path = tmp_path_factory.mktemp("sentiment_queries") / "truth.duckdb"
    shutil.copy(truth_db_path, path)
    con = storage.connect(path)
    with storage.transaction(con):
        con.execute(f"""UPDATE enrichment SET {S.SENTIMENT_SCORE} =
            CASE WHEN hash({S.POST_KEY}) % 17 = 0 THEN NULL ELSE (hash({S.POST_KEY}) % 1000) / 1000.0 END""")
        con.execute(f"""INSERT INTO sentiment_labels SELECT {S.POST_KEY}, 'positive', now() FROM posts
            WHERE hash({S.POST_KEY}) % 5 = 0""")
        storage.bump_version(con)
    yield con
    con.close()


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_sentiment_totals_and_splits_from_facts_equal_the_view(truth, monkeypatch, filters):
    totals, reference = both(truth, monkeypatch, lambda: sentiment_queries.sentiment_totals(truth, filters))
    assert totals == reference
    for column in sentiment_queries.SPLIT_COLUMNS:
        split, expected = both(truth, monkeypatch, lambda: sentiment_queries.sentiment_by(truth, filters, column))
        same_rows(split, expected)
        assert split["key"].notna().all()
        assert split["posts"].sum() <= sum(totals.values())


@pytest.mark.parametrize("order", sorted(sentiment_queries.REVIEW_ORDERS))
@pytest.mark.parametrize("only_unlabelled", [False, True])
@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_review_posts_from_facts_equal_the_view(truth, monkeypatch, filters, order, only_unlabelled):
    def review():
        return sentiment_queries.review_posts(truth, filters, order=order, limit=40, only_unlabelled=only_unlabelled)

    posts, reference = both(truth, monkeypatch, review)
    # same posts in the same order (every order ends with the post key), same texts and labels
    pd.testing.assert_frame_equal(posts, reference)
    assert list(posts.columns) == list(sentiment_queries.REVIEW_COLUMNS)
    if only_unlabelled:
        assert posts["analyst_label"].isna().all()
    if filters.keyword and not posts.empty:
        assert posts[S.TEXT].str.lower().str.contains(filters.keyword.lower()).all()


def test_review_puts_the_least_confident_first_and_unscored_last(truth):
    posts = sentiment_queries.review_posts(truth, queries.Filters(), order="uncertain", limit=10_000)
    scores = posts[S.SENTIMENT_SCORE]
    scored = scores.dropna()
    assert scored.is_monotonic_increasing and len(scored) < len(scores)
    assert scores.iloc[len(scored):].isna().all()
    assert posts["analyst_label"].notna().any()
