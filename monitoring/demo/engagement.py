"""Likes, replies, shares and views of the demo posts: heavy-tailed, per platform.

Popular accounts and the emerging issue's last day get more, replies and the campaign's fresh
accounts far less; a count a platform does not export (news: none; shares and views: X only) is
missing, not zero.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from monitoring import schema as S

# Log-normal likes per platform: (mu, sigma).
LIKES_SHAPE = {"x": (0.8, 1.7), "instagram": (0.3, 1.3), "tiktok": (0.8, 1.8), "youtube": (0.5, 1.6)}


def add_engagement(rng: np.random.Generator, plan: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Heavy-tailed likes, replies, shares and views; null where a platform has no such count.

    Args:
        rng: the generator's random source.
        plan: posts with ``kind``, ``epoch``, ``parent`` and the author's ``popularity``.
        end: end of the period (the emerging issue goes viral in the day before it).

    Returns:
        ``plan`` with the engagement columns (``Int64``).
    """
    n = len(plan)
    platform = plan[S.PLATFORM].to_numpy()
    mu = np.array([LIKES_SHAPE.get(p, (0.0, 1.0))[0] for p in platform]) + plan["popularity"].to_numpy(float)
    sigma = np.array([LIKES_SHAPE.get(p, (0.0, 1.0))[1] for p in platform])
    viral = ((plan["kind"] == "emerging") & (plan["epoch"] > end.timestamp() - 86400)).to_numpy()
    likes = np.floor(np.exp(rng.normal(mu + 0.7 * viral - 0.8 * (plan["parent"] >= 0), sigma))).astype(np.int64)
    replies = np.floor(likes * rng.uniform(0.0, 0.25, n)).astype(np.int64) + rng.poisson(0.2, n)
    children = np.bincount(plan["parent"].to_numpy()[plan["parent"] >= 0], minlength=n)
    replies = np.maximum(replies, children)
    shares = np.floor(likes * rng.uniform(0.0, 0.45, n)).astype(np.int64)
    views = np.floor((likes + 1) * np.exp(rng.normal(np.log(45.0), 0.7, n))).astype(np.int64) + rng.integers(5, 200, n)
    campaign = (plan["kind"] == "campaign").to_numpy()
    likes[campaign], replies[campaign] = rng.integers(0, 4, campaign.sum()), 0
    shares[campaign], views[campaign] = rng.integers(0, 6, campaign.sum()), rng.integers(15, 300, campaign.sum())
    is_x, news = platform == "x", platform == "news"
    plan = plan.copy()
    for column, values, missing in ((S.LIKES, likes, news), (S.REPLIES, replies, news),
                                    (S.SHARES, shares, ~is_x), (S.VIEWS, views, ~is_x)):
        plan[column] = pd.array(np.where(missing, 0, values), dtype="Int64")
        plan.loc[missing, column] = pd.NA
    return plan
