"""``python -m monitoring deliver briefing|alerts|test``: send what is due through the configured channels.

One JSON line per message attempted (channel, recipient, status, what, answer). Exit 0 when everything
attempted was sent (also when nothing was due); 1 with a one-line Indonesian reason when a channel is not
configured or a message failed (it stays in the delivery log and is retried automatically later).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from monitoring.cli.briefing import parse_date
from monitoring.clock import parse_now
from monitoring.errors import UserError
from monitoring.store import database as storage
from monitoring.store import settings


def _open(args: argparse.Namespace):
    db = Path(args.db or settings.default_db_path())
    if not db.is_file():
        raise UserError(f"Basis data {db} tidak ditemukan. Impor data dulu (python -m monitoring ingest) atau beri --db.")
    return storage.connect(db)


def cmd_deliver(args: argparse.Namespace) -> int:
    from monitoring.delivery import jobs

    now = parse_now(args.now)
    date = parse_date(getattr(args, "date", None))
    con = _open(args)
    try:
        if args.what == "briefing":
            results = jobs.deliver_briefing(con, date=date, region=args.region, now=now)
        elif args.what == "alerts":
            results = jobs.deliver_alerts(con, now=now)
        else:
            results = jobs.send_test(con, args.channel, now=now)
    finally:
        con.close()
    return print_summaries([delivery.summary() for delivery in results])


def print_summaries(summaries: list[dict]) -> int:
    """One JSON line per message; the exit status (1 with a one-line reason when one failed)."""
    from monitoring.delivery import outbox

    for summary in summaries:
        print(json.dumps(summary, ensure_ascii=False), flush=True)
    failed = [s for s in summaries if s["status"] != outbox.SENT]
    if failed:
        first = failed[0]
        later = " Dicoba lagi otomatis nanti." if first["status"] == outbox.PENDING else ""
        print(f"Pengiriman gagal untuk {len(failed)} pesan; {first['channel']} ke {first['recipient']}: "
              f"{' '.join(str(first.get('answer') or '').split())}{later}", file=sys.stderr)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``deliver`` sub-command with ``briefing``, ``alerts`` and ``test``."""
    parser = subparsers.add_parser("deliver", help="send the daily briefing or alerts through the configured channels")
    what = parser.add_subparsers(dest="what", required=True)
    briefing = what.add_parser("briefing", help="e-mail the daily briefing (national + briefing_provinces)")
    briefing.add_argument("--date", default=None, help="local day, YYYY-MM-DD (default: the day before --now)")
    briefing.add_argument("--region", default=None, help="only this province code (e.g. 53), or ID for national")
    alerts = what.add_parser("alerts", help="send new emerging issues and spike alerts not sent before")
    test = what.add_parser("test", help="send a test message through one channel")
    test.add_argument("--channel", required=True, choices=settings.CHANNELS)
    for sub in (briefing, alerts, test):
        sub.add_argument("--now", default=None, help="the time to act as now, ISO (default: the wall clock)")
        sub.add_argument("--db", default=None, help="DuckDB file (default: PANTAUISU_DB_PATH or data/pantauisu.duckdb)")
        sub.set_defaults(func=cmd_deliver)
