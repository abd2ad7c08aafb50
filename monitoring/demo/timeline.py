"""When demo posts appear and what they reply to.

An issue's volume over the period is a base level plus decaying event bumps; the emerging issue
surges in the last day and the campaign bursts within a few hours, five days before the end. Within
a day, activity follows local time (low 01-05, peak 19-21; news in office hours) and the weekday.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from monitoring import schema as S
from monitoring.demo.corpus import EMERGING, ISSUES, PROVINCE_FACTS, IssueBank
from monitoring.demo.plan import EMERGING_ISSUE, TRUE_ISSUE

# Activity by local hour (low 01-05, peak 19-21) and by weekday (Monday first).
DIURNAL = np.array([0.35, 0.2, 0.12, 0.08, 0.08, 0.15, 0.35, 0.6, 0.8, 0.85, 0.85, 0.9,
                    1.0, 0.95, 0.85, 0.8, 0.85, 0.95, 1.1, 1.35, 1.5, 1.45, 1.2, 0.7])
NEWS_DIURNAL = np.array([0.05, 0.03, 0.02, 0.02, 0.05, 0.2, 0.6, 1.0, 1.2, 1.3, 1.3, 1.2,
                         1.1, 1.2, 1.2, 1.1, 1.0, 0.9, 0.7, 0.6, 0.5, 0.4, 0.2, 0.1])
WEEKLY = np.array([1.0, 1.0, 1.0, 0.98, 0.95, 0.85, 0.9])
REPLY_SHARE = {"x": 0.22, "instagram": 0.15, "tiktok": 0.15, "youtube": 0.12, "news": 0.0}


def issue_level(bank: IssueBank | None, t_days: np.ndarray, days: int) -> np.ndarray:
    """Daily level of an issue over time: a base plus decaying event bumps (emerging: a late surge).

    Args:
        bank: the issue (None: noise, a flat level).
        t_days: times since the start of the period, in days.
        days: length of the period (event days are scaled from 21 days to it).

    Returns:
        The level at each of ``t_days``.
    """
    if bank is None:
        return np.ones_like(t_days)
    if bank.key == EMERGING_ISSUE:
        onset = days - 1.0
        return 0.002 + np.where(t_days >= onset, 1.0 - np.exp(-(t_days - onset) / 0.3), 0.0)
    level = np.full_like(t_days, bank.base)
    for day, amplitude, decay in bank.events:
        start = day * days / 21.0
        rising = np.clip((t_days - start + 0.25) / 0.25, 0.0, 1.0)
        level += amplitude * np.where(t_days >= start, np.exp(-(t_days - start) / decay), rising)
    return level


def assign_times(rng: np.random.Generator, plan: pd.DataFrame, end: pd.Timestamp, days: int) -> pd.DataFrame:
    """Sample an hour per post from issue level x local diurnal x weekday activity; sort by time.

    Args:
        rng: the generator's random source.
        plan: posts with their issue, platform, ``kind`` and ``story_province``.
        end: end of the period (exclusive, UTC).
        days: length of the period.

    Returns:
        ``plan`` with ``epoch`` (seconds since 1970, UTC), sorted by it.
    """
    start = end - pd.Timedelta(days=days)
    hours = pd.date_range(start, periods=days * 24, freq="h")
    t_days = (np.arange(len(hours)) + 0.5) / 24.0
    banks = {bank.key: bank for bank in ISSUES + (EMERGING,)}
    offsets = plan["story_province"].map(lambda c: PROVINCE_FACTS[c].utc_offset if c in PROVINCE_FACTS else 7)
    is_news = plan[S.PLATFORM] == "news"
    seconds = np.zeros(len(plan), dtype=np.int64)
    groups = plan.assign(offset=offsets, news=is_news).groupby([TRUE_ISSUE, "offset", "news"], sort=True).indices
    for (issue, offset, news), index in groups.items():
        local = hours + pd.Timedelta(hours=int(offset))
        weight = (issue_level(banks.get(issue), t_days, days) * WEEKLY[local.day_of_week]
                  * (NEWS_DIURNAL if news else DIURNAL)[local.hour])
        slots = rng.choice(len(hours), len(index), p=weight / weight.sum())
        seconds[index] = slots * 3600 + rng.integers(0, 3600, len(index))
    campaign = (plan["kind"] == "campaign").to_numpy()
    burst = (end.normalize() - pd.Timedelta(days=5) + pd.Timedelta(hours=12) - start).total_seconds()
    seconds[campaign] = int(burst) + np.sort(rng.gamma(2.0, 2400.0, campaign.sum())).astype(np.int64)
    seconds = np.minimum(seconds, days * 86400 - 1)
    plan = plan.copy()
    plan["epoch"] = int(start.timestamp()) + seconds
    return plan.sort_values("epoch", kind="stable").reset_index(drop=True)


def assign_threads(rng: np.random.Generator, plan: pd.DataFrame) -> pd.DataFrame:
    """Some posts reply to an earlier post of the same issue and platform (in_reply_to = its author).

    Args:
        rng: the generator's random source.
        plan: posts sorted by time (:func:`assign_times`), with their authors.

    Returns:
        ``plan`` with ``parent`` and ``root`` (row of the post replied to and of its thread's first
        post, -1 for none) and the in-reply-to author.
    """
    parent = np.full(len(plan), -1)
    eligible = plan["kind"].isin(["topic", "noise", "emerging"]).to_numpy()
    wants = rng.random(len(plan)) < plan[S.PLATFORM].map(REPLY_SHARE).to_numpy()
    draws = rng.random(len(plan))
    for index in plan[eligible].groupby([TRUE_ISSUE, S.PLATFORM], sort=True).indices.values():
        positions = np.flatnonzero(eligible)[index]
        for j in range(1, len(positions)):
            if wants[positions[j]]:
                window = min(j, 40)
                parent[positions[j]] = positions[j - 1 - int(draws[positions[j]] * window)]
    root = parent.copy()
    for i in np.flatnonzero(parent >= 0):
        root[i] = root[parent[i]] if root[parent[i]] >= 0 else parent[i]
    plan = plan.copy()
    plan["parent"], plan["root"] = parent, root
    authors = plan[S.AUTHOR].to_numpy(dtype=object)
    plan[S.IN_REPLY_TO] = np.where(parent >= 0, authors[np.maximum(parent, 0)], None)
    return plan
