"""The credential file beside the database: owner-only, found by commands, ignored when stale."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

from monitoring.server.client import find_server
from monitoring.server.credentials import (
    credential_path,
    new_credentials,
    process_alive,
    read_credentials,
    remove_credentials,
    write_credentials,
)


def test_the_file_is_beside_the_database_owner_only_and_read_back(tmp_path):
    db = tmp_path / "data" / "pantauisu.duckdb"
    db.parent.mkdir()
    creds = new_credentials(db, "http://127.0.0.1:8501/", "pis_rahasia", "abc123")
    path = write_credentials(creds)
    assert path == db.parent / "pantauisu.duckdb.server.json" == credential_path(tmp_path / "data" / "." / db.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_credentials(db) == creds and creds.url == "http://127.0.0.1:8501" and creds.pid == os.getpid()
    remove_credentials(new_credentials(db, "http://x", "t", "another-server"))  # not ours: kept
    assert path.exists()
    remove_credentials(creds)
    assert not path.exists() and read_credentials(db) is None


def test_a_file_others_could_read_or_a_broken_one_is_ignored(tmp_path):
    db = tmp_path / "s.duckdb"
    path = write_credentials(new_credentials(db, "http://127.0.0.1:1", "pis_x", "id"))
    path.chmod(0o644)
    assert read_credentials(db) is None
    path.chmod(0o600)
    path.write_text("{bukan json")
    assert read_credentials(db) is None


def test_a_file_left_by_a_dead_process_or_a_silent_server_is_stale(tmp_path):
    db = tmp_path / "s.duckdb"
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    assert not process_alive(dead_pid) and process_alive(os.getpid())
    creds = new_credentials(db, "http://127.0.0.1:9", "pis_x", "id")
    write_credentials(creds.__class__(**{**creds.__dict__, "pid": dead_pid}))
    assert read_credentials(db) is not None and find_server(db) is None
    write_credentials(creds)  # a live process (this one) that answers nothing at the URL
    assert find_server(db) is None
