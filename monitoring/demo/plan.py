"""What each demo post is: its kind (topic, noise, emerging, campaign), issue, sentiment and
platform, and the ground-truth columns that record it.

The story is fixed: nine national issues, ~15 % noise, one issue that emerges in one province in
the last 24 hours (:data:`EMERGING_ISSUE` in :data:`EMERGING_PROVINCE_CODE`) and one copy-paste
buzzer campaign (:data:`CAMPAIGN_ISSUE`, flagged in :data:`TRUE_COORDINATED`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from monitoring import schema as S
from monitoring.demo.corpus import CAMPAIGN_ISSUE, EMERGING, ISSUES

# Ground truth (not part of the canonical schema; never written to the CSV).
TRUE_ISSUE = "true_issue"              # issue key, or NOISE
TRUE_SENTIMENT = "true_sentiment"      # positive | neutral | negative
# Province of the bio location when it names a place, else of a town named in the text, else None.
TRUE_PROVINCE_CODE = "true_province_code"
TRUE_COORDINATED = "true_coordinated"  # True for the copy-paste campaign posts
GROUND_TRUTH_COLUMNS = (TRUE_ISSUE, TRUE_SENTIMENT, TRUE_PROVINCE_CODE, TRUE_COORDINATED)
NOISE = "noise"

ISSUE_LABELS = {bank.key: bank.label for bank in ISSUES + (EMERGING,)}
EMERGING_ISSUE = EMERGING.key
EMERGING_PROVINCE_CODE = "53"          # Nusa Tenggara Timur
# CAMPAIGN_ISSUE (the issue the campaign posts are about) comes with the phrase banks.

NOISE_SHARE, EMERGING_SHARE, CAMPAIGN_SHARE, CAMPAIGN_MIN = 0.15, 0.02, 0.02, 100
NOISE_SENTIMENT = (0.3, 0.5, 0.2)      # positive, neutral, negative
PLATFORM_MIX = {  # x, instagram, tiktok, youtube, news
    "topic": (0.55, 0.14, 0.11, 0.10, 0.10), "noise": (0.60, 0.20, 0.15, 0.05, 0.0),
    "emerging": (0.60, 0.10, 0.15, 0.05, 0.10),
}
PLATFORM_ORDER = ("x", "instagram", "tiktok", "youtube", "news")


def plan_posts(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Kind (topic, noise, emerging, campaign), issue, sentiment and platform of each post.

    Args:
        rng: the generator's random source (draws in a fixed order).
        n: number of posts.

    Returns:
        One row per post with ``kind``, :data:`TRUE_ISSUE`, :data:`TRUE_SENTIMENT` and the platform;
        news is always neutral and the campaign always positive.
    """
    n_noise = round(n * NOISE_SHARE)
    n_emerging = max(5, round(n * EMERGING_SHARE))
    n_campaign = min(max(CAMPAIGN_MIN, round(n * CAMPAIGN_SHARE)), n // 10)
    n_topic = n - n_noise - n_emerging - n_campaign
    shares = np.array([bank.share for bank in ISSUES])
    topic_issues = np.array([b.key for b in ISSUES])[rng.choice(len(ISSUES), n_topic, p=shares / shares.sum())]
    kind = np.repeat(["topic", "noise", "emerging", "campaign"], [n_topic, n_noise, n_emerging, n_campaign])
    issue = np.concatenate([topic_issues, [NOISE] * n_noise, [EMERGING_ISSUE] * n_emerging,
                            [CAMPAIGN_ISSUE] * n_campaign])
    mix = {bank.key: bank.sentiment for bank in ISSUES + (EMERGING,)} | {NOISE: NOISE_SENTIMENT}
    probs = np.array([mix[key] for key in issue])
    probs[kind == "campaign"] = (1.0, 0.0, 0.0)
    sentiment = np.array(S.SENTIMENTS)[(rng.random(n)[:, None] > probs.cumsum(axis=1)).sum(axis=1).clip(0, 2)]
    platform = np.full(n, "x", dtype=object)
    for name, mix in PLATFORM_MIX.items():
        mask = kind == name
        platform[mask] = np.array(PLATFORM_ORDER)[rng.choice(len(PLATFORM_ORDER), mask.sum(), p=mix)]
    sentiment = np.where(platform == "news", "neutral", sentiment)
    return pd.DataFrame({"kind": kind, TRUE_ISSUE: issue, TRUE_SENTIMENT: sentiment, S.PLATFORM: platform})
