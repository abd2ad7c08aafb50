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
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import json
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import pandas as pd

from monitoring.errors import EmptyFileError, UnreadableFileError, UnsafeFileError

FORMATS = ("csv", "xlsx", "json", "jsonl", "parquet")
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024          # what the delimiter sniffer and binary check look at
MAX_ZIP_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 100       # real XLSX sheets compress 5-30x
RATIO_CHECK_MIN_BYTES = 2**20     # small members may compress as well as they like
_SINGLE_COLUMN_SEP = "\x1f"       # unit separator: never in real text, so one column stays one

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
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
# charset-normalizer confuses Western single-byte code pages (cp1252 text comes back as
# cp1250); only its multi-byte answers are trusted, single-byte files are read as cp1252.
_MULTIBYTE = {"big5", "big5hkscs", "cp932", "cp949", "cp950", "euc_jis_2004", "euc_jp", "euc_kr",
              "gb18030", "gb2312", "gbk", "hz", "iso2022_jp", "iso2022_kr", "johab", "shift_jis",
              "shift_jis_2004", "utf_16", "utf_32"}
_JSON_RECORD_KEYS = ("data", "tweets", "items", "results", "records", "rows", "comments",
                     "posts", "statuses", "entries", "articles", "hasil", "komentar")


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
        table = _read_xlsx(data, name, max_xlsx_unpacked_bytes)
    elif kind == "parquet":
        table = _read_parquet(data, name)
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


# --- text: encoding ----------------------------------------------------------------------

def detect_encoding(data: bytes, forced: str | None = None) -> str:
    """The codec to decode ``data`` with; a forced codec is validated against the whole file."""
    if forced:
        return _validate_forced(data, forced)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return utf16
    if _valid_utf8(data):
        return "utf-8"
    from charset_normalizer import (
        from_bytes,  # imported lazily: only non-UTF-8 files need it
    )
    best = from_bytes(data[:2**20]).best()
    if best is not None and best.encoding in _MULTIBYTE and _decode_error(data, best.encoding) is None:
        return best.encoding
    return "cp1252" if _decode_error(data, "cp1252") is None else "latin-1"


def _validate_forced(data: bytes, forced: str) -> str:
    try:
        codec = codecs.lookup(forced.strip()).name
    except LookupError:
        raise UnreadableFileError(
            f"Encoding '{forced}' tidak dikenal. Pilih misalnya UTF-8, UTF-16, cp1252 atau latin-1, "
            "atau kosongkan pilihan encoding agar dideteksi otomatis.") from None
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    error = _decode_error(data, codec)
    if error is not None:
        position, byte = error
        raise UnreadableFileError(
            f"Berkas tidak dapat dibaca dengan encoding '{forced}': byte {byte} pada posisi {position} "
            "tidak valid untuk encoding itu. Pilih encoding lain (mis. UTF-8, UTF-16 atau cp1252) "
            "atau kosongkan pilihan encoding agar dideteksi otomatis.")
    return codec


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM has a NUL in every other byte of its ASCII characters."""
    if len(head) < 8:
        return None
    half = len(head) // 2
    even, odd = head[0::2].count(0) / half, head[1::2].count(0) / half
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _valid_utf8(data: bytes) -> bool:
    """Validate UTF-8 without building a str (Arrow's SIMD validator over the bytes in place)."""
    import pyarrow as pa

    offsets = pa.array([0, len(data)], type=pa.int64()).buffers()[1]
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decode_error(data: bytes, codec: str) -> tuple[int, str] | None:
    """(position, byte as hex) of the first undecodable byte, or None; decodes in chunks."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    view, chunk = memoryview(data), 8 * 2**20
    for start in range(0, len(data), chunk):
        try:
            decoder.decode(view[start:start + chunk], final=start + chunk >= len(data))
        except UnicodeDecodeError as err:
            position = start + err.start
            return position, f"0x{data[position]:02x}" if position < len(data) else "?"
    return None


# --- text: dispatch, CSV -----------------------------------------------------------------

def _read_text(data: bytes, name: str, ext: str, encoding: str | None, delimiter: str | None) -> RawTable:
    codec = detect_encoding(data, encoding)
    data, cleaned = _without_stray_nuls(data, codec)
    sample = data[:SAMPLE_BYTES].decode(codec, errors="ignore")
    _reject_binary(sample, name)
    start = sample.lstrip("\ufeff \t\r\n")[:1]
    if not start:
        raise EmptyFileError(f"Berkas '{name}' hanya berisi spasi/baris kosong. Unggah berkas yang berisi data.")
    if ext in ("json", "jsonl", "ndjson") or start in "[{":
        try:
            frame, fmt, notes = _read_json(data.decode(codec), ext, name)
            return RawTable(frame, fmt, codec, None, warnings=cleaned + notes)
        except UnreadableFileError:
            if ext in ("json", "jsonl", "ndjson"):
                raise
    table = _read_csv(data, codec, sample, delimiter, name, truncated=len(data) > SAMPLE_BYTES)
    table.warnings[:0] = cleaned
    return table


NUL_SHARE = 0.001  # at most this share of NUL bytes is a damaged text export, not a binary file


def _without_stray_nuls(data: bytes, codec: str) -> tuple[bytes, list[str]]:
    """Replace a few NUL bytes in text of a single-byte or UTF-8 encoding by spaces (a damaged
    export: one in a post should not refuse the whole file); returns the bytes and an Indonesian note."""
    if b"\x00" not in data or codec.replace("_", "-").lower().startswith(("utf-16", "utf-32")):
        return data, []
    count = data.count(b"\x00")
    if count > NUL_SHARE * len(data):
        return data, []  # binary: _reject_binary says so
    return data.replace(b"\x00", b" "), [f"{count} karakter NUL (\\x00) yang rusak diganti spasi."]


def _reject_binary(sample: str, name: str) -> None:
    # C0 control characters only: C1 ones (0x80-0x9f) are what cp1252 text looks like under latin-1.
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if "\x00" in sample or controls > 0.02 * max(len(sample), 1):
        raise UnreadableFileError(
            f"Berkas '{name}' tampaknya bukan teks atau tabel (berisi data biner). "
            "Unggah CSV, XLSX, JSON, JSON Lines atau Parquet.")


def _read_csv(data: bytes, codec: str, sample: str, delimiter: str | None, name: str,
              truncated: bool) -> RawTable:
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
    return RawTable(frame, "csv", codec, sep, warnings=notes)


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


# --- JSON / JSON Lines -------------------------------------------------------------------

def _read_json(text: str, ext: str, name: str) -> tuple[pd.DataFrame, str, list[str]]:
    text = text.lstrip("\ufeff")
    if ext not in ("jsonl", "ndjson"):
        try:
            return _json_frame(_json_records(json.loads(text), name), name), "json", []
        except json.JSONDecodeError as err:
            if not err.msg.startswith("Extra data"):
                raise UnreadableFileError(
                    f"Berkas '{name}' bukan JSON yang valid (baris {err.lineno}, kolom {err.colno}: {err.msg}). "
                    "Periksa apakah berkas terpotong, atau ekspor ulang.") from None
    records, bad = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            (records.append(record) if isinstance(record, dict) else bad.append(str(number)))
    if not records:
        raise UnreadableFileError(
            f"Berkas '{name}' bukan JSON Lines yang valid: tidak ada baris berisi objek JSON. "
            "Setiap baris harus berisi satu objek, mis. {\"text\": \"...\"}.")
    notes = [f"{len(bad)} baris JSON Lines tidak valid dilewati (baris {', '.join(bad[:5])}"
             f"{' ...' if len(bad) > 5 else ''})."] if bad else []
    return _json_frame(records, name), "jsonl", notes


def _json_records(document: object, name: str, depth: int = 0) -> list[dict]:
    """The list of records: a top-level array, or the list under 'data'/'tweets'/'items'/..."""
    if isinstance(document, list):
        if document and not all(isinstance(item, dict) for item in document):
            raise UnreadableFileError(
                f"Berkas '{name}' berisi daftar nilai, bukan daftar objek. Setiap unggahan harus berupa "
                "objek JSON, mis. [{\"text\": \"...\", \"created_at\": \"...\"}].")
        return document
    if not isinstance(document, dict):
        raise UnreadableFileError(f"Berkas '{name}' tidak berisi objek atau daftar objek JSON.")
    lists = {key: value for key, value in document.items()
             if isinstance(value, list) and value and all(isinstance(item, dict) for item in value)}
    for key in _JSON_RECORD_KEYS:
        if key in lists:
            return lists[key]
    if lists:
        return max(lists.values(), key=len)
    for key in _JSON_RECORD_KEYS:
        if isinstance(document.get(key), dict) and depth < 3:
            return _json_records(document[key], name, depth + 1)
    return [document]


def _json_frame(records: list[dict], name: str) -> pd.DataFrame:
    """Flatten nested objects with '.' (like ``pd.json_normalize(sep='.')``), leaves as text."""
    flat = []
    for record in records:
        row: dict[str, str | None] = {}
        _flatten(record, "", row)
        flat.append(row)
    return pd.DataFrame(flat, dtype=object)


def _flatten(value: dict, prefix: str, out: dict) -> None:
    for key, item in value.items():
        column = _valid_text(f"{prefix}{key}")
        if isinstance(item, dict) and item:
            _flatten(item, column + ".", out)
        else:
            out[column] = _json_text(item)


def _json_text(item: object) -> str | None:
    if item is None or item == "" or item == {}:
        return None
    if isinstance(item, str):
        return _valid_text(item)
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (int, float)):
        return str(item)
    return _valid_text(json.dumps(item, ensure_ascii=False))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_text(text: str) -> str:
    """``text`` without lone UTF-16 surrogates: JSON can escape half an emoji (``\\ud83d``, left
    by a scraper that cut a post inside one), which no UTF-8 text, DuckDB or Arrow can hold."""
    return _LONE_SURROGATE.sub("", text) if _LONE_SURROGATE.search(text) else text


# --- XLSX --------------------------------------------------------------------------------

def check_xlsx_archive(data: bytes, max_unpacked_bytes: int, name: str = "berkas") -> None:
    """Refuse an XLSX before parsing when its archive could unpack into too much XML.

    Checks the zip directory only (declared sizes; zipfile never inflates a member past its
    declared size): member count, total unpacked size, per-member compression ratio.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise UnreadableFileError(
            f"Berkas '{name}' rusak: arsip XLSX tidak dapat dibuka ({err}). "
            "Buka di Excel lalu simpan ulang, atau ekspor ulang dari sumbernya.") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnsafeFileError(f"Berkas '{name}' berisi {len(members)} bagian, terlalu banyak untuk XLSX "
                              "yang wajar. Simpan lembar kerja sebagai CSV lalu unggah CSV itu.")
    if not any(m.filename == "xl/workbook.xml" for m in members):
        raise UnreadableFileError(f"Berkas '{name}' adalah arsip ZIP, tetapi bukan XLSX. "
                                  "Ekstrak arsipnya lalu unggah berkas CSV/XLSX di dalamnya.")
    total = sum(m.file_size for m in members)
    limit_mb = max_unpacked_bytes / 2**20
    if total > max_unpacked_bytes:
        raise UnsafeFileError(
            f"Berkas '{name}' terlalu besar setelah diekstrak ({total / 2**20:,.0f} MB; batas {limit_mb:,.0f} MB). "
            "Simpan lembar kerja sebagai CSV lalu unggah CSV itu, atau naikkan batas 'max_xlsx_unpacked_mb'.")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise UnsafeFileError(
                f"Berkas '{name}' mencurigakan: bagian '{member.filename}' mengembang {ratio:,.0f} kali saat "
                "diekstrak (ciri 'zip bomb'). Simpan lembar kerja sebagai CSV lalu unggah CSV itu.")


def _read_xlsx(data: bytes, name: str, max_unpacked_bytes: int) -> RawTable:
    check_xlsx_archive(data, max_unpacked_bytes, name)
    import openpyxl  # uses defusedxml when installed; imported lazily (slow import)

    try:
        # data_only=False: a formula cell comes back as its text ('=HYPERLINK(...)'), never evaluated.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as err:    # corrupt parts surface as many exception types inside openpyxl
        raise UnreadableFileError(
            f"Berkas '{name}' rusak dan tidak dapat dibaca sebagai XLSX ({type(err).__name__}). "
            "Buka di Excel lalu simpan ulang, atau simpan sebagai CSV.") from err
    first = None     # the first sheet with a table (header and data rows) wins; else the first non-empty
    try:
        for sheet in book.worksheets:
            rows = _sheet_rows(sheet, name)
            if rows and first is None:
                first = (sheet.title, rows)
            if len(rows) > 1:
                first = (sheet.title, rows)
                break
    finally:
        book.close()
    if first is None:
        raise EmptyFileError(f"Semua lembar kerja di '{name}' kosong. Unggah berkas yang berisi data.")
    title, rows = first
    header = header_row_index(rows) or 0
    notes = [f"{header} baris di atas judul kolom (mis. judul laporan) dilewati."] if header else []
    return RawTable(_rows_frame(rows[header:]), "xlsx", None, None, sheet=title, warnings=notes)


def _sheet_rows(sheet, name: str) -> list[list[str | None]]:
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()   # some exporters write a wrong <dimension>; read every row
    rows = []
    try:
        for values in sheet.iter_rows(values_only=True):
            cells = [_cell_text(value) for value in values]
            if any(cell is not None for cell in cells):
                rows.append(cells)
    except Exception as err:
        raise UnreadableFileError(
            f"Lembar '{sheet.title}' di '{name}' rusak ({type(err).__name__}). "
            "Buka di Excel lalu simpan ulang, atau simpan sebagai CSV.") from err
    return rows


def _rows_frame(rows: list[list[str | None]]) -> pd.DataFrame:
    """First row is the header; trailing columns that are empty everywhere are dropped."""
    width = max(i + 1 for row in rows for i, cell in enumerate(row) if cell is not None)
    names, seen = [], {}
    for i in range(width):
        base = rows[0][i] if i < len(rows[0]) and rows[0][i] is not None else f"Unnamed: {i}"
        count = seen.get(base, 0)
        seen[base] = count + 1
        names.append(base if count == 0 else f"{base}.{count}")
    body = [(row + [None] * width)[:width] for row in rows[1:]]
    return pd.DataFrame(body, columns=names, dtype=object)


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e20:
        return str(int(value))    # 12.0 -> '12'; ids stored as numbers stay digit strings
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# --- Parquet -----------------------------------------------------------------------------

def _read_parquet(data: bytes, name: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as err:
        raise UnreadableFileError(
            f"Berkas '{name}' rusak dan tidak dapat dibaca sebagai Parquet ({err}). "
            "Ekspor ulang dari sumbernya.") from None
    while any(pa.types.is_struct(column.type) for column in table.schema):
        table = table.flatten()   # nested struct fields become 'parent.child' columns
    columns = {column_name: _arrow_text(column) for column_name, column in zip(table.column_names, table.columns)}
    return RawTable(pd.DataFrame(columns, dtype=object), "parquet", None, None)


def _arrow_text(column) -> list[str | None] | object:
    """One Arrow column as an object array of strings (None for nulls)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.cast(kind.value_type), kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        strings = column
    elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return [None if v is None else v.decode("utf-8", errors="replace") for v in column.to_pylist()]
    elif pa.types.is_nested(kind):
        return [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in column.to_pylist()]
    elif pa.types.is_timestamp(kind):
        stamps = column.to_pandas()
        return stamps.astype(str).where(stamps.notna(), None).to_numpy(dtype=object)
    else:
        strings = pc.cast(column, pa.string())
    return strings.to_numpy(zero_copy_only=False)
