"""Training that never ends up worse than the default model: a blend chosen by cross-validation.

The trained model (word + character n-grams, the lexicon's evidence, balanced classes) and the
default lexicon model each give probabilities; the blend ``w·trained + (1−w)·default`` uses the
weight ``w`` that scores best on out-of-fold predictions. ``w = 0`` is a fall-back to the default
model, so more labels can only help. The same fit adapts the default model to a team's
corrections: the corrections are the labels, and stored posts the default model is sure about can
be added as extra (self-trained) examples that never take part in the measurement.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from monitoring import schema as S
from monitoring.sentiment.lexicon import as_text_list

BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


class BlendedSentimentModel:
    """``weight`` × a trained model's probabilities + (1 − weight) × the default model's.

    Args:
        trained: a fitted model with ``predict_proba`` and ``classes_`` (None when weight is 0).
        weight: share of the trained model, in [0, 1].
    """

    def __init__(self, trained: Any = None, weight: float = 1.0):
        self.trained = trained
        self.weight = weight
        self.classes_ = np.array(S.SENTIMENTS, dtype=object)

    def predict_proba(self, X: Iterable[object]) -> np.ndarray:
        from monitoring.sentiment.model import default_model

        texts = as_text_list(X)
        proba = (1 - self.weight) * default_model().predict_proba(texts) if self.weight < 1 else 0.0
        if self.weight > 0:
            proba = proba + self.weight * _aligned(self.trained, texts)
        return np.asarray(proba, dtype=float)

    def predict(self, X: Iterable[object]) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _aligned(model: Any, texts: list[object]) -> np.ndarray:
    """A model's probabilities with columns in :data:`schema.SENTIMENTS` order."""
    proba = model.predict_proba(texts)
    order = [list(map(str, model.classes_)).index(label) for label in S.SENTIMENTS]
    return proba[:, order]


def _macro_f1(y: np.ndarray, proba: np.ndarray) -> float:
    from monitoring.sentiment.lexicon import macro_f1

    return macro_f1(y, np.array(S.SENTIMENTS, dtype=object)[proba.argmax(axis=1)])


def fit_blend(texts: Iterable[object], labels: np.ndarray, *, folds: int = 5,
              extra_texts: Iterable[object] = (), extra_labels: Iterable[object] = (),
              **params: Any) -> tuple[BlendedSentimentModel, dict[str, Any]]:
    """Cross-validate, choose the blend weight, and fit on everything.

    Args:
        texts, labels: the labelled examples the quality is measured on (labels already normalised).
        folds: stratified folds.
        extra_texts, extra_labels: examples used for training only (e.g. self-trained stored posts).
        params: passed to :func:`~monitoring.sentiment.features.build_trainable_model`.

    Returns:
        The fitted blend and a report: ``metrics`` (out-of-fold report of the chosen blend, with
        ``folds``), ``baseline`` (the default model on the same examples), ``trained_only`` (the
        trained model alone), ``weight``.
    """
    from sklearn.model_selection import StratifiedKFold

    from monitoring.sentiment.features import build_trainable_model
    from monitoring.sentiment.model import default_model, metrics_report

    texts, y = as_text_list(texts), np.asarray(labels, dtype=object)
    extra_texts, extra_y = as_text_list(extra_texts), np.asarray(list(extra_labels), dtype=object)
    folds = max(2, min(int(folds), min(int(np.sum(y == label)) for label in S.SENTIMENTS)))
    trained_oof = np.zeros((len(texts), 3))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(texts, y):
        model = build_trainable_model(**params).fit([texts[i] for i in train] + extra_texts,
                                                   np.concatenate([y[train], extra_y]))
        trained_oof[test] = _aligned(model, [texts[i] for i in test])
    default_proba = default_model().predict_proba(texts)
    scores = {w: _macro_f1(y, w * trained_oof + (1 - w) * default_proba) for w in BLEND_WEIGHTS}
    weight = max(BLEND_WEIGHTS, key=lambda w: (round(scores[w], 4), -abs(w - 0.5)))
    best = weight * trained_oof + (1 - weight) * default_proba
    labels_of = np.array(S.SENTIMENTS, dtype=object)
    report = {
        "metrics": {**metrics_report(y, labels_of[best.argmax(axis=1)]), "folds": folds, "weight": weight},
        "baseline": metrics_report(y, labels_of[default_proba.argmax(axis=1)]),
        "trained_only": metrics_report(y, labels_of[trained_oof.argmax(axis=1)]),
        "weight": weight,
    }
    trained = build_trainable_model(**params).fit(texts + extra_texts, np.concatenate([y, extra_y])) \
        if weight > 0 else None
    return BlendedSentimentModel(trained, weight), report


def self_trained_examples(texts: Iterable[object], *, min_confidence: float = 0.8,
                          limit: int = 3000) -> tuple[list[str], np.ndarray]:
    """Stored posts the default model is sure about, as extra training examples (balanced, at most
    ``limit``, a third per label)."""
    from monitoring.sentiment.model import default_model

    texts = [t for t in as_text_list(texts) if isinstance(t, str) and t.strip()]
    if not texts:
        return [], np.array([], dtype=object)
    proba = default_model().predict_proba(texts)
    label = np.array(S.SENTIMENTS, dtype=object)[proba.argmax(axis=1)]
    sure = proba.max(axis=1) >= min_confidence
    keep: list[int] = []
    for sentiment in S.SENTIMENTS:
        keep += list(np.flatnonzero(sure & (label == sentiment))[: limit // 3])
    keep.sort()
    return [texts[i] for i in keep], label[keep]
