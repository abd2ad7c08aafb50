"""``/api/v1/openapi.json``: the API described as OpenAPI 3.1, built from the endpoint specs."""
from __future__ import annotations

from typing import Any, Iterable

from monitoring.server.http import Endpoint, Param

TITLE = "PantauIsu API"
VERSION = "1"
_KINDS = {"string": "string", "integer": "integer", "boolean": "boolean"}
ERROR = {"description": "One Indonesian line saying what is wrong and how to fix it",
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _schema(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": _KINDS[param.kind]}
    if param.choices:
        schema["enum"] = list(param.choices)
    if param.default is not None:
        schema["default"] = param.default
    return schema


def _parameter(param: Param) -> dict[str, Any]:
    return {"name": param.name, "in": param.location, "required": param.location == "path",
            "description": param.description, "schema": _schema(param)}


def _body(endpoint: Endpoint) -> dict[str, Any]:
    properties = {p.name: {**_schema(p), "description": p.description} for p in endpoint.body_fields}
    if endpoint.body == "multipart":
        properties["file"] = {"type": "array", "items": {"type": "string", "format": "binary"},
                              "description": properties["file"]["description"]}
        return {"required": True, "content": {"multipart/form-data": {
            "schema": {"type": "object", "properties": properties, "required": ["file"]}}}}
    return {"required": False, "content": {"application/json": {"schema": {"type": "object",
                                                                           "properties": properties}}}}


def _responses(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.job:
        ok = {"description": "The job, finished", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Job"}}}}
        responses = {"200": ok, "202": {**ok, "description": "The job, queued or running (poll its Location)"}}
    else:
        responses = {"200": {"description": "OK", "content": {kind: {} for kind in endpoint.produces}}}
    responses.update({"400": ERROR, "404": ERROR})
    if endpoint.scope is not None:
        responses.update({"401": ERROR, "403": ERROR, "503": ERROR})
    if endpoint.body == "multipart":
        responses.update({"411": ERROR, "413": ERROR})
    return responses


def _operation_id(endpoint: Endpoint) -> str:
    """E.g. ``get_jobs_job_id_files_name``."""
    words = "".join(c if c.isalnum() else "_" for c in endpoint.path).strip("_")
    return f"{endpoint.method.lower()}_{'_'.join(w for w in words.split('_') if w)}"


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": endpoint.summary,
        "operationId": _operation_id(endpoint),
        "parameters": [_parameter(p) for p in endpoint.params],
        "responses": _responses(endpoint),
        "security": [] if endpoint.scope is None else [{"bearer": []}],
        "x-scope": endpoint.scope,
    }
    if endpoint.body:
        operation["requestBody"] = _body(endpoint)
    return operation


def openapi_document(endpoints: Iterable[Endpoint]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``endpoints``."""
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.full_path, {})[endpoint.method.lower()] = _operation(endpoint)
    job_fields = ("id", "kind", "label", "source", "status", "progress", "message", "error", "created_at",
                  "started_at", "finished_at")
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION,
                 "description": "Every endpoint but /health needs 'Authorization: Bearer <token>'. Tokens of "
                                "scope 'baca' read; 'tulis' also import and analyse. Errors are JSON "
                                "{\"error\": \"<one Indonesian line>\"}."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]},
                "Job": {"type": "object", "properties": {
                    **{name: {"type": ["string", "null"]} for name in job_fields},
                    "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                    "progress": {"type": "number"}, "result": {}, "position": {"type": "integer"},
                    "files": {"type": "array", "items": {"type": "string"}}}},
            },
        },
    }
