"""The inbox folder: files dropped there are imported and analysed by the server.

The server polls the folder (setting ``inbox_dir``, default ``inbox/`` beside the database, every
``inbox_poll_seconds``). A file is taken once it has kept the same size and modification time
across two polls, so a file still being written is left alone. The files taken in one poll become
one job: each is imported (relative dates such as "3 hari yang lalu" against the file's
modification time), then the store is analysed once. Afterwards a file moves to ``selesai/``; a
refused one moves to ``gagal/`` beside a ``<name>.txt`` saying why, in Indonesian. A file moves only
after its job finished: if the server dies mid-import the file is still in the inbox, and the
next server imports it again (an import is one transaction, so nothing of the first try is kept;
a file imported before is recognised and not stored twice).

Hidden and temporary names (``.x``, ``~x``, ``*.tmp``, ``*.part``, ``*.crdownload``) are ignored.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import uuid
from pathlib import Path
from typing import Any

import pandas as pd

from monitoring.server import work
from monitoring.server.jobs import Job, QueueClosedError
from monitoring.server.services import ServerContext
from monitoring.store import settings

log = logging.getLogger("pantauisu.inbox")

DONE_FOLDER, FAILED_FOLDER = "selesai", "gagal"
IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".swp", ".download")


def is_candidate(path: Path) -> bool:
    """A regular file whose name is not hidden or temporary."""
    name = path.name
    return path.is_file() and not name.startswith((".", "~")) and not name.lower().endswith(IGNORED_SUFFIXES)


def move_aside(path: Path, folder: Path) -> Path:
    """Move ``path`` into ``folder``; a name already there gets the time appended."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"{path.stem}.{stamp}{path.suffix}"
    os.replace(path, target)
    return target


def refuse(path: Path, inbox: Path, reason: str) -> Path:
    """Move a refused file to ``gagal/`` and write ``<name>.txt`` with the reason beside it."""
    target = move_aside(path, inbox / FAILED_FOLDER)
    when = dt.datetime.now().astimezone().strftime("%d/%m/%Y %H:%M:%S %Z")
    target.with_name(target.name + ".txt").write_text(
        f"Berkas {path.name} tidak diimpor ({when}).\n\nAlasan: {reason}\n\n"
        "Perbaiki berkasnya lalu taruh kembali di folder kotak masuk.\n", encoding="utf-8")
    return target


class InboxWatcher:
    """Background service (see :mod:`monitoring.server.services`) that polls the inbox."""

    name = "kotak masuk"

    def __init__(self) -> None:
        self._context: ServerContext | None = None
        self._seen: dict[Path, tuple[int, int]] = {}  # path -> (size, mtime_ns) at the last poll
        self._in_flight: set[Path] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def attach(self, context: ServerContext) -> None:
        """Watch the inbox of ``context``'s store (without polling by itself: :meth:`start` does)."""
        self._context = context
        self.folder().mkdir(parents=True, exist_ok=True)

    def start(self, context: ServerContext) -> None:
        self.attach(context)
        self._thread = threading.Thread(target=self._loop, name="pantauisu-inbox", daemon=True)
        self._thread.start()
        log.info("Kotak masuk diawasi: %s", self.folder())

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def folder(self) -> Path:
        """The inbox now (the setting is read on every poll, so a change needs no restart)."""
        return Path(settings.inbox_folder(self._context.settings(), self._context.db_path))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
                pause = float(self._context.settings()["inbox_poll_seconds"])
            except QueueClosedError:
                return
            except Exception:  # noqa: BLE001 - a bad poll (folder gone, disk error) must not end the watch
                log.exception("Memeriksa kotak masuk gagal")
                pause = 5.0
            self._stop.wait(pause)

    def poll(self) -> Job | None:
        """One look at the inbox: queue a job for the files that stopped changing."""
        inbox = self.folder()
        inbox.mkdir(parents=True, exist_ok=True)
        current = {p: (s.st_size, s.st_mtime_ns) for p in inbox.iterdir() if is_candidate(p)
                   for s in [p.stat()]}
        with self._lock:
            ready = sorted(p for p, state in current.items()
                           if self._seen.get(p) == state and p not in self._in_flight)
            self._seen = current
            self._in_flight.update(ready)
        if not ready:
            return None
        label = f"Kotak masuk: {ready[0].name}" + (f" dan {len(ready) - 1} berkas lain" if len(ready) > 1 else "")
        try:
            return self._context.jobs.submit("inbox", label, lambda job: self._import(job, inbox, ready),
                                             source="inbox")
        except QueueClosedError:
            with self._lock:
                self._in_flight.difference_update(ready)
            raise

    def _import(self, job: Job, inbox: Path, paths: list[Path]) -> dict[str, Any]:
        """The job: import each file, analyse once, then move the files aside."""
        con = self._context.con
        results, imported = [], []
        try:
            for number, path in enumerate(paths, start=1):
                job.report(0.3 * (number - 1) / len(paths), f"Kotak masuk: mengimpor {path.name}…")
                outcome = self._import_file(con, path, inbox)
                if outcome is not None:
                    results.append(outcome)
                    if "error" not in outcome:
                        imported.append(path)
            analysis = None
            try:
                if imported:
                    analysis = work.analysis_after_import(con, job, start=0.3)
            finally:  # imported files are in the store: never import them again (even if analysis failed)
                for path in imported:
                    move_aside(path, inbox / DONE_FOLDER)
            return {"files": results, "analysis": analysis}
        finally:
            with self._lock:
                self._in_flight.difference_update(paths)

    def _import_file(self, con, path: Path, inbox: Path) -> dict[str, Any] | None:
        """Import one inbox file; a refused one is moved to ``gagal/`` at once. None if it vanished."""
        try:
            data, mtime = path.read_bytes(), path.stat().st_mtime
        except FileNotFoundError:
            return None
        try:
            outcome = work.import_one(con, path.name, data, work.ImportOptions(),
                                      pd.Timestamp(mtime, unit="s", tz="UTC"))
        except Exception as err:  # noqa: BLE001 - a bug must not make the file retry forever
            ref = uuid.uuid4().hex[:8]
            log.exception("Inbox import of %s failed (ref %s)", path.name, ref)
            outcome = {"file": path.name, "error": f"Terjadi kesalahan tak terduga saat mengimpor "
                                                   f"(kode referensi {ref}). Hubungi admin. ({type(err).__name__})"}
        if "error" in outcome:
            refuse(path, inbox, outcome["error"])
        return outcome

