"""Real servers on loopback for the delivery tests: an SMTP server (aiosmtpd) and an HTTP receiver.

Both record what they received and can be told to misbehave: refuse the next messages with an SMTP code,
answer HTTP requests with an error status, or wait longer than the client's timeout.
"""
from __future__ import annotations

import email
import json
import socket
import ssl
import subprocess
import threading
import time
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every accepted message; ``refuse`` holds replies for the next DATA commands."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: list[str] = []
        self.data_calls = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.data_calls += 1
        if self.refuse:
            return self.refuse.pop(0)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=default_policy))
        return "250 2.0.0 Pesan diterima untuk dikirim"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1. ``tls``: 'none', 'starttls' or 'ssl'; ``login``: (user, password)."""

    def __init__(self, port: int | None = None, *, tls: str = "none", cert: tuple[Path, Path] | None = None,
                 login: tuple[str, str] | None = None) -> None:
        self.inbox = Inbox()
        self.port = port or free_port()
        self.logins: list[tuple[str, str]] = []
        kwargs: dict = {}
        if tls != "none":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
            kwargs["ssl_context" if tls == "ssl" else "tls_context"] = context
            kwargs["require_starttls"] = tls == "starttls"
        if login:
            # aiosmtpd only counts STARTTLS as TLS; an implicit-TLS connection is encrypted from the start
            kwargs.update(authenticator=self._authenticator(login), auth_require_tls=tls == "starttls")
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     server_hostname="localhost", **kwargs)

    def _authenticator(self, expected: tuple[str, str]):
        def check(server, session, envelope, mechanism, data) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == expected
            if isinstance(data, LoginPassword):
                self.logins.append((data.login.decode(), data.password.decode()))
            return AuthResult(success=ok, handled=False)
        return check

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) for localhost and 127.0.0.1, made with the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


class HttpReceiver:
    """A threaded HTTP server on 127.0.0.1 recording POSTs (path, headers, JSON body).

    ``script`` holds (status, body, delay seconds) for the next requests; afterwards every request gets
    200 and a Telegram-like ``{"ok": true, "result": {"message_id": n}}``.
    """

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: list[tuple[int, str, float]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers),
                                              "json": json.loads(body.decode("utf-8")), "at": time.monotonic()})
                    status, text, delay = receiver.script.pop(0) if receiver.script else (
                        200, json.dumps({"ok": True, "result": {"message_id": len(receiver.requests)}}), 0.0)
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    if 300 <= status < 400:
                        self.send_header("Location", "/dibelokkan")
                    self.end_headers()
                    self.wfile.write(text.encode("utf-8"))
                except OSError:  # the client gave up waiting (timeout test)
                    pass

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "HttpReceiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posts_to(self, path_part: str) -> list[dict]:
        return [r for r in self.requests if path_part in r["path"]]
