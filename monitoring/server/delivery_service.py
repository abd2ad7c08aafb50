"""Scheduled delivery as a background service of the server (see :mod:`monitoring.server.services`).

Every minute the delivery scheduler (:class:`monitoring.delivery.scheduler.Scheduler`) sends what is due
— the daily briefing at its hour, alerts after an analysis, retries of failed messages — on its own
cursor of the server's store. It does not go through the job queue: a send may wait on a slow mail
server for up to retries × timeout, and imports must not wait behind it; its writes (the delivery log)
are short transactions under the process's write lock, like every other write of this process.
"""
from __future__ import annotations

from monitoring.delivery.scheduler import Scheduler
from monitoring.server.services import ServerContext


class DeliveryService:
    """Runs the delivery scheduler while the server holds the store."""

    name = "pengiriman terjadwal"

    def __init__(self, *, interval: float = 60.0) -> None:
        self.interval = interval
        self.scheduler: Scheduler | None = None

    def start(self, context: ServerContext) -> None:
        self.scheduler = Scheduler(str(context.db_path), interval=self.interval,
                                   connect=context.con.cursor).start()

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
