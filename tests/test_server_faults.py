"""The server killed (SIGKILL) in the middle of an inbox import, then started again.

On restart the store is as it was before that import, the credential file the dead server left is
recognised as stale (a command falls back to opening the store itself, the next server replaces the
file), and the inbox file is still there, so the next server imports it: once.
"""
from __future__ import annotations

import json
import time

import pandas as pd
from server_process import NOW, harvest_csv, run_cli, start_server

from monitoring.ingest import imports
from monitoring.server.client import find_server
from monitoring.server.credentials import read_credentials
from monitoring.store import database as storage

BIG_ROWS = 300_000  # ~3 s to read, map and store: the kill lands inside the import


def _running_inbox_job(server, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = [j for j in server.get("/jobs").json["data"] if j["kind"] == "inbox" and j["status"] == "running"]
        if jobs and "mengimpor" in jobs[0]["message"]:
            return jobs[0]
        time.sleep(0.05)
    raise AssertionError(f"no inbox import started: {server.log()}")


def _store_counts(db) -> tuple[int, list[str]]:
    con = storage.connect(db)
    try:
        posts = storage.query_value(con, "SELECT count(*) FROM posts")
        names = imports.list_datasets(con)["file_name"].tolist()
    finally:
        con.close()
    return posts, names


def test_sigkill_mid_import_keeps_the_store_and_the_inbox_file_and_leaves_a_stale_credential(tmp_path):
    db = tmp_path / "store.duckdb"
    con = storage.connect(db)
    imports.import_file(con, harvest_csv(1_000, "lama"), "lama.csv", now=pd.Timestamp(NOW))
    con.close()
    before = _store_counts(db)
    server = start_server(db)
    inbox = db.parent / "inbox"
    (inbox / ".besar.csv.part").write_bytes(harvest_csv(BIG_ROWS, "besar"))
    (inbox / ".besar.csv.part").rename(inbox / "besar.csv")
    job = _running_inbox_job(server)
    time.sleep(1.0)
    dead = server.creds
    assert "mengimpor" in server.get(f"/jobs/{job['id']}").json["message"]  # still importing
    server.kill()

    assert _store_counts(db) == before  # the interrupted import left nothing behind
    assert (inbox / "besar.csv").exists()
    assert not (inbox / "selesai" / "besar.csv").exists() and not (inbox / "gagal" / "besar.csv").exists()
    assert read_credentials(db) == dead and find_server(db) is None  # left behind, and known to be stale
    small = tmp_path / "kecil.csv"
    small.write_bytes(harvest_csv(50, "kecil"))
    direct = run_cli("ingest", str(small), "--now", NOW, db=db)  # no live server: opens the store itself
    assert direct.returncode == 0, direct.stderr
    assert json.loads(direct.stdout)["rows_imported"] == 50

    again = start_server(db)
    try:
        assert again.creds.server_id != dead.server_id and again.creds.pid == again.proc.pid
        assert find_server(db) is not None
        retry = _running_inbox_job(again)
        deadline = time.monotonic() + 90
        while "mengimpor" in retry["message"] and retry["status"] == "running" and time.monotonic() < deadline:
            # past the import's COMMIT (DuckDB shows a big commit to readers a moment before it returns)
            time.sleep(0.1)
            retry = again.get(f"/jobs/{retry['id']}").json
        landed = [d for d in again.get("/datasets").json["data"] if d["file_name"] == "besar.csv"]
        assert [d["rows_imported"] for d in landed] == [BIG_ROWS], again.log()
    finally:
        again.kill()  # no need to wait for the analysis of 300k posts
    posts, names = _store_counts(db)
    assert posts == before[0] + 50 + BIG_ROWS
    assert sorted(names) == ["besar.csv", "kecil.csv", "lama.csv"]

