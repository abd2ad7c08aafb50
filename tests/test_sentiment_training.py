"""Training that never ends up worse than the default (monitoring.sentiment.training)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitoring import schema as S
from monitoring.sentiment.model import (
    default_model,
    load_model,
    normalize_labels,
    save_model,
)
from monitoring.sentiment.training import (
    BlendedSentimentModel,
    fit_blend,
    self_trained_examples,
)

DATA = "tests/data/sentiment_tweets_dev_b.csv"


@pytest.fixture(scope="module")
def tweets():
    table = pd.read_csv(DATA).groupby("label").head(60)
    return table["text"].tolist(), normalize_labels(table["label"])


def test_blend_is_never_worse_than_the_default_on_held_out_folds(tweets):
    texts, y = tweets
    model, report = fit_blend(texts, y, folds=3)
    assert report["metrics"]["macro_f1"] >= report["baseline"]["macro_f1"]
    assert report["metrics"]["macro_f1"] >= report["trained_only"]["macro_f1"]
    assert report["weight"] in (0.0, 0.25, 0.5, 0.75, 1.0) and report["metrics"]["folds"] == 3
    assert list(model.classes_) == list(S.SENTIMENTS)


def test_few_labels_lean_on_the_default(tweets):
    texts, y = tweets
    few = np.concatenate([np.flatnonzero(y == label)[:10] for label in S.SENTIMENTS])
    model, report = fit_blend([texts[i] for i in few], y[few], folds=3)
    assert report["metrics"]["macro_f1"] >= report["baseline"]["macro_f1"]     # never worse than the default
    assert report["metrics"]["macro_f1"] >= report["trained_only"]["macro_f1"]  # nor than the trained model


def test_weight_zero_is_the_default_model_and_files_round_trip(tmp_path):
    texts = ["pelayanannya tidak puas", "mantap, cepat banget", "Rapat digelar Senin"]
    blend = BlendedSentimentModel(None, 0.0)
    np.testing.assert_allclose(blend.predict_proba(texts), default_model().predict_proba(texts))
    path = save_model(blend, tmp_path / "blend.joblib")
    assert list(load_model(path).predict(texts)) == ["negative", "positive", "neutral"]


def test_self_trained_examples_are_confident_and_balanced():
    texts = ["kecewa berat, pelayanan buruk sekali 😡"] * 5 + ["alhamdulillah mantap, terima kasih 🙏"] * 5 + \
        ["Jadwal rapat RT hari Senin pukul 19.00 WIB"] * 5 + ["", None]
    chosen, labels = self_trained_examples(texts, min_confidence=0.5, limit=6)
    assert len(chosen) == len(labels) <= 6 and set(labels) <= set(S.SENTIMENTS)
    assert max(np.sum(labels == s) for s in S.SENTIMENTS) <= 2
