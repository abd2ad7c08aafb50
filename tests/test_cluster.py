"""The analysis on a real Dask cluster (scheduler and worker processes on loopback, started here):
the same tokens, sentiment, regions, duplicate groups and issues as on this machine, also when a
worker dies mid-analysis; an unreachable or lost scheduler stops the analysis cleanly."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from monitoring import pipeline
from monitoring.errors import ClusterError
from monitoring.executors import LocalExecutor
from monitoring.executors.cluster import DaskExecutor
from monitoring.store import database as storage

ROOT = Path(__file__).resolve().parent.parent
DEMO_POSTS, DEMO_SEED = 2500, 11  # the demo_db_path fixture's store: the local reference


def _worker_env() -> dict[str, str]:
    """Workers import this checkout's ``monitoring`` (as an installed release would)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))),
            "OPENBLAS_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def local_cluster():
    """``LocalCluster(processes=True, n_workers=2)``: a scheduler here and two nanny-managed worker processes."""
    from distributed import LocalCluster

    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = _worker_env()["PYTHONPATH"]
    try:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=50)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
    yield cluster
    cluster.close()


@pytest.fixture
def two_workers(local_cluster):
    """The module's cluster once both workers are up (a nanny restarts a killed one in a few seconds)."""
    local_cluster.wait_for_workers(2, timeout=120)
    return local_cluster


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster_processes():
    """``dask scheduler`` and two ``dask worker`` processes on loopback, as on real machines."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT, "env": _worker_env()}
    dask = [sys.executable, "-m", "dask"]
    scheduler = subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                  "--no-dashboard"], **quiet)
    workers = [subprocess.Popen([*dask, "worker", address, "--nthreads", "1", "--no-dashboard", "--no-nanny",
                                 "--host", "127.0.0.1", "--preload", "monitoring.worker"], **quiet) for _ in range(2)]
    yield address, scheduler
    for process in [*workers, scheduler]:
        process.kill()
        process.wait()


def _imported_demo(path: Path):
    """A store holding the demo posts of the reference store, imported the same way, not analysed."""
    from monitoring.demo.generator import generate_demo_posts
    from monitoring.ingest.imports import import_posts_frame

    con = storage.connect(path)
    import_posts_frame(con, generate_demo_posts(seed=DEMO_SEED, n_posts=DEMO_POSTS),
                       name=f"Data contoh (seed {DEMO_SEED})")
    return con


def _results(con) -> dict[str, pd.DataFrame]:
    """What the analysis decided per post and per issue, in a fixed order."""
    return {
        "enrichment": storage.query_df(con, "SELECT * FROM enrichment ORDER BY post_key"),
        "post_issues": storage.query_df(con, "SELECT * FROM post_issues ORDER BY post_key"),
        "issues": storage.query_df(con, "SELECT issue_id, label, top_terms, terms FROM issues ORDER BY issue_id"),
    }


def _assert_same_results(con, reference) -> None:
    got, expected = _results(con), _results(reference)
    assert len(got["enrichment"]) == DEMO_POSTS and got["post_issues"]["issue_id"].notna().mean() > 0.5
    for name in expected:
        pd.testing.assert_frame_equal(got[name], expected[name], check_dtype=False)


@pytest.fixture
def reference(demo_db_path, copy_of):
    return copy_of(demo_db_path, "reference.duckdb")


def test_the_analysis_on_a_dask_cluster_equals_the_local_one(two_workers, reference, tmp_path):
    con = _imported_demo(tmp_path / "dask.duckdb")
    with DaskExecutor(two_workers.scheduler_address) as executor:
        report = pipeline.analyze(con, executor=executor)
    _assert_same_results(con, reference)
    assert report.run["executor"] == "dask" and report.run["workers"] == 2
    assert report.run["tasks"]["enrich"] >= 4 and report.run["tasks"]["minhash"] >= 1
    assert report.run["tasks"]["assign"] >= 1 and len(report.run["worker_peak_mib"]) == 2
    con.close()


def test_a_worker_killed_mid_analysis_has_its_tasks_rerun_elsewhere(two_workers, reference, tmp_path):
    con = _imported_demo(tmp_path / "killed.duckdb")
    killed: list[int] = []
    with DaskExecutor(two_workers.scheduler_address) as executor:
        pids = executor.client.run(os.getpid)

        def kill_a_busy_worker(fraction: float, message: str) -> None:
            if killed or not message.startswith("Memproses teks") or fraction == 0:
                return  # after the first stored chunk: the other chunks are running or queued
            busy = [w for w, keys in executor.client.processing().items() if keys] or list(pids)
            killed.append(pids[busy[0]])
            os.kill(killed[0], signal.SIGKILL)

        pipeline.analyze(con, executor=executor, progress=kill_a_busy_worker)
        assert killed and killed[0] not in executor.client.run(os.getpid).values()
    _assert_same_results(con, reference)
    con.close()


def test_an_unreachable_scheduler_stops_the_cli_with_one_line_and_writes_nothing(tmp_path):
    path = tmp_path / "store.duckdb"
    _imported_demo(path).close()
    before = path.read_bytes()
    out = tmp_path / "out"
    env = {**_worker_env(), "PANTAUISU_DASK_SCHEDULER": f"tcp://127.0.0.1:{_free_port()}"}
    done = subprocess.run([sys.executable, "-m", "monitoring", "analyze", "--db", str(path), "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Penjadwal Dask di tcp://127.0.0.1:" in lines[0]
    assert "tidak dapat dihubungi" in lines[0] and "Traceback" not in done.stderr
    assert not out.exists() and path.read_bytes() == before


def test_losing_the_scheduler_mid_analysis_stops_cleanly_and_the_next_run_completes(
        cluster_processes, reference, tmp_path):
    address, scheduler = cluster_processes
    con = _imported_demo(tmp_path / "lost.duckdb")
    executor = _connect(address)

    def lose_the_scheduler(fraction: float, message: str) -> None:
        if message.startswith("Memproses teks") and fraction > 0 and scheduler.poll() is None:
            scheduler.kill()
            scheduler.wait()

    with pytest.raises(ClusterError, match="terputus di tengah analisis"):
        pipeline.analyze(con, executor=executor, progress=lose_the_scheduler)
    executor.close()
    enriched = storage.query_df(con, "SELECT * FROM enrichment")
    assert 0 < len(enriched) < DEMO_POSTS and enriched["tokens"].notna().all()  # whole chunks only
    assert storage.query_value(con, "SELECT count(*) FROM post_issues") == 0
    assert storage.query_value(con, "SELECT count(*) FROM issues") == 0
    report = pipeline.analyze(con, executor=LocalExecutor())  # the next run completes
    assert report.enriched == DEMO_POSTS - len(enriched)
    _assert_same_results(con, reference)
    con.close()


def _connect(address: str, timeout: float = 60) -> DaskExecutor:
    """The executor once both worker processes have joined (they start in a few seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            executor = DaskExecutor(address)
        except ClusterError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
            continue
        if executor.workers >= 2 or time.monotonic() > deadline:
            return executor
        executor.close()
        time.sleep(0.5)


def test_run_json_says_which_executor_ran(two_workers, tmp_path, monkeypatch):
    from monitoring.cli.main import main

    path = tmp_path / "store.duckdb"
    _imported_demo(path).close()
    monkeypatch.setenv("PANTAUISU_DASK_SCHEDULER", two_workers.scheduler_address)
    assert main(["analyze", "--db", str(path), "--out", str(tmp_path / "out")]) == 0
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["executor"] == "dask" and run["workers"] == 2 and run["scheduler"] == two_workers.scheduler_address
    assert set(run["tasks"]) == {"enrich", "minhash", "assign"} and run["tasks"]["enrich"] >= 4
    assert {"enrich", "issues", "facts", "alerts"} <= set(run["stage_seconds"])
    assert run["peak_memory_mib"]["this_process_mib"] > 0 and len(run["worker_peak_mib"]) == 2
