"""The daily briefing as a file: its formats, and its bytes in each (for the CLI and the API)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from monitoring.errors import UserError

if TYPE_CHECKING:  # imported where used: commands that only check a file name start quickly
    import duckdb
    import pandas as pd

    from monitoring.report.briefing import Briefing

FORMATS = ("html", "xlsx", "png", "pdf")
MEDIA_TYPES = {"html": "text/html; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "png": "image/png", "pdf": "application/pdf"}


def output_format(path: Path) -> str:
    """'html' | 'xlsx' | 'png' | 'pdf' from the file name; raises UserError for anything else."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        shown = f"'{path.suffix}'" if path.suffix else "tanpa ekstensi"
        raise UserError(f"Format keluaran {shown} tidak didukung untuk {path.name}. "
                        "Gunakan nama berakhiran .html, .xlsx, .png atau .pdf.")
    return fmt


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from the command line or the API."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise UserError(f"Tanggal '{value}' tidak dikenali. Gunakan format YYYY-MM-DD, mis. 2024-05-01.") from err


def render(briefing: "Briefing", fmt: str) -> bytes:
    """The briefing in one of :data:`FORMATS`, as bytes."""
    from monitoring.report import render as R

    if fmt == "html":
        return R.briefing_html(briefing).encode("utf-8")
    if fmt == "xlsx":
        return R.briefing_xlsx(briefing)
    return R.briefing_image(briefing, fmt)


def briefing_file(con: "duckdb.DuckDBPyConnection", fmt: str, *, date: dt.date | None = None,
                  region: str | None = None, now: "pd.Timestamp | None" = None, timezone: str | None = None) -> bytes:
    """Build the briefing with the store's settings (time zone unless given, windows) and render it."""
    from monitoring.report.briefing import build_briefing
    from monitoring.store import database as storage
    from monitoring.store import settings

    values = settings.load_settings(storage.stored_settings(con))
    briefing = build_briefing(con, date=date, region=region, now=now, timezone=timezone or values["display_timezone"],
                              recent_hours=values["recent_hours"], baseline_days=values["baseline_days"])
    return render(briefing, fmt)
