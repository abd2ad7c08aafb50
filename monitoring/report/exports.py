"""Safe CSV and XLSX exports: no exported cell can run as a formula in Excel or LibreOffice.

Post text is written by strangers. A cell such as ``=HYPERLINK("http://evil","klik")`` or
``@SUM(1+1)*cmd|' /C calc'!A0`` runs as a formula when an analyst opens the export (OWASP "CSV injection").
Rule applied to every string cell, column name and index label (:func:`neutralise_cell`): a string whose
first character is one of ``DANGEROUS_PREFIXES`` (``=``, ``+``, ``-``, ``@``, tab, carriage return, line
feed, and their full-width forms ``＝ ＋ － ＠``) gets a single quote ``'`` in front. Spreadsheets show the
quote-prefixed text as text; the quote is visible in the cell, which is the price of safety. Real numbers
(int, float, Decimal; not strings that look like numbers) are written as numbers: a negative number is data,
not a formula. Lists and tuples (e.g. example post ids) become ``", "``-joined text, dicts JSON text;
timezone-aware timestamps become ISO 8601 text with their offset (e.g. ``2024-05-08T20:00:00+07:00``).

CSV: UTF-8 with a byte-order mark (so Excel reads Indonesian text right), every field quoted.
XLSX: xlsxwriter with ``strings_to_formulas``, ``strings_to_urls`` and ``strings_to_numbers`` off, every
value written with its typed writer (never the guessing ``write``), bold frozen header, autofilter and
column widths from the content; sheet names sanitised (:func:`safe_sheet_name`).
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from monitoring.errors import UserError

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QUOTE_PREFIX = "'"
MAX_SHEET_NAME = 31
MAX_XLSX_ROWS = 1_048_575  # Excel's row limit minus the header
MAX_COLUMN_WIDTH = 60
WIDTH_SAMPLE_ROWS = 1000
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def neutralise_cell(value: Any) -> Any:
    """Prefix ``'`` to a string starting with a dangerous character; anything else is returned as is.

    >>> neutralise_cell("=1+1"), neutralise_cell("+62 812-3456"), neutralise_cell("aman"), neutralise_cell(-5)
    ("'=1+1", "'+62 812-3456", 'aman', -5)
    """
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return QUOTE_PREFIX + value
    return value


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    """One cell as str, bool, int, float, naive datetime or None (before neutralising)."""
    if isinstance(value, np.generic):
        value = value.item()
    if _is_missing(value):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.isoformat() if value.tzinfo is not None else pd.Timestamp(value).to_pydatetime()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return json.dumps(dict(value), ensure_ascii=False, default=str)
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return ", ".join("" if _is_missing(v) else str(_plain(v)) for v in value)
    return str(value)


def safe_value(value: Any) -> Any:
    """A cell ready to export: plain type, strings neutralised, non-finite floats as None."""
    value = neutralise_cell(_plain(value))
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _column(series: pd.Series) -> tuple[list[Any], str]:
    """One column as exportable values and their kind: 'number', 'bool' or 'any' (checked per cell)."""
    if pd.api.types.is_bool_dtype(series) and not series.hasnans:
        return series.astype(bool).tolist(), "bool"
    if pd.api.types.is_integer_dtype(series) and not series.hasnans:
        return series.astype("int64").tolist(), "number"
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return [v if math.isfinite(v) else None for v in values.tolist()], "number"
    return [safe_value(v) for v in series.tolist()], "any"


def _columns(frame: pd.DataFrame) -> list[tuple[list[Any], str]]:
    return [_column(frame.iloc[:, i]) for i in range(frame.shape[1])]


def _header(frame: pd.DataFrame) -> list[Any]:
    return [safe_value(str(c) if not isinstance(c, str) else c) for c in frame.columns]


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a named or non-range index turned into columns (its labels are data too)."""
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        return frame
    return frame.reset_index()


def to_safe_csv(frame: pd.DataFrame, *, sep: str = ",") -> bytes:
    """CSV bytes (UTF-8 with BOM, all fields quoted) with every cell neutralised.

    Args:
        frame: table to export; a meaningful index is exported as columns.
        sep: field separator (``";"`` suits Excel set to Indonesian regional settings).
    """
    frame = _flat(frame)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=sep, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(_header(frame))
    for row in zip(*(values for values, _ in _columns(frame))):
        writer.writerow("" if v is None else v for v in row)
    return buffer.getvalue().encode("utf-8-sig")


def safe_sheet_name(name: object, taken: Iterable[str] = ()) -> str:
    """Excel-valid sheet name: forbidden characters -> '_', no edge quotes, <= 31 chars, unique."""
    text = _SHEET_FORBIDDEN.sub("_", str(name)).strip().strip("'").strip() or "Sheet"
    if text.lower() == "history":  # reserved by Excel
        text = "History_"
    text = text[:MAX_SHEET_NAME]
    used = {t.lower() for t in taken}
    candidate, number = text, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = text[:MAX_SHEET_NAME - len(suffix)] + suffix, number + 1
    return candidate


def _write_cell(sheet: Any, row: int, col: int, value: Any, date_format: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, date_format)
    else:
        sheet.write_string(row, col, str(value))


def _width(value: Any) -> int:
    if value is None:
        return 0
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=len(text))


def _write_column(sheet: Any, col: int, values: list[Any], kind: str, date_format: Any) -> None:
    if kind == "number":
        for row, value in enumerate(values, start=1):
            if value is not None:
                sheet.write_number(row, col, value)
    elif kind == "bool":
        for row, value in enumerate(values, start=1):
            sheet.write_boolean(row, col, value)
    else:
        for row, value in enumerate(values, start=1):
            _write_cell(sheet, row, col, value, date_format)


def _write_sheet(book: Any, name: str, frame: pd.DataFrame, formats: dict[str, Any]) -> None:
    if len(frame) > MAX_XLSX_ROWS:
        raise UserError(f"Tabel '{name}' terlalu besar untuk satu lembar Excel ({len(frame):,} baris, "
                        f"maksimum {MAX_XLSX_ROWS:,}). Ekspor sebagai CSV atau persempit filter."
                        .replace(",", "."))
    sheet = book.add_worksheet(name)
    header = _header(frame)
    for col, (title, (values, kind)) in enumerate(zip(header, _columns(frame))):
        sheet.write_string(0, col, str(title), formats["header"])
        _write_column(sheet, col, values, kind, formats["date"])
        width = max([_width(title), *(_width(v) for v in values[:WIDTH_SAMPLE_ROWS])])
        sheet.set_column(col, col, min(MAX_COLUMN_WIDTH, max(8, width + 2)))
    sheet.freeze_panes(1, 0)
    if header:
        sheet.autofilter(0, 0, len(frame), len(header) - 1)


def to_safe_xlsx(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """XLSX bytes, one sheet per frame (in order), with every cell neutralised and no formula.

    Args:
        frames: sheet name -> table. Names are sanitised and made unique (:func:`safe_sheet_name`).
    """
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}
    with xlsxwriter.Workbook(buffer, options) as book:
        formats = {"header": book.add_format({"bold": True}),
                   "date": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})}
        taken: list[str] = []
        for name, frame in (frames.items() or {"Data": pd.DataFrame()}.items()):
            taken.append(safe_sheet_name(name, taken))
            _write_sheet(book, taken[-1], _flat(frame), formats)
    return buffer.getvalue()
