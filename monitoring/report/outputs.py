"""Files written by ``python -m monitoring analyze --out DIR``.

- ``posts.parquet``: canonical columns + enrichment (tokens, sentiment, region, issue_id, narrative_id, ...)
- ``issues.csv``: issue_id, headline, label, top_terms, posts, first_seen, last_seen, negative_share, ...
- ``narratives.csv``: issue_id, narrative_id, label, posts, negative_share, first_seen, last_seen (+ headline,
  top_terms): the framings inside each issue
- ``emerging.csv``: issue × province scores (province_code 'ID' = national); ``negative_shift`` is the
  turn to negative as its own signal (badge *Memburuk*, local: see :func:`monitoring.signals.scores.emerging_scores`)
- ``plan.csv``: the dissemination plan
- ``run.json``: how the analysis ran (executor, workers, tasks and seconds per stage, peak memory)
CSV files go through :mod:`monitoring.report.exports` (formula cells neutralised); every file is
written atomically (:func:`write_atomically`).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.errors import UserError
from monitoring.report.exports import to_safe_csv
from monitoring.signals.emerging import emerging_table, plan_table
from monitoring.store.queries import Filters, where_clause

EMERGING_COLUMNS = ("issue_id", "issue_headline", "issue_label", "province_code", "province", "posts",
                    "baseline", "score", "status", "negative_share", "negative_shift", "rising_narrative",
                    "explanation")
ISSUE_COLUMNS = ("issue_id", "headline", "label", "top_terms", "posts", "first_seen", "last_seen", "negative_share",
                 "positive_share", "coordinated_share", "is_new")
NARRATIVE_OUTPUT_COLUMNS = ("issue_id", "narrative_id", "label", "posts", "negative_share", "first_seen",
                            "last_seen", "headline", "top_terms")
ANALYSIS_FILES = ("posts.parquet", "issues.csv", "narratives.csv", "emerging.csv", "plan.csv")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    if not path.parent.is_dir():
        raise UserError(f"Folder {path.parent} tidak ada. Buat foldernya dulu atau pilih lokasi lain.")
    mode = path.stat().st_mode & 0o777 if path.is_file() else 0o644
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temp, mode)  # mkstemp makes 0600; keep the old file's mode or the usual 0644
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException as err:
        Path(temp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise UserError(f"Gagal menulis {path}: {err.strerror or err}. "
                            "Periksa ruang disk dan izin folder.") from err
        raise


def write_posts(con: duckdb.DuckDBPyConnection, path: Path, filters: Filters) -> None:
    where, params = where_clause(filters)
    tmp = path.with_name(path.name + ".tmp")
    cursor = con.cursor()
    try:
        cursor.execute(f"COPY (SELECT * EXCLUDE ({S.AUTHOR_KEY}) FROM post_view {where} ORDER BY {S.CREATED_AT}) "
                       f"TO '{_sql_path(tmp)}' "
                       "(FORMAT parquet)", params)
    finally:
        cursor.close()
    tmp.replace(path)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def issues_frame(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per issue with volume, time span, sentiment and coordination shares."""
    from monitoring.issues.cards import issue_summary

    summary = issue_summary(con, filters, limit=10_000)
    if summary.empty:
        return pd.DataFrame(columns=list(ISSUE_COLUMNS))
    summary["negative_share"] = summary["negative"] / summary["posts"]
    summary["positive_share"] = summary["positive"] / summary["posts"]
    return summary[list(ISSUE_COLUMNS)]


def narratives_output(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """``narratives.csv``: the narratives of every issue, the file's columns first."""
    from monitoring.issues.cards import narratives_frame

    frame = narratives_frame(con, filters)
    return frame[list(NARRATIVE_OUTPUT_COLUMNS)]


def emerging_frame(con: duckdb.DuckDBPyConnection, filters: Filters, *, now: pd.Timestamp | None = None,
                   **windows: int) -> pd.DataFrame:
    """``emerging.csv``: issue × province scores with :data:`EMERGING_COLUMNS` (``windows``:
    ``recent_hours``, ``baseline_days``)."""
    scores = emerging_table(con, filters, now=now, **windows)
    return scores.reindex(columns=list(EMERGING_COLUMNS)) if not scores.empty else \
        pd.DataFrame(columns=list(EMERGING_COLUMNS))


def plan_frame(con: duckdb.DuckDBPyConnection, filters: Filters, *, now: pd.Timestamp | None = None,
               **windows: int) -> pd.DataFrame:
    """``plan.csv``: the dissemination plan without its list columns."""
    plan = plan_table(con, filters, now=now, **windows)
    return plan.drop(columns=[c for c in ("peak_hours", "platforms", "example_post_ids") if c in plan])


def write_analysis(con: duckdb.DuckDBPyConnection, out: Path, *, since: pd.Timestamp | None = None,
                   until: pd.Timestamp | None = None, now: pd.Timestamp | None = None) -> list[Path]:
    """Write the five analysis files into ``out`` (created if needed); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    filters = Filters(start=since, end=until)
    paths = {name: out / name for name in ANALYSIS_FILES}
    write_posts(con, paths["posts.parquet"], filters)
    write_atomically(paths["issues.csv"], to_safe_csv(issues_frame(con, filters)))
    write_atomically(paths["narratives.csv"], to_safe_csv(narratives_output(con, filters)))
    write_atomically(paths["emerging.csv"], to_safe_csv(emerging_frame(con, filters, now=now)))
    write_atomically(paths["plan.csv"], to_safe_csv(plan_frame(con, filters, now=now)))
    return list(paths.values())


def write_run_file(out: Path, run: dict) -> Path:
    """``run.json`` in ``out``: how the analysis ran (see :func:`monitoring.pipeline.analyze`)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "run.json"
    write_atomically(path, (json.dumps(run, indent=1, ensure_ascii=False, default=str) + "\n").encode("utf-8"))
    return path
