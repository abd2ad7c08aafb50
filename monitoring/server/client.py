"""A small HTTP client of the server's API, for commands that find a live server holding their store.

Standard library only (``urllib``): a command that goes through the server starts quickly and needs
nothing the server does not. :func:`find_server` reads the credential file beside the database and
returns a client only when that server answers as itself (see :mod:`monitoring.server.credentials`).
"""
from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable

from monitoring.errors import UserError
from monitoring.server.credentials import Credentials, process_alive, read_credentials

API = "/api/v1"
HEALTH_TIMEOUT = 3.0


class ServerError(UserError):
    """The server answered with an error; ``str(err)`` is its Indonesian message."""

    def __init__(self, message: str, status: int, body: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body or {}


class ServerClient:
    """Calls ``<url>/api/v1/...`` with the credential file's token."""

    def __init__(self, creds: Credentials, timeout: float = 600.0) -> None:
        self.creds = creds
        self.timeout = timeout

    @property
    def url(self) -> str:
        return self.creds.url

    def request(self, method: str, path: str, *, params: dict | None = None, body: bytes | None = None,
                content_type: str | None = None, timeout: float | None = None) -> tuple[int, dict, bytes]:
        """One request; returns (status, headers, body). 4xx/5xx raise :class:`ServerError`."""
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        url = f"{self.url}{API}{path}" + (f"?{query}" if query else "")
        request = urllib.request.Request(url, data=body, method=method, headers={
            "Authorization": f"Bearer {self.creds.token}", "X-PantauIsu-Client": "cli"})
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as err:
            raise _server_error(err) from err
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise UserError(f"Server PantauIsu di {self.url} berhenti menjawab ({reason}). Periksa apakah dasbor "
                            "masih berjalan, lalu ulangi perintah.") from err

    def get_json(self, path: str, params: dict | None = None, timeout: float | None = None) -> Any:
        return json.loads(self.request("GET", path, params=params, timeout=timeout)[2])

    def post_json(self, path: str, payload: dict) -> Any:
        """POST a JSON object; the answer (a job: held up to 10 s until it finishes)."""
        body = json.dumps(payload).encode("utf-8")
        return json.loads(self.request("POST", path, params={"wait": 10}, body=body,
                                       content_type="application/json")[2])

    def upload(self, path: str, files: list[tuple[str, bytes]], fields: dict[str, str | None]) -> Any:
        """POST ``files`` (name, bytes) and ``fields`` as ``multipart/form-data`` (a job, as above)."""
        body, content_type = multipart_body(files, fields)
        return json.loads(self.request("POST", path, params={"wait": 10}, body=body, content_type=content_type)[2])

    def wait(self, job: dict, on_progress: Callable[[dict], None] | None = None) -> dict:
        """Poll the job until it is finished; returns its final state."""
        while job["status"] not in ("done", "failed"):
            if on_progress is not None:
                on_progress(job)
            job = self.get_json(f"/jobs/{job['id']}", {"wait": 10}, timeout=60)
        return job

    def download(self, path: str) -> bytes:
        return self.request("GET", path)[2]


def _server_error(err: urllib.error.HTTPError) -> ServerError:
    raw = err.read()
    try:
        body = json.loads(raw)
        message = str(body.get("error") or raw[:200])
    except ValueError:
        body, message = None, f"Server menjawab {err.code} {err.reason}."
    return ServerError(message, err.code, body)


def multipart_body(files: list[tuple[str, bytes]], fields: dict[str, str | None]) -> tuple[bytes, str]:
    """Encode a ``multipart/form-data`` body; returns it and its Content-Type."""
    boundary = "pantauisu-" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in fields.items():
        if value is not None:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                         .encode("utf-8"))
    for file_name, data in files:
        safe = file_name.replace('"', "%22").replace("\r", " ").replace("\n", " ")
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{safe}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode("utf-8") + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def server_answers(creds: Credentials, timeout: float = HEALTH_TIMEOUT) -> bool:
    """Whether the server at ``creds.url`` answers its health check as the one that wrote ``creds``."""
    try:
        with urllib.request.urlopen(f"{creds.url}{API}/health", timeout=timeout) as response:
            return json.loads(response.read()).get("server_id") == creds.server_id
    except (OSError, ValueError, AttributeError):
        return False


def find_server(db_path: str | Path) -> ServerClient | None:
    """A client of the live server holding ``db_path``, or None (no file, or a stale one)."""
    creds = read_credentials(db_path)
    if creds is None or not process_alive(creds.pid):
        return None
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while time.monotonic() < deadline:  # a busy server may take a moment; a dead one refuses at once
        if server_answers(creds, timeout=HEALTH_TIMEOUT):
            return ServerClient(creds)
        if not process_alive(creds.pid):
            return None
        time.sleep(0.2)
    return None
