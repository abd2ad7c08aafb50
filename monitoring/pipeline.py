"""The whole analysis, top to bottom. Read :func:`analyze` to learn the system.

Per-post enrichment (text ▸ sentiment ▸ region) is computed once per post and stored; issue
detection runs over the whole store (full re-fit), or, incrementally, looks for the new issues of
posts newer than the stored model's window (:mod:`monitoring.issues.refresh`) or only assigns new
posts to the stored issue model, so adding a small upload (or a day's scrape) to a large store
stays fast.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import duckdb
import pandas as pd
import pyarrow as pa

from monitoring import schema as S
from monitoring.clock import as_utc
from monitoring.enrichment import (
    ENRICH,
    ENRICHMENT_COLUMNS,
    EnrichmentSettings,
    rules_fingerprint,
)
from monitoring.executors import Executor, open_executor
from monitoring.formatting import fmt_int
from monitoring.issues.refresh import REFIT_AFTER
from monitoring.issues.store import (
    assign_issues,
    fit_issues,
    load_issue_model,
    refresh_issues,
)
from monitoring.sentiment.store import active_sentiment_model
from monitoring.signals.emerging import refresh_alerts
from monitoring.store import database as storage
from monitoring.store import settings
from monitoring.store.facts import FACTS_REBUILD_SHARE, record_change, refresh_facts

Progress = Callable[[float, str], None]
# Share of new posts above which an incremental run re-fits the issue model anyway.
REFIT_SHARE = 0.3
RULES_STATE = "enrichment_rules"  # the rules_fingerprint() the stored enrichment was made with


@dataclass
class AnalysisReport:
    """What one analysis run did."""

    enriched: int = 0
    refit: bool = False
    refreshed: bool = False  # newer posts: new issues of the new window, without a re-fit
    renewed: bool = False  # stored enrichment was made under other rules (an upgrade): all redone
    issues: int = 0  # issues shown after the run (not hidden)
    new_issues: int = 0  # of which marked New (Baru)
    assigned: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    run: dict = field(default_factory=dict)  # the executor, its workers, tasks and seconds per stage (run.json)

    def message(self) -> str:
        """What the run did, for the analyst (Bahasa Indonesia)."""
        done = f"Analisis selesai: {fmt_int(self.enriched)} unggahan baru diproses"
        if self.renewed:
            done = (f"Aturan pemrosesan teks bawaan berubah sejak analisis terakhir (pembaruan aplikasi), "
                    f"jadi semua unggahan diproses ulang. Analisis selesai: {fmt_int(self.enriched)} unggahan diproses")
        issues = f"{fmt_int(self.issues)} isu, {fmt_int(self.new_issues)} bertanda Baru."
        if self.refit:
            return f"{done}; isu dikelompokkan ulang dari semua unggahan · {issues}"
        if self.refreshed:
            return f"{done}; hari terbaru diperiksa untuk isu baru tanpa mengelompokkan ulang · {issues}"
        return f"{done} dan dimasukkan ke isu yang ada · {issues}"

    def run_record(self, peak_memory_mib: dict) -> dict:
        """How the run went, for ``run.json``: executor, tasks, seconds per stage, peak memory."""
        return {**self.run, "stage_seconds": self.timings, "posts_enriched": self.enriched,
                "refit": bool(self.refit), "peak_memory_mib": peak_memory_mib}


def _silent(fraction: float, message: str) -> None:
    return None


def analyze(con: duckdb.DuckDBPyConnection, *, refit: bool = False, n_issues: int | None = None,
            progress: Progress | None = None, executor: Executor | None = None) -> AnalysisReport:
    """Bring every stored post up to date: enrichment, issues, stable ids, analyst edits.

    Per-chunk work runs on ``executor`` (default: the Dask cluster of setting ``dask_scheduler``,
    else this machine's cores); this process stays the store's only reader and writer.
    """
    # 0. Where per-chunk work runs; an unreachable cluster stops here, before anything is written.
    values = settings.load_settings(storage.stored_settings(con))
    own = executor is None
    executor = executor or open_executor(values["dask_scheduler"] or None)
    try:
        report = _analyze(con, executor, refit=refit, n_issues=n_issues, progress=progress or _silent)
        report.run = executor.describe()
        return report
    finally:
        if own:
            executor.close()


def _analyze(con: duckdb.DuckDBPyConnection, executor: Executor, *, refit: bool, n_issues: int | None,
             progress: Progress) -> AnalysisReport:
    report = AnalysisReport()
    timer = _Timer(report)
    # 1. Enrich posts that have never been enriched: tokens ▸ sentiment ▸ region.
    _release_memory()  # e.g. what an import just before left on the heap
    report.renewed = _forget_stale_enrichment(con)
    with timer("enrich"):
        report.enriched = enrich_new_posts(con, progress, executor=executor)
    # 2. Decide: full re-fit of the issue model; or, with posts newer than its window, look for
    #    the new window's new issues; or only assign the new posts to it.
    total = storage.query_value(con, "SELECT count(*) FROM posts") or 0
    unassigned = storage.query_value(
        con, f"SELECT count(*) FROM posts p ANTI JOIN post_issues i USING ({S.POST_KEY})") or 0
    model = None if refit else load_issue_model(con)
    newer = model is not None and _newer_than_window(con, model[0])
    report.refit = (model is None or (total and unassigned / total > REFIT_SHARE) or n_issues is not None
                    or newer == "refit")
    report.refreshed = not report.refit and newer == "refresh"
    # 3. Detect issues (dedup ▸ TF-IDF ▸ clustering ▸ labels ▸ stable ids ▸ edits) and store them.
    progress(0.8, "Mendeteksi isu…")
    _release_memory()  # the issue stage holds every post's tokens: start it from a trimmed heap too
    with timer("issues"):
        if report.refit:
            _, report.assigned = fit_issues(con, n_issues=n_issues, executor=executor)
        elif report.refreshed:
            _, report.assigned = refresh_issues(con, model, executor=executor)
        elif unassigned:
            _, report.assigned = assign_issues(con, model, executor=executor)
    # 4. Refresh the fact table the pages aggregate (changed rows only, or a sorted rebuild).
    progress(0.9, "Memperbarui ringkasan dasbor…")
    _release_memory()  # DuckDB's sort of the rebuild comes on top of what the issue stage left
    most_changed = report.refit or report.enriched > FACTS_REBUILD_SHARE * total
    with timer("facts"), storage.transaction(con):
        refresh_facts(con, rebuild=most_changed)
    # 5. Spike alerts on the whole store, merged with earlier ones.
    progress(0.95, "Memeriksa lonjakan…")
    with timer("alerts"):
        values = settings.load_settings(storage.stored_settings(con))
        with storage.transaction(con):
            refresh_alerts(con, k=values["alert_k"], baseline_days=values["baseline_days"])
    report.issues, report.new_issues = con.cursor().execute(
        "SELECT count(*), count(*) FILTER (is_new) FROM issues WHERE NOT coalesce(hidden, false)").fetchall()[0]
    progress(1.0, "Analisis selesai.")
    return report


def load_demo(con: duckdb.DuckDBPyConnection, *, n_posts: int = 6000, seed: int = 7,
              progress: Progress | None = None):
    """Generate the seeded demo dataset, import it as one dataset and analyse the store."""
    from monitoring.demo.generator import generate_demo_posts
    from monitoring.ingest.imports import import_posts_frame

    progress = progress or _silent
    progress(0.05, "Membuat data contoh…")
    posts = generate_demo_posts(seed=seed, n_posts=n_posts)
    summary = import_posts_frame(con, posts, name=f"Data contoh (seed {seed})")
    analyze(con, progress=lambda f, m: progress(0.1 + 0.9 * f, m))
    return summary


def enrich_new_posts(con: duckdb.DuckDBPyConnection, progress: Progress = _silent, *,
                     executor: Executor | None = None) -> int:
    """Enrich posts without an enrichment row, in chunks; returns how many were enriched.

    Chunks go to ``executor`` (:data:`monitoring.enrichment.ENRICH`: worker processes for large
    runs, or a Dask cluster) while this process reads the next chunk and stores finished ones,
    each in its own transaction: a run that stops keeps whole chunks only, and the next run
    enriches the rest.
    """
    executor = executor or open_executor()
    pending = storage.query_df(
        con, f"SELECT p.rowid AS r FROM posts p ANTI JOIN enrichment e USING ({S.POST_KEY}) ORDER BY r")["r"]
    if pending.empty:
        return 0
    slang, stopwords = storage.user_dictionaries(con)
    shared = executor.share(EnrichmentSettings(
        stem_cache=storage.load_stem_cache(con), slang=slang, stopwords=stopwords,
        sentiment_model=active_sentiment_model(con), dataset_defaults=_dataset_default_regions(con)))
    total, rowids = len(pending), pending.to_numpy()
    # a few new posts: patch their fact rows as they are stored; many: the end of the analysis
    # rebuilds the fact table anyway, so patching every chunk would only add work
    patch = total <= FACTS_REBUILD_SHARE * (storage.query_value(con, "SELECT count(*) FROM posts") or 0)

    def chunk(lo: int, hi: int) -> pd.DataFrame:  # consecutive pending posts (rowids stay valid meanwhile)
        return storage.query_df(
            con, f"SELECT p.{S.POST_KEY}, p.{S.DATASET_ID}, p.{S.TEXT}, p.{S.LOCATION_RAW} FROM posts p "
                 f"ANTI JOIN enrichment e USING ({S.POST_KEY}) WHERE p.rowid >= ? AND p.rowid <= ?",
            [int(rowids[lo]), int(rowids[hi - 1])])

    done = 0
    progress(0.0, f"Memproses teks 0/{fmt_int(total)} unggahan…")
    for _, (rows, new_stems) in executor.run(ENRICH, total, chunk, shared, ordered=False):
        _store_enrichment(con, rows, new_stems, patch_facts=patch)
        done += len(rows)
        progress(0.7 * done / total, f"Memproses teks {fmt_int(done)}/{fmt_int(total)} unggahan…")
    executor.release(shared)
    return done


def _store_enrichment(con: duckdb.DuckDBPyConnection, posts: pd.DataFrame, new_stems: dict[str, str], *,
                      patch_facts: bool = True) -> None:
    # Arrow rather than pandas: DuckDB reads the list<string> token columns without conversion.
    rows = pa.Table.from_pandas(posts.loc[:, list(ENRICHMENT_COLUMNS)], preserve_index=False)
    with storage.transaction(con):
        con.register("new_enrichment", rows)
        try:  # enrichment has no key index: rows already stored (a concurrent run) are skipped here
            con.execute(f"INSERT INTO enrichment SELECT * FROM new_enrichment n WHERE NOT EXISTS "
                        f"(SELECT 1 FROM enrichment e WHERE e.{S.POST_KEY} = n.{S.POST_KEY})")
            storage.save_stem_cache(con, new_stems)
            if patch_facts:
                record_change(con, f"{S.POST_KEY} IN (SELECT {S.POST_KEY} FROM new_enrichment)")
            else:
                storage.bump_version(con)
        finally:
            con.unregister("new_enrichment")


def _dataset_default_regions(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    rows = con.cursor().execute(
        "SELECT dataset_id, default_region FROM datasets WHERE default_region IS NOT NULL "
        "AND default_region <> ''").fetchall()
    return {int(k): v for k, v in rows}


def reset_enrichment(con: duckdb.DuckDBPyConnection) -> None:
    """Forget all enrichment (after the analyst changes slang/stopwords or the sentiment model)."""
    with storage.transaction(con):
        _delete_enrichment(con)


def _delete_enrichment(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM enrichment")
    con.execute("DELETE FROM post_issues")
    storage.bump_version(con)


def _forget_stale_enrichment(con: duckdb.DuckDBPyConnection) -> bool:
    """Forget enrichment made under other built-in rules (:func:`rules_fingerprint`: an upgrade
    changed the code, the team's word lists or a package's); True when it did. Issue ids, names
    and edits are kept: the re-fit that follows maps the issues onto them."""
    if storage.get_state(con, RULES_STATE) == rules_fingerprint():
        return False
    stale = _has_enrichment(con)  # none yet: nothing to redo, only the fingerprint to remember
    with storage.transaction(con):
        if stale:
            _delete_enrichment(con)
        storage.set_state(con, RULES_STATE, rules_fingerprint())
    return stale


def enrichment_is_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether stored enrichment was made under other built-in rules than this release's (or by
    a release before fingerprints): the next :func:`analyze` re-processes every post."""
    return storage.get_state(con, RULES_STATE) != rules_fingerprint() and _has_enrichment(con)


def _has_enrichment(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(storage.query_value(con, "SELECT EXISTS (SELECT 1 FROM enrichment)"))


def _newer_than_window(con: duckdb.DuckDBPyConnection, model) -> str | None:
    """"refresh" when posts arrived after the model's recent window (their new issues are only
    found by looking for them), "refit" when that is ``REFIT_AFTER`` past the last full fit,
    else None."""
    window_end = getattr(model, "window_end_", None)
    latest = storage.query_value(con, f"SELECT max({S.CREATED_AT}) FROM posts")
    if window_end is None or pd.isna(window_end) or latest is None:
        return None
    latest = as_utc(latest)
    if latest <= as_utc(window_end) + pd.Timedelta(hours=1):
        return None
    fitted_until = getattr(model, "fitted_until_", None) or window_end  # models before incremental runs
    return "refit" if latest > as_utc(fitted_until) + REFIT_AFTER else "refresh"


def _release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS (glibc), so the next stage's
    peak is not stacked on memory the previous stages no longer use (~0.2-0.3 GB at 1M posts)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class _Timer:
    def __init__(self, report: AnalysisReport) -> None:
        self.report = report

    def __call__(self, name: str):
        import time
        from contextlib import contextmanager

        @contextmanager
        def timed():
            start = time.perf_counter()
            yield
            self.report.timings[name] = round(time.perf_counter() - start, 3)

        return timed()
