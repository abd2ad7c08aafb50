"""Per-chunk tasks on a Dask ``distributed`` cluster (setting ``dask_scheduler``).

The process that holds the store connects as a client, scatters what every task needs once
(:meth:`DaskExecutor.share`), submits chunks as tasks (a few per worker thread at a time, so
the driver's memory stays bounded) and gathers the results; it stays the store's only reader
and writer. Workers are stateless: they import the same ``monitoring`` release and get
everything else with the task.

Faults: a worker that dies takes its running tasks with it; the scheduler re-runs them on
another worker (after ``distributed.scheduler.allowed-failures`` deaths a task is given up:
:class:`~monitoring.errors.ClusterError`). An unreachable scheduler, a cluster without workers,
a worker with another release, or a scheduler lost mid-run raise
:class:`~monitoring.errors.ClusterError` with one Indonesian line; the caller has then written
nothing it cannot keep.
"""
from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import CancelledError
from typing import Any
from urllib.parse import urlsplit

from monitoring.errors import ClusterError
from monitoring.executors._base import Bounds, ChunkMaker, ChunkTask, Executor, windowed
from monitoring.executors.memory import process_peak_mib
from monitoring.executors.release import release_digest

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler and to see a first worker
MIN_TASK_ITEMS = 500  # smaller chunks cost more in messages than they save
TASKS_PER_THREAD = 2  # in flight per worker thread: one running, one waiting (no idle gap)
RESUBMITS = 3  # a chunk whose task the scheduler forgot (a worker died holding it) is submitted again


class DaskExecutor(Executor):
    """Tasks on the cluster whose scheduler listens at ``address`` (``tcp://host:port``)."""

    kind = "dask"

    def __init__(self, address: str, *, connect_timeout: float = CONNECT_TIMEOUT):
        super().__init__()
        self.address = address
        self._shared: list[Any] = []
        _probe(address, connect_timeout)
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError("Paket dask dan distributed belum terpasang: jalankan "
                               "'pip install -r requirements.txt', atau kosongkan pengaturan dask_scheduler.") from None
        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as err:
            raise _unreachable(address, err) from None
        try:
            self.client.wait_for_workers(1, timeout=connect_timeout)
        except TimeoutError:
            self.close()
            raise ClusterError(f"Penjadwal Dask di {address} belum punya worker (ditunggu {connect_timeout:.0f} detik). "
                               "Jalankan 'dask worker " + address + "' di mesin worker; tidak ada yang diubah.") from None
        try:
            self._check_workers()
        except BaseException:
            self.close()
            raise

    @property
    def workers(self) -> int:
        """Worker processes connected to the scheduler now."""
        try:
            return len(self.client.nthreads())
        except (OSError, CancelledError, TimeoutError):
            return 0

    def _threads(self) -> int:
        try:
            return max(sum(self.client.nthreads().values()), 1)
        except (OSError, CancelledError, TimeoutError) as err:
            raise _lost(self.address) from err

    def share(self, value: Any) -> Any:
        """Scatter ``value`` to every worker once; tasks get it as ``shared``."""
        try:
            # in a list: a tuple or dict value would be scattered item by item
            future = self.client.scatter([value], broadcast=True, hash=False)[0]
        except (OSError, CancelledError, TimeoutError) as err:
            raise _lost(self.address) from err
        self._shared.append(future)
        return future

    def _parts(self, task: ChunkTask, items: int) -> int:
        # at least two tasks per worker thread (work moves to a faster or surviving worker),
        # none smaller than MIN_TASK_ITEMS, none larger than the task allows
        return max(-(-items // task.max_chunk), min(2 * self._threads(), items // MIN_TASK_ITEMS), 1)

    def _run(self, task: ChunkTask, bounds: list[Bounds], make_chunk: ChunkMaker, shared: Any,
             ordered: bool) -> Iterator[tuple[Bounds, Any]]:
        from distributed import KilledWorker, wait

        run_id = uuid.uuid4().hex[:8]
        names = iter(range(len(bounds)))

        def submit(chunk: Any) -> Any:
            return self.client.submit(task.function, chunk, shared, pure=False,
                                      key=f"{task.stage}-{run_id}-{next(names)}")

        def first_done(futures: list[Any]) -> Any:
            with self.client.as_current():
                return wait(futures, return_when="FIRST_COMPLETED").done

        def collect(future: Any, chunk_bounds: Bounds) -> Any:
            # a worker killed while holding a finished chunk can leave its future cancelled
            # ("already forgotten") although the cluster is fine: run that chunk again
            for _ in range(RESUBMITS):
                try:
                    return future.result()
                except CancelledError:
                    if not self._connected():
                        raise
                    future = submit(make_chunk(*chunk_bounds))
            return future.result()

        try:
            yield from windowed(bounds, make_chunk, submit, first_done, TASKS_PER_THREAD * self._threads(), ordered,
                                collect)
        except KilledWorker as err:
            raise ClusterError(f"Tugas '{task.stage}' membuat worker Dask berhenti berulang kali ({err}); "
                               "periksa memori dan log worker, lalu jalankan analisis lagi.") from None
        except (OSError, CancelledError, TimeoutError) as err:
            if self._connected():  # the task itself failed (e.g. a worker's disk): not the cluster
                raise
            raise _lost(self.address) from err

    def _connected(self) -> bool:
        return self.client is not None and self.client.status == "running"

    def release(self, handle: Any) -> None:
        """Free a value scattered with :meth:`share` on the workers."""
        if handle in self._shared:
            self._shared.remove(handle)
            handle.release()

    def describe(self) -> dict[str, Any]:
        """:meth:`Executor.describe` plus the scheduler address and each worker's peak memory."""
        try:
            peaks = self.client.run(process_peak_mib, on_error="return")
        except (OSError, CancelledError, TimeoutError):
            peaks = {}
        for address, mib in peaks.items():
            if isinstance(mib, (int, float)):
                self.stats.note_worker_peak(address, mib)
        return {**super().describe(), "scheduler": self.address}

    def close(self) -> None:
        """Free scattered values and disconnect (the cluster keeps running)."""
        client = getattr(self, "client", None)
        if client is None:
            return
        self.client = None
        try:
            client.close(timeout=5)
        except (OSError, CancelledError, TimeoutError, RuntimeError):
            pass

    def _check_workers(self) -> None:
        """Every worker must run this release of ``monitoring`` (else results could differ)."""
        mine = release_digest()
        found = self.client.run(release_digest, on_error="return")
        for address, theirs in sorted(found.items()):
            if isinstance(theirs, BaseException):
                raise ClusterError(f"Worker Dask {address} tidak dapat menjalankan PantauIsu ({type(theirs).__name__}: "
                                   f"{theirs}). Pasang rilis yang sama di mesin worker (pip install .).")
            if theirs != mine:
                raise ClusterError(f"Worker Dask {address} menjalankan rilis PantauIsu lain ({theirs}, di sini "
                                   f"{mine}). Pasang rilis yang sama di semua mesin agar hasilnya sama.")


def _probe(address: str, timeout: float) -> None:
    """Fail at once, with the analyst's message, when nothing listens at a tcp address."""
    parts = urlsplit(address)
    if parts.scheme != "tcp" or not parts.hostname or not parts.port:
        return
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=timeout).close()
    except OSError as err:
        raise _unreachable(address, err) from None


def _unreachable(address: str, err: BaseException) -> ClusterError:
    reason = str(err).splitlines()[0] if str(err) else type(err).__name__
    return ClusterError(f"Penjadwal Dask di {address} tidak dapat dihubungi ({reason}). Periksa pengaturan "
                        "dask_scheduler (PANTAUISU_DASK_SCHEDULER) dan bahwa 'dask scheduler' berjalan; "
                        "tidak ada yang diubah.")


def _lost(address: str) -> ClusterError:
    return ClusterError(f"Koneksi ke penjadwal Dask di {address} terputus di tengah analisis. Analisis dihentikan; "
                        "yang sudah tersimpan utuh, jalankan analisis lagi untuk melanjutkan.")
