"""``python -m monitoring briefing``: write the daily briefing as HTML, XLSX, PNG or PDF (for cron jobs).

The file is written atomically (a temporary file in the same folder, then renamed), so a failed run never
leaves a half-written briefing where the previous one was.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from monitoring.clock import parse_now
from monitoring.errors import UserError
from monitoring.report.briefing_files import (  # noqa: F401
    briefing_file,
    output_format,
    parse_date,
    render,
)
from monitoring.report.outputs import write_atomically
from monitoring.store import database as storage
from monitoring.store import settings


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
        data = briefing_file(con, fmt, date=date, region=args.region, now=now, timezone=args.timezone)
    finally:
        con.close()
    write_atomically(out, data)
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
