"""Parse the dates found in Indonesian social-media exports into UTC timestamps.

Each distinct value is parsed once. Plain ISO 8601 goes through pandas' C parser first;
everything else goes through the format families below in order,
each matched by one vectorised regular expression (pyarrow / RE2) over all still-unparsed
values, assembled from its parts with ``pd.to_datetime`` and converted to UTC. Only the
relative family ("3 jam yang lalu") runs per value, on what is left.

=================  ===============================================  ===================
family             examples                                         zone when absent
=================  ===============================================  ===================
ISO 8601           2023-12-14T06:08:55.000Z, 2023-12-14 13:08 WIB   ``naive_tz``
Twitter            Thu Dec 14 06:08:55 +0000 2023                   (always present)
numeric d/m/y      14/12/2023 13:08, 14-12-2023, 14.12.23           ``naive_tz``
month name         Senin, 23 Juni 2022 10:00 WIB, 5 Agu 2023 14:05, ``naive_tz``
                   Thu, 14 Dec 2023 06:08:55 +0700, Dec 14, 2023
epoch              1702534135, 1702534135123, 1702534135.25         UTC
compact            20231214, 20231214060855                         ``naive_tz``
relative           48 detik yang lalu, setahun yang lalu, kemarin,  relative to ``now``
                   baru saja, 2 days ago, an hour ago, 3h, 5m, 2d
=================  ===============================================  ===================

Decisions:
- Naive values are read in ``naive_tz`` (default UTC: tweet-harvest, YouTube/Instagram/TikTok
  APIs and epoch fields are UTC; Indonesian news pages print WIB/WITA/WIT, which is honoured).
  Pass ``naive_tz="Asia/Jakarta"`` for a sheet typed by hand in WIB.
- ``a/b/yyyy`` is day-first (Indonesian), unless some value has ``b > 12`` and none ``a > 12``.
- Relative units: a month is 30 days, a year 365 days; ``h`` is hours and ``m`` minutes
  (as on X/TikTok), ``mo`` months.
- Epoch numbers count only between 2000-01-01 and a year after ``now``.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitoring.clock import as_utc

RESULT_DTYPE = "datetime64[us, UTC]"

_MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "peb": 2, "februari": 2, "pebruari": 2, "february": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agus": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nop": 11, "november": 11, "nopember": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}
_MONTH_NAMES = pa.array(list(_MONTHS), pa.string())
_MONTH_NUMBERS = np.array(list(_MONTHS.values()), dtype=float)
_ZONE_MINUTES = {"z": 0, "utc": 0, "gmt": 0, "wib": 420, "wita": 480, "wit": 540}

# Regexes run on lower-cased, trimmed values (RE2 syntax: named groups only).
_ZONE = r"(?P<zone>z|utc|gmt|wita|wib|wit|[+-]\d{2}(?::?\d{2})?)"
_TIME = (r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2})"
         r"(?:[.,](?P<fraction>\d{1,9}))?)?\s*(?P<ampm>am|pm)?")
_AT = r"(?:\s*[,|]\s*|\s+-\s+|\s+|t)(?:pukul\s+|jam\s+|at\s+)?"
_TAIL = rf"(?:{_AT}{_TIME})?\s*{_ZONE}?$"
_WEEKDAY = r"(?:[a-z']+,?\s+)?"
_PATTERNS = {
    "iso": rf"^(?P<year>\d{{4}})[-/](?P<month>\d{{1,2}})[-/](?P<day>\d{{1,2}}){_TAIL}",
    "twitter": (rf"^[a-z]{{3}},?\s+(?P<month_name>[a-z]{{3}})\s+(?P<day>\d{{1,2}})\s+{_TIME}"
                rf"\s+{_ZONE}\s+(?P<year>\d{{4}})$"),
    "numeric": rf"^(?P<first>\d{{1,2}})[/.-](?P<middle>\d{{1,2}})[/.-](?P<year>\d{{4}}|\d{{2}}){_TAIL}",
    "day_month_name": (rf"^{_WEEKDAY}(?P<day>\d{{1,2}})(?:\s+|-)(?P<month_name>[a-z]+)\.?"
                       rf"(?:\s+|-|,\s*)(?P<year>\d{{4}}){_TAIL}"),
    "month_name_day": (rf"^{_WEEKDAY}(?P<month_name>[a-z]+)\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?"
                       rf"\s+(?P<year>\d{{4}}){_TAIL}"),
    "epoch": r"^(?P<digits>\d{10}|\d{13})(?:\.(?P<fraction>\d+))?$",
    "compact": (r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
                r"(?:(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2}))?$"),
}

_ISO_FAST = r"^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:z|[+-]\d{2}:?\d{2})?$"
_ISO_FAST_ZONED = r"^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:z|[+-]\d{2}:?\d{2})$"

_SECOND, _MINUTE, _HOUR, _DAY = 1, 60, 3600, 86400
_UNITS = {
    **dict.fromkeys(("detik", "dtk", "second", "seconds", "sec", "secs", "s"), _SECOND),
    **dict.fromkeys(("menit", "mnt", "minute", "minutes", "min", "mins", "m"), _MINUTE),
    **dict.fromkeys(("jam", "j", "hour", "hours", "hr", "hrs", "h"), _HOUR),
    **dict.fromkeys(("hari", "day", "days", "d"), _DAY),
    **dict.fromkeys(("minggu", "mgg", "pekan", "week", "weeks", "wk", "w"), 7 * _DAY),
    **dict.fromkeys(("bulan", "bln", "month", "months", "mo", "mos"), 30 * _DAY),
    **dict.fromkeys(("tahun", "thn", "th", "year", "years", "yr", "yrs", "y"), 365 * _DAY),
}
_WORDS = {"baru saja": 0, "barusan": 0, "sekarang": 0, "hari ini": 0, "just now": 0, "now": 0,
          "today": 0, "kemarin": _DAY, "yesterday": _DAY, "kemarin lusa": 2 * _DAY}
_RELATIVE_PATTERN = (r"^(?P<count>\d+|se|satu|an?|one)\s*(?P<unit>[a-z]+?)\.?"
                     r"(?:\s+(?:yang\s+|yg\s+)?(?:lalu|ago|yll))?(?:\s*\((?:diedit|edited)\))?$")
_RELATIVE = re.compile(_RELATIVE_PATTERN)
# Cheap vectorised pre-filter so only plausible relative values reach Python.
_RELATIVE_RE2 = "^(?:" + "|".join(w.replace(" ", r"\s+") for w in _WORDS) + r")$|" + _RELATIVE_PATTERN


def parse_datetimes(values: pd.Series, *, now: pd.Timestamp, naive_tz: str = "UTC",
                    dayfirst: bool | None = None) -> pd.Series:
    """Parse every value of ``values`` into a UTC timestamp.

    Args:
        values: Raw date values: strings as read from a file (the usual case), or
            ``datetime``/``Timestamp`` objects and epoch numbers.
        now: Reference time for relative values ("3 jam yang lalu"); naive means UTC.
        naive_tz: Time zone of values that carry none (see the module docstring).
        dayfirst: Order of ``a/b/yyyy`` dates; ``None`` decides from the values.

    Returns:
        A series with the index and name of ``values`` and dtype ``datetime64[us, UTC]``;
        ``NaT`` where a value is missing or not recognised.
    """
    now = as_utc(now)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    parsed = _parse_distinct(np.asarray(uniques, dtype=object), now, naive_tz, dayfirst)
    lookup = np.append(parsed, np.datetime64("NaT", "us"))   # code -1 (missing) -> NaT
    utc = pd.Series(lookup[codes], index=values.index, name=values.name)
    return utc.dt.tz_localize("UTC")


def _naive_utc(stamps: pd.Series) -> np.ndarray:
    """tz-aware series -> naive UTC ``datetime64[us]`` array (the internal representation)."""
    return stamps.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[us]")


def _parse_distinct(uniques: np.ndarray, now: pd.Timestamp, naive_tz: str,
                    dayfirst: bool | None) -> np.ndarray:
    """Parse distinct values; returns naive-UTC ``datetime64[us]`` (NaT where unknown)."""
    out = np.full(len(uniques), np.datetime64("NaT", "us"))
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        texts, positions = list(uniques), np.arange(len(uniques))
    else:
        texts, positions = [], []
        for i, value in enumerate(uniques):
            if isinstance(value, str):
                texts.append(value)
                positions.append(i)
            elif isinstance(value, (dt.datetime, dt.date, np.datetime64)):
                stamp = pd.Timestamp(value)
                stamp = as_utc(stamp) if stamp.tzinfo else stamp.tz_localize(naive_tz).tz_convert("UTC")
                out[i] = np.datetime64(stamp.tz_localize(None), "us")
            elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
                if np.isfinite(value):   # epoch numbers go through the string families
                    texts.append(repr(float(value)) if float(value) % 1 else str(int(value)))
                    positions.append(i)
    if texts:
        out[np.asarray(positions, dtype=int)] = _parse_strings(texts, now, naive_tz, dayfirst)
    return out


_FAMILIES = ("iso", "twitter", "numeric", "day_month_name", "month_name_day", "epoch", "compact")


def _parse_strings(texts: list[str], now: pd.Timestamp, naive_tz: str,
                   dayfirst: bool | None) -> np.ndarray:
    """Run the format families over ``texts``; each sees only what earlier ones left."""
    norm = pc.utf8_lower(pc.utf8_trim_whitespace(pa.array(texts, pa.string())))
    result = np.full(len(texts), np.datetime64("NaT", "us"))
    pending = _iso_fast_path(norm, result, naive_tz)
    for name in _FAMILIES:
        if not len(pending):
            break
        candidates = norm if len(pending) == len(texts) else norm.take(pa.array(pending))
        # A plain match is several times cheaper than extraction: extract only the matches.
        matched = np.asarray(pc.fill_null(pc.match_substring_regex(candidates, _PATTERNS[name]), False))
        if not matched.any():
            continue
        fields = pc.extract_regex(candidates.filter(pa.array(matched)), _PATTERNS[name])
        build = {"numeric": _from_numeric, "epoch": _from_epoch}.get(name, _from_fields)
        parsed = build(fields, now=now, naive_tz=naive_tz, dayfirst=dayfirst)
        ok = ~np.isnat(parsed)
        hit = pending[matched][ok]
        result[hit] = parsed[ok]
        pending = np.setdiff1d(pending, hit, assume_unique=True)
    if len(pending):
        leftovers = norm.take(pa.array(pending))
        relative = np.asarray(pc.fill_null(pc.match_substring_regex(leftovers, _RELATIVE_RE2), False))
        texts_left = leftovers.filter(pa.array(relative)).to_pylist()
        result[pending[relative]] = [_parse_relative(text, now) for text in texts_left]
    return result


def _iso_fast_path(norm: pa.Array, result: np.ndarray, naive_tz: str) -> np.ndarray:
    """Plain ISO 8601 (the bulk of most files) through pandas' C parser; fills ``result`` and
    returns the positions still pending. Naive values only when they are to be read as UTC."""
    pattern = _ISO_FAST if naive_tz == "UTC" else _ISO_FAST_ZONED
    matched = np.asarray(pc.fill_null(pc.match_substring_regex(norm, pattern), False))
    if matched.any():
        subset = pc.utf8_upper(norm.filter(pa.array(matched))).to_numpy(zero_copy_only=False)
        parsed = pd.to_datetime(pd.Series(subset, dtype=object), format="ISO8601", utc=True, errors="coerce")
        result[matched] = _naive_utc(parsed)
    return np.flatnonzero(np.isnat(result))


def _names(fields: pa.StructArray) -> set[str]:
    return {f.name for f in fields.type}


def _field(fields: pa.StructArray, name: str) -> np.ndarray:
    """One numeric part as floats (NaN where absent)."""
    if name not in _names(fields):
        return np.full(len(fields), np.nan)
    raw = fields.field(name)
    return pc.cast(pc.if_else(pc.equal(raw, ""), None, raw), pa.float64()).to_numpy(zero_copy_only=False)


def _text_field(fields: pa.StructArray, name: str) -> pa.Array:
    if name not in _names(fields):
        return pa.array([""] * len(fields), pa.string())
    return fields.field(name)


def _month_numbers(fields: pa.StructArray) -> np.ndarray:
    if "month_name" not in _names(fields):
        return _field(fields, "month")
    index = pc.index_in(fields.field("month_name"), value_set=_MONTH_NAMES).to_numpy(zero_copy_only=False)
    index = np.asarray(index, dtype=float)
    return np.where(np.isnan(index), np.nan, _MONTH_NUMBERS[np.nan_to_num(index).astype(int)])


def _from_fields(fields: pa.StructArray, *, now: pd.Timestamp, naive_tz: str,
                 dayfirst: bool | None = None, month: np.ndarray | None = None,
                 day: np.ndarray | None = None) -> np.ndarray:
    """Assemble timestamps from named parts (year, month|month_name, day, hour, ..., zone)."""
    year = _field(fields, "year")
    hour = np.nan_to_num(_field(fields, "hour"))
    ampm = _text_field(fields, "ampm")
    is_pm = np.asarray(pc.equal(ampm, "pm"), dtype=bool)
    is_am = np.asarray(pc.equal(ampm, "am"), dtype=bool)
    hour = np.where(is_pm & (hour < 12), hour + 12, np.where(is_am & (hour == 12), 0, hour))
    micros = pc.utf8_rpad(pc.utf8_slice_codeunits(_text_field(fields, "fraction"), 0, 6), 6, "0")
    parts = pd.DataFrame({
        "year": np.where(year < 100, year + 2000, year),
        "month": _month_numbers(fields) if month is None else month,
        "day": _field(fields, "day") if day is None else day,
        "hour": hour,
        "minute": np.nan_to_num(_field(fields, "minute")),
        "second": np.nan_to_num(_field(fields, "second")),
        "us": pc.cast(micros, pa.float64()).to_numpy(zero_copy_only=False),
    })
    local = pd.to_datetime(parts, errors="coerce").astype("datetime64[us]")
    return _localize(local, _zone_offsets(_text_field(fields, "zone")), naive_tz)


def _zone_offsets(zones: pa.Array) -> np.ndarray:
    """Minutes east of UTC per value; NaN where the value carries no zone."""
    encoded = pc.dictionary_encode(zones)
    offsets = np.array([_zone_minutes(z) for z in encoded.dictionary.to_pylist()] + [np.nan])
    return offsets[encoded.indices.fill_null(len(offsets) - 1).to_numpy(zero_copy_only=False)]


def _zone_minutes(zone: str) -> float:
    if not zone:
        return np.nan
    if zone in _ZONE_MINUTES:
        return float(_ZONE_MINUTES[zone])
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
    return float(minutes if zone[0] == "+" else -minutes)


def _localize(local: pd.Series, offsets: np.ndarray, naive_tz: str) -> np.ndarray:
    aware = ~np.isnan(offsets)
    shifted = (local - pd.to_timedelta(np.nan_to_num(offsets), unit="min")).to_numpy("datetime64[us]")
    if aware.all():
        return shifted
    naive = _naive_utc(local.dt.tz_localize(naive_tz, ambiguous="NaT", nonexistent="NaT"))
    return np.where(aware, shifted, naive)


def _from_numeric(fields: pa.StructArray, *, now: pd.Timestamp, naive_tz: str,
                  dayfirst: bool | None) -> np.ndarray:
    """``a/b/yyyy``: day-first unless the values themselves say month-first."""
    first, middle = _field(fields, "first"), _field(fields, "middle")
    if dayfirst is None:
        dayfirst = not ((middle > 12).any() and not (first > 12).any())
    day, month = (first, middle) if dayfirst else (middle, first)
    return _from_fields(fields, now=now, naive_tz=naive_tz, month=month, day=day)


def _from_epoch(fields: pa.StructArray, *, now: pd.Timestamp, naive_tz: str,
                dayfirst: bool | None = None) -> np.ndarray:
    """Epoch seconds (10 digits) or milliseconds (13 digits) within a plausible range."""
    digits = fields.field("digits")
    fraction = pc.if_else(pc.equal(fields.field("fraction"), ""), "0", fields.field("fraction"))
    number = pc.cast(pc.binary_join_element_wise(digits, fraction, "."), pa.float64())
    number = number.to_numpy(zero_copy_only=False)
    is_millis = pc.utf8_length(digits).to_numpy(zero_copy_only=False) == 13
    seconds = np.where(is_millis, number / 1000, number)
    low = pd.Timestamp("2000-01-01", tz="UTC").timestamp()
    high = (now + pd.Timedelta(days=366)).timestamp()
    seconds = np.where((seconds >= low) & (seconds <= high), seconds, np.nan)
    return pd.to_datetime(seconds * 1e6, unit="us").to_numpy("datetime64[us]")


def _parse_relative(text: str | None, now: pd.Timestamp) -> np.datetime64:
    """'3 jam yang lalu', 'setahun yang lalu', 'kemarin', '2 days ago', '5m' -> now minus that."""
    if not text:
        return np.datetime64("NaT", "us")
    text = " ".join(text.split())
    seconds = _WORDS.get(text)
    if seconds is None:
        match = _RELATIVE.match(text)
        if not match or match["unit"] not in _UNITS:
            return np.datetime64("NaT", "us")
        count = match["count"]
        seconds = (int(count) if count.isdigit() else 1) * _UNITS[match["unit"]]
    return np.datetime64((now - pd.Timedelta(seconds=seconds)).tz_localize(None), "us")
