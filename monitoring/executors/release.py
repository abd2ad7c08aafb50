"""Which release of PantauIsu a process runs: a digest of the package's code and the team's data.

A Dask worker must run the same release as the process that sends it tasks, or the same posts
could be tokenised, scored or assigned differently; :class:`~monitoring.executors.cluster.DaskExecutor`
compares the digests before the first task. A checkout and an installed copy of the same
commit give the same digest.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from monitoring import __version__
from monitoring.data_files import team_data_files

PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def release_digest() -> str:
    """``<version>+<12 hex digits>`` over every ``monitoring/**/*.py`` and team data file."""
    digest = hashlib.sha1()
    for path in sorted(PACKAGE.rglob("*.py"), key=lambda p: p.relative_to(PACKAGE).as_posix()):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    for path in team_data_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"
