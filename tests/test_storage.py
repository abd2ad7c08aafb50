"""The store: migrations, the import transaction, dedup, idempotent re-import, delete."""
from __future__ import annotations

import pandas as pd
import pytest

from monitoring.errors import UserError
from monitoring.ingest import imports
from monitoring.store import database as storage

NOW = pd.Timestamp("2026-11-21T00:00:00Z")

CSV = (
    "id_str,created_at,full_text,username,location\n"
    "1,2026-11-20T01:00:00Z,Harga beras naik lagi,andi,Bandung\n"
    "2,2026-11-20T02:00:00Z,=SUM(A1:A3) bukan rumus,budi,Surabaya\n"
    "3,2026-11-20T03:00:00Z,,cici,Medan\n"
    "2,2026-11-20T02:00:00Z,=SUM(A1:A3) bukan rumus,budi,Surabaya\n"
).encode()


def count(con, table="posts"):
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_migrations_are_idempotent(tmp_path):
    path = tmp_path / "s.duckdb"
    con = storage.connect(path)
    version = storage.migrate(con)
    con.close()
    con = storage.connect(path)
    assert storage.migrate(con) == version
    assert con.execute("SELECT count(*) FROM schema_version").fetchall()[0][0] == version


def test_issue_rows_survive_dropping_their_key_index(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "old.duckdb"))          # a store of the release before
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    for version, sql in enumerate(storage.MIGRATIONS[:-1], start=1):
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
    con.execute("INSERT INTO posts (post_key, text) VALUES ('x:1', 'harga beras naik')")
    con.execute("INSERT INTO post_issues (post_key, issue_id, dup_group, is_coordinated) VALUES ('x:1', 'I0001', 'g1', false)")
    con.close()
    con = storage.connect(tmp_path / "old.duckdb")
    assert con.execute("SELECT issue_id FROM post_view WHERE post_key = 'x:1'").fetchall() == [("I0001",)]
    keys = con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'post_issues' "
                       "AND constraint_type = 'PRIMARY KEY'").fetchall()[0][0]
    assert keys == 0
    con.close()


def test_import_counts_rejects_and_duplicates(store):
    summary = imports.import_file(store, CSV, "harvest.csv", now=NOW)
    assert (summary.rows_read, summary.rows_imported, summary.rows_rejected, summary.duplicates) == (4, 2, 1, 1)
    texts = {r[0] for r in store.execute("SELECT text FROM posts").fetchall()}
    assert "=SUM(A1:A3) bukan rumus" in texts  # stored verbatim
    rejects = imports.dataset_rejects(store, summary.dataset_id)
    assert len(rejects) == 1 and rejects["source_row"].iloc[0] == 3


def test_reimport_same_file_changes_nothing(store):
    imports.import_file(store, CSV, "harvest.csv", now=NOW)
    version = storage.store_version(store)
    again = imports.import_file(store, CSV, "harvest.csv", now=NOW)
    assert again.already_imported and again.rows_imported == 0
    assert count(store) == 2 and count(store, "datasets") == 1
    assert storage.store_version(store) == version


def test_overlapping_file_skips_known_posts(store):
    imports.import_file(store, CSV, "a.csv", now=NOW)
    other = CSV.replace(b"Bandung", b"Bandung ") + b"9,2026-11-20T05:00:00Z,Baru,dodi,Depok\n"
    summary = imports.import_file(store, other, "b.csv", now=NOW)
    assert summary.rows_imported == 1 and summary.duplicates == 3
    assert count(store) == 3


def test_posts_without_id_dedup_on_content(store):
    data = "akun;text\nandi;jalan rusak parah\nandi;jalan rusak parah\nbudi;lampu mati\n".encode()
    summary = imports.import_file(store, data, "komentar.csv", now=NOW)
    assert summary.rows_imported == 2 and summary.duplicates == 1


def test_failed_import_leaves_store_unchanged(store):
    imports.import_file(store, CSV, "a.csv", now=NOW)
    before = (count(store), count(store, "datasets"), storage.store_version(store))
    for bad in (b"", b"\x00\x01\x02\xff" * 100, b"id,created_at\n1,2026-01-01\n"):
        with pytest.raises(UserError):
            imports.import_file(store, bad, "bad.csv", now=NOW)
    assert (count(store), count(store, "datasets"), storage.store_version(store)) == before


def test_size_limit_is_checked_on_the_server(store):
    with pytest.raises(UserError, match="melebihi batas"):
        imports.import_file(store, CSV, "a.csv", now=NOW, max_bytes=10)


def test_remembered_mapping_is_reused(store):
    prepared = imports.prepare_file(store, CSV, "a.csv")
    mapping = dict(prepared.mapping, location_raw="username")
    imports.import_prepared(store, prepared, mapping=mapping, now=NOW)
    again = imports.prepare_file(store, CSV.replace(b"Harga", b"Harga minyak"), "b.csv")
    assert again.remembered and again.mapping["location_raw"] == "username"


def test_delete_dataset_removes_only_its_posts(store):
    first = imports.import_file(store, CSV, "a.csv", now=NOW)
    imports.import_file(store, b"id_str,full_text\n77,Banjir di Kota Bekasi\n", "b.csv", now=NOW)
    assert imports.delete_dataset(store, first.dataset_id) == 2
    assert count(store) == 1 and count(store, "rejects") == 0
    assert imports.list_datasets(store)["dataset_id"].tolist() == [2]


def test_query_df_reads_text_lists_in_batches_with_the_same_result(tmp_path, monkeypatch):
    con = storage.connect(tmp_path / "lists.duckdb")
    con.execute("CREATE TABLE t (k INTEGER, words VARCHAR[], seen TIMESTAMPTZ, note VARCHAR)")
    con.execute("""INSERT INTO t VALUES (1, ['harga', 'beras', 'naik'], TIMESTAMPTZ '2026-11-20 01:00:00+00', 'a'),
        (2, NULL, NULL, NULL), (3, [], TIMESTAMPTZ '2026-11-20 02:00:00+00', 'c'),
        (4, ['beras', NULL, 'mahal'], TIMESTAMPTZ '2026-11-20 03:00:00+00', 'd'),
        (5, ['banjir'], TIMESTAMPTZ '2026-11-20 04:00:00+00', 'e')""")
    whole = storage.query_df(con, "SELECT * FROM t ORDER BY k")
    monkeypatch.setattr(storage, "QUERY_BATCH_ROWS", 2)
    batched = storage.query_df(con, "SELECT * FROM t ORDER BY k")
    assert list(batched.columns) == ["k", "words", "seen", "note"] and len(batched) == 5
    assert dict(batched.dtypes) == dict(whole.dtypes)
    assert [None if w is pd.NA else list(w) for w in batched["words"]] == \
        [["harga", "beras", "naik"], None, [], ["beras", None, "mahal"], ["banjir"]]
    pd.testing.assert_frame_equal(batched.drop(columns="words"), whole.drop(columns="words"))
    assert storage.query_df(con, "SELECT * FROM t WHERE k > 9").empty
    frame, codes = storage.query_df_with_codes(con, "SELECT * FROM t ORDER BY k", column="words")
    pd.testing.assert_frame_equal(frame, batched)
    words = [list(codes.vocabulary[codes.codes[s:s + n]]) for s, n in zip(codes.starts, codes.lengths)]
    assert [[w if isinstance(w, str) else None for w in doc] for doc in words] == \
        [["harga", "beras", "naik"], [], [], ["beras", None, "mahal"], ["banjir"]]
    assert len(set(codes.vocabulary)) == len(codes.vocabulary)          # one code per word across batches
