"""Where the team's data files live and small loaders for them.

Word lists, lexicons, aliases and phrase banks are data the team wrote, not code: modules read
them through these functions. In a checkout they are ``data/`` beside the package, where the
user's database and caches live too (git-ignored; see :mod:`monitoring.store.settings`). An
installed copy (``pip install .``, e.g. on a Dask worker) carries the team's files inside the
package (``monitoring/_data``, see pyproject.toml) and keeps the user's files under
``PANTAUISU_HOME`` (default ``~/.pantauisu``).
"""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_CHECKOUT_DATA = ROOT / "data"
_PACKAGED_DATA = Path(__file__).resolve().parent / "_data"
TEAM_FILE_PATTERNS = ("*.csv", "*.txt", "*.json")
IS_CHECKOUT = (_CHECKOUT_DATA / "slang_overrides.csv").is_file() and (ROOT / "monitoring").is_dir()
DATA_DIR = _CHECKOUT_DATA if IS_CHECKOUT else _PACKAGED_DATA  # the team's files
# the user's database, models and caches
USER_DATA_DIR = _CHECKOUT_DATA if IS_CHECKOUT else Path(
    os.environ.get("PANTAUISU_HOME") or Path.home() / ".pantauisu")


def team_data_files() -> list[Path]:
    """The team's data files (not the user's database or caches), sorted by name."""
    found = {path for pattern in TEAM_FILE_PATTERNS for path in DATA_DIR.glob(pattern) if path.is_file()}
    return sorted(found, key=lambda path: path.name)


def data_path(name: str) -> Path:
    """Path of the team's data file ``name`` (relative to ``data/``)."""
    return DATA_DIR / name


def read_json(name: str) -> Any:
    """The parsed JSON data file ``name``."""
    return json.loads(data_path(name).read_text(encoding="utf-8"))


def read_word_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a word list (``#`` starts a comment), stripped."""
    words = []
    for line in data_path(name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return words


def read_csv_rows(name: str) -> list[dict[str, str]]:
    """Rows of a CSV data file as dicts keyed by its header; lines starting with ``#`` are comments."""
    with data_path(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))
