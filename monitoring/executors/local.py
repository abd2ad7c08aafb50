"""The default executor: this machine's cores.

Tasks that hold the GIL (:attr:`ChunkTask.holds_gil`, the enrichment stages) run in worker
processes (:mod:`monitoring.executors.process_pool`) once there are enough items to pay for
starting them (~3-4 s each: imports, lexicons, gazetteer), else in this process. NumPy work
(MinHash, assignment) runs in threads of this process: it releases the GIL, and no data has to
be copied to another process.
"""
from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from monitoring.executors._base import (
    Bounds,
    ChunkMaker,
    ChunkTask,
    Executor,
    running_in_worker,
    usable_cores,
    windowed,
)
from monitoring.executors.process_pool import ProcessPool

MAX_WORKERS = 4  # each worker holds the lexicons and a chunk (~0.5-0.8 GB at 100k posts)
MAX_THREADS = 4


class LocalExecutor(Executor):
    """Per-chunk tasks on this machine.

    Args:
        max_workers: worker processes for GIL-bound tasks; None = as many as the cores allow
            once each gets ``task.min_per_worker`` items (0 or 2+; measured on 2 cores,
            benchmarks/bench_pipeline.py); 1 = always in this process.
    """

    kind = "local"

    def __init__(self, max_workers: int | None = None):
        super().__init__()
        self.max_workers = max_workers
        self._used = 1

    @property
    def workers(self) -> int:
        """Processes that ran tasks at the same time in the largest stage so far (1 = this one)."""
        return self._used

    def process_count(self, task: ChunkTask, items: int) -> int:
        """Worker processes for ``items`` items of a GIL-bound ``task``: 0 (this process) or 2+."""
        if running_in_worker():
            return 0
        if self.max_workers is not None:
            return self.max_workers if self.max_workers >= 2 else 0
        count = min(usable_cores(), MAX_WORKERS, items // max(task.min_per_worker, 1))
        return count if count >= 2 else 0

    def thread_count(self, task: ChunkTask, items: int) -> int:
        """Threads for ``items`` items of a NumPy ``task`` (1 = the calling thread)."""
        count = min(usable_cores(), MAX_THREADS, items // max(task.min_per_worker, 1))
        return max(count, 1)

    def _parts(self, task: ChunkTask, items: int) -> int:
        parallel = (self.process_count(task, items) if task.holds_gil else self.thread_count(task, items))
        return max(-(-items // task.max_chunk), parallel, 1)

    def _run(self, task: ChunkTask, bounds: list[Bounds], make_chunk: ChunkMaker, shared: Any,
             ordered: bool) -> Iterator[tuple[Bounds, Any]]:
        items = bounds[-1][1] if bounds else 0
        if task.holds_gil and (processes := self.process_count(task, items)):
            self._used = max(self._used, processes)
            pool = ProcessPool(task.function, shared, processes)
            try:
                yield from windowed(bounds, make_chunk, pool.submit, _first_done, processes, ordered)
            finally:
                pool.close(self.stats)
            return
        threads = 1 if task.holds_gil else self.thread_count(task, items)
        if threads == 1:
            for lo, hi in bounds:
                yield (lo, hi), task.function(make_chunk(lo, hi), shared)
            return
        with ThreadPoolExecutor(threads) as pool:
            yield from windowed(bounds, make_chunk, lambda chunk: pool.submit(task.function, chunk, shared),
                                _first_done, threads, ordered)


def _first_done(futures: list[Future]) -> set[Future]:
    return wait(futures, return_when=FIRST_COMPLETED).done
