"""Reproducible demo dataset: realistic Indonesian posts with ground truth for evaluation.

:func:`generate_demo_posts` returns canonical posts (as ingestion would produce them from
tweet-harvest and comment exports) plus ground-truth columns; :func:`write_demo_csv` writes the
X posts as a tweet-harvest CSV for the upload flow. The data holds nine national issues, ~15 %
noise, one issue that emerges in one province in the last 24 hours (:data:`EMERGING_ISSUE`,
:data:`EMERGING_PROVINCE_CODE`) and one copy-paste buzzer campaign (:data:`TRUE_COORDINATED`).

The steps, in order (each draws from the same seeded random source, so the order is part of the
data): :mod:`~monitoring.demo.plan` (what each post is) ▸ :mod:`~monitoring.demo.accounts` (who
posts, from where) ▸ :mod:`~monitoring.demo.timeline` (when, replying to whom) ▸
:mod:`~monitoring.demo.writer` (the text) ▸ :mod:`~monitoring.demo.engagement` ▸
:mod:`~monitoring.demo.identifiers` (ids, links, extra). Phrase banks live in
:mod:`monitoring.demo.corpus`.
"""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
from lokal import PROVINCES

from monitoring import schema as S
from monitoring.clock import as_utc
from monitoring.demo.accounts import assign_authors, assign_provinces, author_pool
from monitoring.demo.engagement import add_engagement
from monitoring.demo.identifiers import TWITTER_EPOCH_MS, add_identifiers
from monitoring.demo.plan import (
    CAMPAIGN_ISSUE,
    EMERGING_ISSUE,
    EMERGING_PROVINCE_CODE,
    GROUND_TRUTH_COLUMNS,
    ISSUE_LABELS,
    NOISE,
    TRUE_COORDINATED,
    TRUE_ISSUE,
    TRUE_PROVINCE_CODE,
    TRUE_SENTIMENT,
    plan_posts,
)
from monitoring.demo.timeline import assign_threads, assign_times
from monitoring.demo.tweet_harvest import TWEET_HARVEST_COLUMNS, tweet_harvest_frame
from monitoring.demo.writer import PostWriter

__all__ = [
    "CAMPAIGN_ISSUE", "DEFAULT_END", "DEMO_COLUMNS", "EMERGING_ISSUE", "EMERGING_PROVINCE_CODE",
    "GROUND_TRUTH_COLUMNS", "ISSUE_LABELS", "NOISE", "TRUE_COORDINATED", "TRUE_ISSUE", "TRUE_PROVINCE_CODE",
    "TRUE_SENTIMENT", "TWEET_HARVEST_COLUMNS", "TWITTER_EPOCH_MS", "generate_demo_posts", "write_demo_csv",
]

DEFAULT_END = pd.Timestamp("2026-11-20 23:00", tz="UTC")
DEMO_COLUMNS = (S.POST_ID, S.PLATFORM, S.CREATED_AT, S.AUTHOR, S.TEXT, S.LOCATION_RAW, S.LIKES, S.REPLIES,
                S.SHARES, S.VIEWS, S.URL, S.LANG, S.IN_REPLY_TO, S.EXTRA)
MIN_POSTS, MIN_DAYS = 100, 8


def generate_demo_posts(*, seed: int = 7, n_posts: int = 6000, days: int = 21,
                        end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Generate a realistic, reproducible set of Indonesian social-media posts with ground truth.

    Args:
        seed: Random seed; the same seed (and arguments) gives an identical frame.
        n_posts: Number of posts.
        days: Length of the period covered, ending at ``end``.
        end: End of the period (exclusive); default :data:`DEFAULT_END`. Naive times are UTC.

    Returns:
        One row per post, sorted by time: the canonical columns :data:`DEMO_COLUMNS` (``created_at``
        tz-aware UTC, engagement ``Int64``, ``extra`` a JSON object string) followed by
        :data:`GROUND_TRUTH_COLUMNS`.

    Raises:
        ValueError: ``n_posts`` < 100 or ``days`` < 8.
    """
    if n_posts < MIN_POSTS or days < MIN_DAYS:
        raise ValueError(f"Data contoh butuh minimal {MIN_POSTS} unggahan dan {MIN_DAYS} hari.")
    end = _utc_end(end)
    rng = np.random.default_rng(seed)
    plan = plan_posts(rng, n_posts)
    plan = assign_provinces(rng, plan)
    kinds = plan["kind"].value_counts()
    plan = assign_authors(rng, plan, author_pool(rng, n_posts, kinds["campaign"], kinds["emerging"]))
    plan = assign_times(rng, plan, end, days)
    plan = assign_threads(rng, plan)
    plan = PostWriter(random.Random(seed)).add_texts(plan)
    plan = add_engagement(rng, plan, end)
    plan = add_identifiers(rng, plan, seed)
    return _finish(plan)


def write_demo_csv(path: str | Path, **kwargs) -> pd.DataFrame:
    """Write the demo's X posts as a tweet-harvest CSV (no ground truth in the file).

    Args:
        path: Destination file.
        **kwargs: Passed to :func:`generate_demo_posts`.

    Returns:
        The X posts written, newest first like tweet-harvest, with ground-truth columns, row i
        matching CSV row i.
    """
    posts = generate_demo_posts(**kwargs)
    tweets = posts[posts[S.PLATFORM] == "x"].iloc[::-1].reset_index(drop=True)
    tweet_harvest_frame(tweets).to_csv(path, index=False, encoding="utf-8")
    return tweets


def _utc_end(end: pd.Timestamp | None) -> pd.Timestamp:
    return as_utc(DEFAULT_END if end is None else end).floor("s")


def _finish(plan: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns, then ground truth (province only where bio or text names a place)."""
    posts = plan.copy()
    posts[S.CREATED_AT] = pd.to_datetime(posts["epoch"].to_numpy(), unit="s", utc=True)
    from_text = np.where(posts["named_place"].to_numpy(), posts["story_province"].to_numpy(dtype=object), None)
    posts[TRUE_PROVINCE_CODE] = np.where(posts["has_place"].to_numpy(), posts["province"].to_numpy(dtype=object),
                                         from_text)
    posts[TRUE_COORDINATED] = (posts["kind"] == "campaign").to_numpy()
    unknown = set(posts[TRUE_PROVINCE_CODE].dropna()) - set(PROVINCES)
    assert not unknown, f"province codes not in lokal: {unknown}"
    return posts.loc[:, list(DEMO_COLUMNS + GROUND_TRUTH_COLUMNS)].reset_index(drop=True)
