"""The HTTP API under ``/api/v1/``, served on the dashboard's own port (``st.App(routes=...)``).

:data:`ENDPOINTS` lists every route once: method, path, token scope, parameters, handler.
:func:`routes` mounts them behind one guard that

1. answers 401 ``{"error": …}`` (and nothing else) without a valid ``Authorization: Bearer`` token,
   403 for a ``baca`` token on a ``tulis`` endpoint, 503 while the store is not open yet;
2. turns :class:`~monitoring.errors.UserError` into 400 and :class:`~monitoring.server.http.ApiError`
   into its status, each as one Indonesian line in JSON; anything else into 500 with a reference code
   (the traceback stays in the server log).

Adding an endpoint: write ``async def handler(request, server, endpoint) -> Response`` (reads in
:mod:`reads`, jobs in :mod:`writes`), add an :class:`Endpoint` to :data:`ENDPOINTS`; the guard, the
parameter check and ``/api/v1/openapi.json`` follow from it (and a test checks every route is listed).
"""
from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route

from monitoring.errors import UserError
from monitoring.server import deliveries, reads, writes
from monitoring.server.http import (
    PREFIX,
    ApiError,
    Endpoint,
    Param,
    error_response,
    json_response,
    query_values,
)
from monitoring.server.openapi import openapi_document
from monitoring.server.tokens import READ, WRITE

if TYPE_CHECKING:
    from monitoring.server.runtime import Server

log = logging.getLogger("pantauisu.api")

UNAUTHORIZED = ("Token tidak ada atau tidak valid. Kirim header 'Authorization: Bearer <token>'; token dibuat "
                "admin di halaman Pengaturan.")
FORBIDDEN = "Token ini bercakupan baca dan tidak boleh mengubah data. Minta token bercakupan tulis kepada admin."


async def health(request: Request, server: "Server", endpoint: Endpoint) -> Response:
    """``GET /health``: no token needed; 200 once the store is open."""
    query_values(request, endpoint)
    if not server.ready:
        return json_response({"status": "menunggu basis data", "server_id": server.server_id}, status=503)
    return json_response({"status": "ok", "server_id": server.server_id})


async def openapi(request: Request, server: "Server", endpoint: Endpoint) -> Response:
    """``GET /openapi.json``: this API described as OpenAPI 3.1."""
    query_values(request, endpoint)
    return json_response(openapi_document(ENDPOINTS))


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/health", "Is the server up (no token)", health, None),
    Endpoint("GET", "/openapi.json", "This API as an OpenAPI 3.1 document", openapi, READ),
    Endpoint("POST", "/imports", "Import files (the options of `ingest`) as a job", writes.imports, WRITE,
             params=(writes.WAIT,), body="multipart", body_fields=writes.IMPORT_FIELDS, job=True),
    Endpoint("POST", "/analyses", "Analyse the store (`analyze`) as a job", writes.analyses, WRITE,
             params=(writes.WAIT,), body="json", body_fields=writes.ANALYSIS_FIELDS, job=True),
    Endpoint("POST", "/demo", "Generate, import and analyse the demo dataset as a job", writes.demo, WRITE,
             params=(writes.WAIT,), body="json", body_fields=writes.DEMO_FIELDS, job=True),
    Endpoint("POST", "/deliveries", "Send the daily briefing, due alerts or a test message (`deliver`) as a job",
             deliveries.deliveries, WRITE, params=deliveries.PARAMS, body="json",
             body_fields=deliveries.DELIVERY_FIELDS, job=True),
    Endpoint("GET", "/jobs", "The latest jobs, newest first", writes.job_list, READ),
    Endpoint("GET", "/jobs/{job_id}", "A job's status, progress, result or error", writes.job_status, READ,
             params=(Param("job_id", "job id", location="path"), writes.WAIT), job=True),
    Endpoint("GET", "/jobs/{job_id}/files/{name}", "A file a job wrote (analysis outputs)", writes.job_file, READ,
             params=(Param("job_id", "job id", location="path"), Param("name", "file name", location="path")),
             produces=("application/octet-stream",)),
    Endpoint("GET", "/datasets", "Imported datasets with their counts", reads.datasets, READ,
             params=(reads.FORMAT,), produces=("application/json", "text/csv")),
    Endpoint("GET", "/issues", "Issues (columns of issues.csv)", reads.issues, READ,
             params=(*reads.FILTER_PARAMS, reads.FORMAT), produces=("application/json", "text/csv")),
    Endpoint("GET", "/narratives", "Narratives inside each issue (columns of narratives.csv)", reads.narratives, READ,
             params=(*reads.FILTER_PARAMS, reads.FORMAT), produces=("application/json", "text/csv")),
    Endpoint("GET", "/emerging", "Emerging issues per province (columns of emerging.csv)", reads.emerging, READ,
             params=(*reads.FILTER_PARAMS, reads.NOW, reads.FORMAT), produces=("application/json", "text/csv")),
    Endpoint("GET", "/plan", "Dissemination plan (columns of plan.csv)", reads.plan, READ,
             params=(*reads.FILTER_PARAMS, reads.NOW, reads.FORMAT), produces=("application/json", "text/csv")),
    Endpoint("GET", "/briefing", "The daily briefing as html, xlsx, png or pdf", reads.briefing, READ,
             params=reads.BRIEFING_PARAMS, produces=("text/html", "application/octet-stream")),
)


def _guarded(endpoint: Endpoint, server: "Server"):
    async def call(request: Request) -> Response:
        try:
            if endpoint.scope is not None:
                token = await run_in_threadpool(server.authenticate, request.headers.get("authorization"))
                if token is None:
                    return error_response(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})
                if not token.allows(endpoint.scope):
                    return error_response(403, FORBIDDEN)
                server.usage.note(token)
            if endpoint.scope is not None and not server.ready:
                raise ApiError(503, "Basis data belum dapat dibuka (dipakai proses lain). Coba lagi sebentar lagi.")
            return await endpoint.handler(request, server, endpoint)
        except ApiError as err:
            return error_response(err.status, err.message, **err.extra)
        except UserError as err:
            return error_response(400, str(err).replace("\n", " "))
        except Exception:  # noqa: BLE001 - the log keeps the traceback, the caller gets a reference
            ref = uuid.uuid4().hex[:8]
            log.exception("API %s %s failed (ref %s)", request.method, request.url.path, ref)
            return error_response(500, f"Terjadi kesalahan tak terduga. Sebutkan kode referensi {ref} kepada admin.")

    call.__name__ = f"api_{endpoint.method.lower()}_{endpoint.path.strip('/').replace('/', '_')}"
    return call


def _fallback(mounted: list[Route], server: "Server"):
    """Any other address under /api/v1/: 401 without a token, else 405 (known path) or 404."""
    async def call(request: Request) -> Response:
        token = await run_in_threadpool(server.authenticate, request.headers.get("authorization"))
        if token is None:
            return error_response(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})
        allowed = sorted({m for r in mounted if r.matches(request.scope)[0] == Match.PARTIAL for m in r.methods})
        if allowed:
            return error_response(405, f"Metode {request.method} tidak didukung di alamat ini. Gunakan "
                                       f"{', '.join(allowed)}.", headers={"Allow": ", ".join(allowed)})
        return error_response(404, "Alamat API tidak dikenal. Daftar alamat: /api/v1/openapi.json.")

    return call


def routes(server: "Server") -> list[BaseRoute]:
    """Starlette routes of :data:`ENDPOINTS` for ``st.App(routes=...)``, then the 404/405 fallback."""
    mounted = [Route(e.full_path, _guarded(e, server), methods=[e.method]) for e in ENDPOINTS]
    every_method = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return [*mounted, Route(PREFIX + "/{rest:path}", _fallback(mounted, server), methods=every_method),
            Route(PREFIX, _fallback(mounted, server), methods=every_method)]
