"""Steps 3-4 of the burst stage: groups grown from seed terms, the novelty test, and how the new
issues sit among the global ones.

A group is the recent documents similar to a seed's centroid, cut where they stop being much more
common than in the baseline (:func:`member_threshold`); it is a new issue when it is that much
more common overall, big, varied and coherent enough (:func:`find_bursts`). :func:`recentre`
removes the new issues' documents from the global centroids and :func:`assign` gives each
document its issue. Everything works on L2-normalised TF-IDF rows; see
:mod:`monitoring.issues.bursts` for the whole stage.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from monitoring.issues.burst_settings import (
    COVERED,
    MARGIN,
    MAX_SEEDS,
    MIN_AUTHORS,
    MIN_DOCS,
    MIN_POSTS,
    MIN_RATIO,
    MIN_SIMILARITY,
    SMOOTHING,
    SPLIT_SIMILARITY,
)


@dataclass
class Burst:
    """A group of recent documents that is new: ``members`` index rows of the recent matrix."""

    seed: str
    members: np.ndarray
    centroid: np.ndarray
    threshold: float
    baseline_docs: int
    ratio: float
    coherence: float
    authors: int = 0
    posts: int = 0
    terms: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """JSON-ready description (kept as ``IssueModel.bursts_``)."""
        return {"seed": self.seed, "terms": list(self.terms), "docs": int(len(self.members)), "posts": int(self.posts),
                "authors": int(self.authors), "baseline_docs": int(self.baseline_docs),
                "ratio": round(float(self.ratio), 2), "threshold": round(float(self.threshold), 4),
                "coherence": round(float(self.coherence), 4)}


def member_threshold(recent_sims: np.ndarray, baseline_sims: np.ndarray, *, min_ratio: float = MIN_RATIO,
                     margin: float = MARGIN, min_similarity: float = MIN_SIMILARITY,
                     smoothing: float = SMOOTHING) -> float | None:
    """Similarity cut for the members of a group, or None when the group is not new.

    For a cut ``t``, ``m(t)`` recent documents are at least ``t`` similar and ``e(t)`` =
    (baseline documents at least ``t`` similar + ``smoothing``) x recent size / baseline size of
    them would be expected if the recent window spoke like the baseline. The cut maximises
    ``m - margin * e``: documents keep joining while they are at least ``margin`` times more
    common than before, and stop where the group runs into an older topic. The group is new
    when ``m / e`` is at least ``min_ratio`` at that cut.

    The cut returned lies halfway between the least similar member and the most similar recent
    document left out, so a later post a little less similar than every member still joins, but
    never admits a baseline document the members' cut left out (nor goes below ``min_similarity``).
    """
    n_recent, n_base = len(recent_sims), max(len(baseline_sims), 1)
    candidates = np.sort(recent_sims[recent_sims >= min_similarity])[::-1]  # only these can be cuts
    if not len(candidates):
        return None
    base_high = np.sort(baseline_sims[baseline_sims >= min_similarity])
    members = np.arange(1, len(candidates) + 1)  # documents at least candidates[i] similar (ties aside)
    expected = (len(base_high) - np.searchsorted(base_high, candidates, side="left") + smoothing
                ) * n_recent / n_base
    best = len(candidates) - 1 - int(np.argmax((members - margin * expected)[::-1]))  # lowest cut among ties
    if members[best] / expected[best] < min_ratio:
        return None
    last = float(candidates[best])
    below = recent_sims[recent_sims < last]
    cut = max(min_similarity, (last + (float(below.max()) if len(below) else 0.0)) / 2)
    # ... but no lower than a baseline document the members' cut left out
    left_out = baseline_sims[baseline_sims < last]
    return max(cut, float(np.nextafter(left_out.max(), 1.0))) if len(left_out) else cut


def grow_burst(X_recent: sparse.csr_matrix, X_baseline: sparse.csr_matrix, seed_rows: np.ndarray, *,
               available: np.ndarray | None = None, min_ratio: float = MIN_RATIO,
               min_similarity: float = MIN_SIMILARITY, smoothing: float = SMOOTHING,
               max_iter: int = 8) -> tuple[np.ndarray, np.ndarray, float] | None:
    """(members, centroid, threshold) of the group grown from ``seed_rows``, or None.

    ``available`` masks recent rows that may join (rows of earlier groups may not).
    """
    available = np.ones(X_recent.shape[0], dtype=bool) if available is None else available
    members = seed_rows[available[seed_rows]]
    threshold = None
    for _ in range(max_iter):
        if not len(members):
            return None
        centroid = _unit(np.asarray(X_recent[members].mean(axis=0)).ravel())
        recent_sims = np.where(available, X_recent @ centroid, 0.0)
        baseline_sims = X_baseline @ centroid
        threshold = member_threshold(recent_sims, baseline_sims, min_ratio=min_ratio,
                                     min_similarity=min_similarity, smoothing=smoothing)
        if threshold is None:
            return None
        new = np.flatnonzero(recent_sims >= threshold)
        if np.array_equal(new, members):
            break
        members = new
    return members, centroid, float(threshold)


def grow_distinct(X_recent: sparse.csr_matrix, X_baseline: sparse.csr_matrix, seed_rows: np.ndarray, *,
                  available: np.ndarray, min_docs: int = MIN_DOCS, split_similarity: float = SPLIT_SIMILARITY,
                  max_splits: int = 3, **grow) -> tuple[np.ndarray, np.ndarray, float] | None:
    """:func:`grow_burst`, then split off other new topics the group swallowed.

    Two topics that are both new and share a word ("sopir" in a truck-driver extortion video and an
    angkot drivers' strike) grow into one group: the baseline cannot tell them apart. While a
    two-way split of the members gives halves whose centroids are less than ``split_similarity``
    similar, each of ``min_docs`` documents, the group grows again from the half holding more seed
    rows with the other half barred (it stays free for later seeds).
    """
    allowed = available.copy()
    grown = grow_burst(X_recent, X_baseline, seed_rows, available=allowed, **grow)
    for _ in range(max_splits):
        if grown is None:
            return None
        members = grown[0]
        split = _two_way_split(X_recent[members])
        if split is None or split[1] >= split_similarity or np.bincount(split[0]).min() < min_docs:
            break
        labels = split[0]
        seeded = np.isin(members, seed_rows)
        keep = max((0, 1), key=lambda k: (seeded[labels == k].sum(), (labels == k).sum()))
        allowed[members[labels != keep]] = False
        grown = grow_burst(X_recent, X_baseline, members[labels == keep], available=allowed, **grow)
    return grown


def find_bursts(X_recent: sparse.csr_matrix, X_baseline: sparse.csr_matrix,
                seeds: Sequence[tuple[str, np.ndarray]], authors: Sequence | None = None,
                post_counts: Sequence[int] | None = None, *, min_docs: int = MIN_DOCS, min_posts: int = MIN_POSTS,
                min_authors: int = MIN_AUTHORS, min_ratio: float = MIN_RATIO,
                min_similarity: float = MIN_SIMILARITY, min_coherence: float = 0.0,
                smoothing: float = SMOOTHING, max_seeds: int = MAX_SEEDS) -> list[Burst]:
    """New issues among the recent documents, grown from seed terms in order (see module docstring).

    Args:
        X_recent: L2-normalised TF-IDF rows of the recent documents.
        X_baseline: the same for baseline documents (a random sample is enough).
        seeds: (term, recent rows holding it), strongest first (:func:`bursty_terms`).
        authors: author per recent row.
        post_counts: posts per recent row (duplicate-group size); 1 each by default.
        min_docs, min_posts, min_authors, min_ratio, min_similarity, smoothing: see the module docstring.
        min_coherence: minimal mean pairwise cosine similarity between members.
        max_seeds: seeds tried at most.
    """
    who = None if authors is None else pd.factorize(pd.Series(authors).astype(str))[0]
    weight = np.ones(X_recent.shape[0], dtype=np.int64) if post_counts is None else np.asarray(post_counts)
    available = np.ones(X_recent.shape[0], dtype=bool)
    bursts: list[Burst] = []
    for term, rows in list(seeds)[:max_seeds]:
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0 or (~available[rows]).mean() >= COVERED:
            _attach_term(bursts, term, rows)
            continue
        grown = grow_distinct(X_recent, X_baseline, rows, available=available, min_docs=min_docs,
                              min_ratio=min_ratio, min_similarity=min_similarity, smoothing=smoothing)
        if grown is None:
            continue
        members, centroid, threshold = grown
        n_authors = len(members) if who is None else len(np.unique(who[members]))
        coherence = _mean_pairwise(X_recent[members])
        posts = int(weight[members].sum())
        if len(members) < min_docs or posts < min_posts or n_authors < min_authors or coherence < min_coherence:
            continue
        baseline = int((X_baseline @ centroid >= threshold).sum())
        ratio = (len(members) / X_recent.shape[0]) / ((baseline + smoothing) / max(X_baseline.shape[0], 1))
        bursts.append(Burst(term, members, centroid, threshold, baseline, float(ratio), coherence,
                            n_authors, posts, [term]))
        available[members] = False
    return bursts


def recentre(centroids: np.ndarray, X: sparse.csr_matrix, bursts: Sequence[Burst], threshold: float, *,
             drop_share: float = 0.5) -> np.ndarray:
    """Global centroids without the documents the new issues take.

    Rows of ``X`` are the fit documents; each goes to its nearest centroid if at least ``threshold``
    similar. A centroid that loses at least ``drop_share`` of its documents to new issues was mostly
    the new issue and is dropped; one that loses some is re-centred on the rest.
    """
    new = np.array([b.centroid for b in bursts])
    taken = (np.asarray(X @ new.T) >= np.array([b.threshold for b in bursts])).any(axis=1)
    similarity = np.asarray(X @ centroids.T)
    best = similarity.argmax(axis=1)
    near = similarity[np.arange(len(best)), best] >= threshold
    out = []
    for issue, centroid in enumerate(centroids):
        mine = near & (best == issue)
        lost = int((mine & taken).sum())
        if lost == 0:
            out.append(centroid)
        elif lost < drop_share * mine.sum():
            out.append(_unit(np.asarray(X[mine & ~taken].mean(axis=0)).ravel()))
    return np.array(out, dtype=np.float32).reshape(len(out), centroids.shape[1])


def assign(similarity: np.ndarray, threshold: float, burst_thresholds: np.ndarray) -> np.ndarray:
    """Issue per row of (documents x centroids) similarities, the new issues' columns last; -1 = noise.

    A row at least ``burst_thresholds[j]`` similar to new issue ``j`` goes to the most similar such
    issue; other rows go to the nearest global issue if at least ``threshold`` similar.
    """
    n_global = similarity.shape[1] - len(burst_thresholds)
    out = np.full(similarity.shape[0], -1, dtype=np.int64)
    if n_global:
        best = similarity[:, :n_global].argmax(axis=1)
        out = np.where(similarity[np.arange(len(best)), best] >= threshold, best, -1)
    if len(burst_thresholds):
        new = similarity[:, n_global:]
        eligible = new >= burst_thresholds
        chosen = np.where(eligible, new, -np.inf).argmax(axis=1)
        out = np.where(eligible.any(axis=1), n_global + chosen, out)
    return out

def _attach_term(bursts: list[Burst], term: str, rows: np.ndarray) -> None:
    """Credit a covered seed term to the group holding most of its documents."""
    if not bursts or not len(rows):
        return
    overlap = [np.isin(rows, b.members).sum() for b in bursts]
    bursts[int(np.argmax(overlap))].terms.append(term)


def _two_way_split(X: sparse.csr_matrix, n_iter: int = 10) -> tuple[np.ndarray, float] | None:
    """(half 0/1 per row, cosine of the halves' centroids) by spherical 2-means, or None.

    Deterministic start: the row least similar to the centroid, and the row least similar to it.
    """
    if X.shape[0] < 4:
        return None
    first = int(np.argmin(X @ _unit(np.asarray(X.mean(axis=0)).ravel())))
    second = int(np.argmin(np.asarray((X @ X[first].T).todense()).ravel()))
    centres = np.asarray(X[[first, second]].todense(), dtype=np.float32)
    labels = np.zeros(X.shape[0], dtype=np.int64)
    for _ in range(n_iter):
        new = np.asarray(X @ centres.T).argmax(axis=1)
        if np.bincount(new, minlength=2).min() == 0:
            return None
        centres = np.array([_unit(np.asarray(X[new == k].mean(axis=0)).ravel()) for k in (0, 1)])
        if np.array_equal(new, labels):
            break
        labels = new
    return labels, float(centres[0] @ centres[1])


def _mean_pairwise(X: sparse.csr_matrix) -> float:
    """Mean cosine similarity between two different rows (unit rows): (|sum|^2 - n) / (n(n-1))."""
    n = X.shape[0]
    if n < 2:
        return 0.0
    total = np.asarray(X.sum(axis=0)).ravel()
    return float((total @ total - n) / (n * (n - 1)))


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)
