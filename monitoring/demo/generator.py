"""Reproducible demo dataset: realistic Indonesian posts with ground truth for evaluation.

:func:`generate_demo_posts` returns canonical posts (as ingestion would produce them from
tweet-harvest and comment exports) plus ground-truth columns; :func:`write_demo_csv` writes the
X posts as a tweet-harvest CSV for the upload flow. The data holds nine national issues, ~15 %
noise, one issue that emerges in one province in the last 24 hours (:data:`EMERGING_ISSUE`,
:data:`EMERGING_PROVINCE_CODE`) and one copy-paste buzzer campaign (:data:`TRUE_COORDINATED`).
Phrase banks live in :mod:`monitoring.demo.corpus`.
"""
from __future__ import annotations

import functools
import hashlib
import json
import random
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
from lokal import PROVINCES

from monitoring import schema as S
from monitoring.clock import as_utc
from monitoring.demo import corpus as C
from monitoring.demo.corpus import PostWriter

# Ground truth (not part of the canonical schema; never written to the CSV).
TRUE_ISSUE = "true_issue"              # issue key, or NOISE
TRUE_SENTIMENT = "true_sentiment"      # positive | neutral | negative
# Province of the bio location when it names a place, else of a town named in the text, else None.
TRUE_PROVINCE_CODE = "true_province_code"
TRUE_COORDINATED = "true_coordinated"  # True for the copy-paste campaign posts
GROUND_TRUTH_COLUMNS = (TRUE_ISSUE, TRUE_SENTIMENT, TRUE_PROVINCE_CODE, TRUE_COORDINATED)
NOISE = "noise"

ISSUE_LABELS = {bank.key: bank.label for bank in C.ISSUES + (C.EMERGING,)}
EMERGING_ISSUE = C.EMERGING.key
EMERGING_PROVINCE_CODE = "53"          # Nusa Tenggara Timur
CAMPAIGN_ISSUE = C.CAMPAIGN_ISSUE
DEFAULT_END = pd.Timestamp("2026-11-20 23:00", tz="UTC")
DEMO_COLUMNS = (S.POST_ID, S.PLATFORM, S.CREATED_AT, S.AUTHOR, S.TEXT, S.LOCATION_RAW, S.LIKES, S.REPLIES,
                S.SHARES, S.VIEWS, S.URL, S.LANG, S.IN_REPLY_TO, S.EXTRA)

NOISE_SHARE, EMERGING_SHARE, CAMPAIGN_SHARE, CAMPAIGN_MIN = 0.15, 0.02, 0.02, 100
NOISE_SENTIMENT = (0.3, 0.5, 0.2)      # positive, neutral, negative
PLATFORM_MIX = {  # x, instagram, tiktok, youtube, news
    "topic": (0.55, 0.14, 0.11, 0.10, 0.10), "noise": (0.60, 0.20, 0.15, 0.05, 0.0),
    "emerging": (0.60, 0.10, 0.15, 0.05, 0.10),
}
PLATFORM_ORDER = ("x", "instagram", "tiktok", "youtube", "news")
REPLY_SHARE = {"x": 0.22, "instagram": 0.15, "tiktok": 0.15, "youtube": 0.12, "news": 0.0}
# Activity by local hour (low 01-05, peak 19-21) and by weekday (Monday first).
DIURNAL = np.array([0.35, 0.2, 0.12, 0.08, 0.08, 0.15, 0.35, 0.6, 0.8, 0.85, 0.85, 0.9,
                    1.0, 0.95, 0.85, 0.8, 0.85, 0.95, 1.1, 1.35, 1.5, 1.45, 1.2, 0.7])
NEWS_DIURNAL = np.array([0.05, 0.03, 0.02, 0.02, 0.05, 0.2, 0.6, 1.0, 1.2, 1.3, 1.3, 1.2,
                         1.1, 1.2, 1.2, 1.1, 1.0, 0.9, 0.7, 0.6, 0.5, 0.4, 0.2, 0.1])
WEEKLY = np.array([1.0, 1.0, 1.0, 0.98, 0.95, 0.85, 0.9])
# Urban provinces post more per head than their population says.
ACTIVITY_BOOST = {"31": 2.5, "34": 1.5, "36": 1.2, "32": 1.1, "35": 1.05}
MIN_POSTS, MIN_DAYS = 100, 8
# tweet-harvest's CSV header (new format, alphabetical).
TWEET_HARVEST_COLUMNS = ("conversation_id_str", "created_at", "favorite_count", "full_text", "id_str", "image_url",
                         "in_reply_to_screen_name", "lang", "location", "quote_count", "reply_count",
                         "retweet_count", "tweet_url", "user_id_str", "username")


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
    plan = _plan_posts(rng, n_posts)
    plan = _assign_provinces(rng, plan)
    kinds = plan["kind"].value_counts()
    plan = _assign_authors(rng, plan, _author_pool(rng, n_posts, kinds["campaign"], kinds["emerging"]))
    plan = _assign_times(rng, plan, end, days)
    plan = _assign_threads(rng, plan)
    plan = PostWriter(random.Random(seed)).add_texts(plan)
    plan = _add_engagement(rng, plan, end)
    plan = _add_identifiers(rng, plan, seed)
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
    _tweet_harvest_frame(tweets).to_csv(path, index=False, encoding="utf-8")
    return tweets


# --- plan: what each post is about ---------------------------------------------------------------

def _utc_end(end: pd.Timestamp | None) -> pd.Timestamp:
    return as_utc(DEFAULT_END if end is None else end).floor("s")


def _plan_posts(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Kind (topic, noise, emerging, campaign), issue, sentiment and platform of each post."""
    n_noise = round(n * NOISE_SHARE)
    n_emerging = max(5, round(n * EMERGING_SHARE))
    n_campaign = min(max(CAMPAIGN_MIN, round(n * CAMPAIGN_SHARE)), n // 10)
    n_topic = n - n_noise - n_emerging - n_campaign
    shares = np.array([bank.share for bank in C.ISSUES])
    topic_issues = np.array([b.key for b in C.ISSUES])[rng.choice(len(C.ISSUES), n_topic, p=shares / shares.sum())]
    kind = np.repeat(["topic", "noise", "emerging", "campaign"], [n_topic, n_noise, n_emerging, n_campaign])
    issue = np.concatenate([topic_issues, [NOISE] * n_noise, [EMERGING_ISSUE] * n_emerging,
                            [CAMPAIGN_ISSUE] * n_campaign])
    mix = {bank.key: bank.sentiment for bank in C.ISSUES + (C.EMERGING,)} | {NOISE: NOISE_SENTIMENT}
    probs = np.array([mix[key] for key in issue])
    probs[kind == "campaign"] = (1.0, 0.0, 0.0)
    sentiment = np.array(S.SENTIMENTS)[(rng.random(n)[:, None] > probs.cumsum(axis=1)).sum(axis=1).clip(0, 2)]
    platform = np.full(n, "x", dtype=object)
    for name, mix in PLATFORM_MIX.items():
        mask = kind == name
        platform[mask] = np.array(PLATFORM_ORDER)[rng.choice(len(PLATFORM_ORDER), mask.sum(), p=mix)]
    sentiment = np.where(platform == "news", "neutral", sentiment)
    return pd.DataFrame({"kind": kind, TRUE_ISSUE: issue, TRUE_SENTIMENT: sentiment, S.PLATFORM: platform})


def _province_weights(boost: dict[str, float] | None = None) -> pd.Series:
    weights = pd.Series({code: facts[0] * ACTIVITY_BOOST.get(code, 1.0) for code, facts in C.PROVINCE_FACTS.items()})
    for code, factor in (boost or {}).items():
        weights[code] *= factor
    return weights / weights.sum()


def _assign_provinces(rng: np.random.Generator, plan: pd.DataFrame) -> pd.DataFrame:
    """Latent province of each author (and of each news story); the campaign has none."""
    plan = plan.copy()
    province = np.full(len(plan), None, dtype=object)
    boosts = {bank.key: bank.province_boost for bank in C.ISSUES}
    for issue in sorted(boosts) + [NOISE]:
        mask = ((plan[TRUE_ISSUE] == issue) & plan["kind"].isin(["topic", "noise"])).to_numpy()
        weights = _province_weights(boosts.get(issue))
        province[mask] = rng.choice(weights.index.to_numpy(), mask.sum(), p=weights.to_numpy())
    emerging = (plan["kind"] == "emerging").to_numpy()
    elsewhere = _province_weights().drop(EMERGING_PROVINCE_CODE)
    outside = rng.choice(elsewhere.index.to_numpy(), emerging.sum(), p=(elsewhere / elsewhere.sum()).to_numpy())
    province[emerging] = np.where(rng.random(emerging.sum()) < 0.88, EMERGING_PROVINCE_CODE, outside)
    plan["province"] = province
    plan["story_province"] = np.where(emerging, EMERGING_PROVINCE_CODE, province)
    return plan


# --- authors -----------------------------------------------------------------------------------

def _handle(rnd: random.Random, words: tuple[str, ...], taken: set[str]) -> str:
    first, word = rnd.choice(C.FIRST_NAMES), rnd.choice(words)
    styles = (f"{first}_{word}", f"{first}{rnd.randint(1, 99)}", f"{first}.{word}", f"its{first}",
              f"{word}_{first}{rnd.randint(70, 2009)}", f"{first}_{rnd.choice(C.FIRST_NAMES)}", f"{first}{word}")
    name = rnd.choice(styles)
    while name in taken:
        name = f"{name}{rnd.randint(0, 9)}"
    taken.add(name)
    return name


def _bio(rnd: random.Random, code: str, city: str) -> str:
    special = C.SPECIAL_BIOS.get(code, ())
    if special and rnd.random() < 0.35:
        return rnd.choice(special)
    style = rnd.choice(C.BIO_STYLES)
    return style.format(city=city, short=C.PROVINCE_FACTS[code][1], lower=city.lower())


def _author_pool(rng: np.random.Generator, n_posts: int, n_campaign: int, n_emerging: int) -> pd.DataFrame:
    """Accounts per province (40 % without a place in their bio), extra accounts in Kupang (where the
    emerging issue brings many people to post) and the campaign's accounts."""
    rnd, taken, rows = random.Random(int(rng.integers(2**31))), set(), []
    total = max(300, n_posts // 3)
    for code, share in _province_weights().items():
        towns = C.PROVINCE_FACTS[code][3]
        extra = n_emerging // 2 if code == EMERGING_PROVINCE_CODE else 0
        for i in range(max(6, round(total * share)) + extra):
            city = towns[0] if i < extra else towns[min(int(rnd.paretovariate(1.2)) - 1, len(towns) - 1)]
            has_place = rnd.random() < 0.6
            location = _bio(rnd, code, city) if has_place else rnd.choice(C.NONPLACE_LOCATIONS)
            rows.append((_handle(rnd, C.HANDLE_WORDS, taken), code, city, location or None, has_place))
    for _ in range(max(1, int(n_campaign * 0.8))):
        location = rnd.choice(C.CAMPAIGN_LOCATIONS)
        rows.append((_handle(rnd, C.CAMPAIGN_HANDLE_WORDS, taken), "campaign", None, location or None, False))
    pool = pd.DataFrame(rows, columns=[S.AUTHOR, "pool", "city", S.LOCATION_RAW, "has_place"])
    pool["slang"] = rng.choice([0.1, 0.5, 0.85], len(pool), p=[0.25, 0.5, 0.25])
    pool["popularity"] = rng.normal(0.0, 0.8, len(pool))
    pool["user_id"] = rng.integers(10**8, 2 * 10**18, len(pool)).astype(str)
    fresh = (pool["pool"] == "campaign").to_numpy()  # campaign accounts are new: recent, long ids
    pool.loc[fresh, "user_id"] = rng.integers(1_850_000_000_000_000_000, 2 * 10**18, fresh.sum()).astype(str)
    return pool


def _zipf_pick(rng: np.random.Generator, candidates: np.ndarray, size: int, exponent: float = 0.9) -> np.ndarray:
    weights = 1.0 / np.arange(1, len(candidates) + 1) ** exponent
    return candidates[rng.choice(len(candidates), size, p=weights / weights.sum())]


def _assign_authors(rng: np.random.Generator, plan: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """Zipf-like choice of accounts within each province; outlets write the news."""
    chosen = np.full(len(plan), -1)
    social = (plan[S.PLATFORM] != "news").to_numpy()
    emerging_home = ((plan["kind"] == "emerging") & (plan["province"] == EMERGING_PROVINCE_CODE)).to_numpy()
    for code in C.PROVINCE_FACTS:
        home = (pool["pool"] == code).to_numpy()
        kupang = np.flatnonzero(home & ((pool["city"] == "Kupang") | ~pool["has_place"]).to_numpy())
        for mask, candidates, exponent in (
                (social & (plan["province"] == code).to_numpy() & ~emerging_home, np.flatnonzero(home), 0.9),
                (social & emerging_home & (code == EMERGING_PROVINCE_CODE), kupang, 0.4)):
            if mask.any():
                chosen[mask] = _zipf_pick(rng, candidates, mask.sum(), exponent)
    campaign = (plan["kind"] == "campaign").to_numpy()
    accounts = rng.permutation(np.flatnonzero((pool["pool"] == "campaign").to_numpy()))
    chosen[campaign] = rng.permutation(np.resize(accounts, campaign.sum()))  # each account posts once or twice
    plan = plan.copy()
    picked = pool.iloc[np.where(chosen >= 0, chosen, 0)].reset_index(drop=True)
    for column in (S.AUTHOR, "city", S.LOCATION_RAW, "has_place", "slang", "popularity", "user_id"):
        plan[column] = np.where(chosen >= 0, picked[column].to_numpy(dtype=object), None)
    news = ~social
    plan.loc[news, S.AUTHOR] = _news_outlets(rng, plan.loc[news, "story_province"].to_numpy())
    plan.loc[news, ["has_place", "slang", "popularity"]] = (False, 0.0, 0.0)
    plan["has_place"] = plan["has_place"].astype(bool)
    return plan


def _news_outlets(rng: np.random.Generator, provinces: np.ndarray) -> np.ndarray:
    national = [name for name, _, region in C.OUTLETS if region is None]
    regional = {}
    for name, _, region in C.OUTLETS:
        if region is not None:
            regional.setdefault(region, []).append(name)
    picks = np.array(national)[rng.integers(0, len(national), len(provinces))]
    local = rng.random(len(provinces)) < 0.6
    for i, code in enumerate(provinces):
        if local[i] and code in regional:
            picks[i] = regional[code][rng.integers(len(regional[code]))]
    return picks


# --- time --------------------------------------------------------------------------------------

def _issue_level(bank: C.IssueBank | None, t_days: np.ndarray, days: int) -> np.ndarray:
    """Daily level of an issue over time: a base plus decaying event bumps (emerging: a late surge)."""
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


def _assign_times(rng: np.random.Generator, plan: pd.DataFrame, end: pd.Timestamp, days: int) -> pd.DataFrame:
    """Sample an hour per post from issue level x local diurnal x weekday activity; sort by time."""
    start = end - pd.Timedelta(days=days)
    hours = pd.date_range(start, periods=days * 24, freq="h")
    t_days = (np.arange(len(hours)) + 0.5) / 24.0
    banks = {bank.key: bank for bank in C.ISSUES + (C.EMERGING,)}
    offsets = plan["story_province"].map(lambda c: C.PROVINCE_FACTS[c][2] if c in C.PROVINCE_FACTS else 7)
    is_news = plan[S.PLATFORM] == "news"
    seconds = np.zeros(len(plan), dtype=np.int64)
    groups = plan.assign(offset=offsets, news=is_news).groupby([TRUE_ISSUE, "offset", "news"], sort=True).indices
    for (issue, offset, news), index in groups.items():
        local = hours + pd.Timedelta(hours=int(offset))
        weight = (_issue_level(banks.get(issue), t_days, days) * WEEKLY[local.day_of_week]
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


def _assign_threads(rng: np.random.Generator, plan: pd.DataFrame) -> pd.DataFrame:
    """Some posts reply to an earlier post of the same issue and platform (in_reply_to = its author)."""
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


# --- engagement and final frame ----------------------------------------------------------------

# Log-normal likes per platform: (mu, sigma).
LIKES_SHAPE = {"x": (0.8, 1.7), "instagram": (0.3, 1.3), "tiktok": (0.8, 1.8), "youtube": (0.5, 1.6)}


def _add_engagement(rng: np.random.Generator, plan: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Heavy-tailed likes, replies, shares and views; null where a platform has no such count."""
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


# --- identifiers, links, extra ------------------------------------------------------------------

TWITTER_EPOCH_MS = 1288834974657
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_OUTLET_DOMAINS = {name: domain for name, domain, _ in C.OUTLETS}


@functools.lru_cache(maxsize=4096)
def _media(seed: int, issue: str, platform: str, k: int) -> tuple[str, str, str]:
    """(id, owner, title) of the video/post that a comment is left under."""
    digest = hashlib.sha1(f"{seed}|{issue}|{platform}|{k}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    code = "".join(_B64[b % 64] for b in digest[8:19])
    media_id = str(7_300_000_000_000_000_000 + number % 10**17) if platform == "tiktok" else code
    title = f"{ISSUE_LABELS.get(issue, 'Obrolan santai')} | {C.MEDIA_TITLES[k % len(C.MEDIA_TITLES)]}"
    return media_id, C.MEDIA_CHANNELS[number % len(C.MEDIA_CHANNELS)], title


def _add_identifiers(rng: np.random.Generator, plan: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Platform-shaped post ids (X snowflakes carry the post time), links and the extra JSON."""
    n = len(plan)
    ms = plan["epoch"].to_numpy(np.int64) * 1000 + rng.integers(0, 1000, n)
    snowflake = ((ms - TWITTER_EPOCH_MS) << 22) | (rng.integers(0, 1024, n) << 12) | (np.arange(n) % 4096)
    comment_ids = {"instagram": 17_900_000_000_000_000 + rng.integers(0, 10**14, n),
                   "tiktok": 7_400_000_000_000_000_000 + rng.integers(0, 10**17, n)}
    parent = plan["parent"].to_numpy()
    media = np.minimum(rng.zipf(1.7, n), 12) - 1
    for i in np.flatnonzero(parent >= 0):
        media[i] = media[parent[i]]
    rnd = random.Random(seed)
    ids, urls, extras = [], [], []
    rows = zip(*(plan[c].to_numpy(dtype=object) for c in (S.PLATFORM, TRUE_ISSUE, S.AUTHOR, S.TEXT, "epoch")), media)
    for i, (platform, issue, author, text, epoch, k) in enumerate(rows):
        if platform == "x":
            post_id, url, extra = str(snowflake[i]), f"https://x.com/{author}/status/{snowflake[i]}", {}
        elif platform == "news":
            post_id, url, extra = _news_ref(rnd, author, text, int(epoch))
        else:
            media_id, owner, title = _media(seed, issue, platform, int(k))
            post_id, url, extra = _comment_ref(rnd, platform, comment_ids, i, media_id, owner, title)
        ids.append(post_id)
        urls.append(url)
        extras.append(extra)
    plan = plan.copy()
    plan[S.POST_ID], plan[S.URL] = ids, urls
    plan[S.EXTRA] = _x_extras(rng, rnd, plan, extras, snowflake)
    return plan


def _comment_ref(rnd: random.Random, platform: str, comment_ids: dict[str, np.ndarray], i: int, media_id: str,
                 owner: str, title: str) -> tuple[str, str, dict]:
    if platform == "youtube":
        post_id = "Ugx" + "".join(rnd.choices(_B64, k=23))
        return post_id, f"https://www.youtube.com/watch?v={media_id}&lc={post_id}", {
            "video_id": media_id, "video_title": title, "channel": owner}
    post_id = str(comment_ids[platform][i])
    if platform == "instagram":
        return post_id, f"https://www.instagram.com/p/{media_id}/c/{post_id}/", {
            "media_shortcode": media_id, "media_owner": owner}
    return post_id, f"https://www.tiktok.com/@{owner}/video/{media_id}", {"video_id": media_id, "video_owner": owner}


def _news_ref(rnd: random.Random, outlet: str, title: str, epoch: int) -> tuple[str, str, dict]:
    day = time.strftime("%Y/%m/%d", time.gmtime(epoch + 7 * 3600))  # date in WIB
    slug = "-".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split()[:8])
    section = rnd.choice(("nasional", "daerah", "ekonomi"))
    url = f"https://{_OUTLET_DOMAINS[outlet]}/{section}/{day}/{slug}-{rnd.randint(100000, 999999)}"
    return hashlib.sha1(url.encode()).hexdigest()[:16], url, {"outlet": outlet, "section": section}


def _x_extras(rng: np.random.Generator, rnd: random.Random, plan: pd.DataFrame, extras: list[dict],
              snowflake: np.ndarray) -> list[str]:
    """tweet-harvest fields without a canonical column go to extra; every row as a JSON string."""
    root = plan["root"].to_numpy()
    shares = plan[S.SHARES].fillna(0).to_numpy(np.int64)
    quotes = np.floor(shares * rng.uniform(0.0, 0.15, len(plan))).astype(np.int64)
    photo = rng.random(len(plan)) < 0.12
    user_ids = plan["user_id"].to_numpy(dtype=object)
    for i, platform in enumerate(plan[S.PLATFORM].to_numpy(dtype=object)):
        if platform != "x":
            continue
        media = "".join(rnd.choices(_B64[:62], k=15)) if photo[i] else ""
        extras[i] = {"conversation_id_str": str(snowflake[root[i]] if root[i] >= 0 else snowflake[i]),
                     "image_url": f"https://pbs.twimg.com/media/{media}.jpg" if media else "",
                     "quote_count": int(quotes[i]), "user_id_str": user_ids[i]}
    return [json.dumps(extra, ensure_ascii=False, sort_keys=True) for extra in extras]


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _twitter_time(stamp: pd.Timestamp) -> str:
    """Twitter's created_at format, locale-independent: 'Fri Nov 20 15:04:05 +0000 2026'."""
    return f"{_DAYS[stamp.day_of_week]} {_MONTHS[stamp.month - 1]} {stamp:%d %H:%M:%S} +0000 {stamp.year}"


def _tweet_harvest_frame(tweets: pd.DataFrame) -> pd.DataFrame:
    extra = [json.loads(value) for value in tweets[S.EXTRA]]
    counts = {name: tweets[column].fillna(0).astype("int64").to_numpy()
              for name, column in (("favorite_count", S.LIKES), ("reply_count", S.REPLIES),
                                   ("retweet_count", S.SHARES))}
    frame = pd.DataFrame({
        "conversation_id_str": [e["conversation_id_str"] for e in extra],
        "created_at": [_twitter_time(t) for t in tweets[S.CREATED_AT]],
        "full_text": tweets[S.TEXT].to_numpy(), "id_str": tweets[S.POST_ID].to_numpy(),
        "image_url": [e["image_url"] for e in extra],
        "in_reply_to_screen_name": tweets[S.IN_REPLY_TO].fillna("").to_numpy(),
        "lang": tweets[S.LANG].to_numpy(), "location": tweets[S.LOCATION_RAW].fillna("").to_numpy(),
        "quote_count": [e["quote_count"] for e in extra], "tweet_url": tweets[S.URL].to_numpy(),
        "user_id_str": [e["user_id_str"] for e in extra], "username": tweets[S.AUTHOR].to_numpy(), **counts,
    })
    return frame.loc[:, list(TWEET_HARVEST_COLUMNS)]
