"""XLSX workbooks: refuse decompression bombs before parsing, then read one sheet as strings.

The archive's zip directory is checked first (member count, unpacked size, compression ratio).
The first sheet holding a table (a header and data rows) is read; title lines above the header
are skipped; formulas come back as their text (``=HYPERLINK(...)``), never evaluated.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd

from monitoring.errors import EmptyFileError, UnreadableFileError, UnsafeFileError
from monitoring.ingest.delimited import header_row_index

MAX_ZIP_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 100       # real XLSX sheets compress 5-30x
RATIO_CHECK_MIN_BYTES = 2**20     # small members may compress as well as they like


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


def read_xlsx(data: bytes, name: str, max_unpacked_bytes: int) -> tuple[pd.DataFrame, str, list[str]]:
    """Read the first sheet holding a table into a frame of strings.

    Returns:
        The frame, the sheet's title and Indonesian notes (skipped title lines).

    Raises:
        UnsafeFileError: The archive would unpack beyond ``max_unpacked_bytes``.
        UnreadableFileError: A corrupt archive, workbook or sheet.
        EmptyFileError: Every sheet is empty.
    """
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
    return _rows_frame(rows[header:]), title, notes


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
