"""``ingest``'s output, the same with or without a server: one JSON line per imported file on stdout,
``<file>: <reason>`` on stderr for a file that cannot be used, exit status 1 if any could not."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from monitoring.errors import UserError


def for_each_file(names: list[str], import_path: Callable[[Path], str]) -> int:
    """Run ``import_path`` (returns the file's JSON line, raises UserError) on each named file in turn."""
    failures = 0
    for name in names:
        path = Path(name)
        try:
            if not path.is_file():
                raise UserError(f"Berkas {name} tidak ditemukan.")
            line = import_path(path)
        except UserError as err:
            failures += 1
            print(f"{name}: {err}", file=sys.stderr)
            continue
        print(line, flush=True)
    return 1 if failures else 0
