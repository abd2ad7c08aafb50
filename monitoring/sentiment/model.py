"""Sentiment stage: every post gets ``sentiment`` (positive/neutral/negative) and a confidence.

Two models share one interface (scikit-learn ``predict_proba`` + ``classes_``):

- the default :class:`~monitoring.sentiment.lexicon.LexiconSentimentModel`, shipped in the repo,
  offline, vectorised (tens of thousands of posts per second);
- a trainable TF-IDF model (:func:`build_trainable_model`) fitted on analysts' labels, blended
  with the default so it is never worse (:mod:`monitoring.sentiment.training`), checked by
  cross-validation before the UI switches to it, and versioned with :class:`ModelRegistry` (files
  under a directory the caller chooses, e.g. ``data/models/``).

Model files are pickles (joblib): load only files your own team trained.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import pandas as pd

from monitoring import __version__
from monitoring import schema as S
from monitoring.errors import MappingError, ModelError
from monitoring.sentiment.lexicon import LexiconSentimentModel, as_text_list

# scikit-learn (~1 s to import) is only imported to train, evaluate or save a model: scoring
# posts with the lexicon model (every enrichment worker) does not need it.
_TRAINABLE = ("SentimentNormalizer", "LexiconScores", "build_trainable_model")


def __getattr__(name: str) -> Any:
    """The trainable model's parts live in :mod:`monitoring.sentiment.features` (imported on use;
    model files saved by earlier releases refer to them by this module's name)."""
    if name in _TRAINABLE:
        from monitoring.sentiment import features as sentiment_features

        return getattr(sentiment_features, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

MIN_EXAMPLES_PER_CLASS = 10
_LABEL_ALIASES = {
    "positive": ("positive", "positif", "pos", "1", "+1", "1.0"),
    "neutral": ("neutral", "netral", "neu", "0", "0.0", "-0"),
    "negative": ("negative", "negatif", "neg", "-1", "-1.0"),
}
LABEL_ALIASES = {alias: label for label, aliases in _LABEL_ALIASES.items() for alias in aliases}


# --- the stage ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def default_model() -> LexiconSentimentModel:
    """The shipped lexicon model, fitted once per process."""
    return LexiconSentimentModel().fit()


def predict_sentiment(texts: Iterable[object], model: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Label (positive/neutral/negative) and confidence in [0, 1] of each text.

    Args:
        texts: raw post texts (None/NaN are treated as empty posts, which come out neutral).
        model: any fitted model with ``predict_proba`` and ``classes_`` in the three labels;
            the default lexicon model when None.

    Raises:
        ModelError: the model is not fitted or does not predict the three sentiment labels.
    """
    model = default_model() if model is None else model
    texts = ["" if not isinstance(t, str) else t for t in as_text_list(texts)]
    if not texts:
        return np.array([], dtype=object), np.array([], dtype=float)
    try:
        proba = model.predict_proba(texts)
    except _not_fitted_errors() as err:
        raise ModelError("Model sentimen belum dilatih. Latih model atau gunakan model bawaan.") from err
    classes = np.array([str(c) for c in model.classes_], dtype=object)
    if not set(classes) <= set(S.SENTIMENTS):
        raise ModelError("Model ini tidak menghasilkan label positif/netral/negatif; pilih model sentimen lain.")
    best = proba.argmax(axis=1)
    return classes[best], proba[np.arange(len(texts)), best].round(4)


def _not_fitted_errors() -> tuple[type[Exception], ...]:
    """scikit-learn's NotFittedError when scikit-learn is loaded (a trained model is), else none."""
    exceptions = sys.modules.get("sklearn.exceptions")
    return (exceptions.NotFittedError,) if exceptions is not None else ()


def add_sentiment(posts: pd.DataFrame, model: Any = None) -> pd.DataFrame:
    """Stage: a new frame with ``sentiment`` and ``sentiment_score`` added from ``text``.

    Args:
        posts: canonical posts (needs :data:`schema.TEXT`).
        model: a fitted sentiment model, or None for the shipped lexicon model.
    """
    if S.TEXT not in posts.columns:
        raise MappingError("Kolom teks tidak ditemukan. Pilih kolom yang berisi isi unggahan pada Pemetaan Kolom.")
    labels, scores = predict_sentiment(posts[S.TEXT].tolist(), model)
    return posts.assign(**{S.SENTIMENT: pd.Series(labels, index=posts.index, dtype=object),
                           S.SENTIMENT_SCORE: pd.Series(scores, index=posts.index, dtype=float)})


# --- labels ---------------------------------------------------------------------------------

def normalize_labels(values: Iterable[object]) -> np.ndarray:
    """Map labels written in English, Indonesian or as numbers to positive/neutral/negative.

    Accepts positive/positif/pos/1, neutral/netral/neu/0, negative/negatif/neg/-1 (any case).

    Raises:
        ModelError: a label is empty or unknown (the message quotes up to three of them).
    """
    out, unknown = [], []
    for value in values:
        key = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip().lower()
        label = LABEL_ALIASES.get(key)
        if label is None and key not in unknown:
            unknown.append(key)
        out.append(label)
    if unknown:
        shown = ", ".join(f"'{u}'" if u else "(kosong)" for u in unknown[:3])
        raise ModelError(f"Label sentimen tidak dikenal: {shown}. Gunakan positif/netral/negatif "
                         "(atau positive/neutral/negative, 1/0/-1).")
    return np.array(out, dtype=object)


def check_training_data(texts: list[object], labels: np.ndarray) -> None:
    """Raise :class:`ModelError` unless each sentiment has at least ``MIN_EXAMPLES_PER_CLASS`` examples."""
    if len(texts) != len(labels):
        raise ModelError("Jumlah teks dan label tidak sama.")
    counts = {label: int(np.sum(labels == label)) for label in S.SENTIMENTS}
    short = [f"{S.SENTIMENT_LABELS[k]} {n}" for k, n in counts.items() if n < MIN_EXAMPLES_PER_CLASS]
    if short:
        raise ModelError(f"Contoh berlabel terlalu sedikit untuk melatih model ({', '.join(short)}; minimal "
                         f"{MIN_EXAMPLES_PER_CLASS} per kelas). Tambahkan contoh positif, netral dan negatif.")


# --- the trainable model --------------------------------------------------------------------

def train_model(texts: Iterable[object], labels: Iterable[object], **params: Any) -> Any:
    """Fit :func:`build_trainable_model` on labelled texts (labels in any accepted spelling).

    Raises:
        ModelError: unknown labels, or fewer than ``MIN_EXAMPLES_PER_CLASS`` examples of a class.
    """
    texts = as_text_list(texts)
    y = normalize_labels(labels)
    check_training_data(texts, y)
    from monitoring.sentiment.features import build_trainable_model

    return build_trainable_model(**params).fit(texts, y)


def metrics_report(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix.

    Confusion matrix rows are true labels, columns predictions, both in order positive, neutral, negative.
    """
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    labels = list(S.SENTIMENTS)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0)
    return {
        "n_examples": int(len(y_true)),
        "accuracy": float(accuracy_score(y_true, y_pred)) if len(y_true) else 0.0,
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "labels": labels,
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "per_class": {label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                      for label, p, r, f, s in zip(labels, precision, recall, f1, support)},
    }


def evaluate_model(model: Any, texts: Iterable[object], labels: Iterable[object]) -> dict[str, Any]:
    """:func:`metrics_report` of a fitted model (None = the default lexicon model) on labelled texts."""
    y = normalize_labels(labels)
    predicted, _ = predict_sentiment(texts, model)
    return metrics_report(y, predicted)


def cross_validate_model(texts: Iterable[object], labels: Iterable[object], folds: int = 5,
                         **params: Any) -> dict[str, Any]:
    """Stratified k-fold estimate of the trainable model, for the UI to show before switching.

    Returns :func:`metrics_report` of the out-of-fold predictions plus ``folds``.

    Raises:
        ModelError: unknown labels or too few examples per class.
    """
    texts = as_text_list(texts)
    y = normalize_labels(labels)
    check_training_data(texts, y)
    folds = max(2, min(int(folds), min(int(np.sum(y == label)) for label in S.SENTIMENTS)))
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from monitoring.sentiment.features import build_trainable_model

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    predicted = cross_val_predict(build_trainable_model(**params), texts, y, cv=splitter)
    return {**metrics_report(y, predicted), "folds": folds}


# --- files and versions ---------------------------------------------------------------------

def info_path(path: str | Path) -> Path:
    """The JSON sidecar of a model file: ``model.joblib`` -> ``model.json``."""
    return Path(path).with_suffix(".json")


def _write_atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def save_model(model: Any, path: str | Path, *, metrics: dict | None = None,
               n_examples: int | None = None) -> Path:
    """Write a fitted model (joblib) and its JSON sidecar (metrics, created_at, n_examples, versions)."""
    import joblib
    import sklearn

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    info = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "n_examples": n_examples, "metrics": metrics or {}, "model_type": type(model).__name__,
        "classes": [str(c) for c in getattr(model, "classes_", [])],
        "sklearn_version": sklearn.__version__, "pantauisu_version": __version__,
    }
    _write_atomic(path, lambda tmp: joblib.dump(model, tmp))
    _write_atomic(info_path(path), lambda tmp: tmp.write_text(json.dumps(info, indent=2), encoding="utf-8"))
    return path


def load_model(path: str | Path) -> Any:
    """Load a model saved by :func:`save_model`.

    Raises:
        ModelError: the file is missing or is not a PantauIsu sentiment model.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"Berkas model {path} tidak ditemukan.")
    import joblib

    try:
        with _earlier_module_names():
            model = joblib.load(path)
    except Exception as err:  # noqa: BLE001 - any unpickling failure means "not a model file"
        raise ModelError(f"Berkas {path.name} bukan model sentimen PantauIsu yang valid.") from err
    classes = {str(c) for c in getattr(model, "classes_", ["?"])}
    if not hasattr(model, "predict_proba") or not classes <= set(S.SENTIMENTS):
        raise ModelError(f"Berkas {path.name} bukan model sentimen PantauIsu yang valid.")
    return model


# Where the classes of a trained model lived before the library was split into sub-packages:
# model files trained with an earlier release name them by these paths.
_EARLIER_MODULES = {"monitoring.sentiment_features": "monitoring.sentiment.features",
                    "monitoring.sentiment_lexicon": "monitoring.sentiment.lexicon"}


@contextmanager
def _earlier_module_names() -> Iterator[None]:
    """Let an unpickler find classes under their earlier module paths (see :data:`_EARLIER_MODULES`)."""
    added = [old for old in _EARLIER_MODULES if old not in sys.modules]
    for old in added:
        sys.modules[old] = importlib.import_module(_EARLIER_MODULES[old])
    try:
        yield
    finally:
        for old in added:
            sys.modules.pop(old, None)


def read_model_info(path: str | Path) -> dict[str, Any]:
    """The sidecar of a model file, or an empty dict when there is none."""
    sidecar = info_path(path)
    return json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else {}


class ModelRegistry:
    """Numbered model versions in one directory, one of them active, with rollback.

    Layout: ``sentiment-v0001.joblib`` + ``sentiment-v0001.json`` per version and ``registry.json``
    holding ``{"active": "v0002", "history": [null, "v0001"]}`` (``null`` = the default lexicon model).
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def _model_path(self, version: str) -> Path:
        return self.directory / f"sentiment-{version}.joblib"

    def _state(self) -> dict[str, Any]:
        path = self.directory / "registry.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"active": None, "history": []}

    def _save_state(self, state: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps(state, indent=2)
        _write_atomic(self.directory / "registry.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def register(self, model: Any, *, metrics: dict | None = None, n_examples: int | None = None,
                 activate: bool = False) -> str:
        """Save a fitted model as the next version (``v0001``, ``v0002``, ...) and return it."""
        numbers = [int(v["version"][1:]) for v in self.list_versions()]
        version = f"v{max(numbers, default=0) + 1:04d}"
        save_model(model, self._model_path(version), metrics=metrics, n_examples=n_examples)
        if activate:
            self.activate(version)
        return version

    def list_versions(self) -> list[dict[str, Any]]:
        """Every saved version, oldest first, with its sidecar fields and an ``active`` flag."""
        if not self.directory.is_dir():
            return []
        active = self._state()["active"]
        versions = []
        for path in sorted(self.directory.glob("sentiment-v*.joblib")):
            version = path.stem.removeprefix("sentiment-")
            versions.append({**read_model_info(path), "version": version, "path": str(path),
                             "active": version == active})
        return versions

    def activate(self, version: str | None) -> None:
        """Make ``version`` the active model (None = back to the default lexicon model)."""
        if version is not None and not self._model_path(version).is_file():
            raise ModelError(f"Versi model {version} tidak ada.")
        state = self._state()
        if state["active"] != version:
            state["history"].append(state["active"])
            state["active"] = version
            self._save_state(state)

    def active_version(self) -> str | None:
        """The active version, or None when the default lexicon model is in use."""
        return self._state()["active"]

    def active_model(self) -> Any:
        """The active model loaded from disk, or None (use the default lexicon model)."""
        version = self.active_version()
        return None if version is None else load_model(self._model_path(version))

    def rollback(self) -> str | None:
        """Re-activate the previously active version and return it (None = default model).

        Raises:
            ModelError: there is no earlier version to go back to.
        """
        state = self._state()
        if not state["history"]:
            raise ModelError("Tidak ada versi model sebelumnya untuk dikembalikan.")
        state["active"] = state["history"].pop()
        self._save_state(state)
        return state["active"]
