"""Read endpoints: issues and their narratives, emerging issues, the dissemination plan and the daily briefing.

Each runs in a worker thread of the server (never on its event loop) with its own cursors on the
store, so reads answer while a job writes. Tables are the same as ``analyze --out``'s CSV files.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from monitoring import schema as S
from monitoring.clock import parse_now
from monitoring.ingest.imports import list_datasets
from monitoring.report import outputs
from monitoring.report.briefing_files import (
    FORMATS,
    MEDIA_TYPES,
    briefing_file,
    parse_date,
)
from monitoring.server.http import (
    SAFE_HEADERS,
    ApiError,
    Param,
    frame_response,
    query_values,
)
from monitoring.store import database as storage
from monitoring.store import settings
from monitoring.store.queries import Filters

if TYPE_CHECKING:
    from monitoring.server.http import Endpoint
    from monitoring.server.runtime import Server

FORMAT = Param("format", "json (default) or csv", choices=("json", "csv"), default="json")
NOW = Param("now", "end of the 24-h window, ISO time (default: the latest post)")
FILTER_PARAMS = (
    Param("since", "only posts at or after this time (ISO, e.g. 2026-11-01 or 2026-11-01T00:00+07:00)"),
    Param("until", "only posts before this time (ISO)"),
    Param("province", "province codes, comma-separated (e.g. 31,32)"),
    Param("platform", f"platforms, comma-separated ({', '.join(S.PLATFORMS)})"),
    Param("dataset", "dataset ids, comma-separated"),
    Param("issue", "issue ids, comma-separated (e.g. I0001)"),
    Param("sentiment", f"sentiments, comma-separated ({', '.join(S.SENTIMENTS)})"),
)
BRIEFING_PARAMS = (
    Param("date", "local day of the briefing, YYYY-MM-DD (default: the day of the latest post)"),
    Param("region", "province code for a regional briefing, e.g. 53"),
    NOW,
    Param("timezone", "time zone of the labels (default: setting display_timezone)", choices=("WIB", "WITA", "WIT")),
    Param("format", "file format", choices=FORMATS, default="html"),
)


def _listed(raw: str | None, allowed: tuple[str, ...] | None, name: str) -> tuple[str, ...]:
    values = tuple(v.strip() for v in (raw or "").split(",") if v.strip())
    wrong = [v for v in values if allowed is not None and v not in allowed]
    if wrong:
        raise ApiError(400, f"Nilai '{wrong[0]}' untuk {name} tidak dikenal. Pilih: {', '.join(allowed)}.")
    return values


def filters_from(values: dict[str, Any]) -> Filters:
    """The global filters from query values (the same filters as the dashboard's sidebar)."""
    datasets = _listed(values["dataset"], None, "dataset")
    if any(not d.isdigit() for d in datasets):
        raise ApiError(400, "Nilai dataset harus nomor dataset, dipisahkan koma, mis. dataset=3,4.")
    return Filters(start=parse_now(values["since"]), end=parse_now(values["until"]),
                   dataset_ids=tuple(int(d) for d in datasets),
                   platforms=_listed(values["platform"], S.PLATFORMS, "platform"),
                   province_codes=_listed(values["province"], None, "province"),
                   issue_ids=_listed(values["issue"], None, "issue"),
                   sentiments=_listed(values["sentiment"], S.SENTIMENTS, "sentiment"))


def _windows(con) -> dict[str, int]:
    values = settings.load_settings(storage.stored_settings(con))
    return {"recent_hours": values["recent_hours"], "baseline_days": values["baseline_days"]}


class AnswerCache:
    """The last answers of table reads, valid for one store version (as the pages' caches): a
    script or wallboard polling the same table gets it without recomputing until the data changes."""

    def __init__(self, size: int = 64) -> None:
        self.size, self._answers, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key: tuple) -> Response | None:
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
            return self._answers.get(key)

    def put(self, key: tuple, answer: Response) -> None:
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)


ANSWERS = AnswerCache()


def _answer(con, name: str, values: dict[str, Any], build: Callable[..., pd.DataFrame]) -> Response:
    key = (name, storage.store_version(con), tuple(sorted(values.items())), tuple(_windows(con).items()))
    answer = ANSWERS.get(key)
    if answer is None:
        answer = frame_response(build(con, filters_from(values), values), values["format"], name)
        ANSWERS.put(key, answer)
    return answer


async def _table(request: Request, server: "Server", endpoint: "Endpoint", name: str,
                 build: Callable[..., pd.DataFrame]) -> Response:
    values = query_values(request, endpoint)
    filters_from(values)  # bad filters: 400 before any work
    return await run_in_threadpool(_answer, server.store.con, name, values, build)


async def issues(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``GET /issues``: one row per issue (columns of ``issues.csv``)."""
    return await _table(request, server, endpoint, "issues", lambda con, f, v: outputs.issues_frame(con, f))


async def narratives(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``GET /narratives``: the narratives (framings) inside each issue (columns of ``narratives.csv``)."""
    return await _table(request, server, endpoint, "narratives",
                        lambda con, f, v: outputs.narratives_output(con, f))


async def emerging(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``GET /emerging``: issue × province scores (columns of ``emerging.csv``; ``ID`` = national)."""
    return await _table(request, server, endpoint, "emerging", lambda con, f, v: outputs.emerging_frame(
        con, f, now=parse_now(v["now"]), **_windows(con)))


async def plan(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``GET /plan``: the dissemination plan (columns of ``plan.csv``)."""
    return await _table(request, server, endpoint, "plan", lambda con, f, v: outputs.plan_frame(
        con, f, now=parse_now(v["now"]), **_windows(con)))


async def datasets(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``GET /datasets``: every imported dataset with its counts, newest first."""
    values = query_values(request, endpoint)
    frame = await run_in_threadpool(list_datasets, server.store.con)
    return frame_response(frame.drop(columns=["sha256"], errors="ignore"), values["format"], "datasets")


async def briefing(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``GET /briefing``: the daily briefing as a file (html, xlsx, png or pdf)."""
    values = query_values(request, endpoint)
    date, now, fmt = parse_date(values["date"]), parse_now(values["now"]), values["format"]
    data = await run_in_threadpool(lambda: briefing_file(server.store.con, fmt, date=date, region=values["region"],
                                                         now=now, timezone=values["timezone"]))
    name = f"briefing-{values['date'] or 'terbaru'}{'-' + values['region'] if values['region'] else ''}.{fmt}"
    safe_name = "".join(c for c in name if c.isalnum() or c in "-_.")
    return Response(data, media_type=MEDIA_TYPES[fmt],
                    headers={**SAFE_HEADERS, "Content-Disposition": f'attachment; filename="{safe_name}"'})
