"""Where the sentiment side lives in the store: versioned models, analyst labels, training examples.

- Model files sit in a ``models/<db name>/sentiment`` folder beside the database file (git-ignored),
  managed by :class:`~monitoring.sentiment.model.ModelRegistry`.
- Labels the analyst corrects in the UI are rows of ``sentiment_labels`` (one per post).
- Labelled texts uploaded from a CSV/XLSX are rows of ``sentiment_examples`` (one per distinct text),
  a table this module creates on first use.

Training uses both (:func:`training_examples`); switching the active model re-scores every
enriched post (:func:`rescore_sentiment`) so charts always show the active model's labels.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.errors import MappingError, ModelError
from monitoring.sentiment.model import (
    ModelRegistry,
    check_training_data,
    normalize_labels,
    predict_sentiment,
)
from monitoring.store import database as storage

EXAMPLES_TABLE = "sentiment_examples"
RESCORE_CHUNK = 50_000
ORIGIN_POST, ORIGIN_FILE = "post", "file"
TEXT_COLUMN_HINTS = ("text", "teks", "full_text", "tweet", "content", "konten", "isi", "komentar",
                     "comment", "kalimat", "review", "ulasan")
LABEL_COLUMN_HINTS = ("label", "sentiment", "sentimen", "class", "kelas", "polarity", "polaritas", "kategori")

Progress = Callable[[float, str], None]


# --- registry -------------------------------------------------------------------------------

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


def model_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every model the team can use, the default lexicon model first.

    Columns: version (None = default), created_at, n_examples, accuracy, macro_f1, active.
    Metrics are the cross-validated ones measured when the version was trained.
    """
    registry = sentiment_registry(con)
    active = registry.active_version()
    rows = [{"version": None, "created_at": None, "n_examples": None, "accuracy": None, "macro_f1": None,
             "active": active is None}]
    for info in registry.list_versions():
        metrics = info.get("metrics") or {}
        rows.append({"version": info["version"], "created_at": info.get("created_at"),
                     "n_examples": info.get("n_examples"), "accuracy": metrics.get("accuracy"),
                     "macro_f1": metrics.get("macro_f1"), "active": bool(info["active"])})
    frame = pd.DataFrame(rows)
    # object dtype keeps None (the default model) as None rather than pandas' missing-string NaN
    return frame.assign(version=pd.Series([r["version"] for r in rows], dtype=object))


# --- analyst labels on stored posts ----------------------------------------------------------

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


def delete_labels(con: duckdb.DuckDBPyConnection, post_keys: Iterable[str]) -> int:
    """Forget the analyst labels of these posts; returns how many were removed."""
    keys = list(dict.fromkeys(post_keys))
    if not keys:
        return 0
    placeholders = ", ".join("?" for _ in keys)
    with storage.transaction(con):
        removed = con.execute(f"DELETE FROM sentiment_labels WHERE {S.POST_KEY} IN ({placeholders})",
                              keys).fetchall()
    return int(removed[0][0]) if removed else 0


def _label_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip():
        return None
    return str(normalize_labels([value])[0])


def label_edits(post_keys: Iterable[str], before: Iterable[object],
                after: Iterable[object]) -> tuple[dict[str, str], list[str]]:
    """What an edit of the review table changes (pure).

    Args:
        post_keys: the posts, in table order.
        before: each post's stored analyst label (any accepted spelling; None/"" = none).
        after: each post's label after the edit.

    Returns:
        ``({post_key: label}`` to save, ``[post_key]`` whose label was cleared).
    """
    to_save, to_clear = {}, []
    for key, old, new in zip(post_keys, before, after):
        old, new = _label_or_none(old), _label_or_none(new)
        if new is None and old is not None:
            to_clear.append(key)
        elif new is not None and new != old:
            to_save[key] = new
    return to_save, to_clear


def labelled_examples(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Posts the analysts labelled: columns text, label."""
    return storage.query_df(con, f"""SELECT p.{S.TEXT} AS text, l.{S.SENTIMENT} AS label
        FROM sentiment_labels l JOIN posts p USING ({S.POST_KEY})""")


# --- uploaded examples ------------------------------------------------------------------------

def guess_example_columns(columns: Iterable[object]) -> tuple[str | None, str | None]:
    """Best guess of the text and label columns of an uploaded table (by header name)."""
    names = [str(c) for c in columns]

    def pick(hints: tuple[str, ...], skip: str | None) -> str | None:
        lowered = {n: n.strip().lower() for n in names if n != skip}
        for hint in hints:
            for name, low in lowered.items():
                if low == hint or low.startswith(hint + "_") or low.endswith("_" + hint):
                    return name
        return None

    text = pick(TEXT_COLUMN_HINTS, None)
    return text, pick(LABEL_COLUMN_HINTS, text)


def examples_from_table(frame: pd.DataFrame, text_column: str, label_column: str) -> pd.DataFrame:
    """Labelled examples (columns text, label) from an uploaded table (pure).

    Rows with an empty text are dropped; labels may be English, Indonesian or 1/0/-1; when a
    text appears twice its last label wins.

    Raises:
        MappingError: a column is missing, or text and label are the same column.
        ModelError: a label is empty or unknown (the message quotes it).
    """
    for column, role in ((text_column, "teks"), (label_column, "label")):
        if column not in frame.columns:
            raise MappingError(f"Kolom {role} '{column}' tidak ada di berkas. Pilih kolom lain.")
    if text_column == label_column:
        raise MappingError("Kolom teks dan kolom label harus berbeda.")
    texts = frame[text_column].map(lambda v: v.strip() if isinstance(v, str) else "")
    keep = texts.str.len() > 0
    if not keep.any():
        raise ModelError(f"Kolom teks '{text_column}' kosong. Pilih kolom yang berisi kalimat/unggahan.")
    examples = pd.DataFrame({"text": texts[keep].to_numpy(),
                             "label": normalize_labels(frame.loc[keep, label_column].tolist())})
    return examples.drop_duplicates("text", keep="last").reset_index(drop=True)


def _examples_table_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(storage.query_value(
        con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = current_database()",
        [EXAMPLES_TABLE]))


def ensure_examples_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``sentiment_examples(text PRIMARY KEY, label, source, added_at)`` if it is missing."""
    with storage.transaction(con):
        con.execute(f"""CREATE TABLE IF NOT EXISTS {EXAMPLES_TABLE} (text VARCHAR PRIMARY KEY,
            label VARCHAR NOT NULL, source VARCHAR, added_at TIMESTAMPTZ)""")


def save_examples(con: duckdb.DuckDBPyConnection, examples: pd.DataFrame, *, source: str = "") -> int:
    """Store labelled texts (from :func:`examples_from_table`) as extra training examples.

    A text already stored gets the new label. Returns the number of rows written.
    """
    if examples.empty:
        return 0
    frame = pd.DataFrame({"text": examples["text"].astype(str).to_numpy(),
                          "label": normalize_labels(examples["label"].tolist()), "source": source})
    frame = frame.drop_duplicates("text", keep="last")
    ensure_examples_table(con)
    with storage.transaction(con):
        con.register("incoming_examples", frame)
        try:
            con.execute(f"""INSERT INTO {EXAMPLES_TABLE} SELECT text, label, source, now() FROM incoming_examples
                ON CONFLICT (text) DO UPDATE SET label = excluded.label, source = excluded.source,
                added_at = excluded.added_at""")
        finally:
            con.unregister("incoming_examples")
    return len(frame)


def clear_examples(con: duckdb.DuckDBPyConnection) -> int:
    """Delete every uploaded example (analyst labels on posts stay); returns how many."""
    if not _examples_table_exists(con):
        return 0
    with storage.transaction(con):
        rows = con.execute(f"DELETE FROM {EXAMPLES_TABLE}").fetchall()
    return int(rows[0][0]) if rows else 0


def training_examples(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Everything to train on: columns text, label, origin (``post`` or ``file``).

    A text both labelled on a post and uploaded keeps the post's label (the newer, in-context one).
    """
    posts = labelled_examples(con).assign(origin=ORIGIN_POST)
    files = (storage.query_df(con, f"SELECT text, label FROM {EXAMPLES_TABLE}") if _examples_table_exists(con)
             else pd.DataFrame(columns=["text", "label"]))
    frames = [f for f in (posts, files.assign(origin=ORIGIN_FILE)) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["text", "label", "origin"])
    combined = pd.concat(frames, ignore_index=True)
    return combined[combined["text"].notna()].drop_duplicates("text", keep="first").reset_index(drop=True)


def label_counts(examples: pd.DataFrame) -> dict[str, int]:
    """Examples per sentiment, in the order positive, neutral, negative (pure)."""
    counts = examples["label"].value_counts() if len(examples) else pd.Series(dtype=int)
    return {label: int(counts.get(label, 0)) for label in S.SENTIMENTS}


# --- training and switching ---------------------------------------------------------------------

@dataclass(frozen=True)
class TrainingResult:
    """A freshly trained, registered but not yet active model version and its measured quality.

    Attributes:
        version: registry version (``v0003``).
        metrics: cross-validated :func:`~monitoring.sentiment.model.metrics_report` (plus ``folds``).
        baseline: the default lexicon model's report on the same examples, for comparison.
        n_examples: examples trained on.
    """

    version: str
    metrics: dict[str, Any]
    baseline: dict[str, Any]
    n_examples: int


def train_candidate(con: duckdb.DuckDBPyConnection, *, folds: int = 5) -> TrainingResult:
    """Cross-validate, fit on all labelled examples and register the model as an inactive version.

    The model is the blend of the trained model and the default one that cross-validates best
    (:func:`~monitoring.sentiment.training.fit_blend`): never worse than the default on these examples.

    Raises:
        ModelError: too few examples per class (Indonesian message for the analyst).
    """
    from monitoring.sentiment.training import fit_blend

    examples = training_examples(con)
    texts, labels = examples["text"].tolist(), normalize_labels(examples["label"].tolist())
    check_training_data(texts, labels)
    model, report = fit_blend(texts, labels, folds=folds)
    version = sentiment_registry(con).register(model, metrics=report["metrics"], n_examples=len(texts))
    return TrainingResult(version=version, metrics=report["metrics"], baseline=report["baseline"],
                          n_examples=len(texts))


@dataclass(frozen=True)
class RescoreResult:
    """What :func:`rescore_sentiment` did: posts re-scored and how many changed label."""

    posts: int = 0
    changed: int = 0
    changes: dict[str, int] = field(default_factory=dict)   # "negative→neutral": n


def _silent(fraction: float, message: str) -> None:
    return None


def rescore_sentiment(con: duckdb.DuckDBPyConnection, model: Any, *, chunk_size: int = RESCORE_CHUNK,
                      progress: Progress | None = None) -> RescoreResult:
    """Recompute sentiment and confidence of every enriched post with ``model`` and store them.

    Texts are read in chunks (keyset on post_key) and each distinct text is predicted once;
    all rows are then written in one transaction that also bumps the store version, so
    readers see either the old or the new model's labels, never a mix. Other enrichment
    (tokens, regions) is untouched.

    Args:
        con: the store.
        model: a fitted sentiment model, or None for the default lexicon model.
        chunk_size: posts read and predicted per step.
        progress: optional ``(fraction, message)`` callback.
    """
    progress = progress or _silent
    total = int(storage.query_value(con, "SELECT count(*) FROM enrichment") or 0)
    parts, last_key = [], ""
    while True:
        chunk = storage.query_df(con, f"""SELECT e.{S.POST_KEY}, e.{S.SENTIMENT} AS old, p.{S.TEXT}
            FROM enrichment e JOIN posts p USING ({S.POST_KEY}) WHERE e.{S.POST_KEY} > ?
            ORDER BY e.{S.POST_KEY} LIMIT {int(chunk_size)}""", [last_key])
        if chunk.empty:
            break
        progress(0.9 * sum(map(len, parts)) / max(total, 1), "Menghitung ulang sentimen…")
        codes, unique_texts = pd.factorize(chunk[S.TEXT].fillna(""))
        labels, scores = predict_sentiment(list(unique_texts), model)
        parts.append(pd.DataFrame({S.POST_KEY: chunk[S.POST_KEY].to_numpy(), "old": chunk["old"].to_numpy(),
                                   S.SENTIMENT: labels[codes], S.SENTIMENT_SCORE: scores[codes]}))
        last_key = chunk[S.POST_KEY].iloc[-1]
    if not parts:
        return RescoreResult()
    scored = pd.concat(parts, ignore_index=True)
    progress(0.95, "Menyimpan sentimen baru…")
    _write_sentiment(con, scored.loc[:, [S.POST_KEY, S.SENTIMENT, S.SENTIMENT_SCORE]])
    moved = scored[scored["old"].fillna("") != scored[S.SENTIMENT]]
    changes = (moved["old"].fillna("?") + "→" + moved[S.SENTIMENT]).value_counts()
    progress(1.0, "Sentimen diperbarui.")
    return RescoreResult(posts=len(scored), changed=len(moved), changes={k: int(v) for k, v in changes.items()})


def _write_sentiment(con: duckdb.DuckDBPyConnection, scored: pd.DataFrame) -> None:
    with storage.transaction(con):
        con.register("new_sentiment", scored)
        try:
            con.execute(f"""UPDATE enrichment SET {S.SENTIMENT} = n.{S.SENTIMENT},
                {S.SENTIMENT_SCORE} = n.{S.SENTIMENT_SCORE} FROM new_sentiment n
                WHERE enrichment.{S.POST_KEY} = n.{S.POST_KEY}""")
        finally:
            con.unregister("new_sentiment")
        storage.bump_version(con)


def activate_model(con: duckdb.DuckDBPyConnection, version: str | None, *,
                   progress: Progress | None = None) -> RescoreResult:
    """Make ``version`` (None = default lexicon model) the active model and re-score every post.

    If re-scoring fails the previous version is re-activated before the error propagates.

    Raises:
        ModelError: the version does not exist or its file is not a valid model.
    """
    registry = sentiment_registry(con)
    previous = registry.active_version()
    registry.activate(version)
    try:
        return rescore_sentiment(con, registry.active_model(), progress=progress)
    except BaseException:
        registry.activate(previous)
        raise


def rollback_model(con: duckdb.DuckDBPyConnection, *,
                   progress: Progress | None = None) -> tuple[str | None, RescoreResult]:
    """Go back to the previously active version (None = default model) and re-score every post.

    Raises:
        ModelError: there is no earlier version to go back to.
    """
    registry = sentiment_registry(con)
    previous = registry.active_version()
    version = registry.rollback()
    try:
        return version, rescore_sentiment(con, registry.active_model(), progress=progress)
    except BaseException:
        registry.activate(previous)
        raise

