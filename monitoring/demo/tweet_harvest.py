"""The demo's X posts in tweet-harvest's CSV layout (the scraper analysts upload most), so the
upload flow can be tried and tested on data whose ground truth is known.
"""
from __future__ import annotations

import json

import pandas as pd

from monitoring import schema as S

# tweet-harvest's CSV header (new format, alphabetical).
TWEET_HARVEST_COLUMNS = ("conversation_id_str", "created_at", "favorite_count", "full_text", "id_str", "image_url",
                         "in_reply_to_screen_name", "lang", "location", "quote_count", "reply_count",
                         "retweet_count", "tweet_url", "user_id_str", "username")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def twitter_time(stamp: pd.Timestamp) -> str:
    """Twitter's created_at format, locale-independent: 'Fri Nov 20 15:04:05 +0000 2026'."""
    return f"{_DAYS[stamp.day_of_week]} {_MONTHS[stamp.month - 1]} {stamp:%d %H:%M:%S} +0000 {stamp.year}"


def tweet_harvest_frame(tweets: pd.DataFrame) -> pd.DataFrame:
    """Canonical X posts (with tweet-harvest's fields in ``extra``) as tweet-harvest's CSV rows.

    Args:
        tweets: demo posts of platform ``x``.

    Returns:
        One row per post, columns :data:`TWEET_HARVEST_COLUMNS` in their order.
    """
    extra = [json.loads(value) for value in tweets[S.EXTRA]]
    counts = {name: tweets[column].fillna(0).astype("int64").to_numpy()
              for name, column in (("favorite_count", S.LIKES), ("reply_count", S.REPLIES),
                                   ("retweet_count", S.SHARES))}
    frame = pd.DataFrame({
        "conversation_id_str": [e["conversation_id_str"] for e in extra],
        "created_at": [twitter_time(t) for t in tweets[S.CREATED_AT]],
        "full_text": tweets[S.TEXT].to_numpy(), "id_str": tweets[S.POST_ID].to_numpy(),
        "image_url": [e["image_url"] for e in extra],
        "in_reply_to_screen_name": tweets[S.IN_REPLY_TO].fillna("").to_numpy(),
        "lang": tweets[S.LANG].to_numpy(), "location": tweets[S.LOCATION_RAW].fillna("").to_numpy(),
        "quote_count": [e["quote_count"] for e in extra], "tweet_url": tweets[S.URL].to_numpy(),
        "user_id_str": [e["user_id_str"] for e in extra], "username": tweets[S.AUTHOR].to_numpy(), **counts,
    })
    return frame.loc[:, list(TWEET_HARVEST_COLUMNS)]
