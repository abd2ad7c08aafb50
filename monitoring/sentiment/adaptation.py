"""Learning from the team's corrections: after enough of them, a model adapted to this store.

Every label an analyst corrects on the Sentimen page is a row of ``sentiment_labels``. From
:data:`ADAPT_MIN_CORRECTIONS` corrections on, the page offers a model adapted to the team's data:
the default model blended with one trained on the corrections plus stored posts the default model
is sure about (self-training), with its quality measured on held-out corrections next to the
default's, before anyone switches (:func:`adapt_candidate`).
"""
from __future__ import annotations

import duckdb

from monitoring import schema as S
from monitoring.errors import ModelError
from monitoring.sentiment.model import normalize_labels
from monitoring.sentiment.store import (
    TrainingResult,
    labelled_examples,
    sentiment_registry,
)
from monitoring.store import database as storage

ADAPT_MIN_CORRECTIONS = 50     # corrections on the Sentimen page before an adapted model is offered
SELF_TRAINED_POSTS = 20_000    # stored posts the default model may label for an adapted model


def correction_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many posts the analysts corrected on the Sentimen page."""
    return int(storage.query_value(con, "SELECT count(*) FROM sentiment_labels") or 0)


def adapt_candidate(con: duckdb.DuckDBPyConnection, *, folds: int = 5,
                    self_trained: int = SELF_TRAINED_POSTS) -> TrainingResult:
    """A model adapted to this team: the default model blended with one trained on the corrections
    plus stored posts the default model is sure about (self-training), registered inactive.

    Its quality is measured on held-out corrections only (cross-validation; the self-trained posts
    are never in a test fold), next to the default model's on the same corrections.

    Raises:
        ModelError: fewer than :data:`ADAPT_MIN_CORRECTIONS` corrections.
    """
    from monitoring.sentiment.training import fit_blend, self_trained_examples

    corrections = labelled_examples(con)
    if len(corrections) < ADAPT_MIN_CORRECTIONS:
        raise ModelError(f"Baru {len(corrections)} koreksi. Model yang disesuaikan tersedia setelah "
                         f"{ADAPT_MIN_CORRECTIONS} koreksi label di tab Tinjau & koreksi.")
    stored = storage.query_df(con, f"""SELECT p.{S.TEXT} AS text FROM posts p
        WHERE p.{S.POST_KEY} NOT IN (SELECT {S.POST_KEY} FROM sentiment_labels)
        ORDER BY hash(p.{S.POST_KEY}) LIMIT {int(self_trained)}""")
    extra_texts, extra_labels = self_trained_examples(stored["text"].tolist())
    model, report = fit_blend(corrections["text"].tolist(), normalize_labels(corrections["label"].tolist()),
                              folds=folds, extra_texts=extra_texts, extra_labels=extra_labels)
    metrics = {**report["metrics"], "adapted": True, "self_trained": len(extra_texts)}
    version = sentiment_registry(con).register(model, metrics=metrics, n_examples=len(corrections))
    return TrainingResult(version=version, metrics=metrics, baseline=report["baseline"],
                          n_examples=len(corrections))
