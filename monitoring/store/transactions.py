"""The writer discipline of the store: one process-wide lock and all-or-nothing transactions.

DuckDB allows one writing process; inside a process every write (imports, analysis, settings
edits, schema migrations) runs under :data:`WRITE_LOCK`, and :func:`transaction` wraps it in
``BEGIN``/``COMMIT`` (``ROLLBACK`` on any error). Readers use their own cursors and take no lock.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import duckdb

# Serialises every write in this process (imports, analysis, settings edits).
WRITE_LOCK = threading.RLock()

_LOCAL = threading.local()  # per thread: depth of open transactions (see in_transaction)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One all-or-nothing transaction under the process-wide writer lock."""
    with WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        _LOCAL.depth = getattr(_LOCAL, "depth", 0) + 1
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            _LOCAL.depth -= 1
        con.execute("COMMIT")


def in_transaction() -> bool:
    """Whether this thread is inside :func:`transaction` (its cursors then see the last commit)."""
    return bool(getattr(_LOCAL, "depth", 0))
