"""A real dashboard server for tests: ``streamlit run dashboard.py`` on a free loopback port.

No mocks: the server is the same process an analyst starts, with its own store in a temp folder;
tests talk to it over HTTP (standard library only) and run the real CLI against it.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitoring.server.client import multipart_body
from monitoring.server.credentials import Credentials, read_credentials

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-21T00:00:00+00:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: Any  # email.message.Message: names are case-insensitive
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RunningServer:
    proc: subprocess.Popen
    port: int
    db_path: Path
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def creds(self) -> Credentials:
        creds = read_credentials(self.db_path)
        assert creds is not None, "no credential file"
        return creds

    def call(self, method: str, path: str, *, token: str | None = "local", params: dict | None = None,
             body: bytes | None = None, content_type: str | None = None, timeout: float = 120) -> Answer:
        """One request to ``/api/v1<path>``; ``token="local"`` uses the credential file's token."""
        query = urllib.parse.urlencode(params or {})
        request = urllib.request.Request(f"{self.url}/api/v1{path}" + (f"?{query}" if query else ""),
                                         data=body, method=method)
        if token is not None:
            request.add_header("Authorization", f"Bearer {self.creds.token if token == 'local' else token}")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as err:
            return Answer(err.code, err.headers, err.read())

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.call("GET", path, **kwargs)

    def post_json(self, path: str, payload: dict, **kwargs: Any) -> Answer:
        return self.call("POST", path, body=json.dumps(payload).encode(), content_type="application/json", **kwargs)

    def upload(self, files: list[tuple[str, bytes]], fields: dict | None = None, **kwargs: Any) -> Answer:
        body, content_type = multipart_body(files, fields or {})
        return self.call("POST", "/imports", body=body, content_type=content_type, **kwargs)

    def wait_job(self, job_id: str, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(f"/jobs/{job_id}", params={"wait": 5}).json
            if job["status"] in ("done", "failed"):
                return job
        raise AssertionError(f"job {job_id} not finished after {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]


def start_server(db_path: Path, *, env: dict[str, str] | None = None, timeout: float = 90) -> RunningServer:
    """Start the dashboard on ``db_path`` and wait until ``/api/v1/health`` answers 200."""
    port = free_port()
    log_path = db_path.with_name(db_path.name + f".{port}.log")
    full_env = {**os.environ, "PANTAUISU_DB_PATH": str(db_path), "OPENBLAS_NUM_THREADS": "1",
                "PANTAUISU_INBOX_POLL_SECONDS": "0.3", **(env or {})}
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                                cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    server = RunningServer(proc, port, db_path, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/v1/health", timeout=2) as response:
                if response.status == 200 and read_credentials(db_path) is not None:
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise AssertionError(f"server did not start: {server.log()}")


def run_cli(*args: str, db: Path, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m monitoring <args> --db <db>`` in a subprocess, as cron would run it."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", **(env or {}))
    env.pop("PANTAUISU_DB_PATH", None)
    return subprocess.run([sys.executable, "-m", "monitoring", *args, "--db", str(db)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def harvest_csv(n: int, prefix: str, *, text: str = "soal harga beras, banjir dan jalan rusak") -> bytes:
    """A tweet-harvest-like CSV of ``n`` posts with ids ``<prefix><i>``."""
    rows = ["id_str,created_at,full_text,username,location"]
    for i in range(n):
        rows.append(f"{prefix}{i},2026-11-{1 + i % 20:02d}T{i % 24:02d}:00:00Z,"
                    f"\"Unggahan {prefix} nomor {i} {text}\",akun{i % 97},Bandung")
    return ("\n".join(rows) + "\n").encode()
