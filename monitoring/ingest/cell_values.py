"""Read a mapped cell's value: engagement counts (``'1,2 rb'`` -> 1200) and platform names (``'IG'``).

Both are written by people and scrapers in many ways; each parser returns ``None`` for a value
it does not recognise, so the caller decides what an unreadable cell means.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from monitoring import schema as S

_COUNT = re.compile(r"^(?P<number>\d+(?:[.,]\d+)*)\s*(?P<suffix>[a-z]+)?\.?$")
_MULTIPLIERS = {"k": 10**3, "rb": 10**3, "ribu": 10**3, "m": 10**6, "jt": 10**6, "juta": 10**6,
                "b": 10**9, "miliar": 10**9, "milyar": 10**9}
_THOUSANDS = re.compile(r"^\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*$")


def parse_count(text: object) -> int | None:
    """'1.234' -> 1234, '1,234' -> 1234, '1.2K' -> 1200, '1,2 rb' -> 1200, '3 jt' -> 3000000, '12.0' -> 12.

    A dot or comma followed by exactly three digits is a thousands separator (Indonesian
    '1.234', English '1,234'); otherwise it is a decimal point. ``m`` is million (as shown by
    X/TikTok), not Indonesian *miliar*. Returns None when the value is not a count.
    """
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool):
        return int(text) if text >= 0 else None
    match = _COUNT.match(str(text).strip().lower().replace("\u00a0", " "))
    if match is None:
        return None
    number, suffix = match["number"], match["suffix"]
    if suffix:
        if suffix not in _MULTIPLIERS or len(re.findall(r"[.,]", number)) > 1:
            return None
        return round(float(number.replace(",", ".")) * _MULTIPLIERS[suffix])
    if _THOUSANDS.match(number):
        return int(re.sub(r"[.,]", "", number))
    if re.fullmatch(r"\d+[.,]\d+", number):
        return round(float(number.replace(",", ".")))
    return int(number) if number.isdigit() and len(number) < 19 else None


def parse_counts(values: pd.Series) -> pd.Series:
    """:func:`parse_count` over a series (each distinct value once) as nullable ``Int64``."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    parsed = pd.array([parse_count(u) for u in uniques] + [None], dtype="Int64")
    return pd.Series(parsed[codes], index=values.index, name=values.name)


_PLATFORM_ALIASES = {
    **{p: p for p in S.PLATFORMS}, **{label.lower(): p for p, label in S.PLATFORM_LABELS.items()},
    "twitter": "x", "tweet": "x", "x.com": "x", "ig": "instagram", "yt": "youtube", "tik tok": "tiktok",
    "fb": "facebook", "berita": "news", "media online": "news", "online news": "news", "portal berita": "news",
}


def platform_value(value: object) -> str | None:
    """A platform name as written in a cell ('Twitter', 'IG', 'berita') -> ``schema.PLATFORMS``."""
    if not isinstance(value, str):
        return None
    return _PLATFORM_ALIASES.get(" ".join(value.split()).lower())
