"""Platform-shaped identity of each demo post: its id, its link and the ``extra`` JSON.

X posts get snowflake ids that carry the post time and tweet-harvest's extra fields; comments on
Instagram, TikTok and YouTube get the ids and links of those platforms, under a video / post of a
media channel (replies sit under their parent's); news gets an article link of its outlet.
"""
from __future__ import annotations

import functools
import hashlib
import json
import random
import re
import time

import numpy as np
import pandas as pd

from monitoring import schema as S
from monitoring.demo.corpus import MEDIA_CHANNELS, MEDIA_TITLES, OUTLETS
from monitoring.demo.plan import ISSUE_LABELS, TRUE_ISSUE

TWITTER_EPOCH_MS = 1288834974657
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_OUTLET_DOMAINS = {name: domain for name, domain, _ in OUTLETS}


@functools.lru_cache(maxsize=4096)
def _media(seed: int, issue: str, platform: str, k: int) -> tuple[str, str, str]:
    """(id, owner, title) of the video/post that a comment is left under."""
    digest = hashlib.sha1(f"{seed}|{issue}|{platform}|{k}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    code = "".join(_B64[b % 64] for b in digest[8:19])
    media_id = str(7_300_000_000_000_000_000 + number % 10**17) if platform == "tiktok" else code
    title = f"{ISSUE_LABELS.get(issue, 'Obrolan santai')} | {MEDIA_TITLES[k % len(MEDIA_TITLES)]}"
    return media_id, MEDIA_CHANNELS[number % len(MEDIA_CHANNELS)], title


def add_identifiers(rng: np.random.Generator, plan: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Platform-shaped post ids (X snowflakes carry the post time), links and the extra JSON.

    Args:
        rng: the generator's random source.
        plan: posts with their text, author, ``epoch``, ``parent``, ``root`` and ``user_id``.
        seed: the dataset's seed (media ids and links derive from it).

    Returns:
        ``plan`` with the post id, the URL and ``extra`` (a JSON object string per post).
    """
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
