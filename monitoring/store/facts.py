"""Derived tables the pages read: the fact table ``post_facts`` and the keyword-match cache.

``post_view`` joins three tables of one row per post on a text key; at 1M posts every chart
query over it costs ~0.3-1.3 s. ``post_facts`` holds the same rows and the columns the pages
aggregate (not the posts' own text, URL and extra columns: a list of posts reads those by key
through the posts' primary-key index), sorted by time so row groups of other dates are skipped.

Both are derived data, valid for one store version (:func:`monitoring.store.database.store_version`,
bumped by every write): :func:`monitoring.pipeline.analyze` refreshes the fact table at its
end; writes that know which posts they changed (an upload, stored enrichment, incremental
issue assignment) patch just those rows (:func:`record_change`); after any other change (an
analyst's edit, a new sentiment model, a deleted dataset) the first reader refreshes it, or reads ``post_view`` (always exact) when it cannot
write: another thread holds the writer lock, this thread is inside a transaction, a long write is
running (:func:`refresh_deferred`), or the store is read-only.
"""
from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager
from typing import Iterator

import duckdb

from monitoring import schema as S
from monitoring.store.database import (
    WRITE_LOCK,
    bump_version,
    in_transaction,
    query_value,
    transaction,
)

FACTS_TABLE = "post_facts"
FACT_COLUMNS = (
    S.POST_KEY, S.DATASET_ID, S.PLATFORM, S.CREATED_AT, S.AUTHOR, S.AUTHOR_KEY, S.IN_REPLY_TO, S.LIKES,
    S.REPLIES, S.SHARES, S.VIEWS, S.SENTIMENT, S.SENTIMENT_SCORE, S.PROVINCE_CODE, S.PROVINCE, S.KABKOTA_CODE, S.KABKOTA,
    S.REGION_SOURCE, S.ISSUE_ID, S.DUP_GROUP, S.IS_COORDINATED, S.HASHTAGS, S.CLEAN_TEXT, S.NARRATIVE_ID,
)
FACTS_STATE = "facts_version"
# Above this share of changed rows a refresh rebuilds the table (sorted) instead of patching it.
FACTS_REBUILD_SHARE = 0.3
KEYWORD_PATTERNS_KEPT = 32  # distinct search patterns cached per store version

# The fact table is valid for one store version and one column list (FACT_COLUMNS may change
# between releases): its state is "<store version>|<columns digest>".
_FACTS_DIGEST = hashlib.sha1(",".join(FACT_COLUMNS).encode()).hexdigest()[:12]
_VERSION_SQL = "coalesce((SELECT value FROM store_state WHERE key = 'version'), '0')"
_FACTS_STAMP_SQL = f"{_VERSION_SQL} || '|{_FACTS_DIGEST}'"
_FRESH_SQL = f"SELECT coalesce((SELECT value FROM store_state WHERE key = '{FACTS_STATE}') = {_FACTS_STAMP_SQL}, false)"


def facts_source(con: duckdb.DuckDBPyConnection) -> str:
    """Name of the relation page queries should read: ``post_facts`` or ``post_view``.

    ``post_facts`` when it matches the store version; otherwise this call refreshes it first
    when it can (see the module docstring), else ``post_view``.
    """
    if query_value(con, _FRESH_SQL):
        return FACTS_TABLE
    if in_transaction() or _DEFERRED[0] or not WRITE_LOCK.acquire(blocking=False):
        return "post_view"
    try:
        with transaction(con):
            refresh_facts(con)
        return FACTS_TABLE
    except duckdb.Error:  # read-only connection, or a concurrent schema change
        return "post_view"
    finally:
        WRITE_LOCK.release()


_DEFERRED = [0]  # long writes running now (see refresh_deferred)
_DEFERRED_LOCK = threading.Lock()


@contextmanager
def refresh_deferred() -> Iterator[None]:
    """While a long write runs (a server job: an import, an analysis), readers read ``post_view``
    instead of refreshing ``post_facts`` or the keyword matches between its transactions: each
    of its commits would make them stale again, and a reader's refresh would hold the writer lock
    the write needs next. The write refreshes them itself when it is done."""
    with _DEFERRED_LOCK:
        _DEFERRED[0] += 1
    try:
        yield
    finally:
        with _DEFERRED_LOCK:
            _DEFERRED[0] -= 1


def refresh_facts(con: duckdb.DuckDBPyConnection, *, rebuild: bool = False) -> int:
    """Bring ``post_facts`` up to the current store version (call inside a write transaction).

    Nothing to do when it is up to date. Otherwise rows that differ from ``post_view`` (new,
    changed, deleted posts) are replaced; when more than :data:`FACTS_REBUILD_SHARE` of them
    changed (or the columns changed, or the caller knows most rows changed: ``rebuild``, which
    spares comparing and holding them) the table is rebuilt, sorted by time. Returns the number
    of rows written.
    """
    if con.execute(_FRESH_SQL).fetchall()[0][0]:
        return 0
    columns = ", ".join(FACT_COLUMNS)
    present = [r[0] for r in con.execute(
        f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{FACTS_TABLE}' "
        "AND schema_name = 'main' ORDER BY column_index").fetchall()]
    if rebuild or present != list(FACT_COLUMNS):
        written = _rebuild_facts(con, columns)
    else:
        changed = " OR ".join(f"v.{c} IS DISTINCT FROM f.{c}" for c in FACT_COLUMNS[1:])
        con.execute(f"""CREATE OR REPLACE TEMP TABLE facts_delta AS SELECT v.* FROM (SELECT {columns} FROM post_view) v
            LEFT JOIN {FACTS_TABLE} f USING ({S.POST_KEY}) WHERE f.{S.POST_KEY} IS NULL OR {changed}""")
        written, total = con.execute(
            "SELECT (SELECT count(*) FROM facts_delta), (SELECT count(*) FROM posts)").fetchall()[0]
        if written > FACTS_REBUILD_SHARE * total:
            written = _rebuild_facts(con, columns)
        else:
            con.execute(f"DELETE FROM {FACTS_TABLE} WHERE {S.POST_KEY} IN (SELECT {S.POST_KEY} FROM facts_delta) "
                        f"OR {S.POST_KEY} NOT IN (SELECT {S.POST_KEY} FROM posts)")
            con.execute(f"INSERT INTO {FACTS_TABLE} SELECT * FROM facts_delta")
        con.execute("DROP TABLE facts_delta")
    _stamp(con)
    return int(written)


def _stamp(con: duckdb.DuckDBPyConnection) -> None:
    """Mark ``post_facts`` as matching the current store version."""
    con.execute(f"""INSERT INTO store_state VALUES ('{FACTS_STATE}', {_FACTS_STAMP_SQL})
        ON CONFLICT (key) DO UPDATE SET value = excluded.value""")


def _rebuild_facts(con: duckdb.DuckDBPyConnection, columns: str) -> int:
    # no key index: building it costs more (~3 s at 1M posts) than the few key lookups save
    con.execute(f"CREATE OR REPLACE TABLE {FACTS_TABLE} AS SELECT {columns} FROM post_view ORDER BY {S.CREATED_AT}")
    return con.execute(f"SELECT count(*) FROM {FACTS_TABLE}").fetchall()[0][0]


def keyword_hits_ready(con: duckdb.DuckDBPyConnection, pattern: str) -> bool:
    """Whether ``keyword_hits`` holds the posts whose text matches ``pattern`` (ILIKE, with
    ``\\`` as escape) for the current store version, computing them first when possible.

    A search is one scan of every post text (~0.4 s at 1M posts); a page runs several queries
    with the same search, which then read the stored matches. False when the matches cannot
    be written (see the module docstring): the caller then searches the texts itself.
    """
    version = query_value(con, f"SELECT {_VERSION_SQL}")
    ready = "SELECT count(*) FROM keyword_hits WHERE pattern = ? AND version = ? AND post_key IS NULL"
    try:
        if query_value(con, ready, [pattern, version]):
            return True
    except duckdb.Error:  # table missing: a read-only store of an older schema
        return False
    if in_transaction() or _DEFERRED[0] or not WRITE_LOCK.acquire(blocking=False):
        return False
    try:
        with transaction(con):
            stale = con.execute("SELECT count(DISTINCT pattern) >= ? OR bool_or(version <> ?) FROM keyword_hits",
                                [KEYWORD_PATTERNS_KEPT, version]).fetchall()[0][0]
            if stale:
                con.execute("DELETE FROM keyword_hits")
            con.execute(f"INSERT INTO keyword_hits SELECT ?, ?, {S.POST_KEY} FROM posts "
                        f"WHERE {S.TEXT} ILIKE ? ESCAPE '\\' UNION ALL SELECT ?, ?, NULL",
                        [pattern, version, pattern, pattern, version])
        return True
    except duckdb.Error:
        return False
    finally:
        WRITE_LOCK.release()


def record_change(con: duckdb.DuckDBPyConnection, changed: str, params: list | None = None) -> None:
    """Bump the store version after a write that changed only the posts matching ``changed``;
    call inside the write's transaction instead of :func:`monitoring.store.database.bump_version`.

    ``changed`` is an SQL condition on ``post_key`` / ``dataset_id`` only (they never change for
    a post), e.g. ``"dataset_id = ?"`` for a new upload. When ``post_facts`` matched the store
    before this write, only those posts' rows are replaced (~0.1-0.3 s for 10k posts in a 1M
    store, against ~4 s for the full comparison of :func:`refresh_facts`) and it stays fresh;
    otherwise it is left to :func:`refresh_facts`.
    """
    was_fresh = con.execute(_FRESH_SQL).fetchall()[0][0]
    bump_version(con)
    if not was_fresh:
        return
    params = params or []
    con.execute(f"DELETE FROM {FACTS_TABLE} WHERE {changed}", params)
    con.execute(f"INSERT INTO {FACTS_TABLE} {_CHANGED_ROWS_SQL.format(changed=changed)}", params)
    _stamp(con)


# post_view's rows of the changed posts, with the key filter on each of its tables: DuckDB does not
# push it through the view's joins (10k posts of a 1M store: 0.23 s instead of 0.76 s). The fact
# table tests compare the result with post_view itself.
_CHANGED_ROWS_SQL = f"""
    WITH changed AS MATERIALIZED (SELECT {S.POST_KEY} FROM posts WHERE {{changed}})
    SELECT {", ".join(FACT_COLUMNS)} FROM (
        SELECT p.*, e.* EXCLUDE ({S.POST_KEY}), i.* EXCLUDE ({S.POST_KEY}),
               md5_number_lower(p.{S.AUTHOR}) AS {S.AUTHOR_KEY}
        FROM (SELECT * FROM posts WHERE {S.POST_KEY} IN (SELECT {S.POST_KEY} FROM changed)) p
        LEFT JOIN (SELECT * FROM enrichment WHERE {S.POST_KEY} IN (SELECT {S.POST_KEY} FROM changed)) e
            USING ({S.POST_KEY})
        LEFT JOIN (SELECT * FROM post_issues WHERE {S.POST_KEY} IN (SELECT {S.POST_KEY} FROM changed)) i
            USING ({S.POST_KEY}))"""
