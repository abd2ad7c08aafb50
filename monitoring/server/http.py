"""HTTP building blocks of the API: endpoint and parameter specs, JSON/CSV responses, errors.

An :class:`Endpoint` is the single description of a route: :mod:`monitoring.server.api` mounts it,
checks its token scope and query parameters, and :mod:`monitoring.server.openapi` documents it, so
the OpenAPI document cannot drift from what is served.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response

from monitoring.report.exports import to_safe_csv

if TYPE_CHECKING:
    from monitoring.server.runtime import Server

PREFIX = "/api/v1"
# Sent with every API answer: never sniffed into HTML, never cached by a proxy.
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
TRUE_WORDS, FALSE_WORDS = ("1", "true", "ya", "yes"), ("0", "false", "tidak", "no", "")


class ApiError(Exception):
    """An answer other than 2xx: status and one Indonesian line (plus optional extra JSON fields)."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


@dataclass(frozen=True)
class Param:
    """A query, path or body parameter."""

    name: str
    description: str
    kind: str = "string"  # string | integer | boolean
    choices: tuple[str, ...] = ()
    location: str = "query"  # query | path | body
    default: Any = None


Handler = Callable[[Request, "Server", "Endpoint"], Awaitable[Response]]


@dataclass(frozen=True)
class Endpoint:
    """One route of the API."""

    method: str
    path: str  # under PREFIX, e.g. "/issues"
    summary: str
    handler: Handler
    scope: str | None  # "baca", "tulis", or None (no token)
    params: tuple[Param, ...] = ()
    body: str | None = None  # "multipart" | "json"
    body_fields: tuple[Param, ...] = ()
    produces: tuple[str, ...] = ("application/json",)
    job: bool = False  # answers with a job (202 while it runs)

    @property
    def full_path(self) -> str:
        return PREFIX + self.path


def error_response(status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """``{"error": "<Indonesian line>", ...}`` with ``status``."""
    return json_response({"error": message, **extra}, status=status, headers=headers)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    return Response(body, status_code=status, media_type="application/json",
                    headers={**SAFE_HEADERS, **(headers or {})})


def frame_response(frame: pd.DataFrame, fmt: str, name: str) -> Response:
    """A table as ``{"count": n, "data": [rows]}`` JSON, or as a safe CSV file (formula cells
    neutralised, UTF-8 with BOM: :func:`monitoring.report.exports.to_safe_csv`)."""
    if fmt == "csv":
        return Response(to_safe_csv(frame), media_type="text/csv; charset=utf-8",
                        headers={**SAFE_HEADERS, "Content-Disposition": f'attachment; filename="{name}.csv"'})
    records = frame.to_json(orient="records", date_format="iso", force_ascii=False, default_handler=str)
    body = f'{{"count": {len(frame)}, "data": {records}}}'
    return Response(body, media_type="application/json", headers=SAFE_HEADERS)


def parse_value(param: Param, raw: str) -> Any:
    """One parameter's value from its text; :class:`ApiError` 400 when it is not valid."""
    if param.kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise ApiError(400, f"Nilai '{raw}' untuk {param.name} harus bilangan bulat.") from None
    if param.kind == "boolean":
        if raw.strip().lower() not in TRUE_WORDS + FALSE_WORDS:
            raise ApiError(400, f"Nilai '{raw}' untuk {param.name} harus true atau false.")
        return raw.strip().lower() in TRUE_WORDS
    if param.choices and raw not in param.choices:
        raise ApiError(400, f"Nilai '{raw}' untuk {param.name} tidak dikenal. Pilih: {', '.join(param.choices)}.")
    return raw


def parse_fields(params: tuple[Param, ...], given: dict[str, str], where: str) -> dict[str, Any]:
    """Every parameter's value (its default when absent); unknown names are refused."""
    known = {p.name: p for p in params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        names = ", ".join(known) or "tidak ada"
        raise ApiError(400, f"{where} '{unknown[0]}' tidak dikenal untuk alamat ini. Yang dikenal: {names}.")
    return {name: parse_value(p, given[name]) if name in given else p.default for name, p in known.items()}


def query_values(request: Request, endpoint: Endpoint) -> dict[str, Any]:
    """The endpoint's query parameters, parsed and checked."""
    query = [p for p in endpoint.params if p.location == "query"]
    repeated = [k for k in request.query_params if len(request.query_params.getlist(k)) > 1]
    if repeated:
        raise ApiError(400, f"Parameter '{repeated[0]}' diberikan lebih dari sekali. Pisahkan beberapa nilai "
                            "dengan koma, mis. province=31,32.")
    return parse_fields(tuple(query), dict(request.query_params), "Parameter")
