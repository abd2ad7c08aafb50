"""Spike alerts per issue × region from the hourly counts of :mod:`monitoring.signals.scores`, and their history.

A spike is a last-24-h volume above the baseline daily mean + k × sd (:func:`spike_alerts`); repeated
alerts of one issue × region are merged into one row with first / last seen and a count
(:func:`merge_alerts`), so analysts are not told the same thing every hour.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from monitoring import schema
from monitoring.clock import as_utc
from monitoring.formatting import fmt_number
from monitoring.signals.scores import (
    EXPLANATION,
    HOUR,
    NEGATIVE,
    NEGATIVE_SHARE,
    POSTS,
    check_counts,
    where_text,
    with_national,
)

# --- alert columns (beside schema.ISSUE_ID, the region column, POSTS, NEGATIVE_SHARE, EXPLANATION) ----
RECENT_MEAN = "recent_mean"
BASELINE_MEAN = "baseline_mean"
BASELINE_SD = "baseline_sd"
THRESHOLD = "threshold"
BASELINE_DAYS_USED = "baseline_days_used"
FIRST_SEEN = "first_seen"
LAST_SEEN = "last_seen"
ALERT_COUNT = "count"
IS_NEW = "is_new"
ACTIVE = "active"


def _daily_matrix(frame: pd.DataFrame, region: str, now: pd.Timestamp, baseline_days: int
                  ) -> tuple[pd.DataFrame, pd.Series, int]:
    """Posts per issue × region × rolling 24-h day (column 0 = last 24 h), recent negatives, days covered."""
    end = as_utc(now).floor("h")
    day = (end - frame[HOUR]) // pd.Timedelta(hours=24)
    frame = frame.assign(_day=day)[(day >= 0) & (day <= baseline_days)]
    span_days = ((end - frame[HOUR].min()) / pd.Timedelta(hours=1) + 1) // 24 if len(frame) else 0
    covered = int(min(baseline_days, max(span_days - 1, 0)))
    keys = [schema.ISSUE_ID, region]
    matrix = (frame.groupby([*keys, "_day"])[POSTS].sum().unstack("_day", fill_value=0)
              .reindex(columns=range(covered + 1), fill_value=0))
    negatives = frame[frame["_day"] == 0].groupby(keys)[NEGATIVE].sum()
    return matrix, negatives.reindex(matrix.index, fill_value=0), covered


def spike_alerts(hourly_counts: pd.DataFrame, *, now: pd.Timestamp, k: float = 3.0,
                 baseline_days: int = 7, min_posts: int = 10, min_baseline_days: int = 3,
                 region: str = schema.PROVINCE_CODE, include_national: bool | None = None,
                 issue_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Spikes: last-24-h posts above the baseline daily mean + ``k`` × sd, per issue × region.

    Buckets are rolling 24-h days aligned to ``now`` (day 0 = the 24 hour buckets ending with the one
    holding ``now``, days 1..``baseline_days`` before it; days with no posts count as 0; only days fully
    covered by data are used). Daily rather than hourly buckets, so the day/night cycle does not inflate the sd.
    The sd is floored at sqrt(mean) (Poisson noise: a calm week must not make 3 extra posts a spike) and at 1.
    A spike also needs ``min_posts`` posts in the last 24 h. With fewer than ``min_baseline_days`` covered
    baseline days nothing is reported. ``recent_mean`` equals ``posts`` (one recent day), kept as evidence.

    Returns:
        One row per alert: issue_id, the region column, posts, recent_mean, baseline_mean, baseline_sd (as
        used, after flooring), threshold, baseline_days_used, negative_share, first_seen = last_seen = now,
        count = 1 and explanation; sorted by posts / threshold. Feed it to :func:`merge_alerts`.
    """
    frame = check_counts(hourly_counts, region)
    national = region == schema.PROVINCE_CODE if include_national is None else include_national
    matrix, negatives, covered = _daily_matrix(with_national(frame, region, national), region, now,
                                               baseline_days)
    columns = [schema.ISSUE_ID, region, POSTS, RECENT_MEAN, BASELINE_MEAN, BASELINE_SD, THRESHOLD,
               BASELINE_DAYS_USED, NEGATIVE_SHARE, FIRST_SEEN, LAST_SEEN, ALERT_COUNT, EXPLANATION]
    if covered < min_baseline_days or matrix.empty:
        return pd.DataFrame(columns=columns)
    base = matrix[list(range(1, covered + 1))]
    mean = base.mean(axis=1)
    sd = np.maximum(np.maximum(base.std(axis=1, ddof=1), np.sqrt(mean)), 1.0)
    out = pd.DataFrame({POSTS: matrix[0], RECENT_MEAN: matrix[0].astype(float), BASELINE_MEAN: mean,
                        BASELINE_SD: sd, THRESHOLD: mean + k * sd, BASELINE_DAYS_USED: covered,
                        NEGATIVE_SHARE: negatives / matrix[0].where(matrix[0] > 0)})
    out = out[(out[POSTS] > out[THRESHOLD]) & (out[POSTS] >= min_posts)].reset_index()
    stamp = as_utc(now)
    out[FIRST_SEEN], out[LAST_SEEN], out[ALERT_COUNT] = stamp, stamp, 1
    out[EXPLANATION] = [_spike_explanation(row, region, k, issue_labels) for row in out.to_dict("records")]
    order = (out[POSTS] / out[THRESHOLD]).sort_values(ascending=False).index
    return out.loc[order, columns].reset_index(drop=True)


def _spike_explanation(row: dict, region: str, k: float, labels: Mapping[str, str] | None) -> str:
    issue = (labels or {}).get(row[schema.ISSUE_ID], row[schema.ISSUE_ID])
    return (f"Lonjakan isu {issue} di {where_text(row[region])}: {fmt_number(row[POSTS])} unggahan dalam 24 jam "
            f"terakhir, melewati ambang {fmt_number(row[THRESHOLD])} (rata-rata harian {fmt_number(row[BASELINE_MEAN])} "
            f"+ {fmt_number(k)} × simpangan baku {fmt_number(row[BASELINE_SD])} selama {row[BASELINE_DAYS_USED]} hari).")


def merge_alerts(previous: pd.DataFrame | None, new: pd.DataFrame, *, region: str = schema.PROVINCE_CODE,
                 rearm_after: pd.Timedelta = pd.Timedelta(days=3)) -> pd.DataFrame:
    """Merge a new run of :func:`spike_alerts` into the alert history: one row per issue × region.

    An alert seen again within ``rearm_after`` of its ``last_seen`` keeps ``first_seen``, gets the new
    evidence and ``last_seen`` and its ``count`` (runs it fired in) goes up by one; merging the same run
    twice changes nothing. After a longer quiet gap it starts over as a new episode. Alerts not in ``new``
    stay, with ``active`` False. ``is_new`` is True for alerts first seen in this run (notify only these).
    """
    keys = [schema.ISSUE_ID, region]
    if previous is None or previous.empty:
        out = new.copy()
        out[IS_NEW], out[ACTIVE] = True, True
        return out.reset_index(drop=True)
    prev = previous.drop(columns=[IS_NEW, ACTIVE], errors="ignore")
    merged = new.merge(prev[[*keys, FIRST_SEEN, LAST_SEEN, ALERT_COUNT]], on=keys, how="left",
                       suffixes=("", "_prev"))
    last_prev = merged[LAST_SEEN + "_prev"]
    gap = merged[LAST_SEEN] - last_prev
    continuing = last_prev.notna() & (gap <= rearm_after)
    same_run = continuing & (gap <= pd.Timedelta(0))
    merged[FIRST_SEEN] = merged[FIRST_SEEN + "_prev"].where(continuing, merged[FIRST_SEEN])
    merged[LAST_SEEN] = merged[LAST_SEEN].where(~same_run, last_prev)
    bumped = merged[ALERT_COUNT + "_prev"].fillna(0).astype("int64") + 1
    merged[ALERT_COUNT] = np.where(same_run, bumped - 1, np.where(continuing, bumped, 1))
    merged = merged.drop(columns=[c + "_prev" for c in (FIRST_SEEN, LAST_SEEN, ALERT_COUNT)])
    merged[ACTIVE] = True
    stale = prev.merge(new[keys], on=keys, how="left", indicator=True)
    stale = stale[stale["_merge"] == "left_only"].drop(columns="_merge").assign(**{ACTIVE: False})
    out = pd.concat([merged, stale.sort_values(LAST_SEEN, ascending=False)], ignore_index=True)
    out[IS_NEW] = out[ACTIVE] & (out[FIRST_SEEN] == out[LAST_SEEN])
    return out
