"""Calibrated confidence (monitoring.sentiment.calibration)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitoring.sentiment import calibration as C
from monitoring.sentiment.model import predict_sentiment


@pytest.mark.parametrize("score, label, margin", [
    (2.0, 0, 1.125), (0.875, 0, 0.0), (0.0, 1, 0.625), (0.5, 1, 0.375), (-0.625, 2, 0.0), (-2.0, 2, 1.375),
])
def test_label_and_margin(score, label, margin):
    got_label, got_margin = C.label_margins(np.array([score]), (0.875, 0.625))
    assert got_label[0] == label and got_margin[0] == pytest.approx(margin)


def test_calibrated_proba_keeps_the_label_largest_and_sums_to_one():
    scores = np.linspace(-4, 4, 81)
    proba = C.calibrated_proba(scores, (0.875, 0.625), C.DEFAULT_CALIBRATION)
    label, _ = C.label_margins(scores, (0.875, 0.625))
    assert (proba.argmax(axis=1) == label).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (proba.max(axis=1) >= 0.35).all()
    # deeper inside a stance means more confident
    positive = proba[label == 0, 0]
    assert (np.diff(positive) >= 0).all() and positive[-1] > positive[0]


def test_fit_calibration_recovers_a_curve():
    rng = np.random.default_rng(0)
    margin = rng.uniform(0, 3, 3000)
    label = rng.integers(0, 3, 3000)
    correct = rng.random(3000) < 1 / (1 + np.exp(-(-0.5 + 1.5 * margin)))
    curves = C.fit_calibration(label, margin, correct)
    for intercept, slope in curves:
        assert intercept == pytest.approx(-0.5, abs=0.3) and slope == pytest.approx(1.5, abs=0.3)


def test_reliability_table_and_ece():
    conf = [0.95, 0.95, 0.85, 0.85, 0.55, 0.55]
    correct = [True, True, True, False, False, False]
    table = C.reliability_table(conf, correct)
    assert table["bin"].tolist() == ["0.5-0.6", "0.8-0.9", "0.9-1.0"]
    assert table["accuracy"].tolist() == [0.0, 0.5, 1.0] and table["posts"].tolist() == [2, 2, 2]
    assert C.expected_calibration_error(conf, correct) == pytest.approx((0.55 + 0.35 + 0.05) / 3)
    assert C.expected_calibration_error([], []) == 0.0


def test_default_scores_are_calibrated_on_a_dev_set():
    dev = pd.read_csv("tests/data/sentiment_tweets_dev_a.csv")
    labels, conf = predict_sentiment(dev["text"].tolist())
    assert C.expected_calibration_error(conf, labels == dev["label"].to_numpy()) < 0.08
