"""Background services the server starts with the store and stops at shutdown (the hook for more).

A service is any object with a ``name``, ``start(context)`` and ``stop()``. The server starts
``runtime.DEFAULT_SERVICES`` (the inbox watcher, the token last-used writer) in order once the store is
open, and stops them in reverse order before it closes the store. A service never writes the store
itself from its own thread: it submits a job to ``context.jobs``, which runs it in the one writer
thread, after whatever job is running.

Adding one (e.g. scheduled delivery)::

    from monitoring.server.runtime import DEFAULT_SERVICES, Server
    server = Server(services=[*DEFAULT_SERVICES, DeliveryScheduler])   # factories: called at start
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb

from monitoring.server.jobs import JobQueue
from monitoring.store import database as storage
from monitoring.store import settings as settings_module


@dataclass
class ServerContext:
    """What a background service gets: the store, its job queue, and where the server answers."""

    db_path: Path
    con: duckdb.DuckDBPyConnection
    jobs: JobQueue
    url: str | None  # e.g. http://127.0.0.1:8501; None when the address is not known

    def settings(self) -> dict[str, Any]:
        """The current settings (defaults ▸ Pengaturan ▸ environment), read now."""
        return settings_module.load_settings(storage.stored_settings(self.con))


class BackgroundService(Protocol):
    """Something the server runs beside the pages and the API."""

    name: str

    def start(self, context: ServerContext) -> None:
        """Start (return quickly: run in your own daemon thread)."""

    def stop(self) -> None:
        """Stop and return within a few seconds."""
