"""Parquet files: every column as text (nested structs flattened to ``parent.child``)."""
from __future__ import annotations

import json

import pandas as pd

from monitoring.errors import UnreadableFileError


def read_parquet(data: bytes, name: str) -> pd.DataFrame:
    """Read a Parquet file into a frame of strings (nulls ``None``).

    Raises:
        UnreadableFileError: A corrupt file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as err:
        raise UnreadableFileError(
            f"Berkas '{name}' rusak dan tidak dapat dibaca sebagai Parquet ({err}). "
            "Ekspor ulang dari sumbernya.") from None
    while any(pa.types.is_struct(column.type) for column in table.schema):
        table = table.flatten()   # nested struct fields become 'parent.child' columns
    columns = {column_name: _arrow_text(column) for column_name, column in zip(table.column_names, table.columns)}
    return pd.DataFrame(columns, dtype=object)


def _arrow_text(column) -> list[str | None] | object:
    """One Arrow column as an object array of strings (None for nulls)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.cast(kind.value_type), kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        strings = column
    elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return [None if v is None else v.decode("utf-8", errors="replace") for v in column.to_pylist()]
    elif pa.types.is_nested(kind):
        return [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in column.to_pylist()]
    elif pa.types.is_timestamp(kind):
        stamps = column.to_pandas()
        return stamps.astype(str).where(stamps.notna(), None).to_numpy(dtype=object)
    else:
        strings = pc.cast(column, pa.string())
    return strings.to_numpy(zero_copy_only=False)
