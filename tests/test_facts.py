"""The fact table (post_facts), the keyword-match cache and query_df's text-list columns."""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from monitoring import schema as S
from monitoring.store import database as storage
from monitoring.store import facts, queries

COLUMNS = ", ".join(facts.FACT_COLUMNS)


@pytest.fixture
def truth(truth_db_path, copy_of):
    return copy_of(truth_db_path)


def facts_differ_from_view(con) -> int:
    """Rows in one relation and not in the other (0 = identical multisets)."""
    return storage.query_value(con, f"""SELECT (SELECT count(*) FROM (SELECT {COLUMNS} FROM post_view
        EXCEPT ALL SELECT {COLUMNS} FROM post_facts)) + (SELECT count(*) FROM (SELECT {COLUMNS} FROM post_facts
        EXCEPT ALL SELECT {COLUMNS} FROM post_view))""")


def test_facts_are_built_on_first_read_and_equal_the_view(truth):
    assert facts.facts_source(truth) == facts.FACTS_TABLE
    assert facts_differ_from_view(truth) == 0
    assert storage.query_value(truth, "SELECT count(*) FROM post_facts") == \
        storage.query_value(truth, "SELECT count(*) FROM posts")


@pytest.mark.parametrize("change", [
    # an analyst edit moves posts to another issue
    "UPDATE post_issues SET issue_id = 'I0002' WHERE issue_id = 'I0001'",
    # a new sentiment model relabels posts
    "UPDATE enrichment SET sentiment = 'negative' WHERE sentiment = 'positive'",
    # a dataset is deleted
    "DELETE FROM posts WHERE post_key IN (SELECT post_key FROM posts LIMIT 200)",
    # everything is re-analysed
    "DELETE FROM post_issues",
])
def test_any_change_of_the_store_reaches_the_facts(truth, change):
    facts.facts_source(truth)
    with storage.transaction(truth):
        truth.execute(change)
        storage.bump_version(truth)
    assert facts_differ_from_view(truth) > 0  # stale until the next read
    assert facts.facts_source(truth) == facts.FACTS_TABLE
    assert facts_differ_from_view(truth) == 0


def test_a_new_upload_is_appended_without_rebuilding(truth):
    facts.facts_source(truth)
    with storage.transaction(truth):
        truth.execute("""INSERT INTO posts (post_key, post_id, dataset_id, platform, created_at, author, text)
            VALUES ('k-new', 'new1', 1, 'x', TIMESTAMPTZ '2026-11-20 10:00:00+00', 'warga_ntt',
                    'air bersih susah bgt di kupang 😭 #KupangButuhAir')""")
        storage.bump_version(truth)
        written = facts.refresh_facts(truth)
    assert written == 1
    assert facts_differ_from_view(truth) == 0


def test_a_fresh_fact_table_is_left_alone(truth):
    facts.facts_source(truth)
    with storage.transaction(truth):
        assert facts.refresh_facts(truth) == 0


def test_readers_fall_back_to_the_view_while_another_thread_writes(truth):
    with storage.transaction(truth):
        storage.bump_version(truth)
    answers = []
    holding, release = threading.Event(), threading.Event()

    def writer():
        with storage.WRITE_LOCK:
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(10)
    answers.append(facts.facts_source(truth))
    release.set()
    thread.join()
    answers.append(facts.facts_source(truth))
    assert answers == ["post_view", facts.FACTS_TABLE]


def test_no_refresh_inside_a_transaction(truth):
    with storage.transaction(truth):
        storage.bump_version(truth)  # the facts are stale from here on
    with storage.transaction(truth):
        assert facts.facts_source(truth) == "post_view"
    assert facts.facts_source(truth) == facts.FACTS_TABLE


def test_facts_of_an_older_column_list_are_rebuilt(truth):
    facts.facts_source(truth)
    with storage.transaction(truth):
        truth.execute("CREATE OR REPLACE TABLE post_facts AS SELECT * EXCLUDE (hashtags) FROM post_facts")
        truth.execute("UPDATE store_state SET value = 'old' WHERE key = 'facts_version'")
    assert facts.facts_source(truth) == facts.FACTS_TABLE
    assert facts_differ_from_view(truth) == 0


# --- keyword matches ---------------------------------------------------------------------------

@pytest.mark.parametrize("keyword, literal", [
    ("beras", "beras"),
    ("BBM", "bbm"),
    ("50%", "50%"),       # % and _ are literal, not wildcards
    ("a_b", "a_b"),
])
def test_keyword_matches_equal_a_case_insensitive_substring_search(truth, keyword, literal):
    with storage.transaction(truth):
        truth.execute("""INSERT INTO posts (post_key, post_id, dataset_id, platform, created_at, text) VALUES
            ('k1', 'a', 1, 'x', TIMESTAMPTZ '2026-11-20 10:00:00+00', 'diskon 50% beras premium a_b'),
            ('k2', 'b', 1, 'x', TIMESTAMPTZ '2026-11-20 11:00:00+00', 'diskon 50 persen BBM axb')""")
        storage.bump_version(truth)
    filters = queries.Filters(keyword=keyword)
    counted = queries.overview(truth, filters)["posts"]
    texts = storage.query_df(truth, "SELECT text FROM posts")["text"].str.lower()
    assert counted == int(texts.str.contains(literal, regex=False).sum())
    pattern = "%" + queries._escape_like(keyword) + "%"
    assert storage.query_value(truth, "SELECT count(*) FROM keyword_hits WHERE pattern = ? AND post_key IS NOT NULL",
                               [pattern]) == counted


def test_keyword_matches_are_recomputed_after_a_change(truth):
    before = queries.overview(truth, queries.Filters(keyword="kupang"))["posts"]
    with storage.transaction(truth):
        truth.execute("""INSERT INTO posts (post_key, post_id, dataset_id, platform, created_at, text) VALUES
            ('k9', 'z', 1, 'x', TIMESTAMPTZ '2026-11-20 10:00:00+00', 'Kupang panas bgt hari ini')""")
        storage.bump_version(truth)
    assert queries.overview(truth, queries.Filters(keyword="kupang"))["posts"] == before + 1


# --- query_df ---------------------------------------------------------------------------------

LIST_ROWS = """SELECT * FROM (VALUES (1, ['harga', 'beras', 'naik'], 'a', TIMESTAMPTZ '2026-11-20 01:00:00+00'),
    (2, NULL, NULL, NULL), (3, []::VARCHAR[], 'c', TIMESTAMPTZ '2026-11-20 03:00:00+00'),
    (4, ['beras', NULL], 'd', NULL)) v(n, tokens, s, t) ORDER BY n"""


@pytest.mark.parametrize("sql", [LIST_ROWS, f"SELECT tokens FROM ({LIST_ROWS})",
                                 f"SELECT t, tokens, n FROM ({LIST_ROWS}) WHERE n > 1",
                                 f"SELECT * FROM ({LIST_ROWS}) WHERE n > 9",
                                 f"WITH q AS ({LIST_ROWS}) SELECT n, s FROM q"])
def test_query_df_matches_duckdb_df(store, sql):
    expected = store.cursor().execute(sql).df()
    got = storage.query_df(store, sql)
    assert list(got.columns) == list(expected.columns)
    assert got.dtypes.equals(expected.dtypes)
    for column in expected.columns:
        for a, b in zip(expected[column], got[column]):
            if isinstance(a, np.ndarray):
                assert isinstance(b, np.ndarray) and b.dtype == a.dtype and list(b) == list(a)
            else:
                assert (pd.isna(a) and pd.isna(b)) or a == b


def test_query_df_shares_one_str_per_distinct_word(store):
    frame = storage.query_df(store, "SELECT ['beras', 'naik'] AS tokens FROM range(3)")
    assert frame["tokens"][0][0] is frame["tokens"][2][0]


# --- time buckets -------------------------------------------------------------------------------

STAMPS = ["1969-12-31 22:30:00", "2026-11-20 16:59:59.999999", "2026-11-20 17:00:00", "2026-12-31 23:30:00"]


@pytest.mark.parametrize("bucket", ["hour", "day"])
def test_utc_buckets_equal_date_trunc(store, bucket):
    rows = store.execute(f"""SELECT {queries.utc_bucket_sql(bucket)} = date_trunc('{bucket}', created_at)
        FROM (SELECT unnest(?::TIMESTAMPTZ[]) AS created_at)""", [[s + "+00" for s in STAMPS]]).fetchall()
    assert all(r[0] for r in rows)


@pytest.mark.parametrize("bucket, offset", [("day", 7), ("day", 9), ("hour", 8), ("day", 0)])
def test_local_buckets_equal_date_trunc_of_local_time(store, bucket, offset):
    rows = store.execute(f"""SELECT {queries.local_bucket_sql(bucket, offset)}
        = date_trunc('{bucket}', timezone('UTC', created_at + INTERVAL {offset} HOUR))
        FROM (SELECT unnest(?::TIMESTAMPTZ[]) AS created_at)""", [[s + "+00" for s in STAMPS]]).fetchall()
    assert all(r[0] for r in rows)


def test_post_columns_reads_by_key_and_rejects_other_columns(truth):
    keys = storage.query_df(truth, "SELECT post_key FROM posts ORDER BY post_key LIMIT 3")[S.POST_KEY].tolist()
    frame = queries.post_columns(truth, keys + keys[:1], (S.TEXT, S.URL))
    assert sorted(frame[S.POST_KEY]) == sorted(keys)
    assert list(queries.post_columns(truth, [], (S.TEXT,)).columns) == [S.POST_KEY, S.TEXT]
    with pytest.raises(ValueError):
        queries.post_columns(truth, keys, ("1; DROP TABLE posts",))
