"""``python -m monitoring briefing``: write the daily briefing as HTML, XLSX, PNG or PDF (for cron jobs).

The file is written atomically (:func:`monitoring.report.outputs.write_atomically`), so a failed run never
leaves a half-written briefing where the previous one was.
"""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from monitoring.clock import parse_now
from monitoring.errors import UserError
from monitoring.report.briefing import build_briefing
from monitoring.report.outputs import write_atomically
from monitoring.store import database as storage
from monitoring.store import settings

FORMATS = ("html", "xlsx", "png", "pdf")


def output_format(path: Path) -> str:
    """'html' | 'xlsx' | 'png' | 'pdf' from the file name; raises UserError for anything else."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        shown = f"'{path.suffix}'" if path.suffix else "tanpa ekstensi"
        raise UserError(f"Format keluaran {shown} tidak didukung untuk {path.name}. "
                        "Gunakan nama berakhiran .html, .xlsx, .png atau .pdf.")
    return fmt


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from the command line."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise UserError(f"Tanggal '{value}' tidak dikenali. Gunakan format YYYY-MM-DD, mis. 2024-05-01.") from err


def render(briefing, fmt: str) -> bytes:  # noqa: ANN001 - a monitoring.report.briefing.Briefing
    """The briefing in one of :data:`FORMATS`, as bytes."""
    from monitoring.report import render as R

    if fmt == "html":
        return R.briefing_html(briefing).encode("utf-8")
    if fmt == "xlsx":
        return R.briefing_xlsx(briefing)
    return R.briefing_image(briefing, fmt)


def cmd_briefing(args: argparse.Namespace) -> int:

    out = Path(args.out)
    fmt = output_format(out)
    date, now = parse_date(args.date), parse_now(args.now)
    db = Path(args.db or settings.default_db_path())
    if not db.is_file():
        raise UserError(f"Basis data {db} tidak ditemukan. Impor data dulu (python -m monitoring ingest) "
                        "atau beri --db.")
    con = storage.connect(db)
    try:
        values = settings.load_settings(storage.stored_settings(con))
        briefing = build_briefing(con, date=date, region=args.region, now=now,
                                  timezone=args.timezone or values["display_timezone"],
                                  recent_hours=values["recent_hours"], baseline_days=values["baseline_days"])
    finally:
        con.close()
    write_atomically(out, render(briefing, fmt))
    print(out)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``briefing`` sub-command."""
    parser = subparsers.add_parser("briefing", help="write the daily briefing (html, xlsx, png or pdf)")
    parser.add_argument("--out", required=True, help="output file: .html, .xlsx, .png or .pdf")
    parser.add_argument("--date", default=None,
                        help="local day of the briefing, YYYY-MM-DD (default: the day of the latest post)")
    parser.add_argument("--region", default=None, help="province code for a regional briefing, e.g. 53")
    parser.add_argument("--now", default=None,
                        help="end of the 24-h window, ISO time (default: the latest post); overrides --date")
    parser.add_argument("--timezone", default=None, choices=("WIB", "WITA", "WIT"),
                        help="time zone of the labels (default: setting display_timezone)")
    parser.add_argument("--db", default=None,
                        help="DuckDB file (default: PANTAUISU_DB_PATH or data/pantauisu.duckdb)")
    parser.set_defaults(func=cmd_briefing)
