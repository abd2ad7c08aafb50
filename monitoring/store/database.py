"""The DuckDB store: connection, read queries and small key-value tables.

One file holds everything (default ``data/pantauisu.duckdb``). DuckDB allows one writing
process; inside a process, writes are serialised through :data:`WRITE_LOCK` and every reader
uses its own cursor. Timestamps are ``TIMESTAMPTZ`` with the session time zone pinned to UTC.
The writer lock and :func:`transaction` live in :mod:`monitoring.store.transactions`, the schema
in :mod:`monitoring.store.migrations`; both are re-exported here, the store's one entry point.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitoring import schema as S
from monitoring.errors import UserError
from monitoring.store.migrations import MIGRATIONS as MIGRATIONS
from monitoring.store.migrations import migrate as migrate
from monitoring.store.token_codes import TokenCodes
from monitoring.store.transactions import WRITE_LOCK as WRITE_LOCK
from monitoring.store.transactions import in_transaction as in_transaction
from monitoring.store.transactions import transaction as transaction

# DuckDB's own default is 80 % of RAM, and it keeps what it once used (buffer pool, bulk-insert
# buffers of 20 % of the limit): 1M-post imports and analyses left >1 GB behind. Beyond this it
# evicts cached blocks and spills large sorts to a temporary folder next to the database file.
DUCKDB_MEMORY_LIMIT = "1536MB"
# Its allocator also keeps memory that queries freed until a later allocation reuses it: reading
# 1M posts' tokens for the issue stage left ~0.3 GB resident that no query used. Background
# threads hand it back to the OS within seconds (measured on a 1M store: 1,492 -> 1,150 MiB).
DUCKDB_ALLOCATOR_BACKGROUND_THREADS = "true"


class StoreBusyError(UserError):
    """Another process holds the database file."""


def connect(path: str | Path, *, read_only: bool = False, retries: int = 20) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    Retries for a few seconds when another process holds the file (e.g. a CLI import while
    the app runs) and then raises :class:`StoreBusyError` with an Indonesian message.
    """
    path = str(path)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
              "memory_limit": DUCKDB_MEMORY_LIMIT, "allocator_background_threads": DUCKDB_ALLOCATOR_BACKGROUND_THREADS}
    for attempt in range(retries):
        try:
            con = duckdb.connect(path, read_only=read_only, config=config)
            break
        except duckdb.IOException as err:
            if "lock" not in str(err).lower() or attempt == retries - 1:
                raise StoreBusyError(
                    f"Basis data {path} sedang dipakai proses lain. Tunggu impor/analisis lain selesai "
                    "lalu coba lagi."
                ) from err
            time.sleep(0.25)
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        migrate(con)
    return con


def query_df(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """Run a read query on its own cursor (safe from several threads) and return a frame.

    Text-list columns (``VARCHAR[]``, e.g. tokens) come back as DuckDB returns them, one
    object array of str per row, but every distinct word is one shared str object: for 1M posts
    with 23M tokens that is ~0.3 GB instead of ~2 GB of separate strings.
    """
    return _query(con, sql, params)[0]


def query_df_with_codes(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None, *,
                        column: str = S.TOKENS) -> tuple[pd.DataFrame, TokenCodes]:
    """:func:`query_df`, and the text-list ``column`` also as :class:`TokenCodes` (rows in the
    frame's order), read off the same dictionary encoding: no second pass over the words."""
    frame, codes = _query(con, sql, params, codes_of=column)
    return frame, codes if codes is not None else TokenCodes.of(frame[column])


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None,
           codes_of: str | None = None) -> tuple[pd.DataFrame, TokenCodes | None]:
    cursor = con.cursor()
    try:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH", "FROM")):
            return cursor.execute(sql, params or []).df(), None
        relation = cursor.sql(sql, params=params or None)
        lists = [name for name, kind in zip(relation.columns, relation.types) if str(kind) == "VARCHAR[]"]
        if not lists:
            return relation.df(), None
        # in batches: the whole result never exists twice (DuckDB/Arrow and pandas) at once,
        # which for the issue stage's 1M posts peaked at ~1.2 GB above the frame itself
        converter = con.cursor()  # the reader keeps `cursor` busy until its last batch
        encoded: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        try:
            parts = [_batch_frame(converter, batch, lists, codes_of, encoded)
                     for batch in relation.to_arrow_reader(QUERY_BATCH_ROWS)]
        finally:
            converter.close()
        if not parts:
            return relation.df(), None
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return frame.loc[:, list(relation.columns)], _merged_codes(encoded) if encoded else None
    finally:
        cursor.close()


QUERY_BATCH_ROWS = 200_000


def _batch_frame(converter: duckdb.DuckDBPyConnection, batch: pa.RecordBatch, lists: list[str],
                 codes_of: str | None = None, encoded: list | None = None) -> pd.DataFrame:
    """One batch as a frame: other columns converted by DuckDB (same dtypes as ``.df()``), text
    lists by :func:`_shared_string_lists` (the ``codes_of`` column's encoding appended to ``encoded``)."""
    table = pa.Table.from_batches([batch])
    frame = converter.from_arrow(table.drop_columns(lists)).df() if len(lists) < table.num_columns \
        else pd.DataFrame(index=pd.RangeIndex(table.num_rows))
    for name in lists:
        frame[name] = _shared_string_lists(table.column(name), encoded if name == codes_of else None)
    return frame


def _shared_string_lists(column: pa.ChunkedArray, encoded_out: list | None = None) -> np.ndarray:
    """Object array with one ``ndarray`` of str per row (``pd.NA`` for a null list), like
    DuckDB's ``.df()``; the rows are views into one array of shared (dictionary) strings.
    ``encoded_out`` receives (word codes, lengths, words) of the column."""
    column = column.combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(column), 0).to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(pc.list_flatten(column))
    words = np.array(encoded.dictionary.to_pylist() + [None], dtype=object)
    indices = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    if encoded_out is not None:
        encoded_out.append((indices, lengths.astype(np.int64, copy=False), words))
    values = words[indices]
    bounds = np.concatenate(([0], np.cumsum(lengths)))
    rows = np.empty(len(column), dtype=object)
    for i in range(len(column)):
        rows[i] = values[bounds[i]:bounds[i + 1]]
    if column.null_count:
        rows[column.is_null().to_numpy(zero_copy_only=False)] = pd.NA
    return rows


def _merged_codes(batches: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> TokenCodes:
    """One :class:`TokenCodes` from per-batch dictionary encodings (each batch has its own)."""
    numbers, vocabulary = pd.factorize(np.concatenate([words for _, _, words in batches]), use_na_sentinel=False)
    codes, offset = [], 0
    for indices, _, words in batches:
        codes.append(numbers[offset:offset + len(words)].astype(np.int32)[indices])
        offset += len(words)
    return TokenCodes(np.concatenate(codes).astype(np.int32, copy=False),
                      np.concatenate([lengths for _, lengths, _ in batches]), np.asarray(vocabulary, dtype=object))


def query_value(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    """The first value of the first row of a query on its own cursor (None when no row)."""
    cursor = con.cursor()
    try:
        rows = cursor.execute(sql, params or []).fetchall()
        row = rows[0] if rows else None
        return None if row is None else row[0]
    finally:
        cursor.close()


# --- store version: cache key for everything derived from the data ----------------------

def store_version(con: duckdb.DuckDBPyConnection) -> int:
    """A counter bumped by every change of posts or analysis; pages key caches on it."""
    value = query_value(con, "SELECT value FROM store_state WHERE key = 'version'")
    return int(value or 0)


def bump_version(con: duckdb.DuckDBPyConnection) -> None:
    """Increment the store version (call inside the writing transaction)."""
    con.execute(
        "INSERT INTO store_state VALUES ('version', '1') ON CONFLICT (key) DO UPDATE "
        "SET value = CAST(CAST(store_state.value AS INTEGER) + 1 AS VARCHAR)"
    )


def get_state(con: duckdb.DuckDBPyConnection, key: str, default: Any = None) -> Any:
    """The JSON value kept under ``key`` in ``store_state``, or ``default``."""
    value = query_value(con, "SELECT value FROM store_state WHERE key = ?", [key])
    return default if value is None else json.loads(value)


def set_state(con: duckdb.DuckDBPyConnection, key: str, value: Any) -> None:
    """Keep ``value`` (as JSON) under ``key`` in ``store_state``."""
    con.execute(
        "INSERT INTO store_state VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, json.dumps(value, ensure_ascii=False)],
    )


# --- settings, remembered mappings, stem cache, user dictionaries ------------------------

def stored_settings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The analyst's saved settings, ``{name: value as text}``."""
    rows = con.cursor().execute("SELECT name, value FROM settings").fetchall()
    return dict(rows)


def save_setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    """Save one setting in its own transaction."""
    with transaction(con):
        con.execute(
            "INSERT INTO settings VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [name, str(value)],
        )


def remembered_mapping(con: duckdb.DuckDBPyConnection, signature: str) -> tuple[dict[str, str], str] | None:
    """The mapping and platform remembered for files with this header signature, or None."""
    row = con.cursor().execute(
        "SELECT mapping, platform FROM mappings WHERE signature = ?", [signature]
    ).fetchall()
    row = row[0] if row else None
    return None if row is None else (json.loads(row[0]), row[1])


def remember_mapping(con: duckdb.DuckDBPyConnection, signature: str, mapping: dict[str, str],
                     platform: str) -> None:
    """Store a mapping for files with the same header (call inside the import transaction)."""
    con.execute(
        "INSERT INTO mappings VALUES (?, ?, ?, now()) ON CONFLICT (signature) DO UPDATE "
        "SET mapping = excluded.mapping, platform = excluded.platform, updated_at = excluded.updated_at",
        [signature, json.dumps(mapping), platform],
    )


def load_stem_cache(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every cached stem, ``{word: stem}``."""
    return dict(con.cursor().execute("SELECT word, stem FROM stem_cache").fetchall())


def save_stem_cache(con: duckdb.DuckDBPyConnection, new_entries: dict[str, str]) -> None:
    """Add stems (call inside a transaction); words already cached are ignored."""
    if not new_entries:
        return
    frame = pd.DataFrame({"word": list(new_entries), "stem": list(new_entries.values())})
    con.register("new_stems", frame)
    con.execute("INSERT INTO stem_cache SELECT word, stem FROM new_stems ON CONFLICT DO NOTHING")
    con.unregister("new_stems")


def user_dictionaries(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], set[str]]:
    """The analyst's own slang entries and stopwords (Pengaturan page)."""
    cur = con.cursor()
    slang = dict(cur.execute("SELECT slang, formal FROM user_slang").fetchall())
    stopwords = {w for (w,) in cur.execute("SELECT word FROM user_stopwords").fetchall()}
    return slang, stopwords


def save_blob(con: duckdb.DuckDBPyConnection, name: str, data: bytes) -> None:
    """Store a binary object (e.g. a fitted model); call inside a transaction."""
    con.execute("INSERT INTO blobs VALUES (?, ?, now()) ON CONFLICT (name) DO UPDATE "
                "SET data = excluded.data, saved_at = excluded.saved_at", [name, data])


def load_blob(con: duckdb.DuckDBPyConnection, name: str) -> bytes | None:
    """The binary object saved under ``name``, or None."""
    rows = con.cursor().execute("SELECT data FROM blobs WHERE name = ?", [name]).fetchall()
    return bytes(rows[0][0]) if rows else None
