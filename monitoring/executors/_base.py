"""The executor interface: per-chunk work of the analysis, in this process, in local worker
processes or on a Dask cluster, with the same results.

A stage whose work is independent per chunk (enrichment of posts, MinHash signatures of
documents, assignment of documents to issues) describes it once as a :class:`ChunkTask` — a
module-level function ``function(chunk, shared) -> result`` plus how big a chunk may be — and
asks the executor to :meth:`Executor.run` it over ``items`` items. The executor cuts
``0..items`` into bounds, calls ``make_chunk(lo, hi)`` only when a chunk is about to be sent
(so only a few chunks exist at once), and yields ``((lo, hi), result)``. What every chunk needs
besides its own items (a model, dictionaries) is handed over once with :meth:`Executor.share`
and passed as ``shared``. Tasks never read the store: the caller is its only reader and writer.

The stage does not care where the function runs; results must not depend on the chunking
(every task here is a pure function of its chunk and ``shared``).
"""
from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

ChunkMaker = Callable[[int, int], Any]
Bounds = tuple[int, int]
_IN_WORKER = False  # set by the serve loop of a local worker process


@dataclass(frozen=True)
class ChunkTask:
    """A per-chunk function of a stage.

    Attributes:
        stage: name in ``run.json`` (tasks and seconds per stage).
        function: a module-level function ``function(chunk, shared) -> result`` (sent to
            workers by reference: it must be importable from ``monitoring``).
        holds_gil: pure-Python work (True: only separate processes run it in parallel) or
            NumPy/SciPy work that releases the GIL (False: threads of this process suffice).
        max_chunk: most items per chunk (bounds the memory of one task).
        min_per_worker: locally, fewer items than this per worker are done without parallel
            workers (starting one costs more than it saves).
    """

    stage: str
    function: Callable[[Any, Any], Any]
    holds_gil: bool = True
    max_chunk: int = 100_000
    min_per_worker: int = 100_000


@dataclass
class RunStats:
    """What an executor did: tasks and wall seconds per stage, peak memory of its workers."""

    tasks: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    worker_peaks_mib: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, tasks: int, seconds: float) -> None:
        """Count ``tasks`` more tasks and ``seconds`` more wall time for ``stage``."""
        self.tasks[stage] += tasks
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + seconds, 3)

    def note_worker_peak(self, name: str, mib: float) -> None:
        """Remember the largest peak seen for worker ``name``."""
        if mib:
            self.worker_peaks_mib[name] = max(self.worker_peaks_mib.get(name, 0.0), round(mib, 1))


class Executor:
    """Base of the executors (see the module docstring); subclasses implement :meth:`_parts`
    and :meth:`_run`."""

    kind = "base"

    def __init__(self) -> None:
        self.stats = RunStats()

    @property
    def workers(self) -> int:
        """Workers that can run tasks at the same time (1 = this process only)."""
        return 1

    def share(self, value: Any) -> Any:
        """A handle to pass as ``shared`` to :meth:`run` (sent to every worker once)."""
        return value

    def release(self, handle: Any) -> None:
        """Forget a value given to :meth:`share` (frees it on a cluster's workers)."""

    def run(self, task: ChunkTask, items: int, make_chunk: ChunkMaker, shared: Any = None, *,
            ordered: bool = True) -> Iterator[tuple[Bounds, Any]]:
        """``task`` over ``0..items`` in chunks: ``((lo, hi), result)`` per chunk, in order of
        the bounds (``ordered``) or as they finish."""
        bounds = chunk_bounds(items, self._parts(task, items))
        start, done = time.perf_counter(), 0
        try:
            for result in self._run(task, bounds, make_chunk, shared, ordered):
                done += 1
                yield result
        finally:
            self.stats.add(task.stage, done, time.perf_counter() - start)

    def describe(self) -> dict[str, Any]:
        """The executor for ``run.json``: kind, workers, tasks and wall seconds per task stage."""
        return {"executor": self.kind, "workers": self.workers, "tasks": dict(self.stats.tasks),
                "task_seconds": dict(self.stats.seconds), "worker_peak_mib": dict(self.stats.worker_peaks_mib)}

    def close(self) -> None:
        """Release workers and connections."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _parts(self, task: ChunkTask, items: int) -> int:
        raise NotImplementedError

    def _run(self, task: ChunkTask, bounds: list[Bounds], make_chunk: ChunkMaker, shared: Any,
             ordered: bool) -> Iterator[tuple[Bounds, Any]]:
        raise NotImplementedError


def chunk_bounds(items: int, parts: int) -> list[Bounds]:
    """``0..items`` cut into ``parts`` (at most ``items``) ranges of nearly equal size."""
    parts = max(1, min(parts, items))
    edges = [items * i // parts for i in range(parts + 1)]
    return [(lo, hi) for lo, hi in zip(edges[:-1], edges[1:])] if items else []


def windowed(bounds: list[Bounds], make_chunk: ChunkMaker, submit: Callable[[Any], Any],
             wait_first: Callable[[list[Any]], Iterable[Any]], window: int,
             ordered: bool, collect: Callable[[Any, Bounds], Any] | None = None) -> Iterator[tuple[Bounds, Any]]:
    """Submit chunks, at most ``window`` running or waiting to be yielded, and yield results.

    ``submit(chunk)`` returns a future (``concurrent.futures`` or ``distributed``);
    ``wait_first(futures)`` blocks until at least one is done and returns the done ones;
    ``collect(future, bounds)`` gives a done future's result (default ``future.result()``; an
    executor may re-run a chunk there). Chunks are made only when they are submitted, so memory
    stays bounded.
    """
    collect = collect or (lambda future, _: future.result())
    running: dict[Any, int] = {}
    ready: dict[int, Any] = {}
    submitted = emitted = 0
    try:
        while emitted < len(bounds):
            while submitted < len(bounds) and len(running) + len(ready) < max(window, 1):
                running[submit(make_chunk(*bounds[submitted]))] = submitted
                submitted += 1
            if running:
                for future in wait_first(list(running)):
                    index = running.pop(future)
                    ready[index] = collect(future, bounds[index])
            while ready and (not ordered or emitted in ready):
                index = emitted if ordered else min(ready)
                emitted += 1
                yield bounds[index], ready.pop(index)
    finally:
        for future in running:
            future.cancel()


def running_in_worker() -> bool:
    """Whether this code runs inside a worker (a local worker process or a Dask worker)."""
    if _IN_WORKER:
        return True
    distributed = __import__("sys").modules.get("distributed")
    if distributed is None:
        return False
    try:
        distributed.get_worker()
    except ValueError:
        return False
    return True


def usable_cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
