"""Place posts in a province and, where the evidence allows, a kabupaten/kota.

Three sources, in order of precedence (see :func:`add_regions`):

1. ``profile``: the author's profile location (``location_raw``), resolved by :func:`resolve_location`.
2. ``dataset``: a default the analyst set for a whole upload ("all posts of this upload are from Kota Bontang").
3. ``text``: an unambiguous place named in the post text, found by :func:`find_text_mentions`.

Rules that keep placements honest (a wrong province is worse than none):

- A string naming places in two provinces ("Jakarta - Bandung", "Depok | Jaksel") gets no province.
  Foreign places are ignored ("Jakarta | Singapore" -> DKI Jakarta, lower confidence).
- "Indonesia", island names (Jawa, Sumatera, Kalimantan), "Papua" and "Papua Barat" (six and two provinces
  since 2022), Jabodetabek: no province on their own; they only narrow down other words.
- A bare name shared by a kabupaten and a kota of the same province (Bekasi, Bogor, Malang, Kediri, Tegal,
  Serang, Tangerang, Kupang, Sorong, ...) gives the province with full confidence and the kota, because the bare
  name is the city in everyday use; "Kab."/"Kabupaten"/"Regency" (or a town inside the kabupaten: "Cikarang,
  Bekasi") selects the kabupaten. A name shared by a province and its capital (Jambi, Bengkulu, Gorontalo,
  Yogyakarta/Jogja) gives the province only; "Kota Jambi" gives the city.
- A name shared by places in two provinces (Banjar: Kota Banjar in Jawa Barat, Kabupaten Banjar in Kalimantan
  Selatan) is placed only when another word names the province.
- Old province names still fit the places split off later: "Batam, Riau" -> Kepulauan Riau, "Sorong, Papua
  Barat" -> Papua Barat Daya.
- A name right after "Jl."/"Jalan" is a street.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from monitoring import schema
from monitoring.errors import UserError
from monitoring.gazetteer import (
    FOREIGN, GROUP, KAB_WORDS, KOTA_WORDS, NOISE, PLACE, PROVINCE_WORDS, STREET_WORDS, TEXT_CAP, TEXT_NOISE,
    TEXT_YES, Entry, Gazetteer, Target, correct_typo, load_gazetteer, normalize_tokens, parse_code,
)

PROFILE_CONFIDENCE = 0.95
DATASET_CONFIDENCE = 0.9
TEXT_CONFIDENCE = 0.5
TEXT_EXPLICIT_CONFIDENCE = 0.6   # "Kota Bekasi", "Pemkab Bogor", "Gubernur Jabar"
TEXT_PROVINCE_CONFIDENCE = 0.45
_TEXT_CHUNK = 20_000

_TIMEZONES = {"WIB": ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35",
                      "36", "61", "62"),
              "WITA": ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"),
              "WIT": ("81", "82", "91", "92", "93", "94", "95", "96")}
PROVINCE_TIMEZONE = {code: zone for zone, codes in _TIMEZONES.items() for code in codes}


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
        return _Match(Entry(PLACE, province, (province,), entry.text, entry.weight))
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
    return _Match(Entry(PLACE, default, keep, entry.text, entry.weight), explicit=True)


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
        if not (entry.kind == PLACE and before in STREET_WORDS):
            match = _narrow(gazetteer, entry, before, after)
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


def _text_match(gazetteer: Gazetteer, entry: Entry, before: str | None, capitalised: bool) -> _Match | None:
    """Whether one name found in post text counts, and how."""
    if entry.kind != PLACE or before in STREET_WORDS:
        return None
    match = _narrow(gazetteer, entry, before, None)
    if match.explicit or entry.text == TEXT_YES or (entry.text == TEXT_CAP and capitalised):
        return match
    return None


def _previous_word(lowered: str, start: int) -> str | None:
    window = lowered[max(0, start - 24):start]
    window = window[window.rfind("\x00") + 1:].split()
    return window[-1] if window else None


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
        match = _text_match(gazetteer, entry, _previous_word(lowered, begin), ascii_text[begin].isupper())
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


# --- the pipeline stage --------------------------------------------------------------------------

_TEXT_COLUMNS = (schema.PROVINCE_CODE, schema.PROVINCE, schema.KABKOTA_CODE, schema.KABKOTA, schema.REGION_SOURCE)


def _placement_columns(placements: Sequence[Placement]) -> dict[str, np.ndarray]:
    """Column arrays for a list of placements."""
    return {
        schema.PROVINCE_CODE: np.array([p.province_code for p in placements], dtype=object),
        schema.PROVINCE: np.array([p.province for p in placements], dtype=object),
        schema.KABKOTA_CODE: np.array([p.kabkota_code for p in placements], dtype=object),
        schema.KABKOTA: np.array([p.kabkota for p in placements], dtype=object),
        schema.REGION_CONFIDENCE: np.array([p.confidence for p in placements], dtype=float),
    }


def _fill(columns: dict[str, np.ndarray], rows: np.ndarray, placements: Sequence[Placement | None],
          codes: np.ndarray, source: str) -> None:
    """Write ``placements[codes]`` into ``columns`` at ``rows`` where a placement exists (code -1: none)."""
    placed = [i for i, p in enumerate(placements) if p is not None]
    if not placed:
        return
    slot = np.full(len(placements) + 1, -1)           # unique index -> row of ``values``; [-1] stays -1
    slot[placed] = np.arange(len(placed))
    slots = slot[codes]
    target = rows[slots >= 0]
    for name, array in _placement_columns([placements[i] for i in placed]).items():
        columns[name][target] = array[slots[slots >= 0]]
    columns[schema.REGION_SOURCE][target] = source


def dataset_placement(code: str) -> Placement:
    """The placement a dataset default code ("64.74", "6474" or "64") stands for.

    Raises:
        UserError: the code is not a province or kabupaten/kota code.
    """
    gazetteer = load_gazetteer()
    target = parse_code(str(code))
    if target.province_code not in gazetteer.provinces or (
            target.kabkota_code and target.kabkota_code not in gazetteer.kabkota):
        raise UserError(f"Kode wilayah '{code}' tidak dikenal. Pilih provinsi atau kabupaten/kota dari daftar.")
    kabkota = target.kabkota_code
    return Placement(target.province_code, gazetteer.provinces[target.province_code], kabkota,
                     gazetteer.kabkota.get(kabkota) if kabkota else None, DATASET_CONFIDENCE)


def _apply_dataset_defaults(columns: dict[str, np.ndarray], dataset_ids: pd.Series,
                            defaults: Mapping[int, str]) -> None:
    """Fill unplaced rows from their dataset's default; add its kabupaten/kota to a province-only profile."""
    for dataset_id, code in defaults.items():
        placement = dataset_placement(code)
        in_dataset = (dataset_ids == dataset_id).to_numpy(dtype=bool, na_value=False)
        empty = in_dataset & (columns[schema.PROVINCE_CODE] == None)  # noqa: E711
        rows = np.flatnonzero(empty)
        _fill(columns, rows, [placement], np.zeros(len(rows), dtype=int), "dataset")
        if placement.kabkota_code:
            refine = np.flatnonzero(in_dataset & (columns[schema.PROVINCE_CODE] == placement.province_code)
                                    & (columns[schema.KABKOTA_CODE] == None))  # noqa: E711
            columns[schema.KABKOTA_CODE][refine] = placement.kabkota_code
            columns[schema.KABKOTA][refine] = placement.kabkota


def add_regions(posts: pd.DataFrame, *, dataset_defaults: Mapping[int, str] | None = None) -> pd.DataFrame:
    """Add province / kabupaten-kota columns to the posts (a new frame; the input is not changed).

    Precedence: (1) the profile location, when it resolves to a province; (2) the dataset default set at
    upload, for posts whose profile says nothing usable — and when the profile gives only the same province,
    the default's kabupaten/kota is added (source stays ``profile``); (3) a place named in the post text. A
    text mention never overrides a profile location or a dataset default. Each distinct location string and
    each distinct text is resolved once.

    Args:
        posts: canonical posts; ``location_raw``, ``text`` and ``dataset_id`` are used when present.
        dataset_defaults: ``dataset_id`` -> region code ("64.74" Kota Bontang, or "64" Kalimantan Timur).

    Returns:
        A copy with ``province_code`` (2-digit text), ``province``, ``kabkota_code``, ``kabkota``,
        ``region_source`` (profile | dataset | text, null when unplaced) and ``region_confidence`` in [0, 1].

    Raises:
        UserError: a dataset default is not a known region code.
    """
    n = len(posts)
    columns = {name: np.full(n, None, dtype=object) for name in _TEXT_COLUMNS}
    columns[schema.REGION_CONFIDENCE] = np.full(n, np.nan)
    if schema.LOCATION_RAW in posts.columns:
        codes, uniques = pd.factorize(posts[schema.LOCATION_RAW], use_na_sentinel=True)
        _fill(columns, np.arange(n), [resolve_location(u) for u in uniques], codes, "profile")
    if dataset_defaults and schema.DATASET_ID in posts.columns:
        _apply_dataset_defaults(columns, posts[schema.DATASET_ID], dataset_defaults)
    if schema.TEXT in posts.columns:
        rows = np.flatnonzero(columns[schema.PROVINCE_CODE] == None)  # noqa: E711
        codes, uniques = pd.factorize(posts[schema.TEXT].iloc[rows], use_na_sentinel=True)
        _fill(columns, rows, find_text_mentions_many(list(uniques)), codes, "text")
    out = posts.copy()
    for name in _TEXT_COLUMNS:
        out[name] = pd.Series(columns[name], index=posts.index, dtype="str")
    out[schema.REGION_CONFIDENCE] = pd.Series(columns[schema.REGION_CONFIDENCE], index=posts.index)
    return out


# --- helpers for the app -------------------------------------------------------------------------

def province_options() -> list[tuple[str, str]]:
    """(code, name) of the 38 provinces, by code: [("11", "Aceh"), ..., ("96", "Papua Barat Daya")]."""
    return sorted(load_gazetteer().provinces.items())


def kabkota_options(province_code: str) -> list[tuple[str, str]]:
    """(code, name) of the kabupaten/kota of one province, by code; [] for an unknown province."""
    return load_gazetteer().kabkota_in(str(province_code)[:2])


def province_timezone(code: str) -> str:
    """``WIB``, ``WITA`` or ``WIT`` for a province or kabupaten/kota code ("32", "64.74").

    Raises:
        ValueError: the code is not a province code.
    """
    zone = PROVINCE_TIMEZONE.get(str(code)[:2])
    if zone is None:
        raise ValueError(f"unknown province code {code!r}")
    return zone


def coverage(posts: pd.DataFrame) -> float:
    """Share of posts placed in a province (0.0 for no posts or before :func:`add_regions`)."""
    if len(posts) == 0 or schema.PROVINCE_CODE not in posts.columns:
        return 0.0
    return float(posts[schema.PROVINCE_CODE].notna().mean())
