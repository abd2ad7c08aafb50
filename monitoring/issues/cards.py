"""Data for the issue cards of the Isu page: a few grouped SQL queries, one frame per facet.

Each query covers every issue at once (a top-n aggregate or a window keeps the top rows per
issue), so the page costs the same number of queries whatever the number of issues. Representative posts are
a query of their own (:func:`top_posts_per_issue`): the page reads them only for the cards whose
list the analyst opens. :func:`narratives_frame` is every issue's narratives (the framings inside
it) with their volume, sentiment and time span: the cards, ``narratives.csv`` and the HTTP API read it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.store.database import query_df
from monitoring.store.queries import (
    ENGAGEMENT_SQL,
    TZ_OFFSETS,
    Filters,
    local_bucket_sql,
    post_columns,
    scoped,
)


@dataclass
class IssueCards:
    """Per-issue facets; every frame has an ``issue_id`` column."""

    summary: pd.DataFrame      # issue_id, headline, label, top_terms, is_new, posts, previous, negative/neutral/positive, coordinated_share
    series: pd.DataFrame       # issue_id, bucket (local day), posts; every day of the window
    provinces: pd.DataFrame    # issue_id, province, posts
    hashtags: pd.DataFrame     # issue_id, tag, posts
    accounts: pd.DataFrame     # issue_id, author, posts, engagement
    narratives: pd.DataFrame   # NARRATIVE_COLUMNS, biggest first within each issue


def _issue_where(con: duckdb.DuckDBPyConnection, filters: Filters, source: str | None = None) -> tuple[str, str, list]:
    """``(relation, where, params)`` of posts with an issue (see :func:`monitoring.store.queries.scoped`)."""
    source, where, params = scoped(con, filters, source=source)
    return source, (where + " AND " if where else "WHERE ") + f"{S.ISSUE_ID} IS NOT NULL", params


def _previous_window(filters: Filters) -> Filters | None:
    if filters.start is None or filters.end is None:
        return None
    return replace(filters, start=filters.start - (filters.end - filters.start), end=filters.start)


def issue_summary(con: duckdb.DuckDBPyConnection, filters: Filters, *, limit: int = 20) -> pd.DataFrame:
    """Volume, sentiment split and change versus the previous window of equal length, per issue."""
    source, where, params = _issue_where(con, filters)
    # counted per issue first, then joined to the (few) issues for their labels
    summary = query_df(con, f"""SELECT v.issue_id, coalesce(i.headline, i.label) AS headline, i.label, i.top_terms,
            i.is_new, v.* EXCLUDE (issue_id)
        FROM (SELECT {S.ISSUE_ID} AS issue_id, count(*) AS posts,
            count(*) FILTER (WHERE {S.SENTIMENT} = 'negative') AS negative,
            count(*) FILTER (WHERE {S.SENTIMENT} = 'neutral') AS neutral,
            count(*) FILTER (WHERE {S.SENTIMENT} = 'positive') AS positive,
            avg(CASE WHEN {S.IS_COORDINATED} THEN 1.0 ELSE 0.0 END) AS coordinated_share,
            min({S.CREATED_AT}) AS first_seen, max({S.CREATED_AT}) AS last_seen
            FROM {source} {where} GROUP BY ALL) v JOIN issues i ON i.issue_id = v.issue_id
        WHERE NOT coalesce(i.hidden, false) ORDER BY v.posts DESC, v.issue_id LIMIT {int(limit)}""", params)
    previous = _previous_window(filters)
    if previous is None or summary.empty:
        return summary.assign(previous=pd.NA)
    source, pwhere, pparams = _issue_where(con, previous, source)
    before = query_df(con, f"SELECT {S.ISSUE_ID} AS issue_id, count(*) AS previous FROM {source} {pwhere} "
                           "GROUP BY ALL", pparams)
    return summary.merge(before, on="issue_id", how="left").fillna({"previous": 0})


def _top_per_issue(con: duckdb.DuckDBPyConnection, scope: tuple[str, str, list], group: str, n: int, *,
                   engagement: bool = False) -> pd.DataFrame:
    """The ``n`` largest values of ``group`` per issue: ``issue_id, <group>, posts[, engagement]``.

    Ranked by posts, or by engagement then posts when ``engagement``; ties by the value itself.
    One top-n aggregate per issue over the groups (``min(struct, n)`` orders structs field by
    field) ranks ~300k issue × account groups in one pass, without a window over all of them.
    """
    source, where, params = scope
    sums = f", sum({ENGAGEMENT_SQL}) AS engagement" if engagement else ""
    rank = "-engagement, -posts" if engagement else "-posts"
    fields = ", ".join(f"'f{i}': {term}" for i, term in enumerate([*rank.split(", "), group]))
    names = [c.strip("-") for c in rank.split(", ")] + [group]
    top = query_df(con, f"""SELECT * FROM (SELECT issue_id, unnest(min({{{fields}}}, {int(n)}), recursive := true)
        FROM (SELECT {S.ISSUE_ID} AS issue_id, {group}, count(*) AS posts{sums}
              FROM {source} {where} AND {group} IS NOT NULL GROUP BY ALL) GROUP BY issue_id)
        ORDER BY issue_id, {", ".join(f"f{i}" for i in range(len(names)))}""", params)
    top = top.rename(columns={f"f{i}": name for i, name in enumerate(names)})
    for column in names[:-1]:
        top[column] = -top[column].astype("int64")
    return top.loc[:, ["issue_id", group, "posts", *(["engagement"] if engagement else [])]]


def issue_cards(con: duckdb.DuckDBPyConnection, filters: Filters, *, limit: int = 12,
                timezone: str = "WIB") -> IssueCards:
    """Everything the issue cards show, for the ``limit`` largest issues in the filters.

    ``series`` has one row per issue and day of the ``timezone`` (WIB/WITA/WIT) from the first
    to the last day of the window (of the data, without a date filter), zero on quiet days.
    """
    summary = issue_summary(con, filters, limit=limit)
    if summary.empty:  # nothing to show: spare the facet queries
        return IssueCards(summary, *(pd.DataFrame(columns=["issue_id", *columns]) for columns in (
            ("bucket", "posts"), ("province", "posts"), ("tag", "posts"), ("author", "posts", "engagement"))),
            pd.DataFrame(columns=list(NARRATIVE_COLUMNS)))
    shown = replace(filters, issue_ids=tuple(summary["issue_id"]))
    scope = source, where, params = _issue_where(con, shown)  # one freshness check for the four queries
    series = _daily_series(con, shown, scope, TZ_OFFSETS[timezone])
    provinces = _top_per_issue(con, scope, S.PROVINCE, 3)
    hashtags = query_df(con, f"""SELECT * FROM (SELECT issue_id, tag, count(*) AS posts FROM (
        SELECT {S.ISSUE_ID} AS issue_id, unnest({S.HASHTAGS}) AS tag FROM {source} {where}) GROUP BY ALL)
        QUALIFY row_number() OVER (PARTITION BY issue_id ORDER BY posts DESC, tag) <= 5
        ORDER BY issue_id, posts DESC, tag""", params)
    accounts = _top_per_issue(con, scope, S.AUTHOR, 3, engagement=True)
    return IssueCards(summary, series, provinces, hashtags, accounts, narratives_frame(con, shown))


NARRATIVE_COLUMNS = ("issue_id", "narrative_id", "label", "headline", "top_terms", "posts", "negative_share",
                     "first_seen", "last_seen")


def narratives_frame(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pd.DataFrame:
    """The narratives of the issues in the filters (hidden issues and narratives left out): one row
    per issue and narrative with its name (``label``: the analyst's name, else the phrase posts
    repeat, else the term label; ``headline``: the phrase, '' without one), distinctive terms, posts,
    negative share and first / last post, biggest first within each issue. Columns
    :data:`NARRATIVE_COLUMNS`; ``issue_id`` is the issue the posts are in now (after merges).
    """
    source, where, params = _issue_where(con, filters or Filters())
    frame = query_df(con, f"""SELECT v.issue_id, v.narrative_id, n.label, coalesce(n.headline, '') AS headline,
            n.top_terms, v.posts, v.negative_share, v.first_seen, v.last_seen
        FROM (SELECT {S.ISSUE_ID} AS issue_id, {S.NARRATIVE_ID} AS narrative_id, count(*) AS posts,
                avg(CASE WHEN {S.SENTIMENT} = 'negative' THEN 1.0 ELSE 0.0 END) AS negative_share,
                min({S.CREATED_AT}) AS first_seen, max({S.CREATED_AT}) AS last_seen
              FROM {source} {where} AND {S.NARRATIVE_ID} IS NOT NULL GROUP BY ALL) v
        JOIN narratives n ON n.narrative_id = v.narrative_id
        JOIN issues i ON i.issue_id = v.issue_id
        WHERE NOT coalesce(n.hidden, false) AND NOT coalesce(i.hidden, false)
        ORDER BY v.issue_id, v.posts DESC, v.narrative_id""", params)
    return frame.loc[:, list(NARRATIVE_COLUMNS)]


def _daily_series(con: duckdb.DuckDBPyConnection, filters: Filters, scope: tuple[str, str, list],
                  offset_hours: int) -> pd.DataFrame:
    """Posts per issue and local day (naive local midnight), every day of the window present."""
    source, where, params = scope
    counts = query_df(con, f"""SELECT {S.ISSUE_ID} AS issue_id, {local_bucket_sql('day', offset_hours)} AS bucket,
        count(*) AS posts FROM {source} {where} GROUP BY ALL""", params)
    if counts.empty:
        return counts
    counts["bucket"] = counts["bucket"].astype("datetime64[us]")
    first = _local_day(filters.start, offset_hours) if filters.start is not None else counts["bucket"].min()
    last = _local_day(filters.end - pd.Timedelta(microseconds=1), offset_hours) if filters.end is not None \
        else counts["bucket"].max()
    days = pd.MultiIndex.from_product([list(filters.issue_ids), pd.date_range(first, last, freq="D", unit="us")],
                                      names=["issue_id", "bucket"])
    return (counts.set_index(["issue_id", "bucket"])["posts"].reindex(days, fill_value=0)
            .astype("int64").reset_index())


def _local_day(stamp: pd.Timestamp, offset_hours: int) -> pd.Timestamp:
    """Local midnight (naive) of the day ``stamp`` (UTC, aware or naive) falls on."""
    naive = stamp.tz_convert(None) if stamp.tzinfo is not None else stamp
    return (naive + pd.Timedelta(hours=offset_hours)).floor("D")


REPRESENTATIVES = 5   # posts shown per issue, one per duplicate group
_CANDIDATES = 50      # the answer is searched among each issue's 50 most engaging posts first
_REPRESENTATIVE_COLUMNS = ("issue_id", S.POST_KEY, S.CREATED_AT, S.PLATFORM, S.AUTHOR, S.TEXT, S.SENTIMENT,
                           S.PROVINCE, "engagement", "copy_rank")


def top_posts_per_issue(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The representative posts of the issues in the filters: the 5 most engaging per issue, one
    per duplicate group (its most engaging post), most engaging first.

    Columns: issue_id, post_key, created_at, platform, author, text, sentiment, province,
    engagement, copy_rank (always 1).
    """
    return _representative_posts(con, *_issue_where(con, filters))


def _representative_posts(con: duckdb.DuckDBPyConnection, source: str, where: str, params: list) -> pd.DataFrame:
    """The 5 most engaging posts per issue, one per duplicate group (see :func:`top_posts_per_issue`).

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
    # the lowest floor, a plain filter, drops most posts before the join reads their other columns
    candidates = query_df(con, f"""SELECT f.*, count(*) OVER (PARTITION BY f.issue_id) AS n
        FROM (SELECT {columns} FROM {source} {where} AND {ENGAGEMENT_SQL} >= ?) f
        JOIN (VALUES {values}) floors(issue_id, floor)
        ON floors.issue_id = f.issue_id AND f.engagement >= floors.floor {first_of_group}""",
                          params + [int(floors["floor"].min())] + floor_params)
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


def issue_narratives(con: duckdb.DuckDBPyConnection, issue_id: str) -> pd.DataFrame:
    """The stored narratives of one issue (``narrative_id, label, hidden``), by id: the edit form's choices."""
    return query_df(con, "SELECT narrative_id, label, hidden FROM narratives WHERE issue_id = ? ORDER BY narrative_id",
                    [issue_id])
