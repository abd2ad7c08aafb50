"""Numbers as the analyst reads them (Indonesian: 12.345 and 12,3%), for pages, briefings and alerts."""
from __future__ import annotations


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
