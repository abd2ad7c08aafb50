"""Delimited text (comma, semicolon, tab or pipe): find the delimiter and the header, parse as text.

The delimiter is the candidate giving the most consistent column counts over the first 200 rows
(quoted fields respected); Excel's ``sep=`` hint line and an explicit delimiter win. Title lines
above the table (a report heading) are skipped when a regular table follows. Every cell is parsed
as text by pandas' C engine; malformed lines are skipped with a note for the analyst.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
import warnings

import pandas as pd

from monitoring.errors import EmptyFileError, UnreadableFileError

DELIMITERS = (",", ";", "\t", "|")
_SINGLE_COLUMN_SEP = "\x1f"       # unit separator: never in real text, so one column stays one


def read_delimited(data: bytes, codec: str, sample: str, delimiter: str | None, name: str,
                   truncated: bool) -> tuple[pd.DataFrame, str | None, list[str]]:
    """Parse delimited text into a frame of strings.

    Args:
        data: The file's bytes (stray NULs already repaired).
        codec: The text encoding (:func:`monitoring.ingest.decoding.detect_encoding`).
        sample: The decoded start of the file, for the delimiter and header search.
        delimiter: A forced delimiter (``","``, ``";"``, ``"\\t"``/``"tab"``, ``"|"``); ``None`` detects it.
        name: The file's name, for messages.
        truncated: Whether ``sample`` cuts the file short (its last row may be partial).

    Returns:
        The frame, the delimiter used (``None`` for a one-column file) and Indonesian notes.

    Raises:
        EmptyFileError: No data.
        UnreadableFileError: An invalid forced delimiter or a broken structure (unclosed quotes).
    """
    skip = 0
    sep_line = re.match(r'\ufeff?"?sep=(.)"?\r?\n', sample, flags=re.IGNORECASE)   # Excel's hint line
    if sep_line:
        skip, sample = 1, sample[sep_line.end():]
        delimiter = delimiter or sep_line.group(1)
    if delimiter is not None:
        sep = _normalise_delimiter(delimiter)
        layout = _layout(sample, sep, truncated)
        preamble = layout[1] if layout else 0
    else:
        sep, preamble = _sniff(sample, truncated)
    payload = data if codec in ("utf-8", "utf-8-sig", "ascii") else data.decode(codec).encode("utf-8")
    frame, skipped = _parse_csv(payload, sep or _SINGLE_COLUMN_SEP, skip + preamble, name)
    notes = [f"{preamble} baris di atas judul kolom (mis. judul laporan) dilewati."] if preamble else []
    if skipped:
        shown = ", ".join(skipped[:5]) + (" ..." if len(skipped) > 5 else "")
        notes.append(f"{len(skipped)} baris dilewati karena jumlah kolomnya tidak sama dengan judul "
                     f"(baris {shown}). Periksa pemisah kolom atau tanda kutip pada baris tersebut.")
    return frame, sep, notes


def _normalise_delimiter(delimiter: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "koma": ",", "titik koma": ";"}
    sep = named.get(delimiter.strip().lower(), delimiter) if delimiter.strip() else delimiter
    if len(sep) != 1 or sep in "\r\n\"":
        raise UnreadableFileError(
            f"Pemisah kolom {delimiter!r} tidak valid: gunakan satu karakter seperti , ; | atau tab.")
    return sep


def header_row_index(rows: list[list[object]]) -> int | None:
    """Index of the header among the first rows: the first with at least two filled cells and
    at least half as many as the fullest row (title lines such as 'Laporan Isu Mei 2024' above
    the table are skipped). None when no row has two filled cells."""
    counts = [sum(1 for cell in row if cell is not None and str(cell).strip()) for row in rows[:20]]
    top = max(counts, default=0)
    return next((i for i, n in enumerate(counts) if n >= 2 and n >= top / 2), None)


def sniff_delimiter(sample: str, *, truncated: bool = False) -> str | None:
    """The delimiter giving the most consistent column counts, or None for a one-column file."""
    return _sniff(sample, truncated)[0]


def _sniff(sample: str, truncated: bool) -> tuple[str | None, int]:
    """(delimiter, lines before the header) for the candidate that reads ``sample`` best:
    highest share of rows as wide as the header, then the fewest lines above the header, then
    the most columns."""
    best, best_score = (None, 0), None
    for candidate in DELIMITERS:
        layout = _layout(sample, candidate, truncated)
        if layout is not None and (best_score is None or layout[0] > best_score):
            best, best_score = (candidate, layout[1]), layout[0]
    return best


def _layout(sample: str, delimiter: str, truncated: bool) -> tuple[tuple, int] | None:
    """(score, lines before the header) of reading up to 200 rows of ``sample`` with
    ``delimiter`` (quoted fields respected); None when no row splits into two filled cells."""
    csv.field_size_limit(max(csv.field_size_limit(), min(len(sample) + 1, 2**31 - 1)))
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    rows, lines_read = [], []
    try:
        for row in itertools.islice(reader, 201):
            if row:
                rows.append(row)
                lines_read.append(reader.line_num)
    except csv.Error:
        return None
    if truncated and 1 < len(rows) <= 200:
        rows.pop()                    # the sample cut the last row short
    header = header_row_index(rows)
    if header is None:
        return None
    width, body = len(rows[header]), rows[header + 1:]
    consistency = sum(len(row) == width for row in body) / len(body) if body else 1.0
    if header and (width < 3 or len(body) < 2 or consistency < 0.9):
        return None     # title lines above a table must be confirmed by a regular table below
    return (round(consistency, 1), -header, width), (lines_read[header - 1] if header else 0)


def _parse_csv(payload: bytes, sep: str, skip: int, name: str) -> tuple[pd.DataFrame, list[str]]:
    """Parse with the C engine (no field size limit); returns the frame and skipped line numbers."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                io.BytesIO(payload), sep=sep, dtype=object, keep_default_na=False, na_values=[""],
                index_col=False, skiprows=skip, on_bad_lines="warn", encoding="utf-8", engine="c")
        except pd.errors.EmptyDataError:
            raise EmptyFileError(f"Berkas '{name}' tidak berisi data. Unggah berkas yang berisi tabel.") from None
        except pd.errors.ParserError as err:
            where = re.search(r"row (\d+)", str(err))
            at = f" mulai baris {int(where.group(1)) + 1}" if where else ""   # pandas counts from 0
            raise UnreadableFileError(
                f"Berkas '{name}' tidak dapat dibaca sebagai CSV{at}: ada tanda kutip (\") yang tidak ditutup "
                "atau struktur kolom rusak. Buka di Excel/LibreOffice lalu simpan ulang sebagai CSV (UTF-8).") from err
    skipped = [number for w in caught for number in re.findall(r"line (\d+)", str(w.message))]
    return frame, skipped
