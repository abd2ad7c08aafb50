"""Commands through the server: when a live dashboard holds the store, ``ingest``, ``analyze``,
``briefing`` and ``demo`` run as requests to its API instead of opening the file (which that server
holds). Output and exit codes are the same as when they open the file themselves: one JSON line per
imported file, refused files as ``<file>: <reason>`` on stderr, the analysis line on stderr and the
written paths on stdout; files of ``analyze --out`` and ``briefing --out`` come back over HTTP and
are written here, atomically.

How the server is found: :func:`monitoring.server.client.find_server` (the credential file beside the
database, ignored when stale).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable

import pandas as pd

from monitoring.cli.each_file import for_each_file
from monitoring.clock import parse_now
from monitoring.errors import UserError
from monitoring.report.briefing_files import output_format, parse_date
from monitoring.server.client import ServerClient, ServerError, find_server
from monitoring.store import settings


def _iso(stamp: pd.Timestamp | None) -> str | None:
    return None if stamp is None else stamp.isoformat()


def _finished(client: ServerClient, job: dict) -> dict:
    """Wait for the job; its result, or UserError with its message when it failed."""
    job = client.wait(job)
    if job["status"] == "failed":
        raise UserError(job["error"])
    return job["result"]


def _import_one(client: ServerClient, path: Path, fields: dict[str, str | None]) -> dict:
    """One file's ``ingest`` JSON (or ``{"error": …}``) from the server."""
    data = path.read_bytes()
    try:
        return _finished(client, client.upload("/imports", [(path.name, data)], fields))["files"][0]
    except ServerError as err:
        if err.status == 413 and "max_upload_mb" in err.body:  # the same words as without a server
            from monitoring.ingest.imports import check_size

            check_size(data, path.name, int(err.body["max_upload_mb"]) * 2**20)
        raise


def ingest(client: ServerClient, args: argparse.Namespace) -> int:
    """``ingest`` through the server: one job per file (in order), printed as it finishes."""
    now = parse_now(args.now) or pd.Timestamp.now(tz="UTC")
    fields = {"platform": args.platform, "dataset": args.dataset, "encoding": args.encoding,
              "delimiter": args.delimiter, "region": args.region, "now": now.isoformat()}

    def import_path(path: Path) -> str:
        entry = _import_one(client, path, fields)
        if "error" in entry:
            raise UserError(entry["error"])
        return json.dumps(entry, ensure_ascii=False)

    return for_each_file(args.files, import_path)


def _write(path: Path, data: bytes) -> None:
    temp = path.with_name(path.name + ".tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def analyze(client: ServerClient, args: argparse.Namespace) -> int:
    """``analyze --out`` through the server: the analysis and its files are made there, written here."""
    since, until, now = parse_now(args.since), parse_now(args.until), parse_now(args.now)
    job = client.post_json("/analyses", {"refit": args.refit, "issues": args.issues, "outputs": True,
                                         "since": _iso(since), "until": _iso(until), "now": _iso(now)})
    result = _finished(client, job)
    print(result["message"], file=sys.stderr)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in result["files"]:
        _write(out / name, client.download(f"/jobs/{job['id']}/files/{name}"))
        print(out / name)
    return 0


def briefing(client: ServerClient, args: argparse.Namespace) -> int:
    """``briefing --out`` through the server: rendered there, written here."""
    from monitoring.report.outputs import write_atomically

    out = Path(args.out)
    fmt = output_format(out)
    parse_date(args.date)
    now = parse_now(args.now)
    _, _, data = client.request("GET", "/briefing", params={
        "format": fmt, "date": args.date, "region": args.region, "now": _iso(now), "timezone": args.timezone})
    write_atomically(out, data)
    print(out)
    return 0


def demo(client: ServerClient, args: argparse.Namespace) -> int:
    """``demo`` through the server."""
    result = _finished(client, client.post_json("/demo", {"posts": args.posts, "seed": args.seed}))
    print(json.dumps(result, ensure_ascii=False))
    return 0


def deliver(client: ServerClient, args: argparse.Namespace) -> int:
    """``deliver briefing|alerts|test`` through the server: sent there, the same JSON lines here."""
    from monitoring.cli.deliver import print_summaries

    now = parse_now(args.now)
    date = getattr(args, "date", None)
    parse_date(date)
    result = _finished(client, client.post_json("/deliveries", {
        "what": args.what, "date": date, "region": getattr(args, "region", None),
        "channel": getattr(args, "channel", None), "now": _iso(now)}))
    return print_summaries(result["messages"])


COMMANDS: dict[str, Callable[[ServerClient, argparse.Namespace], int]] = {
    "ingest": ingest, "analyze": analyze, "briefing": briefing, "demo": demo, "deliver": deliver}


def through_server(args: argparse.Namespace) -> int | None:
    """Run the command through the live server holding its store; None when it has to open the
    file itself (a command that needs no store, or no live server)."""
    command = COMMANDS.get(args.command)
    if command is None:
        return None
    client = find_server(args.db or settings.default_db_path())
    return None if client is None else command(client, args)
