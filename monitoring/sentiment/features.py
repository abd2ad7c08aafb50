"""The trainable sentiment model's parts (scikit-learn): text normaliser, lexicon features, pipeline.

Kept apart from :mod:`monitoring.sentiment.model` so that scoring with the shipped lexicon model
never imports scikit-learn; :mod:`monitoring.sentiment.model` exposes these names on first use.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline

from monitoring.sentiment.lexicon import (
    LexiconSentimentModel,
    as_text_list,
    normalized_texts,
)


class SentimentNormalizer(TransformerMixin, BaseEstimator):
    """Raw texts -> canonical token text with ``NEG_`` marks inside negation scope (stateless)."""

    def __init__(self, negation_window: int = 3):
        self.negation_window = negation_window

    def fit(self, X: Iterable[object], y: Any = None) -> "SentimentNormalizer":
        self.resolver_ = LexiconSentimentModel().fit().resolver_
        return self

    def transform(self, X: Iterable[object]) -> list[str]:
        return normalized_texts(as_text_list(X), self.resolver_, self.negation_window)


class LexiconScores(TransformerMixin, BaseEstimator):
    """The lexicon model's evidence as six dense features (squashed score parts and cue flags)."""

    def fit(self, X: Iterable[object], y: Any = None) -> "LexiconScores":
        self.model_ = LexiconSentimentModel().fit()
        return self

    def transform(self, X: Iterable[object]) -> np.ndarray:
        matrix = self.model_.transform(X)
        coef = self.model_.coef_
        counts = self.model_.extra_counts(matrix)
        flags = [counts[name] > 0 for name in ("_sarcasm", "_neutral_cue", "_question")]
        parts = [self.model_.score_matrix(matrix), matrix @ np.clip(coef, 0, None), matrix @ np.clip(coef, None, 0)]
        return np.column_stack([np.tanh(p / 2) for p in parts] + flags).astype(float)


def build_trainable_model(C: float = 4.0, lexicon_features: bool = True) -> Pipeline:
    """Unfitted pipeline: word 1-2-gram + char_wb 2-5-gram TF-IDF (+ lexicon features) -> logistic regression.

    Args:
        C: inverse regularisation strength of the logistic regression.
        lexicon_features: add the shipped lexicon's evidence (helps most with few labels).
    """
    words = make_pipeline(SentimentNormalizer(), TfidfVectorizer(
        token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2), sublinear_tf=True))
    chars = make_pipeline(SentimentNormalizer(), TfidfVectorizer(
        analyzer="char_wb", lowercase=False, ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=300_000))
    features = FeatureUnion([("words", words), ("chars", chars),
                             ("lexicon", LexiconScores() if lexicon_features else "drop")])
    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
    return Pipeline([("features", features), ("classifier", classifier)])
