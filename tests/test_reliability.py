"""Nothing lost: concurrent imports both land; a SIGKILL mid-import leaves the store consistent."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd

from monitoring.ingest import imports
from monitoring.store import database as storage

NOW = pd.Timestamp("2026-11-21T00:00:00Z")
ROOT = Path(__file__).resolve().parent.parent


def harvest_csv(n: int, prefix: str) -> bytes:
    rows = ["id_str,created_at,full_text,username,location"]
    for i in range(n):
        rows.append(f"{prefix}{i},2026-11-{1 + i % 20:02d}T{i % 24:02d}:00:00Z,"
                    f"\"Unggahan {prefix} nomor {i} soal harga beras, banjir dan jalan rusak\",akun{i % 97},Bandung")
    return ("\n".join(rows) + "\n").encode()


def test_two_sessions_importing_at_once_both_land(store):
    files = {"a.csv": harvest_csv(20_000, "a"), "b.csv": harvest_csv(20_000, "b")}
    errors: list[BaseException] = []
    reads: list[int] = []

    def do_import(name: str) -> None:
        try:
            imports.import_file(store, files[name], name, now=NOW)
        except BaseException as err:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(err)

    def read_while_importing() -> None:
        for _ in range(20):
            reads.append(storage.query_value(store, "SELECT count(*) FROM posts"))
            time.sleep(0.02)

    threads = [threading.Thread(target=do_import, args=(n,)) for n in files]
    threads.append(threading.Thread(target=read_while_importing))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert storage.query_value(store, "SELECT count(*) FROM posts") == 40_000
    assert sorted(imports.list_datasets(store)["rows_imported"]) == [20_000, 20_000]
    assert all(r in (0, 20_000, 40_000) for r in reads)  # readers never see half an import


KILL_SCRIPT = textwrap.dedent("""
    import sys, pandas as pd
    from monitoring.ingest import imports
    from monitoring.store import database as storage
    con = storage.connect(sys.argv[1])
    data = open(sys.argv[2], 'rb').read()
    print('start', flush=True)
    imports.import_file(con, data, 'big.csv', now=pd.Timestamp('2026-11-21T00:00:00Z'))
    print('done', flush=True)
""")


def test_sigkill_mid_import_leaves_store_consistent(tmp_path):
    db = tmp_path / "crash.duckdb"
    con = storage.connect(db)
    imports.import_file(con, harvest_csv(1_000, "old"), "old.csv", now=NOW)
    con.close()
    big = tmp_path / "big.csv"
    big.write_bytes(harvest_csv(150_000, "new"))
    outcomes = []
    for delay in (0.3, 0.8, 1.6):
        proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(db), str(big)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "start"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        con = storage.connect(db)
        posts = storage.query_value(con, "SELECT count(*) FROM posts")
        imported = storage.query_value(con, "SELECT sum(rows_imported) FROM datasets")
        old = storage.query_value(con, "SELECT count(*) FROM posts WHERE post_id LIKE 'old%'")
        con.close()
        assert old == 1_000                      # earlier data intact
        assert posts in (1_000, 151_000)          # the import is all there or not at all
        assert imported == posts                  # datasets table agrees with posts
        outcomes.append(posts)
        if posts == 151_000:
            break
    assert 1_000 in outcomes  # at least one kill really landed mid-import
