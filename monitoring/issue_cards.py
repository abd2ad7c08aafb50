"""Data for the issue cards of the Isu page: a few grouped SQL queries, one frame per facet.

Each query covers every issue at once (window functions keep the top rows per issue), so the
page costs the same number of queries whatever the number of issues.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.queries import ENGAGEMENT_SQL, Filters, post_columns, scoped, utc_bucket_sql
from monitoring.storage import query_df


@dataclass
class IssueCards:
    """Per-issue facets; every frame has an ``issue_id`` column."""

    summary: pd.DataFrame      # issue_id, label, top_terms, is_new, posts, previous, negative/neutral/positive, coordinated_share
    series: pd.DataFrame       # issue_id, bucket, posts
    provinces: pd.DataFrame    # issue_id, province, posts
    hashtags: pd.DataFrame     # issue_id, tag, posts
    accounts: pd.DataFrame     # issue_id, author, posts, engagement
    posts: pd.DataFrame        # issue_id + post columns (representative posts)


def _issue_where(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[str, str, list]:
    """``(relation, where, params)`` of posts with an issue (see :func:`monitoring.queries.scoped`)."""
    source, where, params = scoped(con, filters)
    return source, (where + " AND " if where else "WHERE ") + f"{S.ISSUE_ID} IS NOT NULL", params


def _previous_window(filters: Filters) -> Filters | None:
    if filters.start is None or filters.end is None:
        return None
    return replace(filters, start=filters.start - (filters.end - filters.start), end=filters.start)


def issue_summary(con: duckdb.DuckDBPyConnection, filters: Filters, *, limit: int = 20) -> pd.DataFrame:
    """Volume, sentiment split and change versus the previous window of equal length, per issue."""
    source, where, params = _issue_where(con, filters)
    summary = query_df(con, f"""SELECT v.{S.ISSUE_ID} AS issue_id, any_value(i.label) AS label,
        any_value(i.top_terms) AS top_terms, any_value(i.is_new) AS is_new, count(*) AS posts,
        count(*) FILTER (WHERE {S.SENTIMENT} = 'negative') AS negative,
        count(*) FILTER (WHERE {S.SENTIMENT} = 'neutral') AS neutral,
        count(*) FILTER (WHERE {S.SENTIMENT} = 'positive') AS positive,
        avg(CASE WHEN {S.IS_COORDINATED} THEN 1.0 ELSE 0.0 END) AS coordinated_share,
        min({S.CREATED_AT}) AS first_seen, max({S.CREATED_AT}) AS last_seen
        FROM (SELECT * FROM {source} {where}) v JOIN issues i ON i.issue_id = v.{S.ISSUE_ID}
        WHERE NOT coalesce(i.hidden, false)
        GROUP BY ALL ORDER BY posts DESC LIMIT {int(limit)}""", params)
    previous = _previous_window(filters)
    if previous is None or summary.empty:
        return summary.assign(previous=pd.NA)
    source, pwhere, pparams = _issue_where(con, previous)
    before = query_df(con, f"SELECT {S.ISSUE_ID} AS issue_id, count(*) AS previous FROM {source} {pwhere} "
                           "GROUP BY ALL", pparams)
    return summary.merge(before, on="issue_id", how="left").fillna({"previous": 0})


def _top_per_issue(con, filters: Filters, select: str, order: str, n: int, extra_where: str = "") -> pd.DataFrame:
    """The first ``n`` groups per issue in ``order``, whose first term is a column ranked descending.

    Ranking every group (~350k issue × author pairs at 1M posts) costs more than grouping; the
    groups at least as large as each issue's ``n``-th largest value (a top-n aggregate) are
    few, and only they are ranked.
    """
    source, where, params = _issue_where(con, filters)
    value = order.split()[0]
    return query_df(con, f"""WITH grouped AS (SELECT {S.ISSUE_ID} AS issue_id, {select}
            FROM {source} {where} {extra_where} GROUP BY ALL),
        floors AS (SELECT issue_id, list_min(max({value}, {int(n)})) AS floor FROM grouped GROUP BY issue_id)
        SELECT grouped.* FROM grouped JOIN floors USING (issue_id) WHERE {value} >= floor
        QUALIFY row_number() OVER (PARTITION BY issue_id ORDER BY {order}) <= {int(n)}""", params)


def issue_cards(con: duckdb.DuckDBPyConnection, filters: Filters, *, limit: int = 12,
                bucket: str = "day") -> IssueCards:
    """Everything the issue cards show, for the ``limit`` largest issues in the filters."""
    summary = issue_summary(con, filters, limit=limit)
    shown = replace(filters, issue_ids=tuple(summary["issue_id"])) if not summary.empty else filters
    source, where, params = _issue_where(con, shown)
    series = query_df(con, f"""SELECT {S.ISSUE_ID} AS issue_id,
        {utc_bucket_sql('hour' if bucket == 'hour' else 'day')} AS bucket,
        count(*) AS posts FROM {source} {where} GROUP BY ALL ORDER BY bucket""", params)
    provinces = _top_per_issue(con, shown, f"{S.PROVINCE} AS province, count(*) AS posts", "posts DESC, province",
                               3, f"AND {S.PROVINCE} IS NOT NULL")
    hashtags = query_df(con, f"""SELECT * FROM (SELECT issue_id, tag, count(*) AS posts FROM (
        SELECT {S.ISSUE_ID} AS issue_id, unnest({S.HASHTAGS}) AS tag FROM {source} {where}) GROUP BY ALL)
        QUALIFY row_number() OVER (PARTITION BY issue_id ORDER BY posts DESC, tag) <= 5""", params)
    accounts = _top_per_issue(con, shown, f"{S.AUTHOR} AS author, count(*) AS posts, "
                              f"sum({ENGAGEMENT_SQL}) AS engagement", "engagement DESC, posts DESC, author", 3,
                              f"AND {S.AUTHOR} IS NOT NULL")
    posts = _representative_posts(con, source, where, params)
    return IssueCards(summary, series, provinces, hashtags, accounts, posts)


REPRESENTATIVES = 5   # posts shown per issue, one per duplicate group
_CANDIDATES = 50      # the answer is searched among each issue's 50 most engaging posts first
_REPRESENTATIVE_COLUMNS = ("issue_id", S.POST_KEY, S.CREATED_AT, S.PLATFORM, S.AUTHOR, S.TEXT, S.SENTIMENT,
                           S.PROVINCE, "engagement", "copy_rank")


def _representative_posts(con: duckdb.DuckDBPyConnection, source: str, where: str, params: list) -> pd.DataFrame:
    """The 5 most engaging posts per issue, one per duplicate group (its most engaging post).

    In the order (engagement desc, key) within an issue, the answer is the first post of each
    of the first 5 duplicate groups: it lies among the posts at least as engaging as the
    issue's 50th most engaging one (found by a per-issue top-n aggregate, far cheaper than
    ranking every post), unless copies of fewer than 5 groups fill them; only such issues are ranked
    over all their posts. Texts are read by key for the rows kept.
    """
    columns = (f"{S.ISSUE_ID} AS issue_id, {S.POST_KEY}, {S.DUP_GROUP}, {S.CREATED_AT}, {S.PLATFORM}, "
               f"{S.AUTHOR}, {S.SENTIMENT}, {S.PROVINCE}, {ENGAGEMENT_SQL} AS engagement")
    first_of_group = (f"QUALIFY row_number() OVER (PARTITION BY f.issue_id, f.{S.DUP_GROUP} "
                      f"ORDER BY f.engagement DESC, f.{S.POST_KEY}) = 1")
    floors = query_df(con, f"""SELECT {S.ISSUE_ID} AS issue_id, list_min(max({ENGAGEMENT_SQL}, {_CANDIDATES}))
        AS floor FROM {source} {where} GROUP BY ALL""", params)
    if floors.empty:
        return pd.DataFrame(columns=list(_REPRESENTATIVE_COLUMNS))
    # the floors go in as parameters: in one query with them, DuckDB materialises the shared scan
    # (every column of every post) for both uses, ~3x slower
    values = ", ".join("(?, ?)" for _ in range(len(floors)))
    floor_params = [v for row in floors.itertuples(index=False) for v in (row.issue_id, int(row.floor))]
    candidates = query_df(con, f"""SELECT f.*, count(*) OVER (PARTITION BY f.issue_id) AS n
        FROM (SELECT {columns} FROM {source} {where}) f JOIN (VALUES {values}) floors(issue_id, floor)
        ON floors.issue_id = f.issue_id AND f.engagement >= floors.floor {first_of_group}""", params + floor_params)
    found = candidates.groupby("issue_id")["n"].agg(["size", "first"])
    redo = found.index[(found["size"] < REPRESENTATIVES) & (found["first"] >= _CANDIDATES)].tolist()
    if redo:  # copies filled the candidates: rank every post of these issues
        marks = ", ".join("?" for _ in redo)
        full = query_df(con, f"""SELECT * FROM (SELECT {columns} FROM {source} {where}) f
            WHERE f.issue_id IN ({marks}) {first_of_group}""", params + redo)
        candidates = pd.concat([candidates[~candidates["issue_id"].isin(redo)], full], ignore_index=True)
    top = (candidates.sort_values(["issue_id", "engagement", S.POST_KEY], ascending=[True, False, True])
           .groupby("issue_id", sort=False).head(REPRESENTATIVES).assign(copy_rank=1))
    texts = post_columns(con, top[S.POST_KEY].tolist(), (S.TEXT,))
    return top.merge(texts, on=S.POST_KEY, how="left").loc[:, list(_REPRESENTATIVE_COLUMNS)].reset_index(drop=True)
