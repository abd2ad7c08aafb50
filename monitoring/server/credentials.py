"""The credential file: how a command on the same machine finds the server that holds a store.

At start the server writes ``<database file>.server.json`` beside the database, readable by its
owner only (mode 0600)::

    {"url": "http://127.0.0.1:8501", "token": "pis_…", "pid": 4242, "server_id": "…", "db_path": "…"}

``token`` is a random local token with the ``tulis`` scope, valid while that server runs (it is
never stored in the database). The file is removed at shutdown. A file left behind by a killed
server is *stale*: its process is gone, or nothing at its URL answers as that server
(:func:`monitoring.server.client.find_server` checks); commands then ignore it, and the next server
start replaces it.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

SUFFIX = ".server.json"


@dataclass(frozen=True)
class Credentials:
    """What the credential file holds."""

    url: str
    token: str
    pid: int
    server_id: str
    db_path: str


def credential_path(db_path: str | Path) -> Path:
    """``<database file>.server.json``, beside the database (resolved, so ``--db`` spellings agree)."""
    db = Path(db_path).expanduser().resolve()
    return db.with_name(db.name + SUFFIX)


def new_credentials(db_path: str | Path, url: str, token: str, server_id: str) -> Credentials:
    """Credentials of this process for the store at ``db_path``."""
    return Credentials(url=url.rstrip("/"), token=token, pid=os.getpid(), server_id=server_id,
                       db_path=str(Path(db_path).expanduser().resolve()))


def write_credentials(creds: Credentials) -> Path:
    """Write the file atomically with mode 0600 (created so, never readable by others in between)."""
    path = credential_path(creds.db_path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(asdict(creds), out)
    os.replace(temp, path)
    return path


def read_credentials(db_path: str | Path) -> Credentials | None:
    """The file's credentials, or None when there is none, it is unreadable, malformed, or could
    have been written or read by another user (not owned by us, or open to group/others)."""
    path = credential_path(db_path)
    try:
        info = path.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return Credentials(url=str(data["url"]), token=str(data["token"]), pid=int(data["pid"]),
                           server_id=str(data["server_id"]), db_path=str(data["db_path"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_credentials(creds: Credentials) -> None:
    """Remove the file if it is still this server's."""
    current = read_credentials(creds.db_path)
    if current is not None and current.server_id == creds.server_id:
        credential_path(creds.db_path).unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True
