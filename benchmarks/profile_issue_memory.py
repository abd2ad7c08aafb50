"""Resident memory of this process at each step of a full issue fit and the fact-table rebuild.

Usage (repository root, venv active)::

    python benchmarks/profile_issue_memory.py STORE.duckdb [--work /tmp/pantauisu-memory.duckdb]

Works on a copy of an analysed store (e.g. ``bench_pipeline.py --keep-db``, after ``--add``): runs
``monitoring.issues.store.fit_issues`` (what *Kelompokkan ulang* does) and then the fact-table
rebuild, printing after each step (loading the tokens, duplicate groups, fit, assignment, writing
issue rows, releasing memory, facts) the resident memory, the largest resident memory sampled
since the step before (every 20 ms) and the kernel's peak so far (``VmHWM``). The steps are found
by wrapping the functions the stage calls, so the stage's own code is unchanged.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _status_mib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) // 1024
    return 0


class Steps:
    """Marks steps; a thread samples the resident memory in between."""

    def __init__(self) -> None:
        self.peak = _status_mib("VmRSS:")
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, _status_mib("VmRSS:"))
            time.sleep(0.02)

    def mark(self, name: str) -> None:
        rss = _status_mib("VmRSS:")
        print(f"{name:32s} rss {rss:6d} MiB   peak since last step {self.peak:6d}   VmHWM {_status_mib('VmHWM:'):6d}",
              flush=True)
        self.peak = rss

    def wrap(self, owner: object, name: str, label: str) -> None:
        """Mark before and after every call of ``owner.name``."""
        original = getattr(owner, name)

        def wrapped(*args, **kwargs):
            self.mark(f"before {label}")
            try:
                return original(*args, **kwargs)
            finally:
                self.mark(f"after {label}")

        setattr(owner, name, wrapped)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store", help="an analysed store (not changed: a copy is used)")
    parser.add_argument("--work", default="/tmp/pantauisu-memory.duckdb", help="where the copy goes")
    args = parser.parse_args(argv)

    from monitoring.issues import detection, model, store
    from monitoring.pipeline import _release_memory
    from monitoring.store import database as storage
    from monitoring.store.facts import refresh_facts

    shutil.copy(args.store, args.work)
    steps = Steps()
    con = storage.connect(args.work)
    steps.mark("connected")
    steps.wrap(store.storage, "query_df_with_codes", "load tokens")
    steps.wrap(detection, "add_duplicate_groups", "duplicate groups")
    steps.wrap(model.IssueModel, "fit", "fit")
    steps.wrap(model.IssueModel, "predict", "assignment")
    steps.wrap(store, "_insert_post_issues", "issue rows")
    start = time.perf_counter()
    store.fit_issues(con)
    steps.mark("issue stage done")
    _release_memory()
    steps.mark("memory released")
    with storage.transaction(con):
        refresh_facts(con, rebuild=True)
    steps.mark("facts rebuilt")
    con.close()
    print(f"{time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
