"""Why a post got its sentiment, in Indonesian, from the lexicon model's evidence.

For each post: the words and phrases that pushed it (with their weight after the rules), and
which negation, contrast or sarcasm changed them::

    "pelayanannya tidak puas"   ->  negatif karena "puas" dinegasikan oleh "tidak" (−1,6)
    "bagus sih tapi mahal"      ->  negatif karena "mahal" (−2,2, setelah "tapi"); "bagus" (+1,0)

Analysts forward these labels to leadership and must be able to defend them. The text is plain
(never Markdown or HTML): show it with ``st.text`` / ``st.dataframe``.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from monitoring.schema import SENTIMENT_LABELS
from monitoring.sentiment import tokens as T
from monitoring.sentiment.lexicon import LexiconSentimentModel, as_text_list
from monitoring.sentiment.rules import negation_mask, negator_of, token_multipliers

MAX_REASONS = 4


def _number(value: float) -> str:
    return f"{value:+.1f}".replace(".", ",").replace("-", "−")


def _evidence(model: LexiconSentimentModel, text: str) -> list[dict[str, Any]]:
    """One dict per weighted token of a post: term, contribution, negator, after_contrast."""
    batch = T.tokenize_batch([text], model.resolver_)
    mult, feature, ironic = token_multipliers(batch, model.weights_, model._scope())
    negator = negator_of(batch, model.negation_window)
    negated = negation_mask(batch, model.negation_window, model.weights_) | (ironic & model.ironic_praise)
    contrast_seen = np.cumsum((batch.role & T.CONTRAST) != 0) > 0
    n_terms = len(model.weights_)
    found = []
    for i in np.flatnonzero(feature >= 0):
        column = feature[i] + n_terms * bool(negated[i])
        value = float(model.coef_[column] * mult[i])
        if value == 0:
            continue
        found.append({"term": str(model.feature_names_[feature[i]]), "value": value,
                      "negator": str(batch.canon[negator[i]]) if negator[i] >= 0 and negated[i] else
                      ("(pujian ironis)" if ironic[i] and model.ironic_praise else None),
                      "after_contrast": bool(contrast_seen[i] and (batch.role & T.CONTRAST).any())})
    return found


def _reason(item: dict[str, Any]) -> str:
    term = f"\"{item['term']}\""
    if item["negator"] == "(pujian ironis)":
        text = f"{term} dibaca ironis"
    elif item["negator"]:
        text = f"{term} dinegasikan oleh \"{item['negator']}\""
    else:
        text = term
    details = [_number(item["value"])]
    if item["after_contrast"]:
        details.append("setelah kata pembalik")
    return f"{text} ({', '.join(details)})"


def explain_post(model: LexiconSentimentModel, text: object, label: str | None = None) -> str:
    """One Indonesian sentence: the label and the evidence for it (strongest first).

    Args:
        model: the fitted lexicon model (its evidence explains any model that uses it).
        text: the post (None/NaN = empty).
        label: the label to explain (e.g. a trained model's); the lexicon model's own when None.
    """
    text = text if isinstance(text, str) else ""
    matrix = model.transform([text])
    score = float(model.score_matrix(matrix)[0])
    if label is None:
        label = str(model.classes_[model.proba_from_scores(np.array([score])).argmax(axis=1)[0]])
    evidence = sorted(_evidence(model, text), key=lambda item: -abs(item["value"]))
    sign = {"positive": 1, "negative": -1}.get(label, 0)
    backing = [e for e in evidence if sign == 0 or np.sign(e["value"]) == sign] or evidence
    reasons = [_reason(e) for e in backing[:MAX_REASONS]]
    counts = model.extra_counts(matrix)
    notes = _notes(model, counts, evidence)
    name = SENTIMENT_LABELS.get(label, label)
    if not evidence:
        return f"{name}: tidak ada kata bermuatan sentimen" + (f"; {notes}" if notes else "")
    if label == "neutral":
        head = f"{name}: bukti lemah atau seimbang (skor {_number(score)})"
        return head + f": {'; '.join(reasons)}" + (f"; {notes}" if notes else "")
    return f"{name} karena {'; '.join(reasons)}" + (f"; {notes}" if notes else "")


def _notes(model: LexiconSentimentModel, counts: dict[str, np.ndarray], evidence: list[dict]) -> str:
    notes = []
    has_negative = any(e["value"] < 0 for e in evidence)
    if counts["_sarcasm"][0] or (counts["_soft_sarcasm"][0] and has_negative):
        notes.append("ada penanda sindiran, pujian dibaca terbalik")
    if counts["_neutral_cue"][0] and not counts["_personal"][0]:
        notes.append("gaya berita/pengumuman, bobot dikurangi")
    if counts["_info_question"][0] and counts["_question"][0] and not counts["_rhetorical"][0]:
        notes.append("pertanyaan meminta informasi, bobot dikurangi")
    return "; ".join(notes)


def explain_posts(texts: Iterable[object], labels: Iterable[str] | None = None,
                  model: LexiconSentimentModel | None = None) -> list[str]:
    """:func:`explain_post` for many posts (a Python loop: for tables and exports, not the pipeline)."""
    if model is None:
        from monitoring.sentiment.model import default_model

        model = default_model()
    texts = as_text_list(texts)
    labels = [None] * len(texts) if labels is None else list(labels)
    return [explain_post(model, text, label) for text, label in zip(texts, labels)]
