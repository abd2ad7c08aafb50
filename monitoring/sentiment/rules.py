"""Scope rules of the lexicon model as numpy operations on a :class:`TokenBatch`.

Each rule gives every token a multiplier (>= 0) or a flag; the model multiplies them into the
lexicon weights:

- negation: ``tidak/gak/belum/bukan/kurang`` negate up to ``window`` tokens, not past a clause
  break; ``jangan`` negates only praise ("jangan senang dulu"), a plea against harm stays negative;
- intensifiers and softeners: ``sangat X``, ``X banget``, ``agak X``;
- ironic praise: praise glued to a harm word ("juara korupsi") is read as negated;
- contrast: after ``tapi/namun/padahal`` a clause weighs more, before it less; a ``walaupun``
  clause weighs less;
- the last sentence of a post with several sentences weighs more: it usually carries the stance.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monitoring.sentiment.tokens import (
    BOUNDARY,
    CONCESSIVE,
    CONTRAST,
    DIM,
    EMOJI,
    NEG,
    POST,
    PRE,
    PROHIBIT,
    SEP,
    TokenBatch,
)

IRONY_MIN = 1.0     # weight (in absolute value) of a harm word that makes praise right before it ironic


@dataclass(frozen=True)
class ScopeWeights:
    """Multipliers of the scope rules (see :class:`~monitoring.sentiment.lexicon.LexiconSentimentModel`)."""

    intensifier: float = 1.5
    diminisher: float = 0.5
    contrast_before: float = 0.5
    contrast_after: float = 1.5
    concessive: float = 0.5
    last_sentence: float = 1.0
    concessive_window: int = 8


def scope_mask(marker: np.ndarray, boundary: np.ndarray, window: int) -> np.ndarray:
    """True for tokens within ``window`` tokens after a marker, not crossing a boundary."""
    idx = np.arange(len(marker))
    last_marker = np.maximum.accumulate(np.where(marker, idx, -1))
    last_boundary = np.maximum.accumulate(np.where(boundary, idx, -1))
    return (last_marker > last_boundary) & (idx - last_marker <= window) & (idx != last_marker)


def next_target(role: np.ndarray, doc: np.ndarray, bit: int) -> np.ndarray:
    """Index of the word a pre-modifier acts on: the next token, skipping one negator."""
    pos = np.flatnonzero(role & bit)
    target = pos + 1
    keep = target < len(role)
    pos, target = pos[keep], target[keep]
    skip = (role[target] & (NEG | PROHIBIT)) != 0
    target = np.minimum(target + skip, len(role) - 1)
    return target[(doc[target] == doc[pos]) & ((role[target] & BOUNDARY) == 0)]


def last_sentence_mask(batch: TokenBatch) -> np.ndarray:
    """True for the tokens of the last sentence of posts that have more than one sentence."""
    role, doc = batch.role, batch.doc
    sentence = np.cumsum((role & BOUNDARY) != 0)
    content = np.flatnonzero((role & BOUNDARY) == 0)
    mask = np.zeros(len(role), dtype=bool)
    if len(content) == 0:
        return mask
    content_doc = doc[content]
    ends = np.r_[np.flatnonzero(np.diff(content_doc)), len(content) - 1]
    starts = np.r_[0, ends[:-1] + 1]
    first = np.full(batch.n_docs + 1, -1)
    last = np.full(batch.n_docs + 1, -1)
    first[content_doc[ends]] = sentence[content[starts]]
    last[content_doc[ends]] = sentence[content[ends]]
    several = first[content_doc] < last[content_doc]
    mask[content] = several & (sentence[content] == last[content_doc])
    return mask


def token_multipliers(batch: TokenBatch, weights: np.ndarray,
                      scope: ScopeWeights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-token multipliers (>= 0), the features that remain, and ironic praise to read as negated."""
    feature, role, doc = batch.feature.copy(), batch.role, batch.doc
    mult = np.ones(len(feature))
    base = np.where(feature >= 0, weights[np.maximum(feature, 0)], 0.0)
    # post-intensifier ("mahal banget", "keren parah"): boosts the previous sentiment word and goes silent
    hit = np.flatnonzero((role[1:] & POST != 0) & (base[:-1] != 0)) + 1
    mult[hit - 1] *= scope.intensifier
    feature[hit] = -1
    base[hit] = 0.0
    # praise glued to a harm word ("juara korupsi", "cepat rusak") is ironic: read it as negated
    # (a weak complaint particle after praise, "bagus sih", is not a harm word)
    ironic = np.zeros(len(feature), dtype=bool)
    ironic[:-1] = (base[:-1] > 0) & (base[1:] <= -IRONY_MIN)
    mult[next_target(role, doc, PRE)] *= scope.intensifier
    mult[next_target(role, doc, DIM)] *= scope.diminisher
    # contrast ("bagus, tapi mahal"): the clause after the marker weighs more, the one before less
    contrast = (role & CONTRAST) != 0
    if contrast.any():
        seen = np.cumsum(contrast)
        start = np.concatenate([[0], seen[role & SEP != 0]])
        seen_in_doc = seen - start[doc] > 0
        doc_has = np.bincount(doc, weights=contrast, minlength=batch.n_docs + 1)[doc] > 0
        mult *= np.where(seen_in_doc, scope.contrast_after, np.where(doc_has, scope.contrast_before, 1.0))
    boundary = (role & BOUNDARY) != 0
    conc = (role & CONCESSIVE) != 0
    if conc.any():
        mult[scope_mask(conc, boundary, scope.concessive_window)] *= scope.concessive
    if scope.last_sentence != 1.0:
        mult[last_sentence_mask(batch)] *= scope.last_sentence
    return mult, feature, ironic


def negation_mask(batch: TokenBatch, window: int, weights: np.ndarray | None = None) -> np.ndarray:
    """True for tokens inside a negator's scope (up to ``window`` tokens, not past a clause break).

    With lexicon ``weights``, a prohibitive ("jangan") negates only positive terms.
    """
    role = batch.role
    stop = (role & (BOUNDARY | CONTRAST)) != 0
    negated = scope_mask((role & NEG) != 0, stop, window)
    prohibited = scope_mask((role & PROHIBIT) != 0, stop, window)
    if weights is not None:
        feature = batch.feature
        prohibited &= np.where(feature >= 0, weights[np.maximum(feature, 0)], 0.0) > 0
    return (negated | prohibited) & ((role & EMOJI) == 0)


def negator_of(batch: TokenBatch, window: int) -> np.ndarray:
    """Index of the negator whose scope each token is in (-1 outside any), for explanations."""
    role = batch.role
    idx = np.arange(len(role))
    marker = (role & (NEG | PROHIBIT)) != 0
    last_marker = np.maximum.accumulate(np.where(marker, idx, -1))
    return np.where(negation_mask(batch, window), last_marker, -1)
