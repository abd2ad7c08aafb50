"""Resolve free text to a :class:`Placement`: profile locations and place names in post text.

Words are looked up as the longest known phrases (see :mod:`monitoring.regions.gazetteer`); the places found in one
string are then combined: a placement is returned only when they all agree on one province. The rules are
described in :mod:`monitoring.regions.resolve`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from monitoring.regions.gazetteer import (
    FOREIGN,
    GROUP,
    KAB_WORDS,
    KOTA_WORDS,
    NOISE,
    PLACE,
    PROVINCE_WORDS,
    STREET_WORDS,
    TEXT_CAP,
    TEXT_NOISE,
    TEXT_YES,
    Entry,
    Gazetteer,
    Target,
    correct_typo,
    load_gazetteer,
    normalize_tokens,
)

PROFILE_CONFIDENCE = 0.95
DATASET_CONFIDENCE = 0.9
TEXT_CONFIDENCE = 0.5
TEXT_EXPLICIT_CONFIDENCE = 0.6   # "Kota Bekasi", "Pemkab Bogor", "Gubernur Jabar"
TEXT_PROVINCE_CONFIDENCE = 0.45
_TEXT_CHUNK = 20_000


@dataclass(frozen=True)
class Placement:
    """Where a post is placed. Codes are Kemendagri codes as text ("32", "32.73")."""

    province_code: str
    province: str
    kabkota_code: str | None
    kabkota: str | None
    confidence: float


@dataclass(frozen=True)
class _Match:
    entry: Entry
    explicit: bool = False    # narrowed by "kota"/"kab"/"provinsi" next to it
    corrected: bool = False   # found after a typo correction


# --- resolving a set of matched phrases ---------------------------------------------------------

def _is_street(before: str | None, before2: str | None) -> bool:
    """A name right after "Jl."/"Jalan" (or "Jl. Raya") is a street: "Jl. Malang", "Jalan Raya Bogor"."""
    return before in STREET_WORDS or (before == "raya" and before2 in STREET_WORDS)


def _kind_of(gazetteer: Gazetteer, target: Target) -> str:
    if target.kabkota_code is None:
        return "province"
    return "kota" if gazetteer.kabkota_is_kota[target.kabkota_code] else "kab"


def _narrow(gazetteer: Gazetteer, entry: Entry, before: str | None, after: str | None) -> _Match:
    """Apply a neighbouring "kota"/"kabupaten"/"provinsi" word to a place entry."""
    if entry.kind != PLACE:
        return _Match(entry)
    if after == "raya" and entry.default is not None:  # "Bogor Raya", "Malang Raya": the wider area
        province = Target(entry.default.province_code)
        return _Match(Entry(PLACE, province, (province,), entry.text, entry.weight, entry.needs_prefix))
    if before in KOTA_WORDS or after == "city":
        wanted = "kota"
    elif before in KAB_WORDS or after == "regency":
        wanted = "kab"
    elif before in PROVINCE_WORDS or after == "province":
        wanted = "province"
    else:
        return _Match(entry)
    keep = tuple(t for t in entry.candidates if _kind_of(gazetteer, t) == wanted)
    if not keep:
        return _Match(entry)
    default = keep[0] if len(keep) == 1 else (entry.default if entry.default in keep else None)
    return _Match(Entry(PLACE, default, keep, entry.text, entry.weight, entry.needs_prefix), explicit=True)


def _is_kabkota_level(entry: Entry) -> bool:
    if entry.default is not None:
        return entry.default.kabkota_code is not None
    return all(t.kabkota_code for t in entry.candidates)


def _choose(options: set[str], defaults: set[str]) -> tuple[str | None, float]:
    """One option, or the one default among several (with a confidence factor)."""
    if len(options) == 1:
        return next(iter(options)), 1.0
    chosen = defaults & options
    return (chosen.pop(), 0.9) if len(chosen) == 1 else (None, 1.0)


def _combine(gazetteer: Gazetteer, matches: Sequence[_Match], base: float) -> Placement | None:
    """The single placement every matched place agrees on, or None."""
    places = [m for m in matches if m.entry.kind in (PLACE, GROUP)]
    if not places:
        return None
    provinces = set.intersection(*({t.province_code for t in m.entry.candidates} for m in places))
    province, factor = _choose(provinces, {m.entry.default.province_code for m in places if m.entry.default})
    if province is None:
        return None
    kab_matches = [m for m in places if _is_kabkota_level(m.entry)]
    kabkota = None
    if kab_matches:
        options = set.intersection(*({t.kabkota_code for t in m.entry.candidates
                                      if t.province_code == province and t.kabkota_code} for m in kab_matches))
        defaults = {m.entry.default.kabkota_code for m in kab_matches if m.entry.default}
        kabkota, kab_factor = _choose(options, defaults)
        factor *= kab_factor
    factor *= min(m.entry.weight for m in places)
    if any(m.corrected for m in places):
        factor *= 0.85
    if any(m.entry.kind == FOREIGN for m in matches):
        factor *= 0.8
    return Placement(province, gazetteer.provinces[province], kabkota,
                     gazetteer.kabkota.get(kabkota) if kabkota else None, round(base * factor, 3))


# --- profile locations ---------------------------------------------------------------------------

def _corrected_tokens(gazetteer: Gazetteer, tokens: list[str]) -> tuple[list[str], list[bool]]:
    words, flags = [], []
    for token in tokens:
        fixed = None if token in gazetteer.words else correct_typo(gazetteer, token)
        words.append(fixed or token)
        flags.append(fixed is not None)
    return words, flags


def _profile_matches(gazetteer: Gazetteer, tokens: list[str]) -> list[_Match]:
    """Longest phrases left to right; words of no phrase are skipped."""
    words, corrected = _corrected_tokens(gazetteer, tokens)
    matches, i, n = [], 0, len(words)
    while i < n:
        for size in range(min(gazetteer.max_words, n - i), 0, -1):
            entry = gazetteer.phrases.get(" ".join(words[i:i + size]))
            if entry is not None and entry.kind != TEXT_NOISE:
                break
        else:
            i += 1
            continue
        before = words[i - 1] if i else None
        after = words[i + size] if i + size < n else None
        match = _narrow(gazetteer, entry, before, after)
        if not (entry.kind == PLACE and _is_street(before, words[i - 2] if i > 1 else None)) and (
                match.explicit or not entry.needs_prefix):
            matches.append(_Match(match.entry, match.explicit, any(corrected[i:i + size])))
        i += size
    return matches


@lru_cache(maxsize=200_000)
def resolve_location(raw: str) -> Placement | None:
    """Place a free-text profile location ("Jakarta Selatan, DKI Jakarta", "BDG", "Makassar🔥").

    Args:
        raw: the location as the author typed it.

    Returns:
        The placement, or None for non-places ("Bumi Allah", "she/her"), foreign places ("Kuala Lumpur"),
        "Indonesia" alone, island names and strings that name several provinces.
    """
    if not isinstance(raw, str) or not raw.strip():
        return None
    gazetteer = load_gazetteer()
    return _combine(gazetteer, _profile_matches(gazetteer, normalize_tokens(raw[:300])), PROFILE_CONFIDENCE)


# --- mentions in post text -----------------------------------------------------------------------

def _trie_pattern(phrases: list[str]) -> str:
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [(" +" if c == " " else re.escape(c)) + build(sub) for c, sub in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@lru_cache(maxsize=1)
def _text_matcher() -> tuple[re.Pattern, dict[int, str]]:
    """One regex for every name that may count in text; texts are lower-cased ASCII with spaces only."""
    gazetteer = load_gazetteer()
    phrases = [p for p, e in gazetteer.phrases.items()
               if e.kind in (PLACE, FOREIGN, NOISE, TEXT_NOISE) and e.weight == 1.0]  # no kecamatan in text
    # The leading literal space and the letter lookahead let the regex engine skip ahead quickly.
    pattern = re.compile(" (?=[a-z])(" + _trie_pattern(phrases) + ")(?=[ \x00])")
    table = {c: " " for c in range(128) if not chr(c).isalnum() and c != 0}
    return pattern, table


def _text_match(gazetteer: Gazetteer, entry: Entry, before: list[str | None], capitalised: bool) -> _Match | None:
    """Whether one name found in post text counts, and how (``before``: the two previous words)."""
    if entry.kind != PLACE or _is_street(before[-1], before[-2]):
        return None
    match = _narrow(gazetteer, entry, before[-1], None)
    if match.explicit or entry.text == TEXT_YES or (entry.text == TEXT_CAP and capitalised):
        return match
    return None


def _previous_words(lowered: str, start: int) -> list[str | None]:
    """The two words before ``start`` within the same text, padded with None."""
    window = lowered[max(0, start - 32):start]
    return [None, None] + window[window.rfind("\x00") + 1:].split()[-2:]


def _scan_chunk(gazetteer: Gazetteer, texts: Sequence[str]) -> dict[int, list[_Match]]:
    """Matches per text index, for the texts of one chunk that name a place (\\x00 separates texts)."""
    pattern, table = _text_matcher()
    joined = " " + "\x00 ".join(texts) + "\x00"
    ascii_text = joined.encode("ascii", "replace").decode("ascii")   # one char per code point: offsets hold
    lowered = ascii_text.lower().translate(table)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = 1 + np.concatenate(([0], np.cumsum(lengths + 2)[:-1]))  # where each text begins in ``joined``
    found: dict[int, list[_Match]] = {}
    for hit in pattern.finditer(lowered):
        begin = hit.start(1)
        entry = gazetteer.phrases[" ".join(hit.group(1).split())]
        match = _text_match(gazetteer, entry, _previous_words(lowered, begin), ascii_text[begin].isupper())
        if match is not None:
            found.setdefault(int(np.searchsorted(starts, begin, side="right")) - 1, []).append(match)
    return found


def _text_placement(gazetteer: Gazetteer, matches: list[_Match]) -> Placement | None:
    base = TEXT_EXPLICIT_CONFIDENCE if any(m.explicit for m in matches) else TEXT_CONFIDENCE
    placement = _combine(gazetteer, matches, base)
    if placement is not None and placement.kabkota_code is None:
        placement = Placement(placement.province_code, placement.province, None, None,
                              min(placement.confidence, TEXT_PROVINCE_CONFIDENCE))
    return placement


def find_text_mentions_many(texts: Sequence[str]) -> list[Placement | None]:
    """:func:`find_text_mentions` for many texts at once (one regex pass over each chunk of texts)."""
    gazetteer = load_gazetteer()
    out: list[Placement | None] = [None] * len(texts)
    for begin in range(0, len(texts), _TEXT_CHUNK):
        chunk = [t if isinstance(t, str) else "" for t in texts[begin:begin + _TEXT_CHUNK]]
        for index, matches in _scan_chunk(gazetteer, chunk).items():
            out[begin + index] = _text_placement(gazetteer, matches)
    return out


def find_text_mentions(text: str) -> Placement | None:
    """Place a post by the region its text names ("banjir di Kota Bekasi", "warga Bontang").

    Only specific, unambiguous mentions count: names that are also common words ("batu", "palu", "metro")
    count only after "kota"/"kabupaten"/"pemkot"/"bupati"...; a few ("Medan", "Malang", "Padang") only when
    Capitalised; names after "Jl."/"Jalan" are streets; a text naming two provinces is not placed. Confidence is
    lower than for a profile location (0.45-0.6).

    Args:
        text: the post text.

    Returns:
        The placement, or None.
    """
    return find_text_mentions_many([text])[0]
