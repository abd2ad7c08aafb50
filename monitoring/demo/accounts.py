"""Who posts in the demo data: each post's province, the accounts of every province (handles and
bio locations), the campaign's fresh accounts and the news outlets.

Provinces are weighted by population, more for urban ones (:data:`ACTIVITY_BOOST`) and for an
issue's own ones (:attr:`~monitoring.demo.corpus.IssueBank.province_boost`); within a province a
few accounts write most posts (Zipf-like).
"""
from __future__ import annotations

import random

import numpy as np
import pandas as pd

from monitoring import schema as S
from monitoring.demo.corpus import (
    BIO_STYLES,
    CAMPAIGN_HANDLE_WORDS,
    CAMPAIGN_LOCATIONS,
    FIRST_NAMES,
    HANDLE_WORDS,
    ISSUES,
    NONPLACE_LOCATIONS,
    OUTLETS,
    PROVINCE_FACTS,
    SPECIAL_BIOS,
)
from monitoring.demo.plan import EMERGING_PROVINCE_CODE, NOISE, TRUE_ISSUE

# Urban provinces post more per head than their population says.
ACTIVITY_BOOST = {"31": 2.5, "34": 1.5, "36": 1.2, "32": 1.1, "35": 1.05}


def province_weights(boost: dict[str, float] | None = None) -> pd.Series:
    """Share of the posts per province code: population x activity x ``boost`` (summing to 1)."""
    weights = pd.Series({code: facts.population * ACTIVITY_BOOST.get(code, 1.0)
                         for code, facts in PROVINCE_FACTS.items()})
    for code, factor in (boost or {}).items():
        weights[code] *= factor
    return weights / weights.sum()


def assign_provinces(rng: np.random.Generator, plan: pd.DataFrame) -> pd.DataFrame:
    """Latent province of each author (and of each news story); the campaign has none.

    Args:
        rng: the generator's random source.
        plan: posts of :func:`monitoring.demo.plan.plan_posts`.

    Returns:
        ``plan`` with ``province`` (the author's) and ``story_province`` (where the story happens:
        the emerging province for the emerging issue, else the author's).
    """
    plan = plan.copy()
    province = np.full(len(plan), None, dtype=object)
    boosts = {bank.key: bank.province_boost for bank in ISSUES}
    for issue in sorted(boosts) + [NOISE]:
        mask = ((plan[TRUE_ISSUE] == issue) & plan["kind"].isin(["topic", "noise"])).to_numpy()
        weights = province_weights(boosts.get(issue))
        province[mask] = rng.choice(weights.index.to_numpy(), mask.sum(), p=weights.to_numpy())
    emerging = (plan["kind"] == "emerging").to_numpy()
    elsewhere = province_weights().drop(EMERGING_PROVINCE_CODE)
    outside = rng.choice(elsewhere.index.to_numpy(), emerging.sum(), p=(elsewhere / elsewhere.sum()).to_numpy())
    province[emerging] = np.where(rng.random(emerging.sum()) < 0.88, EMERGING_PROVINCE_CODE, outside)
    plan["province"] = province
    plan["story_province"] = np.where(emerging, EMERGING_PROVINCE_CODE, province)
    return plan


def _handle(rnd: random.Random, words: tuple[str, ...], taken: set[str]) -> str:
    first, word = rnd.choice(FIRST_NAMES), rnd.choice(words)
    styles = (f"{first}_{word}", f"{first}{rnd.randint(1, 99)}", f"{first}.{word}", f"its{first}",
              f"{word}_{first}{rnd.randint(70, 2009)}", f"{first}_{rnd.choice(FIRST_NAMES)}", f"{first}{word}")
    name = rnd.choice(styles)
    while name in taken:
        name = f"{name}{rnd.randint(0, 9)}"
    taken.add(name)
    return name


def _bio(rnd: random.Random, code: str, city: str) -> str:
    special = SPECIAL_BIOS.get(code, ())
    if special and rnd.random() < 0.35:
        return rnd.choice(special)
    style = rnd.choice(BIO_STYLES)
    return style.format(city=city, short=PROVINCE_FACTS[code].short_name, lower=city.lower())


def author_pool(rng: np.random.Generator, n_posts: int, n_campaign: int, n_emerging: int) -> pd.DataFrame:
    """Accounts per province (40 % without a place in their bio), extra accounts in Kupang (where the
    emerging issue brings many people to post) and the campaign's accounts.

    Args:
        rng: the generator's random source.
        n_posts: posts of the dataset (the pool grows with it).
        n_campaign: campaign posts (most campaign accounts post once).
        n_emerging: posts of the emerging issue.

    Returns:
        One row per account: author, ``pool`` (province code or ``"campaign"``), city, bio location,
        ``has_place``, ``slang`` level, ``popularity`` and ``user_id``.
    """
    rnd, taken, rows = random.Random(int(rng.integers(2**31))), set(), []
    total = max(300, n_posts // 3)
    for code, share in province_weights().items():
        towns = PROVINCE_FACTS[code].towns
        extra = n_emerging // 2 if code == EMERGING_PROVINCE_CODE else 0
        for i in range(max(6, round(total * share)) + extra):
            city = towns[0] if i < extra else towns[min(int(rnd.paretovariate(1.2)) - 1, len(towns) - 1)]
            has_place = rnd.random() < 0.6
            location = _bio(rnd, code, city) if has_place else rnd.choice(NONPLACE_LOCATIONS)
            rows.append((_handle(rnd, HANDLE_WORDS, taken), code, city, location or None, has_place))
    for _ in range(max(1, int(n_campaign * 0.8))):
        location = rnd.choice(CAMPAIGN_LOCATIONS)
        rows.append((_handle(rnd, CAMPAIGN_HANDLE_WORDS, taken), "campaign", None, location or None, False))
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


def assign_authors(rng: np.random.Generator, plan: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """Zipf-like choice of accounts within each province; outlets write the news.

    Args:
        rng: the generator's random source.
        plan: posts with ``province`` (:func:`assign_provinces`).
        pool: accounts of :func:`author_pool`.

    Returns:
        ``plan`` with each post's author and that account's city, bio location, ``has_place``,
        ``slang``, ``popularity`` and ``user_id`` (news: the outlet, no account).
    """
    chosen = np.full(len(plan), -1)
    social = (plan[S.PLATFORM] != "news").to_numpy()
    emerging_home = ((plan["kind"] == "emerging") & (plan["province"] == EMERGING_PROVINCE_CODE)).to_numpy()
    for code in PROVINCE_FACTS:
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
    national = [name for name, _, region in OUTLETS if region is None]
    regional = {}
    for name, _, region in OUTLETS:
        if region is not None:
            regional.setdefault(region, []).append(name)
    picks = np.array(national)[rng.integers(0, len(national), len(provinces))]
    local = rng.random(len(provinces)) < 0.6
    for i, code in enumerate(provinces):
        if local[i] and code in regional:
            picks[i] = regional[code][rng.integers(len(regional[code]))]
    return picks
