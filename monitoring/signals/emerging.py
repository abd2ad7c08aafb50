"""Emerging issues, spike alerts and the dissemination plan, computed from the store.

Counts come from DuckDB (:mod:`monitoring.store.queries`); the statistics are the pure functions of
:mod:`monitoring.signals.scores`, :mod:`monitoring.signals.plan` and :mod:`monitoring.signals.narratives`.
Windows end at the latest post of the filtered data unless ``now`` is given (uploads are often days
old). Issues are named by their headline first (``issue_headline``; explanations use it), their term
label beside it (``issue_label``), and the narrative driving a rise (``rising_narrative``).
"""
from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.signals import scores as signals
from monitoring.signals import spikes
from monitoring.signals.narratives import narratives_in_window
from monitoring.signals.plan import dissemination_plan
from monitoring.store import database as storage
from monitoring.store import queries
from monitoring.store.queries import Filters


def reference_time(con: duckdb.DuckDBPyConnection, filters: Filters, now: pd.Timestamp | None = None) -> pd.Timestamp | None:
    """End of the recent window: ``now`` if given, else just after the latest filtered post."""
    if now is not None:
        return now
    source, where, params = queries.scoped(con, filters)
    latest = storage.query_df(con, f"SELECT max({S.CREATED_AT}) AS t FROM {source} {where}", params)["t"].iloc[0]
    return None if pd.isna(latest) else pd.Timestamp(latest) + pd.Timedelta(seconds=1)


def _window_filters(filters: Filters, now: pd.Timestamp, recent_hours: int, baseline_days: int) -> Filters:
    start = now - pd.Timedelta(hours=recent_hours) - pd.Timedelta(days=baseline_days)
    return replace(filters, start=start, end=now, issue_ids=filters.issue_ids)


def issue_label_map(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Issue id -> term label (or the analyst's name)."""
    frame = storage.query_df(con, "SELECT issue_id, label FROM issues")
    return dict(zip(frame["issue_id"], frame["label"]))


def issue_headline_map(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Issue id -> the name shown first: the analyst's name, else the headline, else the term label."""
    frame = storage.query_df(con, "SELECT issue_id, coalesce(nullif(headline, ''), label) AS name FROM issues")
    return dict(zip(frame["issue_id"], frame["name"]))


def emerging_table(con: duckdb.DuckDBPyConnection, filters: Filters, *, now: pd.Timestamp | None = None,
                   recent_hours: int = 24, baseline_days: int = 7, level: str = S.PROVINCE_CODE) -> pd.DataFrame:
    """Every issue × province (and national 'ID' rows) scored against its own baseline."""
    now = reference_time(con, filters, now)
    if now is None:
        return pd.DataFrame()
    window = _window_filters(filters, now, recent_hours, baseline_days)
    counts = queries.hourly_issue_counts(con, window, level=level,
                                         windows=signals.window_starts(now, recent_hours, baseline_days))
    if counts.empty:
        return pd.DataFrame()
    labels, headlines = issue_label_map(con), issue_headline_map(con)
    hidden = set(storage.query_df(con, "SELECT issue_id FROM issues WHERE hidden")["issue_id"])
    counts = counts[~counts[S.ISSUE_ID].isin(hidden)]
    scores = signals.emerging_scores(counts, now=now, recent_hours=recent_hours, baseline_days=baseline_days,
                                     region=level, issue_labels=headlines)
    scores["issue_headline"] = scores[S.ISSUE_ID].map(headlines).fillna(scores[S.ISSUE_ID])
    scores["issue_label"] = scores[S.ISSUE_ID].map(labels).fillna(scores[S.ISSUE_ID])
    baseline_start, recent_start = signals.window_starts(now, recent_hours, baseline_days)
    rising, _ = narratives_in_window(con, filters, now=now, recent_start=recent_start, baseline_start=baseline_start,
                                     recent_hours=recent_hours, baseline_days=baseline_days)
    scores["rising_narrative"] = scores[S.ISSUE_ID].map(dict(zip(rising["issue_id"], rising["narrative"])))
    scores[S.PROVINCE] = scores[S.PROVINCE_CODE].map(signals.region_name)
    return scores.sort_values(signals.SCORE, ascending=False).reset_index(drop=True)


ALERTS_STATE = "spike_alerts"


def refresh_alerts(con: duckdb.DuckDBPyConnection, *, k: float = 3.0, baseline_days: int = 7,
                   now: pd.Timestamp | None = None) -> pd.DataFrame:
    """Run the spike rule on the whole store and merge with earlier alerts (no alert fatigue).

    Repeated alerts for the same issue × region become one row with first/last seen and a count.
    Call inside a write transaction or alone; the merged table is stored in the store state.
    """
    filters = Filters()
    now = reference_time(con, filters, now)
    if now is None:
        return pd.DataFrame()
    counts = queries.hourly_issue_counts(con, _window_filters(filters, now, 24, baseline_days))
    if counts.empty:
        return pd.DataFrame()
    fresh = spikes.spike_alerts(counts, now=now, k=k, baseline_days=baseline_days,
                                 issue_labels=issue_headline_map(con))
    previous = stored_alerts(con)
    merged = spikes.merge_alerts(previous if not previous.empty else None, fresh)
    storage.set_state(con, ALERTS_STATE, merged.to_json(orient="records", date_format="iso"))
    return merged


def stored_alerts(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pd.DataFrame:
    """The merged spike alerts, restricted to the filters' provinces and issues when given."""
    import io

    raw = storage.get_state(con, ALERTS_STATE)
    if not raw:
        return pd.DataFrame()
    alerts = pd.read_json(io.StringIO(raw), orient="records", dtype={S.PROVINCE_CODE: str, S.ISSUE_ID: str})
    for column in (spikes.FIRST_SEEN, spikes.LAST_SEEN):
        if column in alerts:
            alerts[column] = pd.to_datetime(alerts[column], utc=True)
    if filters is not None and filters.province_codes:
        alerts = alerts[alerts[S.PROVINCE_CODE].isin(filters.province_codes + (S.NATIONAL_CODE,))]
    if filters is not None and filters.issue_ids:
        alerts = alerts[alerts[S.ISSUE_ID].isin(filters.issue_ids)]
    return alerts.reset_index(drop=True)


def plan_table(con: duckdb.DuckDBPyConnection, filters: Filters, *, now: pd.Timestamp | None = None,
               recent_hours: int = 24, baseline_days: int = 7, top_n: int = 5) -> pd.DataFrame:
    """The dissemination plan: per province, the issues to address first and when/where."""
    now = reference_time(con, filters, now)
    emerging = emerging_table(con, filters, now=now, recent_hours=recent_hours, baseline_days=baseline_days)
    if emerging.empty:
        return pd.DataFrame()
    recent = replace(filters, start=now - pd.Timedelta(hours=recent_hours), end=now)
    activity = queries.hourly_activity(con, replace(filters, start=now - pd.Timedelta(days=baseline_days), end=now))
    platforms = queries.issue_platforms(con, recent)
    examples = example_posts(con, recent)
    plan = dissemination_plan(emerging, hourly_activity=activity, platforms=platforms, examples=examples,
                              top_n=top_n, issue_labels=issue_headline_map(con))
    if plan.empty:
        return plan
    names = emerging.drop_duplicates(S.ISSUE_ID).set_index(S.ISSUE_ID)
    position = plan.columns.get_loc(S.ISSUE_ID) + 1
    for offset, column in enumerate(("issue_headline", "issue_label", "rising_narrative")):
        plan.insert(position + offset, column, plan[S.ISSUE_ID].map(names[column]))
    return plan


def example_posts(con: duckdb.DuckDBPyConnection, filters: Filters, *, per_cell: int = 3) -> pd.DataFrame:
    """The most engaging posts per issue × province (to answer), as post keys, most engaging first
    (ties by key, so the same filters always give the same examples)."""
    source, where, params = queries.scoped(con, filters)
    order = f"{queries.ENGAGEMENT_SQL} DESC, {S.POST_KEY}"
    return storage.query_df(con, f"""SELECT {S.ISSUE_ID}, {S.PROVINCE_CODE}, {S.POST_KEY} AS post_id,
        {queries.ENGAGEMENT_SQL} AS engagement FROM {source} {where}
        {'AND' if where else 'WHERE'} {S.ISSUE_ID} IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY {S.ISSUE_ID}, {S.PROVINCE_CODE} ORDER BY {order}) <= {int(per_cell)}
        ORDER BY {order}""", params)


def cell_posts(con: duckdb.DuckDBPyConnection, filters: Filters, issue_id: str, province_code: str, *,
               now: pd.Timestamp | None = None, recent_hours: int = 24, limit: int = 20) -> pd.DataFrame:
    """The posts behind one cell of the heat table (recent window)."""
    now = reference_time(con, filters, now)
    cell = replace(filters, start=now - pd.Timedelta(hours=recent_hours), end=now, issue_ids=(issue_id,),
                   province_codes=() if province_code == S.NATIONAL_CODE else (province_code,))
    return queries.sample_posts(con, cell, limit=limit, order="engagement")
