"""Apply a column mapping: a raw table into canonical posts, plus rejected rows with Indonesian reasons.

The mapping (``{canonical field: source column}``) comes from the analyst or from
:func:`monitoring.ingest.detection.suggest_mapping`. Text is kept verbatim, dates are parsed
(:mod:`monitoring.ingest.dates`), counts read (:mod:`monitoring.ingest.cell_values`), missing post
ids derived from the content, and unmapped columns kept as JSON in ``extra``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from json.encoder import encode_basestring  # C-accelerated, keeps non-ASCII as is

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitoring import schema as S
from monitoring.clock import as_utc
from monitoring.errors import MappingError
from monitoring.ingest.cell_values import parse_counts, platform_value
from monitoring.ingest.dates import parse_datetimes

SOURCE_ROW = "source_row"        # 1-based data row in the file (lead: candidate for schema.py)
REJECT_REASON, REJECT_RAW = "reason", "raw"
POST_COLUMNS = S.MAPPABLE_COLUMNS + (S.EXTRA, SOURCE_ROW)
REJECT_COLUMNS = (SOURCE_ROW, REJECT_REASON, REJECT_RAW)

TEXT_MISSING = "Kolom teks tidak ditemukan. Pilih kolom yang berisi isi unggahan pada Pemetaan Kolom."


@dataclass
class MappedPosts:
    """Result of :func:`apply_mapping`.

    Attributes:
        posts: Columns :data:`POST_COLUMNS` (canonical fields, ``extra``, ``source_row``).
        rejects: Columns :data:`REJECT_COLUMNS`: row number, Indonesian reason, original row as JSON.
        warnings: Indonesian notes for the analyst (e.g. no date column mapped).
    """

    posts: pd.DataFrame
    rejects: pd.DataFrame
    warnings: list[str]


def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str], *, platform: str,
                  now: pd.Timestamp, naive_tz: str = "UTC") -> MappedPosts:
    """Turn a raw table into canonical posts (and rejects) using ``mapping``.

    Args:
        frame: The raw table (``RawTable.frame``).
        mapping: ``{canonical field: source column}``; must include ``text``. Empty values
            mean "not mapped".
        platform: Platform of every post unless a mapped platform column says otherwise.
        now: Import time: the reference for relative dates and the date of undated posts.
        naive_tz: Time zone of dates written without one (see ``monitoring.ingest.dates``).

    Raises:
        MappingError: No text column, an unknown field, or a column not in the file.
    """
    columns = _resolve_mapping(frame, mapping, platform)
    now = as_utc(now).floor("us").as_unit("us")
    notes: list[str] = []
    text = _verbatim(frame[columns[S.TEXT]])
    created, bad_dates = _created_at(frame, columns.get(S.CREATED_AT), now, naive_tz, notes)
    posts = pd.DataFrame(index=frame.index)
    posts[S.PLATFORM] = _platforms(frame, columns.get(S.PLATFORM), platform)
    posts[S.CREATED_AT] = created
    for field in (S.AUTHOR, S.LOCATION_RAW, S.URL, S.LANG, S.IN_REPLY_TO):
        posts[field] = _stripped(frame[columns[field]]) if field in columns else None
    posts[S.TEXT] = text
    for field in S.ENGAGEMENT_COLUMNS:
        posts[field] = _counts(frame, columns.get(field), field, notes)
    posts[S.POST_ID] = _post_ids(frame, columns, posts)
    posts[S.EXTRA] = _extra_json(frame, [c for c in frame.columns if c not in set(columns.values())])
    posts[SOURCE_ROW] = np.arange(1, len(frame) + 1)
    posts = posts.astype({f: object for f in (S.POST_ID, S.PLATFORM, S.AUTHOR, S.LOCATION_RAW, S.URL,
                                             S.LANG, S.IN_REPLY_TO, S.TEXT, S.EXTRA)})
    empty_text = _blank(text)
    reasons = np.where(empty_text, "teks kosong", bad_dates.fillna("").to_numpy())
    rejected = reasons != ""
    if (posts.loc[~rejected, S.CREATED_AT] > now + pd.Timedelta(days=1)).any():
        notes.append("Sebagian unggahan bertanggal lebih dari sehari setelah waktu impor. "
                     "Periksa format dan zona waktu kolom tanggal pada Pemetaan Kolom.")
    rejects = pd.DataFrame({SOURCE_ROW: posts[SOURCE_ROW][rejected].to_numpy(), REJECT_REASON: reasons[rejected],
                            REJECT_RAW: _raw_json(frame[rejected])}, columns=list(REJECT_COLUMNS))
    return MappedPosts(posts.loc[~rejected, list(POST_COLUMNS)].reset_index(drop=True), rejects, notes)


def _resolve_mapping(frame: pd.DataFrame, mapping: dict[str, str], platform: str) -> dict[str, str]:
    """Validate a mapping; source names match exactly, else case/spacing-insensitively."""
    if platform not in S.PLATFORMS:
        raise MappingError(f"Platform '{platform}' tidak dikenal. Pilih salah satu: {', '.join(S.PLATFORMS)}.")
    by_norm = {" ".join(str(c).split()).lower(): c for c in frame.columns}
    resolved = {}
    for field, column in mapping.items():
        if column is None or str(column) == "":
            continue
        if field not in S.MAPPABLE_COLUMNS:
            raise MappingError(f"Kolom tujuan '{field}' tidak dikenal. Pilihan: {', '.join(S.MAPPABLE_COLUMNS)}.")
        if column not in frame.columns:
            column = by_norm.get(" ".join(str(column).split()).lower(), column)
        if column not in frame.columns:
            raise MappingError(f"Kolom '{column}' yang dipilih untuk {S.FIELD_LABELS[field].lower()} tidak ada "
                               "di berkas ini. Pilih kolom yang ada pada Pemetaan Kolom.")
        resolved[field] = column
    if S.TEXT not in resolved:
        raise MappingError(TEXT_MISSING)
    return resolved


def _verbatim(values: pd.Series) -> pd.Series:
    """Text exactly as read ('=', '+', '-', '@' included); missing -> None."""
    out = values.astype(object)
    if pd.api.types.infer_dtype(out, skipna=True) not in ("string", "empty"):
        out = out.map(str, na_action="ignore")      # numbers/dates from non-reader frames
    return out.where(out.notna(), None)


def _blank(values: pd.Series) -> np.ndarray:
    """True where a value is missing or only whitespace."""
    strings = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    blank = pc.match_substring_regex(strings, r"^\s*$")
    return np.asarray(pc.fill_null(blank, True), dtype=bool)


def _stripped(values: pd.Series) -> pd.Series:
    """Like :func:`_verbatim`, minus surrounding whitespace; blank -> None (vectorised in Arrow)."""
    out = _verbatim(values)
    strings = pa.array(out.to_numpy(), type=pa.string(), from_pandas=True)
    trimmed = pc.utf8_trim_whitespace(strings)
    if pc.all(pc.equal(strings, trimmed)).as_py() is not False:   # nothing to trim: keep the objects
        return out.where(out != "", None)
    result = pd.Series(trimmed.to_numpy(zero_copy_only=False), index=values.index, dtype=object)
    return result.where(result.notna() & (result != ""), None)


def _created_at(frame: pd.DataFrame, column: str | None, now: pd.Timestamp, naive_tz: str,
                notes: list[str]) -> tuple[pd.Series, pd.Series]:
    """Parsed dates (``now`` where absent) and a reject reason per unparseable non-empty date."""
    if column is None:
        notes.append(f"Kolom tanggal tidak dipetakan: semua unggahan diberi waktu impor "
                     f"({now:%Y-%m-%d %H:%M} UTC). Pilih kolom tanggal pada Pemetaan Kolom agar tren waktu akurat.")
        return (pd.Series(now, index=frame.index).astype("datetime64[us, UTC]"),
                pd.Series(None, index=frame.index, dtype=object))
    raw = _stripped(frame[column])
    parsed = parse_datetimes(raw, now=now, naive_tz=naive_tz)
    unparsed = parsed.isna() & raw.notna()
    reasons = pd.Series(None, index=frame.index, dtype=object)
    reasons[unparsed] = [f'tanggal tidak dikenali: "{value[:60]}"' for value in raw[unparsed]]
    missing = raw.isna()
    if missing.any():
        notes.append(f"{int(missing.sum())} baris tanpa tanggal diberi waktu impor ({now:%Y-%m-%d %H:%M} UTC).")
    return parsed.where(~missing, now), reasons


def _platforms(frame: pd.DataFrame, column: str | None, default: str) -> pd.Series:
    if column is None:
        return pd.Series(default, index=frame.index, dtype=object)
    codes, uniques = pd.factorize(frame[column].astype(object))
    names = np.array([platform_value(u) or default for u in uniques] + [default], dtype=object)
    return pd.Series(names[codes], index=frame.index, dtype=object)


def _counts(frame: pd.DataFrame, column: str | None, field: str, notes: list[str]) -> pd.Series:
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    raw = frame[column]
    counts = parse_counts(raw)
    bad = counts.isna() & raw.notna()
    bad[bad] = ~_blank(raw[bad])
    if bad.any():
        notes.append(f"{int(bad.sum())} nilai di kolom '{column}' ({S.FIELD_LABELS[field].lower()}) bukan angka dan "
                     f"dikosongkan, mis. \"{str(raw[bad].iloc[0])[:40]}\".")
    return counts


def _post_ids(frame: pd.DataFrame, columns: dict[str, str], posts: pd.DataFrame) -> pd.Series:
    """Source ids; where absent, 'h:' + sha1(platform, author, created_at, text).

    Rows without a source date hash an empty time, so re-importing an undated file (which
    gets a new import time) yields the same ids and its posts are recognised as duplicates.
    """
    ids = (_stripped(frame[columns[S.POST_ID]]) if S.POST_ID in columns
           else pd.Series(None, index=frame.index, dtype=object))
    missing = ids.isna().to_numpy()
    if not missing.any():
        return ids
    created = posts[S.CREATED_AT]
    dated = (created.notna() & frame[columns[S.CREATED_AT]].notna()).to_numpy() if S.CREATED_AT in columns \
        else np.zeros(len(frame), dtype=bool)
    stamps = np.where(dated, created.to_numpy("datetime64[us]").astype("int64").astype(str), "")
    parts = zip(posts[S.PLATFORM].to_numpy()[missing], posts[S.AUTHOR].fillna("").to_numpy()[missing],
                stamps[missing], posts[S.TEXT].fillna("").to_numpy()[missing])
    ids = ids.astype(object)
    ids[missing] = ["h:" + hashlib.sha1("\x1f".join(p).encode("utf-8")).hexdigest() for p in parts]
    return ids


def _extra_json(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Per row, a JSON object of the unmapped columns' non-null values.

    Each distinct value is encoded once (extra columns are mostly repetitive: counts, ids,
    empty media links); Arrow concatenates each row's ',"key":value' fragments.
    """
    fragments = []
    for column in columns:
        codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object), use_na_sentinel=True)
        if not len(uniques):
            continue
        key = "," + encode_basestring(str(column)) + ":"
        encoded = [key + (encode_basestring(v) if isinstance(v, str) else _json_value(v)) for v in uniques] + [""]
        codes[codes < 0] = len(encoded) - 1                     # missing -> the "" at the end
        fragments.append(pa.array(encoded, pa.string()).take(pa.array(codes)))
    if not fragments:
        return np.full(len(frame), "{}", dtype=object)
    joined = pc.binary_join_element_wise(*fragments, "")       # ',"a":"x","b":"y"' or ''
    body = pc.utf8_slice_codeunits(joined, 1)                   # drop the leading comma
    return pc.binary_join_element_wise("{", body, "}", "").to_numpy(zero_copy_only=False)


def _json_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _raw_json(rows: pd.DataFrame) -> list[str]:
    """Each rejected row as it was read, for the analyst to inspect."""
    return [_json_value({str(k): (None if pd.isna(v) else v) for k, v in row.items()}) for _, row in rows.iterrows()]
