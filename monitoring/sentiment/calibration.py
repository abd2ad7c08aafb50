"""Confidence that means something: ``sentiment_score`` as the chance the label is right.

The lexicon model's score is turned into a label by two thresholds; how far a post lies inside
its label's region (the *margin*) says how sure the label is. Per label, a logistic curve maps
the margin to the share of posts with that margin that were labelled right on the evaluation
sets (:func:`fit_calibration`); :data:`DEFAULT_CALIBRATION` is that curve for the shipped model,
fitted by ``benchmarks/evaluate_sentiment.py --fit-calibration``.

:func:`reliability_table` and :func:`expected_calibration_error` check any model's confidence:
posts scored about 0.8 should be right about 80% of the time.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

# (intercept, slope) of the logistic curve of each label, in the order positive, neutral, negative
# fitted on tests/data/sentiment_tweets_dev_a, _dev_b and sentiment_dev (never on a holdout)
DEFAULT_CALIBRATION = ((0.356, 0.81), (-0.511, 3.539), (0.922, 0.492))
_LOW, _HIGH = 0.35, 0.99          # a confidence is never below "a bit more than a third"


def label_margins(score: np.ndarray, thresholds: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(label index 0 positive / 1 neutral / 2 negative, margin >= 0 inside that label's region)."""
    t_pos, t_neg = thresholds
    score = np.asarray(score, dtype=float)
    label = np.where(score >= t_pos, 0, np.where(score <= -t_neg, 2, 1))
    margin = np.select([label == 0, label == 2], [score - t_pos, -score - t_neg],
                       np.minimum(t_pos - score, score + t_neg))
    return label, margin


def confidence(label: np.ndarray, margin: np.ndarray, calibration: Sequence[Sequence[float]]) -> np.ndarray:
    """The calibrated chance that each label is right."""
    table = np.asarray(calibration, dtype=float)
    logit = table[label, 0] + table[label, 1] * margin
    return np.clip(1.0 / (1.0 + np.exp(-logit)), _LOW, _HIGH)


def calibrated_proba(score: np.ndarray, thresholds: tuple[float, float],
                     calibration: Sequence[Sequence[float]]) -> np.ndarray:
    """Probabilities (positive, neutral, negative) from scores: the label's is its calibrated
    confidence, the rest goes mostly to the neighbouring label (neutral beside a stance, the nearer
    stance beside neutral), so the label stays the largest."""
    label, margin = label_margins(score, thresholds)
    conf = confidence(label, margin, calibration)
    rest = 1.0 - conf
    near = np.minimum(0.7 * rest, conf - 0.01)
    nearer_stance = np.where(thresholds[0] - score <= score + thresholds[1], 0, 2)
    neighbour = np.where(label == 1, nearer_stance, 1)
    other = 3 - label - neighbour                     # the third index of {0, 1, 2}
    rows = np.arange(len(label))
    proba = np.empty((len(label), 3))
    proba[rows, label] = conf
    proba[rows, neighbour] = near
    proba[rows, other] = rest - near
    return proba


def fit_calibration(label: np.ndarray, margin: np.ndarray, correct: np.ndarray) -> tuple[tuple[float, float], ...]:
    """Per label, the logistic curve of ``correct`` on ``margin`` (Newton steps; numpy only)."""
    curves = []
    for index in range(3):
        mask = label == index
        curves.append(_logistic(margin[mask], correct[mask].astype(float)) if mask.sum() >= 10 else (0.0, 1.5))
    return tuple(curves)


def _logistic(x: np.ndarray, y: np.ndarray, steps: int = 50, ridge: float = 1e-3) -> tuple[float, float]:
    design = np.column_stack([np.ones_like(x), x])
    beta = np.zeros(2)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-design @ beta))
        gradient = design.T @ (y - p) - ridge * beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + ridge * np.eye(2)
        beta = beta + np.linalg.solve(hessian, gradient)
    return round(float(beta[0]), 3), round(float(beta[1]), 3)


def reliability_table(confidences: Iterable[float], correct: Iterable[bool], bins: int = 10) -> pd.DataFrame:
    """Posts grouped by confidence: columns bin (e.g. ``0.7-0.8``), posts, mean_confidence, accuracy.

    Empty bins are left out.
    """
    conf = np.asarray(list(confidences), dtype=float)
    hit = np.asarray(list(correct), dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = index == b
        if mask.any():
            rows.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "posts": int(mask.sum()),
                         "mean_confidence": float(conf[mask].mean()), "accuracy": float(hit[mask].mean())})
    return pd.DataFrame(rows, columns=["bin", "posts", "mean_confidence", "accuracy"])


def expected_calibration_error(confidences: Iterable[float], correct: Iterable[bool], bins: int = 10) -> float:
    """Share-weighted mean gap between confidence and accuracy over the bins of :func:`reliability_table`."""
    table = reliability_table(confidences, correct, bins)
    if table.empty:
        return 0.0
    weights = table["posts"] / table["posts"].sum()
    return float((weights * (table["mean_confidence"] - table["accuracy"]).abs()).sum())
