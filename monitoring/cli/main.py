"""Command line: ``python -m monitoring <command>`` for cron jobs and scripted checks.

Every command has ``--help``; bad input exits non-zero with a one-line reason on stderr
(no traceback) and leaves the store unchanged. While a dashboard holds the store, the commands
that need it run through that server (:mod:`monitoring.cli.remote`) with the same output.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

import pandas as pd

from monitoring.cli import remote
from monitoring.cli.each_file import for_each_file
from monitoring.clock import parse_now
from monitoring.errors import UserError
from monitoring.store import database as storage
from monitoring.store import settings


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None,
                        help="DuckDB file (default: PANTAUISU_DB_PATH or data/pantauisu.duckdb)")


def _add_now(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--now", default=None, help=help_text)


def _open(args: argparse.Namespace):
    return storage.connect(args.db or settings.default_db_path())


def cmd_demo(args: argparse.Namespace) -> int:
    from monitoring.pipeline import load_demo

    con = _open(args)
    summary = load_demo(con, n_posts=args.posts, seed=args.seed)
    print(summary.to_json())
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from monitoring.ingest.imports import import_file

    con = _open(args)
    values = settings.load_settings(storage.stored_settings(con))
    now = parse_now(args.now) or pd.Timestamp.now(tz="UTC")

    def import_path(path: Path) -> str:
        return import_file(
            con, path.read_bytes(), path.name, now=now, platform=args.platform, dataset_name=args.dataset,
            encoding=args.encoding, delimiter=args.delimiter, default_region=args.region,
            max_bytes=values["max_upload_mb"] * 2**20, max_xlsx_unpacked_bytes=values["max_xlsx_unpacked_mb"] * 2**20,
        ).to_json()

    return for_each_file(args.files, import_path)


def cmd_analyze(args: argparse.Namespace) -> int:
    from monitoring.executors import TreeWatch
    from monitoring.pipeline import analyze
    from monitoring.report.outputs import write_analysis, write_run_file

    since, until, now = parse_now(args.since), parse_now(args.until), parse_now(args.now)  # bad dates: before the work
    con = _open(args)
    with TreeWatch() as memory:  # this process and its worker processes
        report = analyze(con, refit=args.refit, n_issues=args.issues)
    print(report.message(), file=sys.stderr)
    written = write_analysis(con, Path(args.out), since=since, until=until, now=now)
    written.append(write_run_file(Path(args.out), report.run_record(memory.summary())))
    for path in written:
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m monitoring",
                                     description="PantauIsu: pemantauan isu publik dari media sosial.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="generate and import the demo dataset, then analyse it")
    _add_db(demo)
    demo.add_argument("--posts", type=int, default=6000, help="number of demo posts (default 6000)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.set_defaults(func=cmd_demo)

    ingest = sub.add_parser("ingest", help="import CSV/TSV/XLSX/JSON/JSONL/Parquet exports")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    _add_db(ingest)
    _add_now(ingest, "reference time for relative dates like '3 hari yang lalu' (default: now)")
    ingest.add_argument("--platform", choices=None, default=None,
                        help="x, instagram, youtube, tiktok, facebook, news or other (default: detected)")
    ingest.add_argument("--dataset", default=None, help="dataset name (default: the file name)")
    ingest.add_argument("--encoding", default=None, help="force a text encoding, e.g. cp1252")
    ingest.add_argument("--delimiter", default=None, help="force a CSV delimiter, e.g. ';'")
    ingest.add_argument("--region", default=None,
                        help="default region for posts without location, Kemendagri code e.g. 64.74")
    ingest.set_defaults(func=cmd_ingest)

    analyze = sub.add_parser("analyze", help="enrich posts, detect issues and signals, write outputs")
    _add_db(analyze)
    analyze.add_argument("--out", required=True, help="output folder")
    analyze.add_argument("--since", default=None, help="only posts at or after this date (ISO)")
    analyze.add_argument("--until", default=None, help="only posts before this date (ISO)")
    _add_now(analyze, "end of the emerging window (default: the latest post)")
    analyze.add_argument("--refit", action="store_true", help="re-cluster all posts from scratch")
    analyze.add_argument("--issues", type=int, default=None, help="number of issues (default: automatic)")
    analyze.set_defaults(func=cmd_analyze)

    for register in _optional_commands():
        register(sub)
    return parser


def _optional_commands():
    """Sub-commands that live in their own modules."""
    from monitoring.cli import briefing as briefing_cli
    from monitoring.cli import deliver as deliver_cli
    from monitoring.cli import sentiment as sentiment_cli

    return (sentiment_cli.register, briefing_cli.register, deliver_cli.register)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "ingest" and args.platform is not None:
        from monitoring.schema import PLATFORMS

        if args.platform not in PLATFORMS:
            print(f"Platform '{args.platform}' tidak dikenal. Pilih: {', '.join(PLATFORMS)}.", file=sys.stderr)
            return 2
    try:
        done = remote.through_server(args)  # a running dashboard holds the store: ask it
        return done if done is not None else int(args.func(args) or 0)
    except UserError as err:
        print(str(err).replace("\n", " "), file=sys.stderr)
        return 1
