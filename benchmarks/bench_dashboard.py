"""Dashboard benchmark: server time of a filter change on every page, and app start time.

Usage (repository root, venv active)::

    python benchmarks/bench_dashboard.py --posts 1000000 --out dash_1m.json        # builds the store once
    python benchmarks/bench_dashboard.py --db /tmp/pantauisu-bench/store_1000000.duckdb --pages isu,wilayah
    python benchmarks/bench_dashboard.py --skip-pages                               # app start only

The store (``--db``, default ``<cache>/store_<posts>.duckdb``) is built once with
``benchmarks/bench_pipeline.py`` (tweet-harvest CSV import + ``pipeline.analyze``) and reused;
the benchmark works on a copy of it.

Page time: for every page and every filter set of :func:`filter_sets`, a fresh
``streamlit.testing.v1.AppTest`` of ``dashboard.py`` gets the filters as URL query parameters
(the sidebar reads them from ``st.query_params``), runs once (the default page), then
``st.cache_data`` is cleared, so every query of the measured run is a cache miss, as after a
filter change in the browser, and the page is run: the measured time is the whole rerun
(``navigation.py``, sidebar filters, page script, AppTest's own element tree). Median and p90
per page over the filter sets.

App start: ``streamlit run dashboard.py`` on a free 127.0.0.1 port; the time from starting the
process until ``/_stcore/health`` answers, and until the first page (Ringkasan) has finished
(script run over, its last section on screen) in headless Chromium (Playwright; the browser is
started beforehand and not counted, but it renders the charts on the same cores), and until its
Plotly charts are drawn (a fresh browser profile loads Plotly's ~4.7 MB script each time), with the
server process's peak memory; min and max over the starts beside the median. The results name the
machine and the load average before and after (other programs on the cores slow every figure).
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ["pages/ringkasan.py", "pages/isu.py", "pages/isu_naik.py", "pages/wilayah.py", "pages/sentimen.py",
         "pages/akun_tagar.py", "pages/perencanaan.py", "pages/briefing.py", "pages/data.py",
         "pages/pengaturan.py"]


def ensure_store(posts: int, db: Path) -> Path:
    """The analysed store of ``posts`` posts at ``db``, built with bench_pipeline.py when missing."""
    if not db.exists():
        from benchmarks import bench_pipeline

        bench_pipeline.main(["--posts", str(posts), "--skip-naive", "--keep-db", str(db)])
    return db


def _refresh_facts(db: Path) -> None:
    """Bring the store's fact table up to date (not timed), then release the file."""
    from monitoring.store import database as storage
    from monitoring.store import facts

    con = storage.connect(db)
    try:
        facts.facts_source(con)
    finally:
        con.close()


def filter_sets(db: Path) -> list[dict[str, str]]:
    """Several different filters (URL query parameters), each a cache miss for every page."""
    from monitoring.store import database as storage
    from monitoring.store import facts, queries

    con = storage.connect(db)
    try:
        facts.facts_source(con)  # an older store's fact table is brought up to date here, not timed
        lo, hi = queries.data_bounds(con)
        top = storage.query_df(con, "SELECT issue_id, count(*) AS n FROM post_issues WHERE issue_id IS NOT NULL "
                                    "GROUP BY ALL ORDER BY n DESC LIMIT 2")["issue_id"].tolist()
    finally:
        con.close()
    last = (hi + __import__("pandas").Timedelta(hours=7)).date()
    day = __import__("datetime").timedelta(days=1)
    return [
        {},                                                              # default: last 14 days
        {"mulai": str(last - 2 * day), "sampai": str(last)},             # last 3 days
        {"mulai": str(last - 20 * day), "sampai": str(last)},            # three weeks
        {"platform": "x"},
        {"platform": "instagram,tiktok", "provinsi": "32,35"},
        {"provinsi": "31"},
        {"sentimen": "negative"},
        {"isu": top[0]},
        {"isu": ",".join(top), "sentimen": "negative,neutral"},
        {"cari": "beras"},
    ]


def measure_page(page: str, params: dict[str, str], timeout: float = 300) -> tuple[float, float]:
    """(wall, CPU) seconds of one cold (cache-miss) run of ``page`` with the given URL filters.

    CPU is this process's CPU time (script thread, DuckDB threads): less sensitive than wall
    time to other programs competing for the cores."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    if page != PAGES[0]:
        at.run()
        at.switch_page(page)
    st.cache_data.clear()
    _forget_searches()
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if at.exception:
        raise RuntimeError(f"{page} {params}: {at.exception}")
    return elapsed, cpu


def _forget_searches() -> None:
    """Drop the store's cached keyword matches: a new search pays its scan of the texts."""
    from monitoring.store import database as storage

    con = storage.connect(os.environ["PANTAUISU_DB_PATH"])  # same instance as the app's connection
    try:
        with storage.transaction(con):
            con.execute("DELETE FROM keyword_hits")
    finally:
        con.close()


def page_times(pages: list[str], sets: list[dict[str, str]], profile_dir: Path | None = None,
               repeat: int = 1) -> dict:
    """Median / p90 over the filter sets; each set measured ``repeat`` times, the fastest kept
    (another program on the machine only ever makes a run slower)."""
    measure_page(PAGES[0], {})  # warm-up: imports, the connection resource, lexicon caches
    results = {}
    for page in pages:
        runs = [min((measure_page(page, params) for _ in range(repeat)), key=lambda r: r[0]) for params in sets]
        ms = sorted(wall * 1000 for wall, _ in runs)
        cpu = sorted(c * 1000 for _, c in runs)
        results[page] = {"median_ms": round(statistics.median(ms)), "p90_ms": round(_p90(ms)),
                         "max_ms": round(ms[-1]), "cpu_median_ms": round(statistics.median(cpu)),
                         "cpu_p90_ms": round(_p90(cpu)), "runs": len(ms),
                         "runs_ms": [round(wall * 1000) for wall, _ in runs]}
        print(json.dumps({"page": page, **results[page]}), flush=True)
        if profile_dir is not None:
            _profile(page, sets[0], profile_dir)
    return results


def _p90(sorted_values: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    return sorted_values[max(0, -(-9 * len(sorted_values) // 10) - 1)]


def _profile(page: str, params: dict[str, str], folder: Path) -> None:
    """pyinstrument profile of the script thread of one cold run (AppTest runs scripts in a
    thread of its own, which a profiler started here would not see)."""
    from pyinstrument import Profiler
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    profiles: list[Profiler] = []
    original = ScriptRunner._run_script

    def profiled(self, rerun_data):
        profiler = Profiler(interval=0.002)
        profiler.start()
        try:
            return original(self, rerun_data)
        finally:
            profiler.stop()
            profiles.append(profiler)

    ScriptRunner._run_script = profiled
    try:
        measure_page(page, {**params, "platform": "x,youtube,news"})  # filters not measured before: cold
    finally:
        ScriptRunner._run_script = original
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{Path(page).stem}.txt").write_text(profiles[-1].output_text(unicode=True, color=False))


# --- app start ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_start(db: Path, timeout: float = 60, browser_profile: Path | None = None) -> dict:
    """Seconds from ``streamlit run`` to health OK and to the first page rendered in Chromium.

    ``browser_profile``: a Chromium profile folder kept between starts (its cache holds Streamlit's
    and Plotly's scripts, as the browser of an analyst who opens the dashboard every day).
    """
    from playwright.sync_api import sync_playwright

    from monitoring.executors.memory import process_peak_mib

    port = _free_port()
    env = {**os.environ, "PANTAUISU_DB_PATH": str(db)}
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false"]
    options = {"executable_path": shutil.which("chromium") or "/usr/bin/chromium",
               "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update"]}
    with sync_playwright() as p:
        if browser_profile is None:
            browser = p.chromium.launch(**options)
            page = browser.new_page()
        else:
            browser = p.chromium.launch_persistent_context(str(browser_profile), **options)
            page = browser.new_page()
        start = time.perf_counter()
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            health = _wait_health(port, start, timeout)
            page.goto(f"http://127.0.0.1:{port}/", timeout=timeout * 1000)
            # the page title is written by the page script; then the script run must end (the app
            # root says so in data-test-script-state) and its last element be on screen
            page.get_by_role("heading", name="Ringkasan").first.wait_for(timeout=timeout * 1000)
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                   timeout=timeout * 1000)
            page.get_by_text("Unggahan dengan interaksi tertinggi").first.wait_for(timeout=timeout * 1000)
            first_page = time.perf_counter() - start
            # ... and every Plotly chart drawn (Plotly's script loads in the browser after that)
            page.wait_for_function(_CHARTS_DRAWN, timeout=timeout * 1000)
            charts = time.perf_counter() - start
            server_peak = process_peak_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=20)
            browser.close()
    result = {"health_s": round(health, 2), "first_page_s": round(first_page, 2), "charts_drawn_s": round(charts, 2),
              "server_peak_mib": server_peak}
    print(json.dumps({"measure": "app_start", **result}), flush=True)
    return result


_CHARTS_DRAWN = """() => {
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
    return charts.length > 0 && [...charts].every(chart => chart.querySelector('.main-svg'));
}"""


def _wait_health(port: int, start: float, timeout: float) -> float:
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.02)
    raise TimeoutError("streamlit did not answer /_stcore/health")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000, help="posts in the store built when --db is missing")
    parser.add_argument("--db", help="analysed store to use (built when missing)")
    parser.add_argument("--pages", help="comma-separated page names (default: every page)")
    parser.add_argument("--skip-pages", action="store_true", help="only measure the app start")
    parser.add_argument("--skip-start", action="store_true", help="do not measure the app start")
    parser.add_argument("--starts", type=int, default=3, help="app starts to measure (median reported)")
    parser.add_argument("--warm-browser", action="store_true",
                        help="app start with a browser profile whose cache already holds the app's scripts")
    parser.add_argument("--repeat", type=int, default=2, help="runs per page and filter set (fastest kept)")
    parser.add_argument("--profile", help="folder for a pyinstrument profile of one run per page")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args(argv)

    from benchmarks.bench_data import CACHE_DIR, load_average, machine

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    db = ensure_store(args.posts, Path(args.db) if args.db else CACHE_DIR / f"store_{args.posts}.duckdb")
    work = Path(tempfile.mkdtemp(prefix="pantauisu-dash-"))
    copy = work / "store.duckdb"
    shutil.copy(db, copy)
    os.environ["PANTAUISU_DB_PATH"] = str(copy)
    results: dict = {"db": str(db), "machine": machine(), "load_before": load_average()}
    try:
        if not args.skip_pages:
            wanted = [f"pages/{p}.py" for p in args.pages.split(",")] if args.pages else PAGES
            sets = filter_sets(copy)
            results["filter_sets"] = sets
            results["pages"] = page_times(wanted, sets, Path(args.profile) if args.profile else None,
                                          repeat=args.repeat)
        if not args.skip_start:
            # a file of its own: the AppTest runs above keep this process's connection to `copy`
            # open, and DuckDB lets one process at a time open a database file
            served = work / "served.duckdb"
            shutil.copy(db, served)
            _refresh_facts(served)
            profile = None
            if args.warm_browser:  # one start fills the profile's cache; it is not counted
                profile = work / "browser-profile"
                app_start(served, browser_profile=profile)
            starts = [app_start(served, browser_profile=profile) for _ in range(args.starts)]
            results["app_start"] = {key: round(statistics.median(s[key] for s in starts), 2)
                                    for key in ("health_s", "first_page_s", "charts_drawn_s")}
            results["app_start_spread"] = {key: [min(s[key] for s in starts), max(s[key] for s in starts)]
                                           for key in ("health_s", "first_page_s", "charts_drawn_s", "server_peak_mib")}
            results["app_start_runs"] = starts
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_after"] = load_average()
    print(json.dumps({"machine": results["machine"], "load_before": results["load_before"],
                      "load_after": results["load_after"]}), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
