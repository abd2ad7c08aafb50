"""``POST /api/v1/deliveries``: send the daily briefing, the due alerts or a test message, as a job.

The same work as ``python -m monitoring deliver …`` (:mod:`monitoring.delivery.jobs`); the job's result
is one summary per message attempted (channel, recipient, status, what, answer), which the command
prints as JSON lines. Sending waits on mail servers and webhooks, so it runs in the job queue and the
request only waits for the job (``?wait=N``), like an analysis.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from monitoring.clock import parse_now
from monitoring.report.briefing_files import parse_date
from monitoring.server.http import ApiError, Param, query_values
from monitoring.server.writes import WAIT, job_answer, json_body, request_source
from monitoring.store.settings import CHANNELS

if TYPE_CHECKING:
    import duckdb

    from monitoring.server.http import Endpoint
    from monitoring.server.runtime import Server

KINDS = ("briefing", "alerts", "test")
DELIVERY_FIELDS = (
    Param("what", "briefing | alerts | test", choices=KINDS, location="body", default="alerts"),
    Param("date", "briefing: local day YYYY-MM-DD (default: the day before now)", location="body"),
    Param("region", "briefing: only this province code, or ID for national", location="body"),
    Param("channel", "test: the channel to test", choices=CHANNELS, location="body"),
    Param("now", "the time to act as now, ISO (default: the wall clock)", location="body"),
)
PARAMS = (WAIT,)


def send(con: "duckdb.DuckDBPyConnection", what: str, values: dict[str, Any]) -> list[dict]:
    """Deliver ``what`` now; the summaries of the messages attempted."""
    from monitoring.delivery import jobs

    now = parse_now(values.get("now"))
    if what == "briefing":
        results = jobs.deliver_briefing(con, date=parse_date(values.get("date")), region=values.get("region"),
                                        now=now)
    elif what == "alerts":
        results = jobs.deliver_alerts(con, now=now)
    else:
        results = jobs.send_test(con, values["channel"], now=now)
    return [delivery.summary() for delivery in results]


async def deliveries(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """Queue a delivery; the job's result is ``{"messages": [summary, …]}``."""
    wait = query_values(request, endpoint)["wait"]
    values = await json_body(request, DELIVERY_FIELDS)
    what = values["what"]
    parse_now(values["now"])
    parse_date(values["date"])
    if what == "test" and not values["channel"]:
        raise ApiError(400, "Pilih kanal yang diuji: email, webhook atau telegram.")
    con = server.store.con
    job = server.store.jobs.submit("delivery", f"Pengiriman ({what})",
                                   lambda j: {"messages": send(con, what, values)}, source=request_source(request))
    return await job_answer(job, wait, server)
