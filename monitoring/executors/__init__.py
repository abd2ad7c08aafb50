"""Executors: where the analysis's per-chunk work runs — this machine or a Dask cluster.

Takes: a :class:`ChunkTask` (a stage's module-level function ``function(chunk, shared)``), the
number of items, a function that makes the chunk of items ``lo..hi``, and what every chunk
needs (:meth:`Executor.share`). Gives: each chunk's result with its bounds. The stages do not
care where they run: :class:`LocalExecutor` (worker processes and threads of this machine, the
default) and :class:`~monitoring.executors.cluster.DaskExecutor` (setting ``dask_scheduler``)
give the same results. The process that holds the store stays its only reader and writer.

To plug a new per-chunk step in (e.g. narrative assignment): write a module-level function
``assign_narratives(chunk, model) -> labels`` in its stage package, declare
``NARRATIVES = ChunkTask("narratives", assign_narratives, holds_gil=False, max_chunk=100_000)``
and call ``executor.run(NARRATIVES, n, lambda lo, hi: tokens.slice(lo, hi), executor.share(model))``
(see :func:`monitoring.issues.model.IssueModel.predict`).

Read first: :mod:`monitoring.executors._base`.
"""
from __future__ import annotations

from monitoring.executors._base import (
    ChunkTask,
    Executor,
    RunStats,
    chunk_bounds,
    running_in_worker,
)
from monitoring.executors.local import LocalExecutor
from monitoring.executors.memory import TreeWatch, process_peak_mib


def open_executor(scheduler: str | None = None, *, max_workers: int | None = None) -> Executor:
    """A :class:`~monitoring.executors.cluster.DaskExecutor` connected to ``scheduler`` when one
    is given (raises :class:`~monitoring.errors.ClusterError` when it cannot be used), else a
    :class:`LocalExecutor` (``max_workers``: see there)."""
    if scheduler:
        from monitoring.executors.cluster import DaskExecutor

        return DaskExecutor(scheduler)
    return LocalExecutor(max_workers)


def default_executor() -> Executor:
    """A :class:`LocalExecutor` for callers that were given none (its counts are not reported)."""
    return LocalExecutor()


__all__ = ["ChunkTask", "Executor", "LocalExecutor", "RunStats", "TreeWatch", "chunk_bounds", "default_executor",
           "open_executor", "process_peak_mib", "running_in_worker"]
