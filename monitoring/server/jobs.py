"""The job queue: one worker thread that runs every long write of the store, one job at a time.

Uploads from the Data page, API imports and analyses, inbox files and CLI requests all become a
:class:`Job` here. A request or page submits work and gets the job back at once; the work runs
in the queue's worker thread while readers keep answering on their own cursors. A job carries
its progress (fraction and an Indonesian line), then its result or error.

    queued ─▶ running ─▶ done | failed

A :class:`~monitoring.errors.UserError` from the work becomes the job's error message as is; any
other exception is logged with a reference code, and the job's error names that code.
"""
from __future__ import annotations

import dataclasses
import logging
import queue
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from monitoring.errors import UserError
from monitoring.store.facts import refresh_deferred

log = logging.getLogger("pantauisu.jobs")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_LABELS = {QUEUED: "menunggu", RUNNING: "berjalan", DONE: "selesai", FAILED: "gagal"}
KEEP_FINISHED = 200  # finished jobs remembered for GET /jobs/{id}
KEEP_OUTPUTS = 3  # finished jobs whose output files (posts.parquet can be large) are kept for download

Progress = Callable[[float, str], None]


class QueueClosedError(UserError):
    """The server is shutting down and takes no new work."""


@dataclass
class Job:
    """One unit of work for the store's writer, and what became of it."""

    kind: str  # import, analysis, demo, inbox, upload, delete, reprocess, ...
    label: str  # Indonesian, for the sidebar: "Impor tweets.csv"
    source: str = "dasbor"  # dasbor | api | cli | inbox | ...
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    status: str = QUEUED
    progress: float = 0.0
    message: str = "Menunggu giliran…"
    result: Any = None
    error: str | None = None
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    output_dir: Path | None = None  # files the job wrote for its caller (analysis outputs)
    work: Callable[["Job"], Any] | None = field(default=None, repr=False)
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def done(self) -> bool:
        return self.status in (DONE, FAILED)

    def report(self, fraction: float, message: str) -> None:
        """Progress callback for the work (the pipeline's ``progress(fraction, message)``)."""
        self.progress = min(max(float(fraction), 0.0), 1.0)
        self.message = message

    def output_files(self) -> list[str]:
        """Names of the files in :attr:`output_dir`, sorted."""
        if self.output_dir is None or not self.output_dir.is_dir():
            return []
        return sorted(p.name for p in self.output_dir.iterdir() if p.is_file())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view (the API's job object)."""
        return {"id": self.id, "kind": self.kind, "label": self.label, "source": self.source,
                "status": self.status, "progress": round(self.progress, 4), "message": self.message,
                "result": jsonable(self.result), "error": self.error, "created_at": _iso(self.created_at),
                "started_at": _iso(self.started_at), "finished_at": _iso(self.finished_at),
                "files": self.output_files()}


def jsonable(value: Any) -> Any:
    """Dataclasses as dicts, containers recursively; anything else JSON cannot hold as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp)) + f".{int(stamp % 1 * 1000):03d}Z"


class JobQueue:
    """First in, first out; one daemon worker thread started by the first :meth:`submit`."""

    def __init__(self, name: str = "pantauisu-jobs") -> None:
        self.name = name
        self._pending: queue.Queue[Job | None] = queue.Queue()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._closed = False

    def submit(self, kind: str, label: str, work: Callable[[Job], Any], *, source: str = "dasbor",
               output_dir: Path | None = None) -> Job:
        """Queue ``work(job)``; it reports progress through ``job.report`` and returns the result."""
        job = Job(kind=kind, label=label, source=source, work=work, output_dir=output_dir)
        with self._lock:
            if self._closed:
                raise QueueClosedError("Server PantauIsu sedang berhenti dan tidak menerima tugas baru. "
                                       "Coba lagi setelah server berjalan kembali.")
            self._jobs[job.id] = job
            self._prune()
            if self._worker is None:
                self._worker = threading.Thread(target=self._run_forever, name=self.name, daemon=True)
                self._worker.start()
        self._pending.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Every remembered job, oldest first."""
        with self._lock:
            return list(self._jobs.values())

    def running(self) -> Job | None:
        """The job the worker runs now, if any."""
        return next((j for j in self.jobs() if j.status == RUNNING), None)

    def waiting(self) -> list[Job]:
        """Jobs not started yet, in the order they will run."""
        return [j for j in self.jobs() if j.status == QUEUED]

    def position(self, job: Job) -> int:
        """How many jobs run before ``job`` (0 when it runs now or is finished)."""
        if job.status != QUEUED:
            return 0
        ahead = [j for j in self.jobs() if j.status in (QUEUED, RUNNING) and j.created_at <= job.created_at]
        return len(ahead) - 1

    def close(self, timeout: float = 30.0) -> bool:
        """Take no new work, let queued jobs finish within ``timeout`` s; True when the worker stopped."""
        with self._lock:
            self._closed = True
            worker = self._worker
        self._pending.put(None)
        if worker is None:
            return True
        worker.join(timeout)
        return not worker.is_alive()

    def _run_forever(self) -> None:
        while True:
            job = self._pending.get()
            if job is None:
                return
            self._run(job)

    def _run(self, job: Job) -> None:
        job.status, job.started_at, job.message = RUNNING, time.time(), "Dimulai…"
        try:
            with refresh_deferred():  # readers do not rebuild derived tables between the job's commits
                job.result = job.work(job) if job.work is not None else None
            job.status, job.progress = DONE, 1.0
            if job.message in ("Dimulai…", ""):
                job.message = "Selesai."
        except UserError as err:
            job.status, job.error = FAILED, str(err).replace("\n", " ")
        except Exception:  # noqa: BLE001 - the log keeps the traceback, the caller gets a reference
            ref = uuid.uuid4().hex[:8]
            log.exception("Job %s (%s) failed (ref %s)", job.id, job.kind, ref)
            job.status = FAILED
            job.error = f"Terjadi kesalahan tak terduga. Sebutkan kode referensi {ref} kepada admin."
        finally:
            job.finished_at, job.work = time.time(), None  # the work holds the upload: let it go
            job.finished.set()

    def _prune(self) -> None:
        finished = [j for j in self._jobs.values() if j.done]
        for job in finished[:max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[job.id]
        with_files = [j for j in self._jobs.values() if j.done and j.output_dir is not None]
        for job in [*with_files[:max(0, len(with_files) - KEEP_OUTPUTS)],
                    *(j for j in finished if j.id not in self._jobs and j.output_dir is not None)]:
            shutil.rmtree(job.output_dir, ignore_errors=True)
            job.output_dir = None

    def discard_outputs(self) -> None:
        """Delete every job's output folder (at shutdown)."""
        for job in self.jobs():
            if job.output_dir is not None:
                shutil.rmtree(job.output_dir, ignore_errors=True)
