"""Aggregations and post lists for the Sentimen page, run in DuckDB with ``?`` parameters.

Like :mod:`monitoring.store.queries`, every query reads the fact table ``post_facts`` (or
``post_view`` when it cannot be refreshed; :func:`monitoring.store.queries.scoped`) filtered by the
global filters; post texts are read by key for the posts a list shows. Identifiers come only
from :mod:`monitoring.schema`.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.store.database import query_df
from monitoring.store.queries import ENGAGEMENT_SQL, Filters, post_columns, scoped

SPLIT_COLUMNS = (S.ISSUE_ID, S.PROVINCE_CODE, S.PLATFORM)
REVIEW_COLUMNS = (S.POST_KEY, S.CREATED_AT, S.PLATFORM, S.AUTHOR, S.TEXT, S.SENTIMENT, S.SENTIMENT_SCORE,
                  "analyst_label")
REVIEW_ORDERS = {
    "uncertain": f"v.{S.SENTIMENT_SCORE} ASC NULLS LAST, v.{S.POST_KEY}",   # not yet scored: last
    "newest": f"v.{S.CREATED_AT} DESC, v.{S.POST_KEY}",
    "engagement": f"{ENGAGEMENT_SQL} DESC, v.{S.POST_KEY}",
}


def _and(where: str, condition: str) -> str:
    return (where + " AND " if where else "WHERE ") + condition


def sentiment_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, int]:
    """Posts per sentiment (positive, neutral, negative; posts not yet scored count as neutral)."""
    source, where, params = scoped(con, filters)
    frame = query_df(con, f"""SELECT coalesce({S.SENTIMENT}, 'neutral') AS sentiment, count(*) AS posts
        FROM {source} {where} GROUP BY ALL""", params)
    counts = dict(zip(frame["sentiment"], frame["posts"]))
    return {label: int(counts.get(label, 0)) for label in S.SENTIMENTS}


def sentiment_by(con: duckdb.DuckDBPyConnection, filters: Filters, by: str) -> pd.DataFrame:
    """Posts per (``by`` value, sentiment), without posts whose ``by`` is unknown.

    Args:
        by: :data:`schema.ISSUE_ID`, :data:`schema.PROVINCE_CODE` or :data:`schema.PLATFORM`.

    Returns:
        Columns key, sentiment, posts (the input of :func:`monitoring.report.charts.sentiment_bars`).
    """
    if by not in SPLIT_COLUMNS:
        raise ValueError(f"not a sentiment split column: {by}")
    source, where, params = scoped(con, filters)
    return query_df(con, f"""SELECT {by} AS key, coalesce({S.SENTIMENT}, 'neutral') AS sentiment,
        count(*) AS posts FROM {source} {_and(where, f"{by} IS NOT NULL")}
        GROUP BY ALL ORDER BY key, sentiment""", params)


def review_posts(con: duckdb.DuckDBPyConnection, filters: Filters, *, order: str = "uncertain",
                 limit: int = 25, only_unlabelled: bool = False) -> pd.DataFrame:
    """Posts for the analyst to check, with the model's label and the analyst's own label.

    Args:
        order: ``uncertain`` (lowest model confidence first), ``newest`` or ``engagement``.
        limit: at most this many posts.
        only_unlabelled: leave out posts the analyst already labelled.

    Returns:
        Columns post_key, created_at, platform, author, text, sentiment, sentiment_score,
        analyst_label (None when not labelled).
    """
    if order not in REVIEW_ORDERS:
        raise ValueError(f"unknown order: {order}")
    source, where, params = scoped(con, filters, alias="v")
    if only_unlabelled:
        where = _and(where, f"l.{S.SENTIMENT} IS NULL")
    # the posts are chosen on the fact table; their texts are then read by key (posts' index)
    chosen = query_df(con, f"""SELECT v.{S.POST_KEY}, v.{S.CREATED_AT}, v.{S.PLATFORM}, v.{S.AUTHOR},
        v.{S.SENTIMENT}, v.{S.SENTIMENT_SCORE}, l.{S.SENTIMENT} AS analyst_label
        FROM {source} v LEFT JOIN sentiment_labels l ON l.{S.POST_KEY} = v.{S.POST_KEY}
        {where} ORDER BY {REVIEW_ORDERS[order]} LIMIT {int(limit)}""", params)
    texts = post_columns(con, chosen[S.POST_KEY].tolist(), (S.TEXT,))
    return chosen.merge(texts, on=S.POST_KEY, how="left").loc[:, list(REVIEW_COLUMNS)]
