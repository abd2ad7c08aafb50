"""Server benchmark: latency of API reads while nothing runs, and while a 50k-post import runs.

Usage (repository root, venv active)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_server.py                 # 20k-post store, 10 readers
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_server.py --with-analysis --out server.json

A store of ``--posts`` demo posts is built and analysed once (cached under ``PANTAUISU_BENCH_CACHE``)
and copied for the run; ``streamlit run dashboard.py`` serves it on a free loopback port. ``--clients``
threads then read ``/api/v1/issues``, ``/emerging`` and ``/plan`` in turn, each waiting ``--think``
seconds between its reads (10 scripts or wallboards polling; ``--think 0`` saturates the two cores), with
the server's local token (the credential file). Answers of the same table are cached per store version, as
on the pages; ``--uncached`` makes every read ask for a different window, so each one is computed:

1. *idle*: for ``--idle-seconds``;
2. *import*: while ``POST /api/v1/imports`` stores a tweet-harvest CSV of ``--import-posts`` realistic
   posts (:func:`benchmarks.bench_data.realistic_posts`) as a job, from the moment the job starts until
   it is finished; ``--imports`` files one after another, their reads pooled;
3. with ``--with-analysis``: the same with another file and ``analyze=true`` (import, then analysis).

Reported per phase: reads answered, p50 / p95 / max latency in ms, and how long the job ran.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_data import CACHE_DIR, realistic_posts, tweet_harvest_frame  # noqa: E402
from monitoring.server.client import multipart_body  # noqa: E402
from monitoring.server.credentials import read_credentials  # noqa: E402

READS = ("/issues", "/emerging", "/plan")


def demo_store(posts: int) -> Path:
    """An analysed store of ``posts`` demo posts, built once."""
    path = CACHE_DIR / f"server_store_{posts}.duckdb"
    if not path.exists():
        from monitoring.pipeline import load_demo
        from monitoring.store import database as storage

        path.parent.mkdir(parents=True, exist_ok=True)
        con = storage.connect(path)
        load_demo(con, n_posts=posts, seed=7)
        con.close()
    return path


def import_file(posts: int, seed: int) -> Path:
    """A tweet-harvest CSV of ``posts`` realistic posts, built once."""
    path = CACHE_DIR / f"server_import_{posts}_{seed}.csv"
    if not path.exists():
        tweet_harvest_frame(realistic_posts(posts, seed)).to_csv(path, index=False, encoding="utf-8")
    return path


class Api:
    """The started server: URL and local token from its credential file."""

    def __init__(self, db: Path) -> None:
        creds = read_credentials(db)
        self.url, self.token = creds.url + "/api/v1", creds.token

    def call(self, path: str, body: bytes | None = None, content_type: str | None = None) -> dict:
        request = urllib.request.Request(self.url + path, data=body, headers={"Authorization": f"Bearer {self.token}"})
        if content_type:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read())


def start_server(db: Path) -> subprocess.Popen:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PANTAUISU_DB_PATH=str(db), OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        if read_credentials(db) is not None:
            return proc
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def _unique_until() -> str:
    """An end far after every post, different for every read (so no answer comes from the cache)."""
    with _COUNTER_LOCK:
        _COUNTER[0] += 1
        return f"2099-01-01T00:00:00.{_COUNTER[0]:06d}%2B00:00"


_COUNTER, _COUNTER_LOCK = [0], threading.Lock()


def read_while(api: Api, clients: int, keep_going, think: float, uncached: bool = False) -> list[tuple[str, float]]:
    """``clients`` threads reading while ``keep_going()``, each waiting ``think`` s between its reads;
    every (endpoint, latency in ms)."""
    latencies: list[tuple[str, float]] = []
    lock = threading.Lock()

    def reader(offset: int) -> None:
        number = offset
        time.sleep(think * offset / clients)  # spread the clients over the think time
        while keep_going():
            path, start = READS[number % len(READS)], time.perf_counter()
            api.call(path + (f"?since=2020-01-01T00:00:00%2B00:00&until={_unique_until()}" if uncached else ""))
            with lock:
                latencies.append((path, (time.perf_counter() - start) * 1000))
            number += 1
            time.sleep(think)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {"reads": 0}
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"reads": len(ordered), "p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1)}


def summary(latencies: list[tuple[str, float]], seconds: float) -> dict:
    """p50 / p95 / max of every read, and per endpoint."""
    result = {"seconds": round(seconds, 2), **_percentiles([ms for _, ms in latencies])}
    result["per_endpoint"] = {path: _percentiles([ms for p, ms in latencies if p == path]) for path in READS}
    return result


def during_import(api: Api, path: Path, clients: int, analyse: bool, think: float, uncached: bool) -> dict:
    """Read while the import job of ``path`` runs (from its start to its end)."""
    body, kind = multipart_body([(path.name, path.read_bytes())], {"analyze": "true" if analyse else None})
    job = api.call("/imports", body, kind)
    while job["status"] == "queued":
        job = api.call(f"/jobs/{job['id']}")
    start = time.perf_counter()
    state = {"job": job}

    def running() -> bool:
        return state["job"]["status"] == "running"

    watcher = threading.Thread(target=lambda: state.update(job=_poll_until_done(api, job["id"])))
    watcher.start()
    latencies = read_while(api, clients, running, think, uncached)
    watcher.join()
    job = state["job"]
    return {"seconds": round(time.perf_counter() - start, 2), "latencies": latencies, "job_status": job["status"],
            "posts_imported": job["result"]["files"][0].get("rows_imported")}


def _poll_until_done(api: Api, job_id: str) -> dict:
    while True:
        job = api.call(f"/jobs/{job_id}?wait=1")
        if job["status"] in ("done", "failed"):
            return job


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=20_000, help="demo posts in the analysed store (default 20000)")
    parser.add_argument("--import-posts", type=int, default=50_000, help="posts in the imported file (default 50000)")
    parser.add_argument("--clients", type=int, default=10, help="concurrent readers (default 10)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds each reader waits between its reads (default 1; 0 = back to back)")
    parser.add_argument("--uncached", action="store_true",
                        help="every read asks for a slightly different window, so none is answered from the cache")
    parser.add_argument("--idle-seconds", type=float, default=15.0, help="length of the idle phase (default 15)")
    parser.add_argument("--imports", type=int, default=3, help="imports measured one after another (default 3)")
    parser.add_argument("--with-analysis", action="store_true", help="also measure during import + analysis")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="pantauisu-bench-server-"))
    db = folder / "store.duckdb"
    shutil.copy(demo_store(args.posts), db)
    files = [import_file(args.import_posts, 101 + number) for number in range(args.imports)]
    analysed = import_file(args.import_posts, 201) if args.with_analysis else None
    proc = start_server(db)
    try:
        api = Api(db)
        for path in READS:  # first reads load modules and caches: not measured
            api.call(path)
        until = time.perf_counter() + args.idle_seconds
        results = {"idle": summary(read_while(api, args.clients, lambda: time.perf_counter() < until, args.think,
                                              args.uncached), args.idle_seconds)}
        runs = [during_import(api, path, args.clients, analyse=False, think=args.think, uncached=args.uncached)
                for path in files]
        results["import"] = summary([r for run in runs for r in run.pop("latencies")], sum(r["seconds"] for r in runs))
        results["import"]["jobs"] = runs
        if analysed is not None:
            run = during_import(api, analysed, args.clients, analyse=True, think=args.think, uncached=args.uncached)
            results["import_and_analysis"] = {**summary(run.pop("latencies"), run["seconds"]), "job": run}
    finally:
        proc.terminate()
        proc.wait(timeout=120)
        shutil.rmtree(folder, ignore_errors=True)
    results["setup"] = {"store_posts": args.posts, "import_posts": args.import_posts, "imports": args.imports,
                        "clients": args.clients,
                        "think_seconds": args.think, "uncached": args.uncached, "reads": list(READS),
                        "cpus": os.cpu_count()}
    print(json.dumps(results, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
