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
  Serang, Tangerang, Kupang, Sorong, ...): the province is certain; the kabupaten/kota is the kota, because the
  bare name is the city in everyday use (confidence 0.86 instead of 0.95). "Kab."/"Kabupaten"/"Regency", or a
  town inside the kabupaten ("Cikarang, Bekasi"), selects the kabupaten; "Bogor Raya" gives the province only.
  A name shared by a province and its capital (Jambi, Bengkulu, Gorontalo, Yogyakarta/Jogja) gives the
  province only; "Kota Jambi" gives the city.
- A name shared by places in two provinces (Banjar: Kota Banjar in Jawa Barat, Kabupaten Banjar in Kalimantan
  Selatan) is placed only when another word names the province.
- Old province names still fit the places split off later: "Batam, Riau" -> Kepulauan Riau, "Sorong, Papua
  Barat" -> Papua Barat Daya.
- A name right after "Jl."/"Jalan" is a street. Ordinary and slang words are never taken for a place, nor
  "corrected" into one (typos are corrected only one letter away, for words of six letters or more).
- Distinctive kecamatan names ("Cimanggis", "Cikarang Utara") count in profile locations (confidence 0.86),
  never in post text. In post text, names that are also common words ("batu", "palu", "metro") count only
  after "Kota"/"Kabupaten"/"Pemkot"/"Bupati"/..., and "Medan", "Malang", "Padang" only when Capitalised.

Confidence: 0.95 for a clear profile location, lower for a kota chosen by the rule above, a typo, a kecamatan
or a foreign place beside it; 0.9 for a dataset default; 0.45-0.6 for a text mention.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from monitoring import schema
from monitoring.errors import UserError
from monitoring.regions.gazetteer import official_regions, parse_code
from monitoring.regions.placement import (
    DATASET_CONFIDENCE,
    Placement,
    find_text_mentions,
    find_text_mentions_many,
    resolve_location,
)

__all__ = [
    "Placement", "add_regions", "coverage", "dataset_placement", "find_text_mentions", "kabkota_options",
    "province_options", "province_timezone", "resolve_location",
]

_TIMEZONES = {"WIB": ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35",
                      "36", "61", "62"),
              "WITA": ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"),
              "WIT": ("81", "82", "91", "92", "93", "94", "95", "96")}
PROVINCE_TIMEZONE = {code: zone for zone, codes in _TIMEZONES.items() for code in codes}


# --- the pipeline stage --------------------------------------------------------------------------

_STRING_COLUMNS = (schema.PROVINCE_CODE, schema.PROVINCE, schema.KABKOTA_CODE, schema.KABKOTA, schema.REGION_SOURCE)


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
    provinces, kabkota, _ = official_regions()
    target = parse_code(str(code))
    if target.province_code not in provinces or (target.kabkota_code and target.kabkota_code not in kabkota):
        raise UserError(f"Kode wilayah '{code}' tidak dikenal. Pilih provinsi atau kabupaten/kota dari daftar.")
    return Placement(target.province_code, provinces[target.province_code], target.kabkota_code,
                     kabkota.get(target.kabkota_code) if target.kabkota_code else None, DATASET_CONFIDENCE)


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
    columns = {name: np.full(n, None, dtype=object) for name in _STRING_COLUMNS}
    columns[schema.REGION_CONFIDENCE] = np.full(n, np.nan)
    if schema.LOCATION_RAW in posts.columns:
        codes, uniques = pd.factorize(posts[schema.LOCATION_RAW], use_na_sentinel=True)
        _fill(columns, np.arange(n), [resolve_location(u) for u in uniques.tolist()], codes, "profile")
    if dataset_defaults and schema.DATASET_ID in posts.columns:
        _apply_dataset_defaults(columns, posts[schema.DATASET_ID], dataset_defaults)
    if schema.TEXT in posts.columns:
        rows = np.flatnonzero(columns[schema.PROVINCE_CODE] == None)  # noqa: E711
        codes, uniques = pd.factorize(posts[schema.TEXT].iloc[rows], use_na_sentinel=True)
        _fill(columns, rows, find_text_mentions_many(uniques.tolist()), codes, "text")
    out = posts.copy()
    for name in _STRING_COLUMNS:
        out[name] = pd.Series(columns[name], index=posts.index, dtype="str")
    out[schema.REGION_CONFIDENCE] = pd.Series(columns[schema.REGION_CONFIDENCE], index=posts.index)
    return out


# --- helpers for the app -------------------------------------------------------------------------

def province_options() -> list[tuple[str, str]]:
    """(code, name) of the 38 provinces, by code: [("11", "Aceh"), ..., ("96", "Papua Barat Daya")]."""
    return sorted(official_regions()[0].items())


def kabkota_options(province_code: str) -> list[tuple[str, str]]:
    """(code, name) of the kabupaten/kota of one province, by code; [] for an unknown province."""
    prefix = str(province_code)[:2] + "."
    return sorted((code, name) for code, name in official_regions()[1].items() if code.startswith(prefix))


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
