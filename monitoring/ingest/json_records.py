"""JSON and JSON Lines: find the list of records and flatten each into one row of strings.

A document is a top-level array of objects, or an object holding the list under a usual key
(``data``, ``tweets``, ``items``, ``hasil``, ...). Nested objects become ``parent.child``
columns; leaves come back as text (lists as JSON). Invalid JSON Lines rows are skipped with a note.
"""
from __future__ import annotations

import json
import re

import pandas as pd

from monitoring.errors import UnreadableFileError

_JSON_RECORD_KEYS = ("data", "tweets", "items", "results", "records", "rows", "comments",
                     "posts", "statuses", "entries", "articles", "hasil", "komentar")


def read_json(text: str, ext: str, name: str) -> tuple[pd.DataFrame, str, list[str]]:
    """Read decoded JSON (or JSON Lines) into a frame of strings.

    Args:
        text: The whole file, decoded.
        ext: The file's extension: ``jsonl``/``ndjson`` are read line by line; otherwise one
            document, falling back to lines when it holds several.
        name: The file's name, for messages.

    Returns:
        The frame, ``"json"`` or ``"jsonl"``, and Indonesian notes (skipped invalid lines).

    Raises:
        UnreadableFileError: Not valid JSON, or no objects to read.
    """
    text = text.lstrip("\ufeff")
    if ext not in ("jsonl", "ndjson"):
        try:
            return _json_frame(_json_records(json.loads(text), name), name), "json", []
        except json.JSONDecodeError as err:
            if not err.msg.startswith("Extra data"):
                raise UnreadableFileError(
                    f"Berkas '{name}' bukan JSON yang valid (baris {err.lineno}, kolom {err.colno}: {err.msg}). "
                    "Periksa apakah berkas terpotong, atau ekspor ulang.") from None
    records, bad = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            (records.append(record) if isinstance(record, dict) else bad.append(str(number)))
    if not records:
        raise UnreadableFileError(
            f"Berkas '{name}' bukan JSON Lines yang valid: tidak ada baris berisi objek JSON. "
            "Setiap baris harus berisi satu objek, mis. {\"text\": \"...\"}.")
    notes = [f"{len(bad)} baris JSON Lines tidak valid dilewati (baris {', '.join(bad[:5])}"
             f"{' ...' if len(bad) > 5 else ''})."] if bad else []
    return _json_frame(records, name), "jsonl", notes


def _json_records(document: object, name: str, depth: int = 0) -> list[dict]:
    """The list of records: a top-level array, or the list under 'data'/'tweets'/'items'/..."""
    if isinstance(document, list):
        if document and not all(isinstance(item, dict) for item in document):
            raise UnreadableFileError(
                f"Berkas '{name}' berisi daftar nilai, bukan daftar objek. Setiap unggahan harus berupa "
                "objek JSON, mis. [{\"text\": \"...\", \"created_at\": \"...\"}].")
        return document
    if not isinstance(document, dict):
        raise UnreadableFileError(f"Berkas '{name}' tidak berisi objek atau daftar objek JSON.")
    lists = {key: value for key, value in document.items()
             if isinstance(value, list) and value and all(isinstance(item, dict) for item in value)}
    for key in _JSON_RECORD_KEYS:
        if key in lists:
            return lists[key]
    if lists:
        return max(lists.values(), key=len)
    for key in _JSON_RECORD_KEYS:
        if isinstance(document.get(key), dict) and depth < 3:
            return _json_records(document[key], name, depth + 1)
    return [document]


def _json_frame(records: list[dict], name: str) -> pd.DataFrame:
    """Flatten nested objects with '.' (like ``pd.json_normalize(sep='.')``), leaves as text."""
    flat = []
    for record in records:
        row: dict[str, str | None] = {}
        _flatten(record, "", row)
        flat.append(row)
    return pd.DataFrame(flat, dtype=object)


def _flatten(value: dict, prefix: str, out: dict) -> None:
    for key, item in value.items():
        column = _valid_text(f"{prefix}{key}")
        if isinstance(item, dict) and item:
            _flatten(item, column + ".", out)
        else:
            out[column] = _json_text(item)


def _json_text(item: object) -> str | None:
    if item is None or item == "" or item == {}:
        return None
    if isinstance(item, str):
        return _valid_text(item)
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (int, float)):
        return str(item)
    return _valid_text(json.dumps(item, ensure_ascii=False))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_text(text: str) -> str:
    """``text`` without lone UTF-16 surrogates: JSON can escape half an emoji (``\\ud83d``, left
    by a scraper that cut a post inside one), which no UTF-8 text, DuckDB or Arrow can hold."""
    return _LONE_SURROGATE.sub("", text) if _LONE_SURROGATE.search(text) else text
