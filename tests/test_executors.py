"""The executor interface on this machine: chunking, order, threads, processes, run.json, memory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace

import numpy as np
import pytest

from monitoring.executors import (
    ChunkTask,
    LocalExecutor,
    TreeWatch,
    chunk_bounds,
    open_executor,
)
from monitoring.executors.local import MAX_THREADS


def square_sum(chunk: np.ndarray, offset: int) -> int:
    """A task: sum of squares of a chunk, plus ``offset`` (the shared value)."""
    return int((chunk.astype(np.int64) ** 2).sum()) + offset


def slow_first(chunk: np.ndarray, shared: None) -> int:
    """A task whose first chunk finishes last (threads then yield out of order)."""
    if chunk[0] == 0:
        time.sleep(0.3)
    return int(chunk[0])


SQUARES = ChunkTask("squares", square_sum, holds_gil=False, max_chunk=7, min_per_worker=1)


@pytest.mark.parametrize("items, parts, expected", [
    (10, 3, [(0, 3), (3, 6), (6, 10)]), (2, 5, [(0, 1), (1, 2)]), (0, 4, []), (5, 1, [(0, 5)])])
def test_chunk_bounds_cover_every_item_once(items, parts, expected):
    assert chunk_bounds(items, parts) == expected


def test_results_come_back_by_bounds_whatever_the_chunking():
    values = np.arange(100)
    executor = LocalExecutor()
    results = list(executor.run(SQUARES, len(values), lambda lo, hi: values[lo:hi], 5))
    assert [bounds for bounds, _ in results] == chunk_bounds(100, 15)  # ceil(100 / 7) chunks, in order
    assert sum(total - 5 for _, total in results) == int((values ** 2).sum())
    assert executor.stats.tasks == {"squares": 15} and executor.describe()["executor"] == "local"


def test_ordered_results_wait_for_a_slow_first_chunk_and_unordered_ones_do_not():
    values = np.arange(40)
    task = ChunkTask("slow", slow_first, holds_gil=False, max_chunk=10, min_per_worker=1)
    ordered = [first for _, first in LocalExecutor().run(task, 40, lambda lo, hi: values[lo:hi])]
    unordered = [first for _, first in LocalExecutor().run(task, 40, lambda lo, hi: values[lo:hi], ordered=False)]
    assert ordered == [0, 10, 20, 30]
    if min(os.cpu_count() or 1, MAX_THREADS) > 1:  # two threads: the slow first chunk finishes later
        assert sorted(unordered) == ordered and unordered != ordered


def test_only_a_few_chunks_exist_at_once():
    made: list[int] = []
    values = np.arange(1000)

    def make(lo: int, hi: int) -> np.ndarray:
        made.append(lo)
        return values[lo:hi]

    results = LocalExecutor().run(replace(SQUARES, max_chunk=10), 1000, make, 0)
    next(results)
    assert len(made) <= MAX_THREADS * 2  # not all 100 chunks made before the first result
    assert len(list(results)) == 99 and len(made) == 100


def test_worker_processes_run_a_task_and_report_their_memory():
    from monitoring.issues import dedup

    rng = np.random.default_rng(2)
    lengths = rng.integers(2, 20, 400)
    codes = rng.integers(0, 300, int(lengths.sum())).astype(np.int32)
    starts = np.r_[0, np.cumsum(lengths)]
    shared = (dedup.word_hashes_of(np.array([f"w{i}" for i in range(300)], dtype=object)), 0)
    task = replace(dedup.MINHASH, holds_gil=True, max_chunk=100)  # importable by the workers

    def chunk(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        return codes[starts[lo]:starts[hi]], lengths[lo:hi]

    executor = LocalExecutor(max_workers=2)
    signed = np.concatenate([s for _, s in executor.run(task, 400, chunk, executor.share(shared))])
    assert np.array_equal(signed, dedup.minhash_chunk(chunk(0, 400), shared))
    assert executor.workers == 2 and set(executor.stats.worker_peaks_mib) == {"local-1", "local-2"}
    assert all(peak > 10 for peak in executor.stats.worker_peaks_mib.values())  # both ran to the end


def test_a_task_the_workers_cannot_import_runs_here():
    task = ChunkTask("squares", square_sum, holds_gil=True, max_chunk=25, min_per_worker=1)  # defined in a test
    values = np.arange(100)
    executor = LocalExecutor(max_workers=2)
    results = dict(executor.run(task, 100, lambda lo, hi: values[lo:hi], executor.share(1)))
    assert sum(results.values()) == int((values ** 2).sum()) + 4
    assert executor.stats.worker_peaks_mib == {}  # the workers failed and were dropped


def test_without_a_scheduler_the_analysis_runs_here():
    assert open_executor("").kind == "local" and open_executor(None).kind == "local"


def test_tree_watch_sees_a_child_process_and_its_peak():
    with TreeWatch(interval=0.02) as watch:
        before = watch.tree_peak_mib  # this process alone, sampled on entering
        child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(150 * 2**20); time.sleep(0.6)"])
        child.wait()
    summary = watch.summary()
    assert summary["largest_process_mib"] >= 150
    assert watch.tree_peak_mib >= before + 140  # both at once
    assert any(p["peak_mib"] >= 150 for p in summary["child_processes"])


def test_analyze_out_writes_run_json_for_the_local_executor(demo_db_path, copy_of, tmp_path, monkeypatch):
    from monitoring import pipeline
    from monitoring.cli.main import main

    copy_of(demo_db_path, "run.duckdb").close()
    monkeypatch.delenv("PANTAUISU_DASK_SCHEDULER", raising=False)
    with pipeline.storage.connect(tmp_path / "run.duckdb") as con:
        pipeline.reset_enrichment(con)  # everything to do again
    assert main(["analyze", "--db", str(tmp_path / "run.duckdb"), "--out", str(tmp_path / "out")]) == 0
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert run["executor"] == "local" and run["workers"] == 1 and "scheduler" not in run
    assert run["tasks"] == {"enrich": 1, "minhash": 1, "assign": 1} and run["posts_enriched"] == 2500
    assert set(run["stage_seconds"]) == {"enrich", "issues", "facts", "alerts"} and run["refit"] is True
    assert 100 < run["peak_memory_mib"]["this_process_mib"] <= run["peak_memory_mib"]["process_tree_mib"]


def test_storing_the_enrichment_in_eight_chunks_gives_the_same_groups_and_issues(demo_db_path, copy_of,
                                                                                monkeypatch):
    """The reported order-dependence: the same tokens stored in 8 chunks (another dictionary
    encoding and row order in the store) moved posts between duplicate groups."""
    from monitoring import enrichment, pipeline
    from monitoring.store import database as storage

    reference = copy_of(demo_db_path, "one_chunk.duckdb")
    con = copy_of(demo_db_path, "eight_chunks.duckdb")
    pipeline.reset_enrichment(con)
    monkeypatch.setattr(pipeline, "ENRICH", replace(enrichment.ENRICH, max_chunk=-(-2500 // 8)))
    executor = LocalExecutor(max_workers=1)
    pipeline.analyze(con, executor=executor)
    assert executor.stats.tasks["enrich"] == 8
    query = "SELECT post_key, dup_group, is_coordinated, issue_id FROM post_issues ORDER BY post_key"
    got, expected = storage.query_df(con, query), storage.query_df(reference, query)
    assert got["dup_group"].nunique() < 0.95 * len(got)  # copies were grouped
    assert got.equals(expected)


def test_windowed_collects_each_result_with_its_chunk_so_an_executor_can_run_it_again():
    from concurrent.futures import CancelledError, Future

    from monitoring.executors._base import windowed

    def submit(chunk):
        future = Future()
        if chunk == (2, 4) and not again:  # the first try of one chunk comes back cancelled
            future.cancel()
        else:
            future.set_result(sum(range(*chunk)))
        return future

    def collect(future, bounds):
        if future.cancelled():
            again.append(bounds)
            return submit(bounds).result()
        return future.result()

    again: list = []
    results = list(windowed([(0, 2), (2, 4), (4, 6)], lambda lo, hi: (lo, hi), submit,
                            lambda futures: futures, 2, True, collect))
    assert results == [((0, 2), 1), ((2, 4), 5), ((4, 6), 9)] and again == [(2, 4)]
    with pytest.raises(CancelledError):  # without a collect hook, the cancellation reaches the caller
        again.clear()
        list(windowed([(2, 4)], lambda lo, hi: (lo, hi), submit, lambda futures: futures, 1, True))
