"""Peak memory of this process and of the processes it started (Linux ``/proc``; elsewhere
only this process, from ``getrusage``).

The kernel keeps each process's peak resident set (``VmHWM``), so a process's own peak is exact
whatever the sampling; the peak of the *sum* over a process tree (this process plus its worker
processes at the same moment) can only be sampled: :class:`TreeWatch` does both.
"""
from __future__ import annotations

import os
import resource
import threading
from pathlib import Path
from typing import Any


def status_kib(pid: int, field: str = "VmRSS:") -> int:
    """A ``/proc/<pid>/status`` value in KiB (``VmRSS:`` now, ``VmHWM:`` peak); 0 when unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def process_peak_mib(pid: int | None = None) -> float:
    """Peak resident memory (MiB) of process ``pid`` (default this one) so far."""
    kib = status_kib(pid or os.getpid(), "VmHWM:")
    if not kib and pid in (None, os.getpid()):
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / 1024, 1)


def descendants(root: int) -> list[int]:
    """Process ids of every descendant of ``root`` (children, their children, ...)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        children = parents.get(todo.pop(), [])
        found.extend(children)
        todo.extend(children)
    return found


def command_line(pid: int) -> str:
    """The first 80 characters of a process's command line."""
    try:
        parts = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    return " ".join(p.decode(errors="replace") for p in parts if p)[:80]


class TreeWatch:
    """Samples this process and its descendants every ``interval`` seconds while in a ``with``.

    ``tree_peak_mib`` is the largest sum of their resident memory seen at one moment; each
    process's own peak comes from the kernel (exact). :meth:`mark` labels the following samples
    (e.g. with the analysis's progress messages) for ``phase_peaks``.
    """

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.tree_peak_mib = 0.0
        self.phase = "start"
        self.phase_peaks: dict[str, float] = {}
        self.processes: dict[int, dict[str, Any]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="tree-watch")

    def mark(self, phase: str) -> None:
        """Label the samples from now on."""
        self.phase = phase

    def sample(self) -> None:
        """One sample of the tree (also taken at the start and the end of the ``with``)."""
        me = os.getpid()
        total = 0
        for pid in [me, *descendants(me)]:
            total += status_kib(pid, "VmRSS:")
            peak = status_kib(pid, "VmHWM:") / 1024
            seen = self.processes.setdefault(pid, {"command": command_line(pid) if pid != me else "this process",
                                                   "peak_mib": 0.0})
            seen["peak_mib"] = round(max(seen["peak_mib"], peak), 1)
        mib = round(total / 1024, 1)
        self.tree_peak_mib = max(self.tree_peak_mib, mib)
        self.phase_peaks[self.phase] = max(self.phase_peaks.get(self.phase, 0.0), mib)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeWatch:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def summary(self) -> dict[str, Any]:
        """Peaks in MiB: this process, the tree's sum, the largest single process, and each
        worker process seen (by command line)."""
        own = process_peak_mib()
        others = [p for pid, p in self.processes.items() if pid != os.getpid()]
        # the largest peak of any finished child the kernel reported (one that ended between samples too)
        finished = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {"this_process_mib": own, "process_tree_mib": max(self.tree_peak_mib, own),
                "largest_process_mib": round(max([own, finished] + [p["peak_mib"] for p in others]), 1),
                "child_processes": sorted(others, key=lambda p: -p["peak_mib"])[:8]}
