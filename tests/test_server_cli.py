"""Commands and load against a real running dashboard: the CLI goes through the server with the same
output as on its own, 20 parallel ingests all land once, reads answer while a 50k-post import runs.

One server for the module, on a copy of the analysed demo store; a second copy of the same store is
used by the same commands without a server (direct mode), to compare outputs.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
from server_process import NOW, ROOT, harvest_csv, run_cli, start_server


@pytest.fixture(scope="module")
def stores(demo_db_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    served, direct = folder / "served" / "store.duckdb", folder / "direct" / "store.duckdb"
    for path in (served, direct):
        path.parent.mkdir()
        shutil.copy(demo_db_path, path)
    running = start_server(served)
    yield running, direct
    running.stop()


def _jobs_from_cli(server) -> list[dict]:
    return [j for j in server.get("/jobs").json["data"] if j["source"] == "cli"]


def _same_run(a: subprocess.CompletedProcess, b: subprocess.CompletedProcess) -> None:
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def test_ingest_analyze_and_briefing_through_the_server_match_direct_mode(stores, tmp_path):
    server, direct = stores
    upload = tmp_path / "harian.csv"
    upload.write_bytes(harvest_csv(400, "harian", text="antrean solar panjang di spbu"))
    missing = tmp_path / "tidak-ada.csv"
    _same_run(run_cli("ingest", str(upload), str(missing), "--now", NOW, db=server.db_path),
              run_cli("ingest", str(upload), str(missing), "--now", NOW, db=direct))
    assert [j["kind"] for j in _jobs_from_cli(server)] == ["import"]  # it went through the server

    served_out, direct_out = tmp_path / "hasil-server", tmp_path / "hasil-langsung"
    a = run_cli("analyze", "--out", str(served_out), "--now", NOW, db=server.db_path)
    b = run_cli("analyze", "--out", str(direct_out), "--now", NOW, db=direct)
    assert (a.returncode, a.stderr) == (b.returncode, b.stderr) == (0, b.stderr) and "Analisis selesai" in a.stderr
    assert a.stdout.replace(str(served_out), "OUT") == b.stdout.replace(str(direct_out), "OUT")
    assert [p.rsplit("/", 1)[-1] for p in a.stdout.split()] == ["posts.parquet", "issues.csv", "narratives.csv",
                                                                "emerging.csv", "plan.csv", "run.json"]
    for name in ("issues.csv", "narratives.csv", "emerging.csv", "plan.csv"):
        assert (served_out / name).read_bytes() == (direct_out / name).read_bytes(), name
    runs = [json.loads((out / "run.json").read_text()) for out in (served_out, direct_out)]
    assert [(r["executor"], r["posts_enriched"]) for r in runs] == [("local", 400)] * 2
    pd.testing.assert_frame_equal(pd.read_parquet(served_out / "posts.parquet"),
                                  pd.read_parquet(direct_out / "posts.parquet"))

    html_a, html_b = tmp_path / "a.html", tmp_path / "b.html"
    a = run_cli("briefing", "--out", str(html_a), "--now", NOW, db=server.db_path)
    b = run_cli("briefing", "--out", str(html_b), "--now", NOW, db=direct)
    assert (a.returncode, a.stdout, a.stderr) == (0, f"{html_a}\n", b.stderr)
    assert (b.returncode, b.stdout) == (0, f"{html_b}\n")
    stamp = re.compile(rb"Dibuat [^<,]*|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # time, div ids
    assert stamp.sub(b"", html_a.read_bytes()) == stamp.sub(b"", html_b.read_bytes())
    for bad in (["--out", str(tmp_path / "x.docx")], ["--out", str(tmp_path / "x.html"), "--date", "2020-01-01"]):
        _same_run(run_cli("briefing", *bad, db=server.db_path), run_cli("briefing", *bad, db=direct))
    assert [j["kind"] for j in _jobs_from_cli(server)] == ["analysis", "import"]


def test_twenty_parallel_ingests_all_land_each_once(stores, tmp_path):
    server, _ = stores
    files = []
    for i in range(20):
        files.append(tmp_path / f"paralel-{i:02d}.csv")
        files[-1].write_bytes(harvest_csv(150, f"par{i}-", text=f"topik nomor {i} hari ini"))
    env_free = {k: v for k, v in os.environ.items() if k != "PANTAUISU_DB_PATH"}
    procs = [subprocess.Popen([sys.executable, "-m", "monitoring", "ingest", str(f), "--db", str(server.db_path),
                               "--now", NOW], cwd=ROOT, env=env_free, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in files]
    outcomes = [p.communicate(timeout=240) + (p.returncode,) for p in procs]
    assert [code for _, _, code in outcomes] == [0] * 20, [err for _, err, _ in outcomes]
    lines = [pd.read_json(io.StringIO(out), lines=True) for out, _, _ in outcomes]
    assert all(len(frame) == 1 and frame["rows_imported"].iloc[0] == 150 for frame in lines)
    assert len({int(frame["dataset_id"].iloc[0]) for frame in lines}) == 20
    stored = pd.DataFrame(server.get("/datasets").json["data"])
    landed = stored[stored["file_name"].str.startswith("paralel-")]
    assert sorted(landed["file_name"]) == sorted(f.name for f in files)
    assert landed["rows_imported"].tolist() == [150] * 20


def _finished_at(job: dict) -> float:
    return dt.datetime.fromisoformat(job["finished_at"].replace("Z", "+00:00")).timestamp()


def test_ten_reads_answer_while_a_50k_post_import_runs(stores):
    server, _ = stores
    job = server.upload([("besar-50k.csv", harvest_csv(50_000, "besar"))], fields={"now": NOW, "analyze": "true"},
                        token=server.creds.token).json
    while server.get(f"/jobs/{job['id']}").json["status"] == "queued":
        time.sleep(0.02)
    paths = ["/issues"] * 4 + ["/emerging"] * 3 + ["/plan"] * 3
    answered: list[tuple[int, float]] = []
    lock = threading.Lock()

    def read(path: str) -> None:
        answer = server.get(path)
        with lock:
            answered.append((answer.status, time.time()))

    with ThreadPoolExecutor(len(paths)) as pool:
        list(pool.map(read, paths))
    running = server.get(f"/jobs/{job['id']}").json
    done = server.wait_job(job["id"], timeout=240)
    assert done["status"] == "done", done["error"]
    assert done["result"]["files"][0]["rows_imported"] == 50_000
    assert [status for status, _ in answered] == [200] * 10
    assert running["status"] == "running"  # every read came back while the import still ran
    assert max(at for _, at in answered) < _finished_at(done)
