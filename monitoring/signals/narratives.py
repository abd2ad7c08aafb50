"""Which narrative of an issue is rising, and which one leads, in the recent window.

An issue's narratives (:mod:`monitoring.issues.narratives`) are its framings. Isu Naik and the plan
say which framing drives a rise ("jual negara" is rising inside the Tapera issue); the briefing
names each top issue's leading framing. Counts come from
:func:`monitoring.store.queries.narrative_window_counts` (posts per issue × narrative in the recent
window and the baseline before it); the rules here are pure functions of that frame.

- :func:`rising_narratives`: per issue, the narrative whose recent posts exceed their expectation
  (the baseline scaled to the window's length) by the most, when it has at least ``MIN_POSTS``
  recent posts and ``(recent + 1) / (expected + 1) >= MIN_RATIO``; issues with no such narrative
  have no row.
- :func:`leading_narratives`: per issue, the narrative with the most recent posts.
"""
from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from monitoring.store import queries
from monitoring.store.queries import Filters

MIN_POSTS = 3
MIN_RATIO = 1.5
COLUMNS = ("issue_id", "narrative_id", "narrative", "recent", "expected")


def rising_narratives(counts: pd.DataFrame, *, recent_hours: float, baseline_days: float,
                      names: Mapping[str, str] | None = None, min_posts: int = MIN_POSTS,
                      min_ratio: float = MIN_RATIO) -> pd.DataFrame:
    """The rising narrative of each issue (columns :data:`COLUMNS`, one row per issue that has one).

    Args:
        counts: ``issue_id, narrative_id, recent, baseline`` (posts in each window).
        recent_hours, baseline_days: the two windows' lengths.
        names: narrative id -> name; narratives without a name (hidden) are left out.
    """
    frame = _named(counts, names)
    frame["expected"] = frame["baseline"] * recent_hours / (24.0 * baseline_days)
    rising = frame[(frame["recent"] >= min_posts) & ((frame["recent"] + 1) / (frame["expected"] + 1) >= min_ratio)]
    return _best(rising.assign(_key=rising["recent"] - rising["expected"]))


def leading_narratives(counts: pd.DataFrame, *, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The narrative with the most recent posts of each issue (columns :data:`COLUMNS`)."""
    frame = _named(counts, names)
    frame = frame[frame["recent"] > 0]
    return _best(frame.assign(expected=float("nan"), _key=frame["recent"]))


def narratives_in_window(con: duckdb.DuckDBPyConnection, filters: Filters, *, now: pd.Timestamp,
                         recent_start: pd.Timestamp, baseline_start: pd.Timestamp, recent_hours: float,
                         baseline_days: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rising, leading) narratives of the filtered posts for a window ending at ``now`` (inclusive)."""
    counts = queries.narrative_window_counts(con, filters, baseline_start=baseline_start, recent_start=recent_start,
                                             end=now + pd.Timedelta(microseconds=1))
    names = queries.narrative_names(con)
    return (rising_narratives(counts, recent_hours=recent_hours, baseline_days=baseline_days, names=names),
            leading_narratives(counts, names=names))


def _named(counts: pd.DataFrame, names: Mapping[str, str] | None) -> pd.DataFrame:
    frame = counts.copy()
    frame["narrative"] = frame["narrative_id"].map(names) if names is not None else frame["narrative_id"]
    return frame[frame["narrative"].notna()]


def _best(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    ordered = frame.sort_values(["issue_id", "_key", "narrative_id"], ascending=[True, False, True])
    return ordered.drop_duplicates("issue_id").loc[:, list(COLUMNS)].reset_index(drop=True)
