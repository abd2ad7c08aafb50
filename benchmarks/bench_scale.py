"""Scale benchmark: the analysis on 1 and 2 local workers and on a 2-worker Dask cluster.

Usage (repository root, venv active)::

    python benchmarks/bench_scale.py --posts 200000 1000000 --repeat 2 --out scale.json
    python benchmarks/bench_scale.py --posts 200000 --configs local-2 dask-2      # a subset

For every size the posts of :func:`benchmarks.bench_data.realistic_posts` are imported once into a
store (tweet-harvest CSV files, not timed) and kept under ``--cache-dir``; every measurement
analyses a fresh copy of that store in a fresh Python process (``pipeline.analyze``: enrichment,
duplicate groups, issue model, facts, alerts), so each is a cold first analysis. Configurations:

- ``local-1``: one process (``LocalExecutor(max_workers=1)``);
- ``local-2``: two local worker processes for the enrichment, threads for MinHash / assignment
  (``LocalExecutor(max_workers=2)``, what a 2-core machine does by itself from 200k posts);
- ``dask-2``: a ``dask scheduler`` and two ``dask worker --nthreads 1 --preload monitoring.worker``
  processes on loopback, started (and warmed up: imports, lexicons, gazetteer) before the
  measurement, as on real machines where the cluster runs all day; the analysis connects through
  ``PANTAUISU_DASK_SCHEDULER``. Local worker processes start with every analysis (~3-4 s each,
  included), the way a single machine runs.

Reported per run: posts/s of the enrichment and of the whole analysis, seconds per stage, tasks
per stage, the largest peak of any single process and the peak of the sum over the analysing
process and its workers (Dask workers included), and the machine's load average before and
after (the figures are only comparable on a quiet machine: another program on the cores makes
every run slower). Overhead of Dask = dask-2 / local-2 - 1, per size.
``OPENBLAS_NUM_THREADS=1`` for every process.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_data import load_average as load  # noqa: E402
from benchmarks.bench_data import machine  # noqa: E402

THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
CONFIGS = ("local-1", "local-2", "dask-2")
NOW = "2026-11-21T00:00:00+00:00"


def imported_store(posts: int, cache: Path) -> Path:
    """A store holding ``posts`` imported posts (not analysed), built once."""
    path = cache / f"imported_{posts}.duckdb"
    if path.exists():
        return path
    import pandas as pd

    from benchmarks.bench_data import input_files
    from monitoring.ingest import imports
    from monitoring.store import database as storage

    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = storage.connect(tmp)
    for file in input_files(posts, 7, cache_dir=cache):
        data = Path(file["path"]).read_bytes()
        imports.import_file(con, data, Path(file["path"]).name, now=pd.Timestamp(NOW), platform=file["platform"],
                            max_bytes=len(data) + 1)
    con.close()
    tmp.replace(path)
    return path


# --- the measured child process ----------------------------------------------------------------

def _child(args: argparse.Namespace) -> None:
    """Analyse ``args.db`` with the configured executor; print one JSON object."""
    from benchmarks.bench_data import Clock, PeakMemory
    from monitoring import pipeline
    from monitoring.executors import LocalExecutor
    from monitoring.store import database as storage

    extra = [int(pid) for pid in args.worker_pids.split(",") if pid] if args.worker_pids else []
    con = storage.connect(args.db)
    posts = storage.query_value(con, "SELECT count(*) FROM posts")
    executor = None if args.config.startswith("dask") else LocalExecutor(max_workers=int(args.config[-1]))
    with PeakMemory(extra_pids=extra) as memory, Clock() as clock:
        report = pipeline.analyze(con, executor=executor)
    con.close()
    enrich = report.timings["enrich"]
    print(json.dumps({
        "config": args.config, "posts": posts, "analysis_s": round(clock.wall, 2), "stage_s": report.timings,
        "enrich_posts_per_s": round(posts / enrich), "analysis_posts_per_s": round(posts / clock.wall),
        "run": report.run, "cpu_s": round(clock.cpu, 1), "tree_peak_mib": memory.peak_mib,
        "largest_process_mib": memory.largest_process_mib, "processes": memory.processes()[:5]}), flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DaskCluster:
    """``dask scheduler`` + ``workers`` x ``dask worker --nthreads 1`` on loopback."""

    def __init__(self, workers: int):
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        env = {**os.environ, **THREAD_ENV, "PYTHONPATH": str(ROOT)}
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT, "env": env}
        dask = [sys.executable, "-m", "dask"]
        self.scheduler = subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port",
                                           self.address.rsplit(":", 1)[1], "--no-dashboard"], **quiet)
        self.workers = [subprocess.Popen([*dask, "worker", self.address, "--nthreads", "1", "--no-nanny",
                                          "--no-dashboard", "--host", "127.0.0.1", "--preload", "monitoring.worker"],
                                         **quiet) for _ in range(workers)]
        self._wait(len(self.workers))

    def _wait(self, count: int, timeout: float = 180) -> None:
        from distributed import Client

        client = Client(self.address, timeout=timeout, set_as_default=False)
        try:
            client.wait_for_workers(count, timeout=timeout)
        finally:
            client.close()

    @property
    def pids(self) -> list[int]:
        return [self.scheduler.pid] + [w.pid for w in self.workers]

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            process.kill()
            process.wait()


def measure(config: str, store: Path, work: Path) -> dict:
    """One cold analysis of a copy of ``store`` in a fresh process."""
    db = work / f"{config}.duckdb"
    shutil.copy(store, db)
    env = {**os.environ, **THREAD_ENV}
    env.pop("PANTAUISU_DASK_SCHEDULER", None)
    cluster = None
    command = [sys.executable, __file__, "--child", config, "--db", str(db)]
    if config.startswith("dask"):  # the cluster runs before and after the analysis, as in a deployment
        cluster = DaskCluster(int(config.split("-")[1]))
        env["PANTAUISU_DASK_SCHEDULER"] = cluster.address
        command += ["--worker-pids", ",".join(map(str, cluster.pids))]
    before = load()
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    finally:
        if cluster is not None:
            cluster.close()
        db.unlink(missing_ok=True)
    if done.returncode:
        raise RuntimeError(f"{config} failed:\n{done.stderr[-3000:]}")
    result = {**json.loads(done.stdout.strip().splitlines()[-1]), "load_before": before, "load_after": load()}
    print(json.dumps(result), flush=True)
    return result


def summarise(runs: list[dict]) -> dict:
    """Median and spread per configuration; Dask's overhead against local processes."""
    summary: dict = {}
    for config in dict.fromkeys(r["config"] for r in runs):
        mine = [r for r in runs if r["config"] == config]
        seconds = [r["analysis_s"] for r in mine]
        summary[config] = {
            "analysis_s_median": round(statistics.median(seconds), 2), "analysis_s_runs": seconds,
            "enrich_s_runs": [r["stage_s"]["enrich"] for r in mine],
            "analysis_posts_per_s": round(mine[0]["posts"] / statistics.median(seconds)),
            "enrich_posts_per_s": round(mine[0]["posts"] / statistics.median(r["stage_s"]["enrich"] for r in mine)),
            "largest_process_mib": max(r["largest_process_mib"] for r in mine),
            "tree_peak_mib": max(r["tree_peak_mib"] for r in mine)}
    if "dask-2" in summary and "local-2" in summary:
        for key in ("analysis_s_median",):
            summary["dask_overhead"] = round(summary["dask-2"][key] / summary["local-2"][key] - 1, 3)
        enrich = [statistics.median(summary[c]["enrich_s_runs"]) for c in ("dask-2", "local-2")]
        summary["dask_overhead_enrichment"] = round(enrich[0] / enrich[1] - 1, 3)
    return summary


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[200_000])
    parser.add_argument("--configs", nargs="+", choices=CONFIGS, default=list(CONFIGS))
    parser.add_argument("--repeat", type=int, default=2, help="runs per configuration (interleaved)")
    parser.add_argument("--cache-dir", default=None, help="where generated CSV files and imported stores are kept")
    parser.add_argument("--out", help="write all results as JSON here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--worker-pids", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        args.config = args.child
        _child(args)
        return {}

    from benchmarks.bench_data import CACHE_DIR

    cache = Path(args.cache_dir) if args.cache_dir else CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "env": THREAD_ENV, "started": time.strftime("%Y-%m-%d %H:%M"),
                     "load_at_start": load(), "sizes": {}}
    work = Path(tempfile.mkdtemp(prefix="pantauisu-scale-"))
    try:
        for posts in args.posts:
            store = imported_store(posts, cache)
            runs = [measure(config, store, work) for _ in range(args.repeat) for config in args.configs]
            results["sizes"][str(posts)] = {"runs": runs, "summary": summarise(runs)}
            print(json.dumps({"posts": posts, **results["sizes"][str(posts)]["summary"]}), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_at_end"] = load()
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
