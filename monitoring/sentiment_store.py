"""Where the sentiment side lives in the store: versioned models and the analyst's labels.

Model files sit in a ``models/sentiment`` folder beside the database file (git-ignored);
labels corrected in the UI are rows of the ``sentiment_labels`` table.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring import storage
from monitoring.sentiment import ModelRegistry, normalize_labels


def database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (None for an in-memory store)."""
    rows = con.cursor().execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    path = rows[0][0] if rows else None
    return Path(path) if path else None


def sentiment_registry(con: duckdb.DuckDBPyConnection) -> ModelRegistry:
    """The model registry of this store."""
    db = database_path(con)
    base = db.parent if db is not None else Path.cwd() / "data"
    stem = db.stem if db is not None else "memory"
    return ModelRegistry(base / "models" / stem / "sentiment")


def active_sentiment_model(con: duckdb.DuckDBPyConnection) -> Any:
    """The active trained model, or None for the default lexicon model."""
    return sentiment_registry(con).active_model()


def save_labels(con: duckdb.DuckDBPyConnection, labels: dict[str, str]) -> int:
    """Store analyst labels {post_key: label} (labels in English or Indonesian)."""
    if not labels:
        return 0
    frame = pd.DataFrame({S.POST_KEY: list(labels), S.SENTIMENT: normalize_labels(list(labels.values()))})
    with storage.transaction(con):
        con.register("incoming", frame)
        con.execute(f"""INSERT INTO sentiment_labels SELECT {S.POST_KEY}, {S.SENTIMENT}, now() FROM incoming
            ON CONFLICT ({S.POST_KEY}) DO UPDATE SET {S.SENTIMENT} = excluded.{S.SENTIMENT},
            labelled_at = excluded.labelled_at""")
        con.unregister("incoming")
    return len(frame)


def labelled_examples(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Posts the analysts labelled: columns text, label."""
    return storage.query_df(con, f"""SELECT p.{S.TEXT} AS text, l.{S.SENTIMENT} AS label
        FROM sentiment_labels l JOIN posts p USING ({S.POST_KEY})""")
