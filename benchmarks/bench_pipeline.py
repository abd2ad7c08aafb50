"""End-to-end benchmark: a naive notebook pipeline against PantauIsu's ingest + analysis.

Usage (repository root, venv active)::

    python benchmarks/bench_pipeline.py --posts 50000 --out results_50k.json      # naive vs PantauIsu
    python benchmarks/bench_pipeline.py --posts 1000000 --skip-naive --add 10000 --keep-db /tmp/pantauisu-bench/1m.duckdb
    python benchmarks/bench_pipeline.py --posts 1000000 --skip-naive --add 10000 --add-period newer
    python benchmarks/bench_pipeline.py --posts 1000000 --skip-naive --refit      # + re-cluster the stored store
    python benchmarks/bench_pipeline.py --posts 50000 --skip-naive --profile       # pyinstrument, top costs

One command runs every measurement on the same input: the posts of
:func:`benchmarks.bench_data.realistic_posts`, written once as tweet-harvest CSV files (one per
platform) and cached under ``--cache-dir``. Each measurement runs in a fresh Python process
started by this script, so every run is *cold* (nothing imported, no lexicon, no stem cache,
a new DuckDB file; only the per-install gazetteer cache in ``data/cache`` is kept, which the
first analysis after installing builds: ``--fresh-install`` measures that first run) and its peak memory is its own: RSS of the process plus its stemming
workers, sampled every 50 ms (and ``ru_maxrss``).

(a) naive: what open-source dashboards do: ``pd.read_csv`` of the files, then per post with
    ``df.apply`` a regex clean, PySastrawi's ``StopWordRemoverFactory`` stopword removal and
    ``stemmer.stem``, then ``TfidfVectorizer`` + ``KMeans(n_clusters=10)``.
(b) PantauIsu: ``monitoring.ingest.imports.import_file`` of every file into a new DuckDB file, then
    ``monitoring.pipeline.analyze(con)`` (enrichment, duplicate groups, issue model, stable
    ids, alerts); ``--add N`` then imports N more posts and times the incremental analysis.

``OPENBLAS_NUM_THREADS=1`` (and OMP/MKL) is set for every measured process: the 2-core
machine oversubscribes BLAS threads otherwise. Timings are figures, not pass/fail tests.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
NAIVE_CLUSTERS = 10
NOW = "2026-11-21T00:00:00+00:00"  # pinned import time (files have absolute timestamps anyway)


# --- (a) the naive pipeline -------------------------------------------------------------------

def naive_pipeline(files: list[dict]) -> dict:
    """pd.read_csv ▸ per-post clean / stopwords / stem with df.apply ▸ TF-IDF ▸ KMeans."""
    import re

    import pandas as pd
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from benchmarks.bench_data import Clock

    times = {}
    with Clock() as clock:
        df = pd.concat([pd.read_csv(f["path"]) for f in files], ignore_index=True)
    times["read_csv"] = clock.wall
    stemmer = StemmerFactory().create_stemmer()
    remover = StopWordRemoverFactory().create_stop_word_remover()

    def clean(text: str) -> str:
        text = re.sub(r"https?://\S+|www\.\S+|@\w+|#", " ", str(text).lower())
        return re.sub(r"\s+", " ", re.sub(r"[^a-z\s]", " ", text)).strip()

    with Clock() as clock:
        df["clean"] = df["full_text"].apply(clean)
        df["no_stop"] = df["clean"].apply(remover.remove)
        df["stemmed"] = df["no_stop"].apply(stemmer.stem)
    times["clean_stop_stem"] = clock.wall
    with Clock() as clock:
        X = TfidfVectorizer().fit_transform(df["stemmed"])
        labels = KMeans(n_clusters=NAIVE_CLUSTERS, random_state=0).fit_predict(X)
    times["tfidf_kmeans"] = clock.wall
    return {"posts": len(df), "vocabulary": X.shape[1], "clusters": int(labels.max()) + 1,
            "stages_s": {k: round(v, 2) for k, v in times.items()}}


# --- (b) PantauIsu --------------------------------------------------------------------------

def pantauisu_pipeline(files: list[dict], db: str, memory=None) -> dict:
    """import_file of every CSV into a new store, then pipeline.analyze."""
    import pandas as pd

    from benchmarks.bench_data import Clock
    from monitoring import pipeline
    from monitoring.store import database as storage

    mark = memory.mark if memory is not None else (lambda phase: None)
    con = storage.connect(db)
    mark("ingest")
    with Clock() as clock:
        imported = sum(_import(con, f, pd.Timestamp(NOW)) for f in files)
    ingest = clock.wall
    with Clock() as clock:
        report = pipeline.analyze(con, progress=lambda fraction, message: mark(_phase(message)))
    con.close()
    return {"posts": imported, "ingest_s": round(ingest, 2), "analyze_s": round(clock.wall, 2),
            "issues": report.issues, "assigned": report.assigned, "refit": bool(report.refit),
            "analyze_stages_s": report.timings}


def _import(con, file: dict, now) -> int:
    from monitoring.ingest import imports

    data = Path(file["path"]).read_bytes()
    summary = imports.import_file(con, data, Path(file["path"]).name, now=now, platform=file["platform"],
                                  max_bytes=len(data) + 1)
    return summary.rows_imported


def _phase(message: str) -> str:
    """'Memproses teks 250.000/1.000.000 unggahan…' -> 'Memproses teks'."""
    import re

    return re.split(r"\s\d", message)[0].rstrip("…. ")


def incremental(files: list[dict], db: str, memory=None) -> dict:
    """Import newer posts into an analysed store and analyse again (assigns to the stored model)."""
    import pandas as pd

    from benchmarks.bench_data import Clock
    from monitoring import pipeline
    from monitoring.store import database as storage

    mark = memory.mark if memory is not None else (lambda phase: None)
    con = storage.connect(db)
    mark("ingest")
    with Clock() as clock:
        imported = sum(_import(con, f, pd.Timestamp(NOW)) for f in files)
    ingest = clock.wall
    with Clock() as clock:
        report = pipeline.analyze(con, progress=lambda fraction, message: mark(_phase(message)))
    con.close()
    return {"posts": imported, "ingest_s": round(ingest, 2), "analyze_s": round(clock.wall, 2),
            "refit": bool(report.refit), "assigned": report.assigned, "analyze_stages_s": report.timings}


def refit(db: str, memory=None) -> dict:
    """Re-cluster every stored post of an analysed store (what *Kelompokkan ulang* does)."""
    from benchmarks.bench_data import Clock
    from monitoring import pipeline
    from monitoring.store import database as storage

    mark = memory.mark if memory is not None else (lambda phase: None)
    con = storage.connect(db)
    with Clock() as clock:
        report = pipeline.analyze(con, refit=True, progress=lambda fraction, message: mark(_phase(message)))
    con.close()
    return {"analyze_s": round(clock.wall, 2), "issues": report.issues, "assigned": report.assigned,
            "analyze_stages_s": report.timings}


# --- measurement in a fresh process -----------------------------------------------------------

def _child(args: argparse.Namespace) -> None:
    """Runs one measurement in this (fresh) process and prints one JSON object."""
    from benchmarks.bench_data import Clock, PeakMemory

    files = json.loads(Path(args.files).read_text())
    profiler = None
    if args.profile_to:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    with PeakMemory() as memory, Clock() as clock:
        if args.child == "naive":
            result = naive_pipeline(files)
        elif args.child == "pantauisu":
            result = pantauisu_pipeline(files, args.db, memory)
        elif args.child == "refit":
            result = refit(args.db, memory)
        else:
            result = incremental(files, args.db, memory)
    if profiler is not None:
        profiler.stop()
        Path(args.profile_to).write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    result.update(seconds=round(clock.wall, 2), cpu_s=round(clock.cpu, 2), peak_rss_mib=memory.peak_mib,
                  largest_process_mib=memory.largest_process_mib, peak_rss_by_phase_mib=memory.phase_peaks,
                  processes=memory.processes())
    print(json.dumps(result), flush=True)


def measure(kind: str, files: list[dict], *, db: str | None = None, profile: str | None = None,
            env_extra: dict[str, str] | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(files, handle)
    command = [sys.executable, __file__, "--child", kind, "--files", handle.name]
    if db:
        command += ["--db", db]
    if profile:
        command += ["--profile-to", profile]
    env = {**os.environ, **THREAD_ENV, **(env_extra or {})}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    finally:
        os.unlink(handle.name)
    if done.returncode:
        raise RuntimeError(f"{kind} failed:\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps({"measure": kind, **result}), flush=True)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-naive", action="store_true", help="only measure PantauIsu")
    parser.add_argument("--add", type=int, default=0, help="then import N more posts and re-analyse")
    parser.add_argument("--add-period", choices=("same", "newer"), default="same",
                        help="the added posts cover the stored period (default) or the 12 h after it")
    parser.add_argument("--refit", action="store_true",
                        help="then re-cluster the stored posts from scratch (Kelompokkan ulang / analyze --refit)")
    parser.add_argument("--keep-db", help="keep the analysed store here (e.g. for bench_dashboard.py)")
    parser.add_argument("--cache-dir", default=None, help="where generated CSV files are cached")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of the PantauIsu run")
    parser.add_argument("--fresh-install", action="store_true",
                        help="PantauIsu also builds its per-install caches (the region gazetteer, ~1-2 s), "
                             "as on the very first analysis after installing")
    parser.add_argument("--repeat", type=int, default=1,
                        help="repeat every measurement on a new store (figures as min / median / max)")
    parser.add_argument("--out", help="write all results as JSON here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return {}

    from benchmarks.bench_data import CACHE_DIR, input_files, load_average, machine

    cache = Path(args.cache_dir) if args.cache_dir else CACHE_DIR
    files = input_files(args.posts, args.seed, cache_dir=cache)
    results: dict = {"posts": args.posts, "seed": args.seed, "machine": machine(), "env": THREAD_ENV,
                     "load_at_start": load_average(), "runs": []}
    for _ in range(args.repeat):
        results["runs"].append(_one_run(args, files, cache))
    results["load_at_end"] = load_average()
    results["spread"] = _spread(results["runs"])
    print(json.dumps({"posts": args.posts, "spread": results["spread"]}), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    return results


def _one_run(args: argparse.Namespace, files: list[dict], cache: Path) -> dict:
    """PantauIsu (and the naive pipeline) on a new store, then the incremental / re-fit steps."""
    from benchmarks.bench_data import input_files, load_average

    results: dict = {"load_before": load_average()}
    work = Path(tempfile.mkdtemp(prefix="pantauisu-bench-"))
    db = str(work / "store.duckdb")
    try:
        profile = str(cache / f"profile_{args.posts}.txt") if args.profile else None
        # the install's derived caches (gazetteer) are kept unless --fresh-install
        fresh = {"PANTAUISU_CACHE_DIR": str(work / "install-cache")} if args.fresh_install else None
        results["fresh_install"] = bool(args.fresh_install)
        results["pantauisu"] = measure("pantauisu", files, db=db, profile=profile, env_extra=fresh)
        if profile:
            results["profile"] = profile
        if not args.skip_naive:
            results["naive"] = measure("naive", files)
            results["speedup"] = round(results["naive"]["seconds"] / results["pantauisu"]["seconds"], 1)
        if args.add:
            import pandas as pd

            from monitoring.demo.generator import DEFAULT_END

            # "same": more posts of the stored period (another export of the same days), assigned
            # to the stored issue model; "newer": posts up to 12 h after it (a daily scrape), whose
            # new issues analyze looks for without a re-fit (monitoring.issues.refresh)
            end = DEFAULT_END + pd.Timedelta(hours=12 if args.add_period == "newer" else 0)
            added = input_files(args.add, args.seed + 1, days=8, end=end, cache_dir=cache,
                                tag="_newer" if args.add_period == "newer" else "_same")
            results["incremental"] = {"period": args.add_period, **measure("incremental", added, db=db)}
        if args.refit:
            results["refit"] = measure("refit", [], db=db)
        if args.keep_db:
            shutil.copy(db, args.keep_db)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_after"] = load_average()
    return results


def _spread(runs: list[dict]) -> dict:
    """Per measurement: wall seconds of the analysis (min, median, max) and the largest peaks."""
    import statistics

    spread = {}
    for kind in ("pantauisu", "incremental", "refit", "naive"):
        done = [run[kind] for run in runs if kind in run]
        if not done:
            continue
        seconds = sorted(d.get("analyze_s", d["seconds"]) for d in done)
        spread[kind] = {"analyze_s": [seconds[0], statistics.median(seconds), seconds[-1]],
                        "largest_process_mib": max(d.get("largest_process_mib", 0) for d in done),
                        "tree_peak_mib": max(d["peak_rss_mib"] for d in done)}
    return spread


if __name__ == "__main__":
    main()
