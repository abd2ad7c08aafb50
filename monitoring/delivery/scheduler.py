"""A background thread that delivers what is due, every minute, in the process that owns the store.

``Scheduler(db_path).start()`` in the dashboard's lifespan; ``stop()`` at shutdown. Each tick calls
:func:`monitoring.delivery.jobs.run_due` with the clock's time (pin the clock in tests). The thread opens
its own connection to the store (DuckDB shares one database instance per process) and never raises: a
failed tick is logged, without secrets, and the next tick tries again. Light to import (the dashboard
imports it at start); the delivery modules load on the first tick.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

import pandas as pd

log = logging.getLogger(__name__)

Clock = Callable[[], pd.Timestamp]


def wall_clock() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC")


class Scheduler:
    """Runs :func:`~monitoring.delivery.jobs.run_due` every ``interval`` seconds in a daemon thread.

    Args:
        db_path: the store's file.
        connect: returns the connection to use (the server passes a cursor on its store); default: open
            ``db_path``.
        clock: returns "now" (UTC); a pinned clock drives tests and replays.
        interval: seconds between ticks; the first tick comes one interval after :meth:`start`.
    """

    def __init__(self, db_path: str, *, clock: Clock = wall_clock, interval: float = 60.0,
                 connect: Callable[[], object] | None = None) -> None:
        self.db_path = str(db_path)
        self.connect = connect  # e.g. a cursor on the server's store; default: open the file
        self.clock = clock
        self.interval = float(interval)
        self.ticks = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._con = None

    def start(self) -> "Scheduler":
        """Start the thread (once); returns self."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="pantauisu-delivery", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop, wait up to ``timeout`` seconds for a running tick, close the connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._con is not None and (self._thread is None or not self._thread.is_alive()):
            self._con.close()
            self._con = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> list:
        """One tick: deliver what is due now; returns the attempted deliveries."""
        from monitoring.delivery.jobs import run_due
        from monitoring.store import database as storage

        if self._con is None:
            self._con = self.connect() if self.connect is not None else storage.connect(self.db_path)
        return run_due(self._con, self.clock())

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
                self.last_error = None
            except Exception as err:  # noqa: BLE001 - the next tick tries again; the log keeps the reason
                self.last_error = f"{type(err).__name__}: {err}"
                log.warning("Delivery tick failed: %s", self.last_error)
            self.ticks += 1
