"""Where the team's data files live (``data/`` beside the package) and small loaders for them.

Word lists, lexicons, aliases and phrase banks are data the team wrote, not code: modules read
them through these functions. The user's database and caches live in the same folder but are
not the team's files (see :mod:`monitoring.store.settings`).
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


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
