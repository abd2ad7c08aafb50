"""Local worker processes for per-chunk tasks that hold the GIL (the enrichment stages).

Workers are plain subprocesses (``python -c``), not multiprocessing: no fork of a
multi-threaded server (Streamlit) and no re-import of the caller's ``__main__``. Messages are
pickled tuples behind an 8-byte length, between this process and its own children only:
``("shared", value)`` once per shared value, then ``("run", function, chunk)`` per chunk,
answered by the function's result. A worker that fails is dropped and its chunk runs in this
process instead (same function, same result).
"""
from __future__ import annotations

import pickle
import struct
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any, Callable

import monitoring.executors._base as _base
from monitoring.executors.memory import process_peak_mib
from monitoring.processes import start_python

_HEADER = struct.Struct(">Q")


class ProcessPool:
    """``workers`` worker processes running ``function(chunk, shared)``; :meth:`submit` returns a
    ``concurrent.futures.Future`` (one thread per worker feeds it)."""

    def __init__(self, function: Callable[[Any, Any], Any], shared: Any, workers: int):
        self.function, self.shared = function, shared
        self._workers = [_Worker() for _ in range(workers)]
        self._free = list(self._workers)
        self._lock = threading.Lock()    # guards the free list
        self._local = threading.Lock()   # one in-process fallback at a time
        self._threads = ThreadPoolExecutor(max(workers, 1))

    def submit(self, chunk: Any) -> Future:
        """Run the function on ``chunk`` in a free worker (or here, when none is left)."""
        return self._threads.submit(self._run, chunk)

    def _run(self, chunk: Any) -> Any:
        with self._lock:
            worker = self._free.pop() if self._free else None
        result = worker.run(self.function, self.shared, chunk) if worker is not None else _FAILED
        if result is _FAILED:  # no worker left, or it failed: the same function here
            with self._local:
                return self.function(chunk, self.shared)
        with self._lock:
            self._free.append(worker)
        return result

    @property
    def alive(self) -> int:
        """Workers still running."""
        return sum(worker.proc is not None for worker in self._workers)

    def close(self, stats: _base.RunStats | None = None) -> None:
        """Stop the workers (their peak memory goes to ``stats``)."""
        self._threads.shutdown(wait=True, cancel_futures=True)
        for number, worker in enumerate(self._workers):
            if stats is not None and worker.proc is not None:
                stats.note_worker_peak(f"local-{number + 1}", process_peak_mib(worker.proc.pid))
            worker.close()


_FAILED = object()


class _Worker:
    """One worker process; :meth:`run` returns ``_FAILED`` once the process has failed."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self._shared_sent = False  # a pool has one shared value: sent before the first chunk
        try:
            self.proc = start_python(["-c", "from monitoring.executors.process_pool import serve; serve()"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:  # no subprocesses here (sandbox)
            self.proc = None

    def run(self, function: Callable[[Any, Any], Any], shared: Any, chunk: Any) -> Any:
        if self.proc is None:
            return _FAILED
        try:
            if not self._shared_sent:
                _send(self.proc.stdin, ("shared", shared))
                self._shared_sent = True
            _send(self.proc.stdin, ("run", function, chunk))
            return _receive(self.proc.stdout)
        except (OSError, EOFError, pickle.UnpicklingError):
            self.close()
            return _FAILED

    def close(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        try:
            proc.stdin.close()
        except OSError:
            pass
        proc.kill()  # idle between messages: nothing to lose, and no wait for a clean exit
        proc.wait()


def _send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("worker closed its output")
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("worker closed its output")
    return pickle.loads(data)  # noqa: S301 - written by our own parent or child process


def serve() -> None:
    """Worker entry point: messages on stdin, results on stdout (see the module docstring)."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the message stream
    _base._IN_WORKER = True
    shared = None
    try:
        while True:
            kind, *payload = _receive(stdin)
            if kind == "shared":
                shared = payload[0]
            else:
                function, chunk = payload
                _send(stdout, function(chunk, shared))
    except EOFError:
        return
