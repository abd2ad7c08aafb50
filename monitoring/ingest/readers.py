"""Read an uploaded file (CSV/TSV, XLSX, JSON, JSON Lines, Parquet) into a table of strings.

``read_table`` never interprets values: every cell comes back as the text in the file
(numbers, dates and formula-looking text such as ``=HYPERLINK(...)`` included), with the
file's own header names; missing cells are ``None``/``NaN`` (test with ``pd.isna``).
Column mapping (``monitoring.ingest.mapping``) decides what a column means.

Detection order: magic bytes (``PK`` zip -> XLSX, ``PAR1`` -> Parquet, known binary formats
rejected), then the extension, then the text itself (``[``/``{`` -> JSON / JSON Lines,
anything else -> delimited text). Text encoding: BOM, UTF-16 without BOM (NUL pattern),
strict UTF-8, then charset-normalizer for multi-byte code pages, else cp1252, else latin-1.
An explicit ``encoding`` or ``delimiter`` always wins. Title lines above a table (a report
heading in A1) are skipped; XLSX reads the first sheet holding a table, formulas as their text.

This module detects the format and refuses files that are not tables; the formats are read by
:mod:`decoding` (text encoding, NUL repair), :mod:`delimited` (CSV and friends),
:mod:`json_records`, :mod:`xlsx` and :mod:`parquet`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import pandas as pd

from monitoring.errors import EmptyFileError, UnreadableFileError
from monitoring.ingest.decoding import (
    detect_encoding,
    reject_binary,
    without_stray_nuls,
)
from monitoring.ingest.delimited import (
    header_row_index,
    read_delimited,
    sniff_delimiter,
)
from monitoring.ingest.json_records import read_json
from monitoring.ingest.parquet import read_parquet
from monitoring.ingest.xlsx import MAX_ZIP_MEMBERS, check_xlsx_archive, read_xlsx

# the public names of reading, the format modules' ones included
__all__ = ["FORMATS", "MAX_ZIP_MEMBERS", "RawTable", "check_xlsx_archive", "detect_encoding",
           "header_row_index", "read_table", "sniff_delimiter"]

FORMATS = ("csv", "xlsx", "json", "jsonl", "parquet")
SAMPLE_BYTES = 64 * 1024          # what the delimiter sniffer and binary check look at
_BINARY_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0", "format Excel lama (.xls) atau Excel yang dilindungi kata sandi",
     "Buka di Excel, hapus kata sandi bila ada, lalu simpan sebagai .xlsx atau CSV (UTF-8)."),
    (b"%PDF", "dokumen PDF", "Unggah data tabel (CSV, XLSX, JSON atau Parquet), bukan PDF."),
    (b"\x89PNG", "gambar PNG", "Unggah data tabel, bukan gambar."),
    (b"\xff\xd8\xff", "gambar JPEG", "Unggah data tabel, bukan gambar."),
    (b"GIF8", "gambar GIF", "Unggah data tabel, bukan gambar."),
    (b"\x1f\x8b", "arsip GZIP", "Ekstrak arsip terlebih dahulu, lalu unggah berkas di dalamnya."),
    (b"7z\xbc\xaf", "arsip 7z", "Ekstrak arsip terlebih dahulu, lalu unggah berkas di dalamnya."),
    (b"Rar!", "arsip RAR", "Ekstrak arsip terlebih dahulu, lalu unggah berkas di dalamnya."),
)


@dataclass
class RawTable:
    """A file read as strings.

    Attributes:
        frame: All columns object dtype; values exactly as in the file; header names as in
            the file (pandas renames duplicates ``a``, ``a.1``; blank ones ``Unnamed: i``).
            Rows that are entirely empty are dropped.
        format: One of :data:`FORMATS`.
        encoding: Text encoding used (``None`` for XLSX/Parquet).
        delimiter: Field delimiter used (CSV only).
        sheet: Worksheet read (XLSX only).
        warnings: Indonesian notes for the analyst (e.g. skipped malformed lines).
    """

    frame: pd.DataFrame
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)


def read_table(data: bytes, filename: str, *, encoding: str | None = None,
               delimiter: str | None = None, max_xlsx_unpacked_bytes: int = 300 * 2**20) -> RawTable:
    """Read an uploaded file into a :class:`RawTable` of strings.

    Args:
        data: The file's bytes.
        filename: The file's name (its extension is a hint; content wins).
        encoding: Force a text encoding (e.g. ``"cp1252"``); ``None`` detects it.
        delimiter: Force a CSV delimiter (``","``, ``";"``, ``"\\t"``/``"tab"``, ``"|"``).
        max_xlsx_unpacked_bytes: XLSX archives that unpack to more are refused unparsed.

    Raises:
        EmptyFileError: No bytes, only whitespace, or a header without data rows.
        UnreadableFileError: Not a supported format, corrupt, or undecodable text.
        UnsafeFileError: An XLSX that would unpack beyond the limit (decompression bomb).
    """
    name = PurePath(filename or "berkas").name
    ext = PurePath(name).suffix.lower().lstrip(".")
    kind = _detect_kind(data, ext, name)
    if kind == "xlsx":
        frame, sheet, notes = read_xlsx(data, name, max_xlsx_unpacked_bytes)
        table = RawTable(frame, "xlsx", None, None, sheet=sheet, warnings=notes)
    elif kind == "parquet":
        table = RawTable(read_parquet(data, name), "parquet", None, None)
    else:
        table = _read_text(data, name, ext, encoding, delimiter)
    frame = table.frame
    maybe_empty = frame.iloc[:, 0].isna().to_numpy() if frame.shape[1] else np.ones(len(frame), dtype=bool)
    if maybe_empty.any():   # rows of only delimiters (';;;;' from Excel) carry nothing
        empty = np.zeros(len(frame), dtype=bool)
        empty[maybe_empty] = frame[maybe_empty].isna().all(axis=1).to_numpy()
        frame = frame[~empty].reset_index(drop=True)
    if frame.empty:
        raise EmptyFileError(
            f"Berkas '{name}' tidak berisi baris data (hanya judul kolom atau baris kosong). "
            "Periksa bahwa ekspor/pengumpulan data selesai, lalu unggah ulang.")
    table.frame = frame
    return table


def _detect_kind(data: bytes, ext: str, name: str) -> str:
    """'xlsx' | 'parquet' | 'text' from magic bytes first, then the extension."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "xlsx"
    if data[:4] == b"PAR1":
        return "parquet"
    for signature, what, fix in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise UnreadableFileError(f"Berkas '{name}' adalah {what}, bukan tabel yang didukung. {fix}")
    if ext in ("xlsx", "xlsm", "parquet", "pq"):
        state = "kosong (0 byte)" if not data else "rusak atau bukan berkas " + ext.upper()
        raise UnreadableFileError(
            f"Berkas '{name}' {state}. Ekspor ulang dari sumbernya, atau simpan sebagai CSV lalu unggah CSV itu.")
    if not data:
        raise EmptyFileError(f"Berkas '{name}' kosong (0 byte). Periksa bahwa ekspor selesai, lalu unggah ulang.")
    return "text"


def _read_text(data: bytes, name: str, ext: str, encoding: str | None, delimiter: str | None) -> RawTable:
    """Decode, repair stray NULs and refuse binary content; then JSON (by extension or a leading
    ``[``/``{``, falling back to delimited text when that fails) or delimited text."""
    codec = detect_encoding(data, encoding)
    data, cleaned = without_stray_nuls(data, codec)
    sample = data[:SAMPLE_BYTES].decode(codec, errors="ignore")
    reject_binary(sample, name)
    start = sample.lstrip("\ufeff \t\r\n")[:1]
    if not start:
        raise EmptyFileError(f"Berkas '{name}' hanya berisi spasi/baris kosong. Unggah berkas yang berisi data.")
    if ext in ("json", "jsonl", "ndjson") or start in "[{":
        try:
            frame, fmt, notes = read_json(data.decode(codec), ext, name)
            return RawTable(frame, fmt, codec, None, warnings=cleaned + notes)
        except UnreadableFileError:
            if ext in ("json", "jsonl", "ndjson"):
                raise
    frame, sep, notes = read_delimited(data, codec, sample, delimiter, name, truncated=len(data) > SAMPLE_BYTES)
    return RawTable(frame, "csv", codec, sep, warnings=cleaned + notes)
