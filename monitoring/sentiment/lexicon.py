"""Offline lexicon sentiment for Indonesian social-media posts, vectorised over a whole batch.

The model is a fixed-vocabulary sparse matrix (terms + ``NEG_`` terms + post-level cue counts)
times a weight vector, with a few post-level rules. Tokens come from
:mod:`monitoring.sentiment.tokens` (affixes, particles, slang and elongation seen through), the
scope rules from :mod:`monitoring.sentiment.rules`, the word lists from ``data/`` through
:mod:`monitoring.sentiment.vocabulary`::

    "Pelayanan gak ramah, tapi cepat"  ->  tokens  pelayanan tidak ramah . tapi cepat
    features (value = multiplier)         NEG_ramah:0.5  cepat:1.5

Post-level rules: sarcasm markers (🙃, 🤡, "katanya") turn praise negative; soft markers (👏,
🙂) only when the post also complains; news, announcement and promotion cues damp a post that has
no first-person voice towards neutral; an information question ("ada yg tau ...?") is damped,
a rhetorical one ("uangnya kemana??") is not. ``sentiment_score`` is a calibrated probability
that the label is right (:mod:`monitoring.sentiment.calibration`).
"""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Iterable

import numpy as np
from scipy import sparse

from monitoring.data_files import data_path
from monitoring.errors import ModelError
from monitoring.schema import SENTIMENTS
from monitoring.sentiment import tokens as T
from monitoring.sentiment.calibration import DEFAULT_CALIBRATION, calibrated_proba
from monitoring.sentiment.rules import (  # noqa: F401 - re-exported for earlier callers
    ScopeWeights,
    negation_mask,
    scope_mask,
    token_multipliers,
)
from monitoring.sentiment.tokens import (  # noqa: F401 - model files of earlier releases name these here
    TokenBatch,
    TokenResolver,
    tokenize_batch,
)
from monitoring.sentiment.tokens import join_batch as _join_batch  # noqa: F401
from monitoring.sentiment.vocabulary import load_lexicon, load_lexicon_table  # noqa: F401

LEXICON_PATH = data_path("sentiment_lexicon.csv")
# Post-level counts after the term columns, in this order.
EXTRA_FEATURES = ("_sarcasm", "_neutral_cue", "_question", "_exclamation", "_soft_sarcasm", "_personal",
                  "_info_question", "_rhetorical", "_shout")
_EXTRA_BITS = (T.SARC, T.CUE, T.QUESTION, T.EXCLAIM, T.SOFT_SARC, T.PERSONAL, T.ASK, T.RHETORIC, T.CAPS)
_CHUNK = 50_000
_FORMAT = 2          # bumped when fitted state changes shape; older pickles are re-fitted on load


def __getattr__(name: str) -> Any:
    """``SLANG`` and the role word sets, read from ``data/`` on first use."""
    from monitoring.sentiment.vocabulary import role_words, sentiment_slang

    if name == "SLANG":
        return sentiment_slang()
    roles = {"NEGATORS": "negator", "PROHIBITIVES": "prohibitive", "PRE_INTENSIFIERS": "pre_intensifier",
             "POST_INTENSIFIERS": "post_intensifier", "DIMINISHERS": "diminisher", "CONTRASTS": "contrast",
             "CONCESSIVES": "concessive", "SARCASM_MARKERS": "sarcasm", "NEUTRAL_CUES": "neutral_cue"}
    if name in roles:
        return role_words()[roles[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def normalized_texts(texts: Iterable[object], resolver: TokenResolver, window: int = 3) -> list[str]:
    """Canonical token text per post, ``NEG_`` prefixed inside negation scope (for TF-IDF models)."""
    texts = list(texts)
    batch = tokenize_batch(texts, resolver)
    negated = negation_mask(batch, window) & ((batch.role & (T.NEG | T.PROHIBIT | T.BOUNDARY)) == 0)
    words = [("NEG_" if neg else "") + c.replace(" ", "_") for c, neg in zip(batch.canon, negated)]
    starts = np.flatnonzero(batch.role & T.SEP)
    return [" ".join(words[a + 1 if a else 0: b]) for a, b in zip(np.r_[0, starts], np.r_[starts, len(words)])]


def as_text_list(texts: Iterable[object]) -> list[object]:
    """Raw documents as a list; a bare string is a programming error (as in scikit-learn)."""
    if isinstance(texts, str):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    return list(texts)


class _Parameters:
    """scikit-learn's ``get_params`` / ``set_params`` without importing scikit-learn (~1 s), so the
    enrichment workers that score posts start fast."""

    _estimator_type = "classifier"

    def get_params(self, deep: bool = True) -> dict:
        names = [n for n in inspect.signature(type(self).__init__).parameters if n != "self"]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params) -> "_Parameters":
        for name, value in params.items():
            if name not in self.get_params():
                raise ValueError(f"Invalid parameter {name!r} for {type(self).__name__}.")
            setattr(self, name, value)
        return self


class LexiconSentimentModel(_Parameters):
    """Rule-weighted lexicon classifier: positive / neutral / negative with a calibrated confidence.

    ``transform`` gives a sparse matrix over a fixed vocabulary (lexicon terms, ``NEG_`` terms and
    the post-level counts of :data:`EXTRA_FEATURES`); the score is ``X @ coef_`` with the post-level
    rules of the module docstring.

    Args:
        lexicon_path: ``term,weight[,negated]`` CSV; default ``data/sentiment_lexicon.csv``.
        positive_threshold: score at or above which a post is positive.
        negative_threshold: score at or below minus this value is negative.
        negation_window: tokens after a negator that are negated.
        negated_positive: weight factor of a negated positive term ("tidak bagus") without its own.
        negated_negative: weight factor of a negated negative term ("tidak buruk") without its own.
        intensifier: multiplier from "sangat", "banget", ...; diminisher from "agak", "sedikit".
        contrast_before: multiplier of the clause before "tapi/namun/padahal"; contrast_after after it.
        concessive: multiplier of a "walaupun/meskipun" clause.
        last_sentence: multiplier of the last sentence of a post with several sentences.
        ironic_praise: read a positive term directly followed by a negative one as negated ("juara korupsi").
        sarcasm_flip: share of the positive part turned negative when a sarcasm marker is present.
        soft_sarcasm_min: negative evidence from which a soft marker (👏, 🙂) also flips praise.
        cue_damping: score multiplier when a news/announcement/promo cue is present and no first person.
        question_damping: multiplier of the positive part of a question ("efektif gak?").
        info_question_damping: score multiplier of a question asking for information ("ada yg tau?").
        shout: multiplier of the negative part of a post written in capitals (3+ shouted words).
        negativity_bias: multiplier of negative contributions.
        calibration: per label (intercept, slope) of the confidence curve; None = the shipped one.
    """

    def __init__(self, lexicon_path: str | Path | None = None, positive_threshold: float = 0.875,
                 negative_threshold: float = 0.625, negation_window: int = 3, negated_positive: float = -0.8,
                 negated_negative: float = -0.3, intensifier: float = 1.5, diminisher: float = 0.5,
                 contrast_before: float = 0.5, contrast_after: float = 1.5, concessive: float = 0.5,
                 last_sentence: float = 1.5, ironic_praise: bool = True, sarcasm_flip: float = 1.0,
                 soft_sarcasm_min: float = 0.5, cue_damping: float = 0.3, question_damping: float = 0.5,
                 info_question_damping: float = 0.3, shout: float = 1.0, negativity_bias: float = 1.0,
                 calibration: tuple | None = None):
        self.lexicon_path = lexicon_path
        self.positive_threshold = positive_threshold
        self.negative_threshold = negative_threshold
        self.negation_window = negation_window
        self.negated_positive = negated_positive
        self.negated_negative = negated_negative
        self.intensifier = intensifier
        self.diminisher = diminisher
        self.contrast_before = contrast_before
        self.contrast_after = contrast_after
        self.concessive = concessive
        self.last_sentence = last_sentence
        self.ironic_praise = ironic_praise
        self.sarcasm_flip = sarcasm_flip
        self.soft_sarcasm_min = soft_sarcasm_min
        self.cue_damping = cue_damping
        self.question_damping = question_damping
        self.info_question_damping = info_question_damping
        self.shout = shout
        self.negativity_bias = negativity_bias
        self.calibration = calibration

    def fit(self, X: Iterable[object] | None = None, y: Iterable[object] | None = None):
        """Load the lexicon; with labelled texts, also tune the two thresholds for macro-F1."""
        table = load_lexicon_table(self.lexicon_path)
        terms = table["term"].tolist()
        self.weights_ = table["weight"].to_numpy(float)
        weighted = self.weights_ != 0
        self.resolver_ = TokenResolver(terms, targets=dict(zip(table.loc[weighted, "term"], self.weights_[weighted])))
        default_negated = np.where(self.weights_ > 0, self.negated_positive, self.negated_negative) * self.weights_
        negated = np.where(table["negated"].notna(), table["negated"].fillna(0.0), default_negated)
        coef = np.concatenate([self.weights_, negated, np.zeros(len(EXTRA_FEATURES))])
        self.coef_ = np.where(coef < 0, coef * self.negativity_bias, coef)
        self.feature_names_ = np.array(terms + ["NEG_" + t for t in terms] + list(EXTRA_FEATURES), dtype=object)
        self.classes_ = np.array(SENTIMENTS, dtype=object)
        self.thresholds_ = (float(self.positive_threshold), float(self.negative_threshold))
        self.calibration_ = tuple(self.calibration or DEFAULT_CALIBRATION)
        self.format_ = _FORMAT
        if X is not None and y is not None:
            self.thresholds_ = tune_thresholds(self.decision_function(X), np.asarray(list(y), dtype=object))
        return self

    def __setstate__(self, state: dict) -> None:
        """Model files of earlier releases: missing parameters take their defaults and the model is
        re-fitted (its learned state is the shipped lexicon's, which an upgrade replaces)."""
        self.__dict__.update(state)
        if state.get("format_") != _FORMAT:
            defaults = {n: p.default for n, p in inspect.signature(type(self).__init__).parameters.items()
                        if n != "self"}
            for name, value in defaults.items():
                self.__dict__.setdefault(name, value)
            if "coef_" in state:
                self.fit()

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise ModelError("Model sentimen leksikon belum disiapkan: panggil fit() sebelum prediksi.")

    def _scope(self) -> ScopeWeights:
        return ScopeWeights(intensifier=self.intensifier, diminisher=self.diminisher,
                            contrast_before=self.contrast_before, contrast_after=self.contrast_after,
                            concessive=self.concessive, last_sentence=self.last_sentence)

    def transform(self, X: Iterable[object]) -> sparse.csr_matrix:
        """Sparse feature matrix (n_posts x len(feature_names_)), one chunk of posts at a time."""
        self._check_fitted()
        texts = as_text_list(X)
        rows, cols, vals = [], [], []
        for offset in range(0, len(texts), _CHUNK):
            r, c, v = self._chunk_entries(texts[offset: offset + _CHUNK])
            rows.append(r + offset)
            cols.append(c)
            vals.append(v)
        shape = (len(texts), len(self.feature_names_))
        if not rows:
            return sparse.csr_matrix(shape)
        return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape)

    def _chunk_entries(self, texts: list[object]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        batch = tokenize_batch(texts, self.resolver_)
        mult, feature, ironic = token_multipliers(batch, self.weights_, self._scope())
        negated = negation_mask(batch, self.negation_window, self.weights_) | (ironic & self.ironic_praise)
        n_terms = len(self.weights_)
        keep = feature >= 0
        cols = feature[keep] + n_terms * negated[keep]
        rows, vals = [batch.doc[keep]], [mult[keep]]
        for i, bit in enumerate(_EXTRA_BITS):
            counts = np.bincount(batch.doc, weights=(batch.role & bit) != 0, minlength=batch.n_docs)
            has = np.flatnonzero(counts)
            rows.append(has)
            vals.append(counts[has])
            cols = np.concatenate([cols, np.full(len(has), 2 * n_terms + i)])
        return np.concatenate(rows), cols, np.concatenate(vals)

    def extra_counts(self, matrix: sparse.csr_matrix) -> dict[str, np.ndarray]:
        """Post-level counts of :data:`EXTRA_FEATURES` from a matrix made by :meth:`transform`."""
        first = len(self.coef_) - len(EXTRA_FEATURES)
        block = matrix[:, first:].toarray()
        return {name: block[:, i] for i, name in enumerate(EXTRA_FEATURES)}

    def score_parts(self, matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(positive part, negative part, post multiplier) of each row; score = multiplier x parts."""
        positive = matrix @ np.clip(self.coef_, 0, None)
        negative = matrix @ np.clip(self.coef_, None, 0)
        c = self.extra_counts(matrix)
        question = (c["_question"] > 0) & (c["_rhetorical"] == 0)
        positive = positive * np.where(question, self.question_damping, 1.0)
        negative = negative * np.where(c["_shout"] >= 3, self.shout, 1.0)
        flip = (c["_sarcasm"] > 0) | ((c["_soft_sarcasm"] > 0) & (negative <= -self.soft_sarcasm_min))
        positive, negative = (np.where(flip, (1 - self.sarcasm_flip) * positive, positive),
                              np.where(flip, negative - self.sarcasm_flip * positive, negative))
        damp = np.where((c["_neutral_cue"] > 0) & (c["_personal"] == 0), self.cue_damping, 1.0)
        damp *= np.where((c["_info_question"] > 0) & question, self.info_question_damping, 1.0)
        return positive, negative, damp

    def decision_function(self, X: Iterable[object]) -> np.ndarray:
        """Sentiment score per post: > 0 leans positive, < 0 leans negative."""
        return self.score_matrix(self.transform(X))

    def score_matrix(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """Score rows of a matrix made by :meth:`transform`."""
        positive, negative, damp = self.score_parts(matrix)
        return (positive + negative) * damp

    def predict_proba(self, X: Iterable[object]) -> np.ndarray:
        """Probabilities in ``classes_`` order (positive, neutral, negative); the largest is calibrated."""
        self._check_fitted()
        return self.proba_from_scores(self.decision_function(X))

    def proba_from_scores(self, score: np.ndarray) -> np.ndarray:
        """Label by the thresholds; its probability from the calibration curve of its margin."""
        return calibrated_proba(score, self.thresholds_, self.calibration_)

    def predict(self, X: Iterable[object]) -> np.ndarray:
        """Label per post: positive, neutral or negative."""
        self._check_fitted()
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def explain(self, text: str) -> list[tuple[str, float]]:
        """Contributions of the features of one post, largest first (see also :mod:`explain`)."""
        row = self.transform([text]).tocoo()
        contrib = [(str(self.feature_names_[c]), float(v * self.coef_[c])) for c, v in zip(row.col, row.data)]
        return sorted(((n, c) for n, c in contrib if c != 0), key=lambda item: -abs(item[1]))


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, labels: Iterable[str] = SENTIMENTS) -> float:
    """Unweighted mean F1 over ``labels`` (fast, numpy only)."""
    scores = []
    for label in labels:
        tp = np.sum((y_pred == label) & (y_true == label))
        denom = np.sum(y_pred == label) + np.sum(y_true == label)
        scores.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(scores))


def tune_thresholds(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Grid-search the (positive, negative) thresholds that maximise macro-F1 on labelled scores."""
    grid = np.round(np.arange(0.125, 3.01, 0.125), 3)
    best = (-1.0, 1.0, 1.0)
    for t_pos in grid:
        for t_neg in grid:
            pred = np.where(score >= t_pos, "positive", np.where(score <= -t_neg, "negative", "neutral"))
            f1 = macro_f1(y, pred)
            if f1 > best[0] + 1e-9:
                best = (f1, float(t_pos), float(t_neg))
    return best[1], best[2]
