"""Files written by ``python -m monitoring analyze --out DIR``.

- ``posts.parquet``: canonical columns + enrichment (tokens, sentiment, region, issue_id, narrative_id, ...)
- ``issues.csv``: issue_id, headline, label, top_terms, posts, first_seen, last_seen, negative_share, ...
- ``narratives.csv``: issue_id, narrative_id, label, posts, negative_share, first_seen, last_seen (+ headline,
  top_terms): the framings inside each issue
- ``emerging.csv``: issue × province scores (province_code 'ID' = national)
- ``plan.csv``: the dissemination plan
CSV files go through :mod:`monitoring.report.exports` (formula cells neutralised).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.report.exports import to_safe_csv
from monitoring.signals.emerging import emerging_table, plan_table
from monitoring.store.queries import Filters, where_clause

EMERGING_COLUMNS = ("issue_id", "issue_headline", "issue_label", "province_code", "province", "posts",
                    "baseline", "score", "status", "negative_share", "rising_narrative", "explanation")
ISSUE_COLUMNS = ("issue_id", "headline", "label", "top_terms", "posts", "first_seen", "last_seen", "negative_share",
                 "positive_share", "coordinated_share", "is_new")
NARRATIVE_OUTPUT_COLUMNS = ("issue_id", "narrative_id", "label", "posts", "negative_share", "first_seen",
                            "last_seen", "headline", "top_terms")


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
        return pd.DataFrame(columns=list(ISSUE_COLUMNS))
    summary["negative_share"] = summary["negative"] / summary["posts"]
    summary["positive_share"] = summary["positive"] / summary["posts"]
    return summary[list(ISSUE_COLUMNS)]


def narratives_output(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """``narratives.csv``: the narratives of every issue, the file's columns first."""
    from monitoring.issues.cards import narratives_frame

    frame = narratives_frame(con, filters)
    return frame[list(NARRATIVE_OUTPUT_COLUMNS)]


def write_analysis(con: duckdb.DuckDBPyConnection, out: Path, *, since: pd.Timestamp | None = None,
                   until: pd.Timestamp | None = None, now: pd.Timestamp | None = None) -> list[Path]:
    """Write the five analysis files into ``out`` (created if needed); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    filters = Filters(start=since, end=until)
    paths = {name: out / name for name in ("posts.parquet", "issues.csv", "narratives.csv", "emerging.csv",
                                           "plan.csv")}
    write_posts(con, paths["posts.parquet"], filters)
    _write_atomic(paths["issues.csv"], to_safe_csv(issues_frame(con, filters)))
    _write_atomic(paths["narratives.csv"], to_safe_csv(narratives_output(con, filters)))
    scores = emerging_table(con, filters, now=now)
    emerging = scores.reindex(columns=list(EMERGING_COLUMNS)) if not scores.empty else \
        pd.DataFrame(columns=list(EMERGING_COLUMNS))
    _write_atomic(paths["emerging.csv"], to_safe_csv(emerging))
    plan = plan_table(con, filters, now=now)
    plan = plan.drop(columns=[c for c in ("peak_hours", "platforms", "example_post_ids") if c in plan])
    _write_atomic(paths["plan.csv"], to_safe_csv(plan))
    return list(paths.values())
