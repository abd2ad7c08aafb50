"""Files written by ``python -m monitoring analyze --out DIR``.

- ``posts.parquet``: canonical columns + enrichment (tokens, sentiment, region, issue_id, ...)
- ``issues.csv``: issue_id, label, top_terms, posts, first_seen, last_seen, negative_share, ...
- ``emerging.csv``: issue × province scores (province_code 'ID' = national)
- ``plan.csv``: the dissemination plan
- ``run.json``: how the analysis ran (executor, workers, tasks and seconds per stage, peak memory)
CSV files go through :mod:`monitoring.report.exports` (formula cells neutralised).
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.report.exports import to_safe_csv
from monitoring.signals.emerging import emerging_table, plan_table
from monitoring.store.queries import Filters, where_clause

EMERGING_COLUMNS = ("issue_id", "issue_label", "province_code", "province", "posts", "baseline", "score",
                    "status", "negative_share", "explanation")


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


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
        return pd.DataFrame(columns=["issue_id", "label", "top_terms", "posts", "first_seen", "last_seen",
                                     "negative_share"])
    summary["negative_share"] = summary["negative"] / summary["posts"]
    summary["positive_share"] = summary["positive"] / summary["posts"]
    return summary[["issue_id", "label", "top_terms", "posts", "first_seen", "last_seen", "negative_share",
                    "positive_share", "coordinated_share", "is_new"]]


def write_analysis(con: duckdb.DuckDBPyConnection, out: Path, *, since: pd.Timestamp | None = None,
                   until: pd.Timestamp | None = None, now: pd.Timestamp | None = None) -> list[Path]:
    """Write the four analysis files into ``out`` (created if needed); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    filters = Filters(start=since, end=until)
    paths = {name: out / name for name in ("posts.parquet", "issues.csv", "emerging.csv", "plan.csv")}
    write_posts(con, paths["posts.parquet"], filters)
    _write_atomic(paths["issues.csv"], to_safe_csv(issues_frame(con, filters)))
    scores = emerging_table(con, filters, now=now)
    emerging = scores.reindex(columns=list(EMERGING_COLUMNS)) if not scores.empty else \
        pd.DataFrame(columns=list(EMERGING_COLUMNS))
    _write_atomic(paths["emerging.csv"], to_safe_csv(emerging))
    plan = plan_table(con, filters, now=now)
    plan = plan.drop(columns=[c for c in ("peak_hours", "platforms", "example_post_ids") if c in plan])
    _write_atomic(paths["plan.csv"], to_safe_csv(plan))
    return list(paths.values())


def write_run_file(out: Path, run: dict) -> Path:
    """``run.json`` in ``out``: how the analysis ran (see :func:`monitoring.pipeline.analyze`)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "run.json"
    _write_atomic(path, (json.dumps(run, indent=1, ensure_ascii=False, default=str) + "\n").encode("utf-8"))
    return path
