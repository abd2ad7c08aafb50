"""Numbers and dates as the analyst reads them (Indonesian: 12.345, 12,3% and 7 Nov 2026), for pages,
charts, briefings and alerts."""
from __future__ import annotations

import pandas as pd


def fmt_int(value: object) -> str:
    """12345 -> '12.345'; missing -> '0'."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return "0"


def fmt_pct(value: object, *, signed: bool = False) -> str:
    """0.123 -> '12,3%' (signed: '+12,3%'); missing -> '–'."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if number != number:  # NaN
        return "–"
    text = f"{number * 100:{'+' if signed else ''}.1f}%"
    return text.replace(".", ",")


def fmt_score(value: object) -> str:
    """Emerging score with one decimal: 45.125 -> '45,1'; missing -> '–'."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if number != number else f"{number:.1f}".replace(".", ",")


def fmt_number(value: float) -> str:
    """Indonesian number: 1.234 and 0,4."""
    text = f"{value:,.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


# --- dates ----------------------------------------------------------------------------------
# Indonesian month and day names: Plotly, strftime and the browser would write English ones.
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")
MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DATE_STYLES = ("short", "long", "weekday", "numeric", "day_month")


def _as_datetime(value: object) -> pd.Timestamp | None:
    """A date, datetime, Timestamp, datetime64 or ISO string as a Timestamp; None for missing values."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp


def fmt_date(value: object, style: str = "short") -> str:
    """A date as the analyst reads it; missing (None, NaN, NaT) -> '–'.

    Styles: ``short`` '7 Nov 2026', ``long`` '7 November 2026', ``weekday`` 'Sabtu, 7 November 2026',
    ``numeric`` '07/11/2026', ``day_month`` '7 Nov' (chart ticks). The value's own wall-clock date is
    used: convert to the display time zone first.
    """
    when = _as_datetime(value)
    if when is None:
        return "–"
    if style == "short":
        return f"{when.day} {MONTHS_SHORT[when.month - 1]} {when.year}"
    if style == "long":
        return f"{when.day} {MONTHS[when.month - 1]} {when.year}"
    if style == "weekday":
        return f"{DAYS[when.weekday()]}, {when.day} {MONTHS[when.month - 1]} {when.year}"
    if style == "numeric":
        return f"{when:%d/%m/%Y}"
    if style == "day_month":
        return f"{when.day} {MONTHS_SHORT[when.month - 1]}"
    raise ValueError(f"unknown date style {style!r}; one of {DATE_STYLES}")


def fmt_datetime(value: object, style: str = "numeric") -> str:
    """Date and time: ``numeric`` '07/11/2026 08:05' (tables, post lists), ``short`` '7 Nov 2026 08.05'
    (briefings); missing -> '–'."""
    when = _as_datetime(value)
    if when is None:
        return "–"
    if style == "numeric":
        return f"{when:%d/%m/%Y %H:%M}"
    return f"{fmt_date(when, style)} {when:%H.%M}"


def fmt_date_range(start: object, end: object) -> str:
    """Two days as one short span: '7–20 Nov 2026', '30 Okt – 20 Nov 2026', '30 Des 2025 – 5 Jan 2026',
    '20 Nov 2026' (same day); '–' when either end is missing."""
    first, last = _as_datetime(start), _as_datetime(end)
    if first is None or last is None:
        return "–"
    if first.date() == last.date():
        return fmt_date(last)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{fmt_date(last)}"
    if first.year == last.year:
        return f"{fmt_date(first, 'day_month')} – {fmt_date(last)}"
    return f"{fmt_date(first)} – {fmt_date(last)}"
