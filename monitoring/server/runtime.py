"""The server process owns the store: it opens the DuckDB file at start and is its only writer.

- :func:`store_service` gives the process's one :class:`StoreService` per database file: the
  connection (pages and API reads use their own cursors on it) and the :class:`JobQueue` whose
  worker thread runs every long write. Pages without a running server (``AppTest``) get one lazily.
- :class:`Server` is the dashboard's lifecycle (``dashboard.py``'s lifespan): at start it opens the
  store, writes the credential file for commands on the same machine and starts the background
  services (the inbox, and whatever is added to :data:`DEFAULT_SERVICES`); at shutdown it stops them,
  lets the running job finish, removes the credential file and closes the store.

Read :mod:`monitoring.server.api` next for the HTTP side.
"""
from __future__ import annotations

import hmac
import logging
import secrets
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from monitoring.server import tokens
from monitoring.server.credentials import (
    Credentials,
    new_credentials,
    remove_credentials,
    write_credentials,
)
from monitoring.server.delivery_service import DeliveryService
from monitoring.server.inbox import InboxWatcher
from monitoring.server.jobs import JobQueue
from monitoring.server.services import BackgroundService, ServerContext
from monitoring.store import database as storage
from monitoring.store import settings

log = logging.getLogger("pantauisu.server")

# Started in order when the store is open, stopped in reverse (see monitoring.server.services).
DEFAULT_SERVICES: tuple[Callable[[], BackgroundService], ...] = (InboxWatcher, DeliveryService)
SHUTDOWN_WAIT = 30.0  # seconds the running job gets to finish at shutdown
LOCAL_TOKEN = tokens.TokenInfo(None, "lokal (baris perintah)", tokens.WRITE)


class StoreService:
    """One store of this process: its connection and its job queue."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.con = storage.connect(self.path)
        self.jobs = JobQueue()

    def close(self, timeout: float = SHUTDOWN_WAIT) -> bool:
        """Stop the queue (the running job may finish) and close the connection; False when a job
        was still running after ``timeout`` s (the connection is then left to the process exit)."""
        stopped = self.jobs.close(timeout)
        self.jobs.discard_outputs()
        if stopped:
            self.con.close()
        return stopped


_STORES: dict[str, StoreService] = {}
_STORES_LOCK = threading.Lock()


def _key(path: str | Path) -> str:
    return str(path) if str(path) == ":memory:" else str(Path(path).expanduser().resolve())


def store_service(path: str | Path) -> StoreService:
    """The process's :class:`StoreService` for ``path``, opened on first use (may raise
    :class:`~monitoring.store.database.StoreBusyError` when another process holds the file)."""
    with _STORES_LOCK:
        service = _STORES.get(_key(path))
        if service is None:
            service = _STORES[_key(path)] = StoreService(path)
        return service


def close_store_service(path: str | Path, timeout: float = SHUTDOWN_WAIT) -> bool:
    """Close and forget the store at ``path`` (see :meth:`StoreService.close`)."""
    with _STORES_LOCK:
        service = _STORES.pop(_key(path), None)
    return service.close(timeout) if service is not None else True


class Server:
    """The dashboard server's ownership of its store, from the lifespan's start to its end."""

    def __init__(self, services: Sequence[Callable[[], BackgroundService]] | None = None) -> None:
        self.factories = list(DEFAULT_SERVICES if services is None else services)
        self.server_id = secrets.token_hex(8)
        self.usage = tokens.UsageLog()
        self.db_path: str | None = None
        self.store: StoreService | None = None
        self.context: ServerContext | None = None
        self.credentials: Credentials | None = None
        self._local_token = tokens.new_secret()
        self._running: list[BackgroundService] = []
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def ready(self) -> bool:
        """Whether the store is open (requests other than health get 503 until then)."""
        return self.store is not None

    @contextmanager
    def running(self, url: str | None) -> Iterator["Server"]:
        """Own the store while the block runs (``url``: where this server answers, for the CLI)."""
        self.start(url)
        try:
            yield self
        finally:
            self.stop()

    def start(self, url: str | None) -> None:
        """Open the store now; when another process holds it, keep trying in the background."""
        self.db_path = settings.default_db_path()
        try:
            self._open(url)
        except storage.StoreBusyError as err:
            log.warning("%s Server mencoba lagi setiap 2 detik.", err)
            self._spawn(lambda: self._open_when_free(url), "pantauisu-open-store")
        self._spawn(self._write_usage, "pantauisu-token-usage")

    def _open(self, url: str | None) -> None:
        store = store_service(self.db_path)
        self.context = ServerContext(db_path=Path(self.db_path), con=store.con, jobs=store.jobs, url=url)
        self.store = store
        if url and self.db_path != ":memory:":
            self.credentials = new_credentials(self.db_path, url, self._local_token, self.server_id)
            log.info("Berkas kredensial ditulis: %s", write_credentials(self.credentials))
        for factory in self.factories:
            service = factory()
            try:
                service.start(self.context)
                self._running.append(service)
            except Exception:  # noqa: BLE001 - one broken service must not take the dashboard down
                log.exception("Layanan latar %s gagal dimulai", getattr(service, "name", factory))

    def _open_when_free(self, url: str | None) -> None:
        while not self._stopping.wait(2.0):
            try:
                self._open(url)
                return
            except storage.StoreBusyError:
                continue

    def _write_usage(self) -> None:
        while not self._stopping.wait(10.0):
            if self.store is not None:
                try:
                    self.usage.flush(self.store.con)
                except Exception:  # noqa: BLE001 - last-used times are best effort
                    log.exception("Menyimpan waktu pemakaian token gagal")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        """Stop the services, let the running job finish, remove the credential file, close the store."""
        self._stopping.set()
        for service in reversed(self._running):
            try:
                service.stop()
            except Exception:  # noqa: BLE001
                log.exception("Layanan latar %s gagal berhenti", service.name)
        self._running.clear()
        if self.credentials is not None:
            remove_credentials(self.credentials)
        if self.store is not None:
            self.store.jobs.close(SHUTDOWN_WAIT)
            self.usage.flush(self.store.con, wait=self.store.jobs.running() is None)
            close_store_service(self.db_path, timeout=0)

    def authenticate(self, header: str | None) -> tokens.TokenInfo | None:
        """The token of an ``Authorization: Bearer …`` header, or None when missing, wrong or revoked."""
        scheme, _, secret = (header or "").strip().partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret or self.store is None:
            return None
        if hmac.compare_digest(secret.encode(), self._local_token.encode()):
            return LOCAL_TOKEN
        return tokens.find_token(self.store.con, secret)
