"""Importing one uploaded file into the store: read ▸ map ▸ one transaction.

Two steps so the UI can show the suggested mapping and a preview before anything is
written: :func:`prepare_file` reads and suggests; :func:`import_prepared` stores. The CLI
calls :func:`import_file`, which does both. An import is all-or-nothing: a file that fails
leaves the store exactly as it was.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.errors import MappingError, UnsafeFileError
from monitoring.ingest.detection import detect_platform, suggest_mapping
from monitoring.ingest.export_profiles import header_signature
from monitoring.ingest.mapping import apply_mapping
from monitoring.ingest.readers import RawTable, read_table
from monitoring.store import database as storage
from monitoring.store.facts import record_change

SOURCE_ROW = "source_row"


@dataclass
class PreparedFile:
    """A file read into memory with a suggested (or remembered) column mapping."""

    file_name: str
    sha256: str
    table: RawTable
    mapping: dict[str, str]
    platform: str
    signature: str
    remembered: bool

    @property
    def rows_read(self) -> int:
        return len(self.table.frame)


@dataclass
class ImportSummary:
    """What one import did; printed as one JSON line per file by the CLI."""

    file: str
    dataset_id: int | None
    platform: str
    rows_read: int
    rows_imported: int
    rows_rejected: int
    duplicates: int
    already_imported: bool = False
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def check_size(data: bytes, file_name: str, max_bytes: int) -> None:
    """Reject files above the server-side upload limit before reading them."""
    if len(data) > max_bytes:
        raise UnsafeFileError(
            f"Berkas {file_name} berukuran {len(data) / 2**20:.1f} MB, melebihi batas "
            f"{max_bytes / 2**20:.0f} MB. Pecah berkas menjadi beberapa bagian atau naikkan batas "
            "max_upload_mb di Pengaturan."
        )


def prepare_file(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, *,
                 encoding: str | None = None, delimiter: str | None = None,
                 max_bytes: int = 200 * 2**20, max_xlsx_unpacked_bytes: int = 300 * 2**20) -> PreparedFile:
    """Read a file and propose a mapping (a remembered one for a known header wins)."""
    check_size(data, file_name, max_bytes)
    table = read_table(data, file_name, encoding=encoding, delimiter=delimiter,
                       max_xlsx_unpacked_bytes=max_xlsx_unpacked_bytes)
    signature = header_signature(list(table.frame.columns))
    remembered = storage.remembered_mapping(con, signature)
    if remembered is not None and set(remembered[0].values()) <= set(table.frame.columns):
        mapping, platform, was_remembered = remembered[0], remembered[1], True
    else:
        mapping = suggest_mapping(table.frame)
        platform = detect_platform(table.frame, file_name)
        was_remembered = False
    return PreparedFile(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), table=table,
                        mapping=mapping, platform=platform, signature=signature,
                        remembered=was_remembered)


def import_prepared(con: duckdb.DuckDBPyConnection, prepared: PreparedFile, *, now: pd.Timestamp,
                    mapping: dict[str, str] | None = None, platform: str | None = None,
                    dataset_name: str | None = None, default_region: str | None = None) -> ImportSummary:
    """Map and store a prepared file in one transaction; duplicates are skipped and counted."""
    mapping = mapping if mapping is not None else prepared.mapping
    platform = platform or prepared.platform
    if platform not in S.PLATFORMS:
        raise MappingError(f"Platform '{platform}' tidak dikenal. Pilih salah satu: {', '.join(S.PLATFORMS)}.")
    existing = storage.query_value(con, "SELECT dataset_id FROM datasets WHERE sha256 = ? LIMIT 1",
                                   [prepared.sha256])
    if existing is not None:
        return ImportSummary(file=prepared.file_name, dataset_id=int(existing), platform=platform,
                             rows_read=prepared.rows_read, rows_imported=0, rows_rejected=0,
                             duplicates=prepared.rows_read, already_imported=True,
                             warnings=["Berkas yang sama persis sudah pernah diimpor; tidak ada yang berubah."])
    mapped = apply_mapping(prepared.table.frame, mapping, platform=platform, now=now)
    with storage.transaction(con):
        dataset_id = con.execute("SELECT nextval('dataset_id_seq')").fetchall()[0][0]
        imported = _insert_posts(con, mapped.posts, dataset_id)
        _insert_rejects(con, mapped.rejects, dataset_id)
        duplicates = len(mapped.posts) - imported
        con.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
            [dataset_id, dataset_name or prepared.file_name, prepared.file_name, prepared.sha256,
             platform, prepared.table.format, prepared.table.encoding, prepared.rows_read, imported,
             len(mapped.rejects), duplicates, json.dumps(mapping), default_region,
             json.dumps(mapped.warnings, ensure_ascii=False)],
        )
        storage.remember_mapping(con, prepared.signature, mapping, platform)
        record_change(con, f"{S.DATASET_ID} = ?", [dataset_id])
    return ImportSummary(file=prepared.file_name, dataset_id=int(dataset_id), platform=platform,
                         rows_read=prepared.rows_read, rows_imported=imported,
                         rows_rejected=len(mapped.rejects), duplicates=duplicates,
                         warnings=list(mapped.warnings))


def import_file(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, *, now: pd.Timestamp,
                platform: str | None = None, dataset_name: str | None = None,
                encoding: str | None = None, delimiter: str | None = None,
                default_region: str | None = None, max_bytes: int = 200 * 2**20,
                max_xlsx_unpacked_bytes: int = 300 * 2**20) -> ImportSummary:
    """Read, map (auto or remembered) and store one file."""
    prepared = prepare_file(con, data, file_name, encoding=encoding, delimiter=delimiter,
                            max_bytes=max_bytes, max_xlsx_unpacked_bytes=max_xlsx_unpacked_bytes)
    return import_prepared(con, prepared, now=now, platform=platform, dataset_name=dataset_name,
                           default_region=default_region)


def import_posts_frame(con: duckdb.DuckDBPyConnection, posts: pd.DataFrame, *, name: str,
                       platform: str = "other") -> ImportSummary:
    """Store an already-canonical frame (demo data, benchmarks) as one dataset."""
    frame = posts.loc[:, [c for c in S.MAPPABLE_COLUMNS + (S.EXTRA,) if c in posts.columns]].copy()
    frame[SOURCE_ROW] = range(1, len(frame) + 1)
    with storage.transaction(con):
        dataset_id = con.execute("SELECT nextval('dataset_id_seq')").fetchall()[0][0]
        imported = _insert_posts(con, frame, dataset_id)
        con.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
            [dataset_id, name, None, None, platform, "generated", None, len(frame), imported, 0,
             len(frame) - imported, None, None, "[]"],
        )
        record_change(con, f"{S.DATASET_ID} = ?", [dataset_id])
    return ImportSummary(file=name, dataset_id=int(dataset_id), platform=platform, rows_read=len(frame),
                         rows_imported=imported, rows_rejected=0, duplicates=len(frame) - imported)


def _insert_posts(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, dataset_id: int) -> int:
    """Insert mapped posts not yet stored; returns how many were inserted."""
    staged = frame.copy()
    for column in S.MAPPABLE_COLUMNS + (S.EXTRA,):
        if column not in staged.columns:
            staged[column] = None
    if SOURCE_ROW not in staged.columns:
        staged[SOURCE_ROW] = range(1, len(staged) + 1)
    before = con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
    con.register("staged_posts", staged)
    try:
        key = f"md5(coalesce({S.PLATFORM}, '') || chr(31) || coalesce({S.POST_ID}, ''))"
        columns = ", ".join(S.CANONICAL_COLUMNS)
        selected = ", ".join(
            "k" if c == S.POST_KEY else "?" if c == S.DATASET_ID else f"CAST({c} AS {S.CANONICAL_TYPES[c]})"
            for c in S.CANONICAL_COLUMNS
        )
        con.execute(
            f"""
            INSERT INTO posts ({columns})
            SELECT {selected} FROM (
                SELECT *, {key} AS k,
                       row_number() OVER (PARTITION BY {key} ORDER BY {SOURCE_ROW}) AS rn
                FROM staged_posts
            ) s
            WHERE rn = 1 AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.{S.POST_KEY} = s.k)
            """,
            [dataset_id],
        )
    finally:
        con.unregister("staged_posts")
    return con.execute("SELECT count(*) FROM posts").fetchall()[0][0] - before


def _insert_rejects(con: duckdb.DuckDBPyConnection, rejects: pd.DataFrame, dataset_id: int) -> None:
    if rejects is None or rejects.empty:
        return
    con.register("staged_rejects", rejects)
    try:
        con.execute("INSERT INTO rejects SELECT ?, source_row, reason, raw FROM staged_rejects", [dataset_id])
    finally:
        con.unregister("staged_rejects")


def delete_dataset(con: duckdb.DuckDBPyConnection, dataset_id: int) -> int:
    """Delete a dataset, its posts, their enrichment and its rejects; returns posts deleted."""
    with storage.transaction(con):
        keys = f"SELECT {S.POST_KEY} FROM posts WHERE {S.DATASET_ID} = ?"
        deleted = con.execute(f"SELECT count(*) FROM posts WHERE {S.DATASET_ID} = ?", [dataset_id]).fetchall()[0][0]
        for table in ("enrichment", "post_issues", "sentiment_labels"):
            con.execute(f"DELETE FROM {table} WHERE {S.POST_KEY} IN ({keys})", [dataset_id])
        con.execute(f"DELETE FROM posts WHERE {S.DATASET_ID} = ?", [dataset_id])
        con.execute("DELETE FROM rejects WHERE dataset_id = ?", [dataset_id])
        con.execute("DELETE FROM datasets WHERE dataset_id = ?", [dataset_id])
        storage.bump_version(con)
    return int(deleted)


def list_datasets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every dataset with its counts, newest first."""
    return storage.query_df(con, "SELECT * EXCLUDE (mapping, warnings) FROM datasets ORDER BY dataset_id DESC")


def dataset_rejects(con: duckdb.DuckDBPyConnection, dataset_id: int) -> pd.DataFrame:
    """Rejected rows of one dataset with the reason, for download."""
    return storage.query_df(con, "SELECT source_row, reason, raw FROM rejects WHERE dataset_id = ? "
                                 "ORDER BY source_row", [dataset_id])
