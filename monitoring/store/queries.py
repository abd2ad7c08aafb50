"""Aggregations for pages and exports, run in DuckDB with ``?`` parameters.

A pure function builds the SQL and its parameters (:func:`where_clause`); thin functions
execute it. No user value is ever formatted into SQL; identifiers come only from
:mod:`monitoring.schema`. Queries read the ``post_facts`` table (the aggregated columns of the
``post_view`` view, materialised per store version; :func:`monitoring.store.facts.facts_source`)
and fall back to ``post_view`` (posts + enrichment + issues) when it cannot be refreshed.
Post texts are fetched for the few posts a list shows, by key, never scanned for a chart.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.store.database import query_df, query_value
from monitoring.store.facts import FACTS_TABLE, facts_source, keyword_hits_ready

TZ_OFFSETS = {"WIB": 7, "WITA": 8, "WIT": 9}
ENGAGEMENT_SQL = f"coalesce({S.LIKES},0) + coalesce({S.REPLIES},0) + coalesce({S.SHARES},0)"
_HOUR_US = 3_600_000_000


def _floor_us(expr: str, size: int) -> str:
    """``expr`` (microseconds) rounded down to a multiple of ``size``, also before 1970."""
    return f"({expr} - ((({expr}) % {size}) + {size}) % {size})"


def utc_bucket_sql(bucket: str) -> str:
    """Start of the UTC day/hour of created_at as TIMESTAMPTZ.

    Same values as ``date_trunc(bucket, created_at)`` in the UTC session, by integer arithmetic
    (date_trunc on TIMESTAMPTZ goes through the ICU calendar for every row: ~4x slower).
    """
    size = {"day": 24 * _HOUR_US, "hour": _HOUR_US}[bucket]
    return f"make_timestamptz({_floor_us(f'epoch_us({S.CREATED_AT})', size)})"


HOUR_SQL = utc_bucket_sql("hour")


@dataclass(frozen=True)
class Filters:
    """The global filters shared by every page (and reflected in the URL)."""

    start: pd.Timestamp | None = None        # inclusive, UTC
    end: pd.Timestamp | None = None          # exclusive, UTC
    dataset_ids: tuple[int, ...] = ()
    platforms: tuple[str, ...] = ()
    province_codes: tuple[str, ...] = ()
    issue_ids: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    keyword: str = ""
    post_keys: tuple[str, ...] = ()          # specific posts (e.g. examples of a plan row)

    def key(self) -> str:
        """A stable cache key."""
        return repr(sorted(asdict(self).items()))


def where_clause(filters: Filters, *, alias: str = "", keyword_via_posts: bool = False) -> tuple[str, list[Any]]:
    """Build ``WHERE ...`` and its parameters for the filters (pure).

    ``keyword_via_posts`` matches the keyword through a key lookup in ``posts`` (for relations
    without the text column, such as ``post_facts``) instead of the relation's own ``text``.
    """
    a = f"{alias}." if alias else ""
    parts: list[str] = []
    params: list[Any] = []
    if filters.start is not None:
        parts.append(f"{a}{S.CREATED_AT} >= ?")
        params.append(filters.start.to_pydatetime())
    if filters.end is not None:
        parts.append(f"{a}{S.CREATED_AT} < ?")
        params.append(filters.end.to_pydatetime())
    for column, values in ((S.DATASET_ID, filters.dataset_ids), (S.PLATFORM, filters.platforms),
                           (S.PROVINCE_CODE, filters.province_codes), (S.ISSUE_ID, filters.issue_ids),
                           (S.SENTIMENT, filters.sentiments), (S.POST_KEY, filters.post_keys)):
        if values:
            parts.append(f"{a}{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
    if filters.keyword.strip() and keyword_via_posts:
        parts.append(f"{a}{S.POST_KEY} IN (SELECT {S.POST_KEY} FROM posts WHERE {S.TEXT} ILIKE ? ESCAPE '\\')")
        params.append("%" + _escape_like(filters.keyword.strip()) + "%")
    elif filters.keyword.strip():
        parts.append(f"{a}{S.TEXT} ILIKE ? ESCAPE '\\'")
        params.append("%" + _escape_like(filters.keyword.strip()) + "%")
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def scoped(con: duckdb.DuckDBPyConnection, filters: Filters, *, alias: str = "",
           source: str | None = None) -> tuple[str, str, list[Any]]:
    """``(relation, where, params)`` of a page query: ``post_facts`` when fresh, else ``post_view``.

    Both relations have every column of :data:`monitoring.store.facts.FACT_COLUMNS`; the keyword
    filter goes through ``posts`` so it works on either. ``source``: the relation a previous
    call returned, for a function that runs several queries (one freshness check, not one each).
    """
    if source not in (None, FACTS_TABLE, "post_view"):
        raise ValueError(f"not a posts relation: {source}")
    source = source or facts_source(con)
    keyword = filters.keyword.strip()
    pattern = "%" + _escape_like(keyword) + "%"
    if keyword and keyword_hits_ready(con, pattern):
        where, params = where_clause(replace(filters, keyword=""), alias=alias)
        a = f"{alias}." if alias else ""
        where = _and(where, f"{a}{S.POST_KEY} IN (SELECT {S.POST_KEY} FROM keyword_hits WHERE pattern = ? "
                            f"AND {S.POST_KEY} IS NOT NULL)")
        return source, where, params + [pattern]
    where, params = where_clause(filters, alias=alias, keyword_via_posts=True)
    return source, where, params


def _run(con: duckdb.DuckDBPyConnection, select: str, filters: Filters, tail: str = "",
         extra_params: list[Any] | None = None) -> pd.DataFrame:
    source, where, params = scoped(con, filters)
    return query_df(con, f"{select} FROM {source} {where} {tail}", (extra_params or []) + params)


def _and(where: str, condition: str) -> str:
    return (where + " AND " if where else "WHERE ") + condition


def local_bucket_sql(bucket: str, offset_hours: int) -> str:
    """Start of the day/hour (naive local TIMESTAMP) of created_at shifted by ``offset_hours``.

    Equals ``date_trunc(bucket, timezone('UTC', created_at + INTERVAL offset HOUR))``, by
    integer arithmetic on microseconds (no ICU calendar per row).
    """
    size = {"day": 24 * _HOUR_US, "hour": _HOUR_US}[bucket]
    return f"make_timestamp({_floor_us(f'epoch_us({S.CREATED_AT}) + {int(offset_hours) * _HOUR_US}', size)})"


def data_bounds(con: duckdb.DuckDBPyConnection) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Earliest and latest post time in the store."""
    row = query_df(con, f"SELECT min({S.CREATED_AT}) lo, max({S.CREATED_AT}) hi FROM posts")
    lo, hi = row["lo"].iloc[0], row["hi"].iloc[0]
    return (None if pd.isna(lo) else pd.Timestamp(lo), None if pd.isna(hi) else pd.Timestamp(hi))


def overview(con: duckdb.DuckDBPyConnection, filters: Filters, *, authors: bool = True) -> dict[str, Any]:
    """Headline numbers of the filtered posts.

    ``authors=False`` leaves the number of distinct accounts out (None): counting them is most
    of the query's cost (~15 ms on the integer ``author_key``, ~35 ms on names, at 1M posts),
    and several callers need only volume, shares and the time span.
    """
    authors_sql = f"count(DISTINCT {S.AUTHOR_KEY})" if authors else "CAST(NULL AS BIGINT)"
    frame = _run(con, f"""SELECT count(*) AS posts, {authors_sql} AS authors,
        avg(CASE WHEN {S.SENTIMENT} = 'negative' THEN 1.0 ELSE 0.0 END) AS negative_share,
        avg(CASE WHEN {S.SENTIMENT} = 'positive' THEN 1.0 ELSE 0.0 END) AS positive_share,
        avg(CASE WHEN {S.PROVINCE_CODE} IS NOT NULL THEN 1.0 ELSE 0.0 END) AS located_share,
        count(DISTINCT {S.ISSUE_ID}) AS issues, sum({ENGAGEMENT_SQL}) AS engagement,
        min({S.CREATED_AT}) AS first_post, max({S.CREATED_AT}) AS last_post""", filters)
    record = frame.iloc[0].to_dict()
    return {k: (None if pd.isna(v) else v) for k, v in record.items()}


def volume_over_time(con: duckdb.DuckDBPyConnection, filters: Filters, *, bucket: str = "day",
                     timezone: str = "WIB") -> pd.DataFrame:
    """Posts per time bucket (day or hour, in the display time zone) and sentiment."""
    if bucket not in ("day", "hour"):
        raise ValueError(bucket)
    return _run(con, f"SELECT {local_bucket_sql(bucket, TZ_OFFSETS[timezone])} AS bucket, "
                     f"coalesce({S.SENTIMENT}, 'neutral') AS sentiment, count(*) AS posts",
                filters, "GROUP BY ALL ORDER BY bucket")


def counts_by(con: duckdb.DuckDBPyConnection, filters: Filters, column: str, *, limit: int = 50) -> pd.DataFrame:
    """Posts, negative share and engagement per value of one schema column."""
    if column not in (S.PLATFORM, S.PROVINCE_CODE, S.KABKOTA_CODE, S.ISSUE_ID, S.SENTIMENT, S.AUTHOR,
                      S.REGION_SOURCE, S.DATASET_ID):
        raise ValueError(f"not a groupable column: {column}")
    return _run(con, f"""SELECT {column} AS key, count(*) AS posts,
        avg(CASE WHEN {S.SENTIMENT} = 'negative' THEN 1.0 ELSE 0.0 END) AS negative_share,
        avg(CASE WHEN {S.SENTIMENT} = 'positive' THEN 1.0 ELSE 0.0 END) AS positive_share,
        sum({ENGAGEMENT_SQL}) AS engagement""", filters,
        f"GROUP BY ALL ORDER BY posts DESC LIMIT {int(limit)}")


def region_counts(con: duckdb.DuckDBPyConnection, filters: Filters, *, province_code: str | None = None) -> pd.DataFrame:
    """Posts per province, or per kabupaten/kota inside one province."""
    if province_code is None:
        code, name, extra = S.PROVINCE_CODE, S.PROVINCE, []
        cond = f"{S.PROVINCE_CODE} IS NOT NULL"
    else:
        code, name, extra = S.KABKOTA_CODE, S.KABKOTA, [province_code]
        cond = f"{S.PROVINCE_CODE} = ? AND {S.KABKOTA_CODE} IS NOT NULL"
    source, where, params = scoped(con, filters)
    return query_df(con, f"""SELECT {code} AS code, any_value({name}) AS name, count(*) AS posts,
        avg(CASE WHEN {S.SENTIMENT} = 'negative' THEN 1.0 ELSE 0.0 END) AS negative_share
        FROM {source} {_and(where, cond)} GROUP BY ALL ORDER BY posts DESC""", params + extra)


def sentiment_split(con: duckdb.DuckDBPyConnection, filters: Filters, by: str) -> pd.DataFrame:
    """Posts per (``by`` value, sentiment) for stacked bars."""
    if by not in (S.ISSUE_ID, S.PROVINCE_CODE, S.PLATFORM):
        raise ValueError(by)
    return _run(con, f"SELECT {by} AS key, {S.SENTIMENT} AS sentiment, count(*) AS posts",
                filters, "GROUP BY ALL")


def top_hashtags(con: duckdb.DuckDBPyConnection, filters: Filters, *, limit: int = 20) -> pd.DataFrame:
    """Most used hashtags."""
    source, where, params = scoped(con, filters)
    return query_df(con, f"""SELECT tag, count(*) AS posts FROM (
        SELECT unnest({S.HASHTAGS}) AS tag FROM {source} {where}) GROUP BY tag
        ORDER BY posts DESC, tag LIMIT {int(limit)}""", params)


def top_accounts(con: duckdb.DuckDBPyConnection, filters: Filters, *, limit: int = 20) -> pd.DataFrame:
    """Accounts by activity and reach (engagement), with their negative share."""
    return _run(con, f"""SELECT {S.AUTHOR} AS author, count(*) AS posts, sum({ENGAGEMENT_SQL}) AS engagement,
        sum(coalesce({S.VIEWS}, 0)) AS views,
        avg(CASE WHEN {S.SENTIMENT} = 'negative' THEN 1.0 ELSE 0.0 END) AS negative_share,
        avg(CASE WHEN {S.IS_COORDINATED} THEN 1.0 ELSE 0.0 END) AS coordinated_share""",
        filters, "GROUP BY ALL HAVING author IS NOT NULL "
                 f"ORDER BY engagement DESC, posts DESC, author LIMIT {int(limit)}")


def reply_edges(con: duckdb.DuckDBPyConnection, filters: Filters, *, limit: int = 60) -> pd.DataFrame:
    """Who replies to whom: (author, in_reply_to, replies)."""
    source, where, params = scoped(con, filters)
    where = _and(where, f"{S.IN_REPLY_TO} IS NOT NULL AND {S.AUTHOR} IS NOT NULL")
    return query_df(con, f"""SELECT {S.AUTHOR} AS source, {S.IN_REPLY_TO} AS target, count(*) AS replies
        FROM {source} {where} GROUP BY ALL ORDER BY replies DESC, source, target LIMIT {int(limit)}""", params)


SAMPLE_COLUMNS = (S.POST_KEY, S.CREATED_AT, S.PLATFORM, S.AUTHOR, S.TEXT, S.CLEAN_TEXT, S.SENTIMENT,
                  S.SENTIMENT_SCORE, S.PROVINCE, S.KABKOTA, S.REGION_SOURCE, S.ISSUE_ID, S.LIKES, S.REPLIES,
                  S.SHARES, S.URL)
POST_ONLY_COLUMNS = (S.TEXT, S.URL)  # in posts only, not in the fact table


def sample_posts(con: duckdb.DuckDBPyConnection, filters: Filters, *, limit: int = 50,
                 order: str = "engagement") -> pd.DataFrame:
    """Posts to read: most engaging or newest first."""
    # the post key settles ties, so the same filters always list the same posts
    order_sql = {"engagement": f"{ENGAGEMENT_SQL} DESC", "newest": f"{S.CREATED_AT} DESC"}[order] + f", {S.POST_KEY}"
    source, where, params = scoped(con, _within_posts_time(con, filters))
    if source != FACTS_TABLE:
        return query_df(con, f"SELECT {', '.join(SAMPLE_COLUMNS)} FROM {source} {where} "
                             f"ORDER BY {order_sql} LIMIT {int(limit)}", params)
    # the posts are chosen on the fact table; their texts are then read by key (posts' index)
    top = query_df(con, f"SELECT {', '.join(c for c in SAMPLE_COLUMNS if c not in POST_ONLY_COLUMNS)} "
                        f"FROM {source} {where} ORDER BY {order_sql} LIMIT {int(limit)}", params)
    texts = post_columns(con, top[S.POST_KEY].tolist(), POST_ONLY_COLUMNS)
    return top.merge(texts, on=S.POST_KEY, how="left").loc[:, list(SAMPLE_COLUMNS)]


def _within_posts_time(con: duckdb.DuckDBPyConnection, filters: Filters) -> Filters:
    """``filters`` with the time range narrowed to the given posts' own times (same rows).

    A lookup of specific posts would read every key of the fact table; their times, found
    through the posts' key index, let it skip the row groups of other times (the table is
    sorted by time). Unchanged when no posts are given or one of them has no time.
    """
    if not filters.post_keys:
        return filters
    marks = ", ".join("?" for _ in filters.post_keys)
    lo, hi, untimed = con.cursor().execute(
        f"SELECT min({S.CREATED_AT}), max({S.CREATED_AT}), count(*) FILTER (WHERE {S.CREATED_AT} IS NULL) "
        f"FROM posts WHERE {S.POST_KEY} IN ({marks})", list(filters.post_keys)).fetchall()[0]
    if lo is None or untimed:
        return filters
    lo, hi = pd.Timestamp(lo), pd.Timestamp(hi) + pd.Timedelta(microseconds=1)
    return replace(filters, start=lo if filters.start is None else max(filters.start, lo),
                   end=hi if filters.end is None else min(filters.end, hi))


def post_columns(con: duckdb.DuckDBPyConnection, post_keys: list[str], columns: tuple[str, ...]) -> pd.DataFrame:
    """``post_key`` and ``columns`` of the given posts, found through the posts' key index."""
    if not set(columns) <= set(S.CANONICAL_COLUMNS):
        raise ValueError(f"not a posts column: {columns}")
    keys = list(dict.fromkeys(post_keys))
    condition = f"{S.POST_KEY} IN ({', '.join('?' for _ in keys)})" if keys else "false"
    return query_df(con, f"SELECT {S.POST_KEY}, {', '.join(columns)} FROM posts WHERE {condition}", keys)


def hourly_issue_counts(con: duckdb.DuckDBPyConnection, filters: Filters, *,
                        since: pd.Timestamp | None = None, level: str = S.PROVINCE_CODE,
                        windows: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> pd.DataFrame:
    """Counts per issue × region × hour, the input of emerging scores and alerts.

    With ``windows`` (the first hour buckets of the baseline and of the recent window, from
    :func:`monitoring.signals.scores.window_starts`) hours before the baseline are left out and the
    baseline hours and the recent hours are summed, per issue × region, into one row each whose
    ``hour`` is the first hour of that part: all :func:`monitoring.signals.scores.emerging_scores`
    reads (sums per window and the first hour with data), in ~1/50 of the rows at 1M posts.
    Not for spike alerts, which need days.
    """
    if level not in (S.PROVINCE_CODE, S.KABKOTA_CODE):
        raise ValueError(level)
    source, where, params = scoped(con, filters)
    conds = [f"{S.ISSUE_ID} IS NOT NULL"]
    if since is not None:
        conds.append(f"{S.CREATED_AT} >= ?")
        params.append(since.to_pydatetime())
    hourly = f"""SELECT {S.ISSUE_ID}, {level}, {HOUR_SQL} AS hour,
        count(*) AS posts, count(*) FILTER (WHERE {S.SENTIMENT} = 'negative') AS negative,
        sum({ENGAGEMENT_SQL}) AS engagement,
        count(*) FILTER (WHERE {S.IS_COORDINATED}) AS coordinated
        FROM {source} {_and(where, " AND ".join(conds))} GROUP BY ALL"""
    if windows is None:
        return query_df(con, hourly, params)
    baseline_start, recent_start = (t.to_pydatetime() for t in windows)
    return query_df(con, f"""SELECT {S.ISSUE_ID}, {level}, min(hour) AS hour, CAST(sum(posts) AS BIGINT) AS posts,
        CAST(sum(negative) AS BIGINT) AS negative, CAST(sum(engagement) AS DOUBLE) AS engagement,
        CAST(sum(coordinated) AS BIGINT) AS coordinated
        FROM ({hourly}) WHERE hour >= ? GROUP BY {S.ISSUE_ID}, {level}, hour >= ?""",
                    [*params, baseline_start, recent_start])


def hourly_activity(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Posts per province and UTC hour of day (audience activity)."""
    hour_of_day = f"{_floor_us(f'epoch_us({S.CREATED_AT})', 24 * _HOUR_US)}"  # start of the UTC day
    hour_of_day = f"(epoch_us({S.CREATED_AT}) - {hour_of_day}) // {_HOUR_US}"
    return _run(con, f"SELECT {S.PROVINCE_CODE}, {hour_of_day} AS hour_utc, count(*) AS posts",
                filters, "GROUP BY ALL")


def issue_platforms(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Posts per issue × province × platform."""
    return _run(con, f"SELECT {S.ISSUE_ID}, {S.PROVINCE_CODE}, {S.PLATFORM}, count(*) AS posts",
                filters, "GROUP BY ALL")


def narrative_window_counts(con: duckdb.DuckDBPyConnection, filters: Filters, *, baseline_start: pd.Timestamp,
                            recent_start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Posts per issue × narrative in the baseline ``[baseline_start, recent_start)`` and the recent
    window ``[recent_start, end)``: ``issue_id, narrative_id, recent, baseline``."""
    source, where, params = scoped(con, replace(filters, start=baseline_start, end=end))
    return query_df(con, f"""SELECT {S.ISSUE_ID} AS issue_id, {S.NARRATIVE_ID} AS narrative_id,
        count(*) FILTER (WHERE {S.CREATED_AT} >= ?) AS recent, count(*) FILTER (WHERE {S.CREATED_AT} < ?) AS baseline
        FROM {source} {_and(where, f"{S.NARRATIVE_ID} IS NOT NULL")} GROUP BY ALL""",
                    [recent_start.to_pydatetime(), recent_start.to_pydatetime(), *params])


def narrative_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Narrative id -> name (the analyst's, else the phrase posts repeat, else the term label), not hidden."""
    frame = query_df(con, "SELECT narrative_id, label FROM narratives WHERE NOT coalesce(hidden, false)")
    return dict(zip(frame["narrative_id"], frame["label"]))


def issues_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stored issues (labels, terms, flags)."""
    return query_df(con, "SELECT * FROM issues ORDER BY issue_id")


def count_posts(con: duckdb.DuckDBPyConnection) -> int:
    return int(query_value(con, "SELECT count(*) FROM posts") or 0)
