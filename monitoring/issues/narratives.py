"""Narratives: the framings inside one issue ("jual negara", "investor asing", "anak cucu").

An issue is what people talk about (a regulation, a programme, an event); its narratives are how
they talk about it. Comments under one post about a housing-savings regulation say "selling the
country", "foreign investors take the money", "our grandchildren will pay": different words, one
subject. The issue level merges them (:class:`monitoring.issues.model.IssueModel`); this module
finds them again inside each issue, so they are shown as framings instead of crowding the issue list.

:func:`fit_narratives` clusters the fit sample's documents of each issue on their own
(``max(1, round(docs / docs_per_narrative))`` clusters, at most ``max_narratives``, on a sample of at
most ``sample`` documents): spherical k-means on the TF-IDF rows, each document weighted as in the
issue fit. Narratives whose centroids are at least ``same`` similar are one; narratives holding less
than ``min_share`` of the issue's weight join their nearest neighbour; an issue left with a single
narrative has none (its narrative would be the issue itself). Centroids keep their ``top_terms``
largest weights (:func:`monitoring.issues.vectors.sparse_top_terms`): cheap to store and to use.

:func:`assign_narratives` gives each document the most similar narrative of its own issue (-1 when
the issue has none): a pure function of the model's arrays and one chunk of TF-IDF rows, so it runs
per chunk wherever the chunks are. :func:`describe_narratives` ranks each narrative's terms by
class-based TF-IDF among the narratives of the same issue, so the subject words every narrative
shares (the regulation's name) rank low and the framing's own words high.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import MiniBatchKMeans

from monitoring.issues.labels import (
    class_tfidf,
    showable_terms,
    term_profile,
    top_terms,
)
from monitoring.issues.vectors import centroids, sparse_top_terms

DOCS_PER_NARRATIVE = 50  # about one narrative per this many documents of an issue
MAX_NARRATIVES = 8
SAMPLE = 2_000           # documents of one issue clustered, at most
SAME = 0.5               # narratives at least this similar (cosine of centroids) are one
MIN_SHARE = 0.04         # smaller narratives join their nearest one
TOP_TERMS = 400          # weights kept per narrative centroid


@dataclass
class NarrativeFit:
    """Narratives of every issue: ``centroids`` (narratives x terms, sparse) and ``issue`` (parent)."""

    centroids: sparse.csr_matrix
    issue: np.ndarray


def fit_narratives(X: sparse.csr_matrix, issues: np.ndarray, n_issues: int, *, weights: np.ndarray | None = None,
                   max_narratives: int = MAX_NARRATIVES, docs_per_narrative: int = DOCS_PER_NARRATIVE,
                   sample: int = SAMPLE, same: float = SAME, min_share: float = MIN_SHARE,
                   random_state: int = 0) -> NarrativeFit:
    """Narratives of the issues ``0..n_issues-1`` from TF-IDF rows ``X`` and their issue (-1 = noise).

    Narratives are numbered issue by issue (the first issue's narratives first), biggest first
    within an issue.
    """
    weights = np.ones(X.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    rng = np.random.default_rng(random_state)
    parts, parents = [], []
    for issue in range(n_issues):
        rows = np.flatnonzero(issues == issue)
        if len(rows) > sample:
            rows = np.sort(rng.choice(rows, sample, replace=False))
        k = min(max_narratives, max(1, round(len(rows) / docs_per_narrative)))
        if k < 2:
            continue
        found = _issue_narratives(X[rows], weights[rows], k, same=same, min_share=min_share,
                                  random_state=random_state)
        if found is not None:
            parts.append(found)
            parents.extend([issue] * found.shape[0])
    if not parts:
        return NarrativeFit(sparse.csr_matrix((0, X.shape[1]), dtype=np.float32), np.zeros(0, dtype=np.int64))
    return NarrativeFit(sparse.vstack([sparse_top_terms(p, TOP_TERMS) for p in parts]).tocsr(),
                        np.array(parents, dtype=np.int64))


def _issue_narratives(X: sparse.csr_matrix, weights: np.ndarray, k: int, *, same: float, min_share: float,
                      random_state: int) -> np.ndarray | None:
    """Dense centroids of one issue's narratives (biggest first), or None when fewer than two remain."""
    model = MiniBatchKMeans(n_clusters=k, n_init=1, batch_size=4096, random_state=random_state)
    labels = np.unique(model.fit_predict(X, sample_weight=weights), return_inverse=True)[1]
    current = centroids(X, labels, weights)
    if len(current) > 1:  # near-duplicate narratives are one
        merged = fcluster(linkage(current, "average", "cosine"), 1 - same, "distance") - 1
        labels = merged[labels]
        current = centroids(X, labels, weights)
        labels = np.unique(labels, return_inverse=True)[1]
    while len(current) > 1:  # the smallest narrative below min_share joins its nearest neighbour
        share = np.bincount(labels, weights=weights, minlength=len(current)) / weights.sum()
        smallest = int(np.argmin(share))
        if share[smallest] >= min_share:
            break
        similarity = current @ current[smallest]
        similarity[smallest] = -np.inf
        labels = np.where(labels == smallest, int(np.argmax(similarity)), labels)
        labels = np.unique(labels, return_inverse=True)[1]
        current = centroids(X, labels, weights)
    if len(current) < 2:
        return None
    size = np.bincount(labels, weights=weights, minlength=len(current))
    return current[np.argsort(-size, kind="stable")]


def assign_narratives(X: sparse.csr_matrix, issues: np.ndarray, narrative_centroids: sparse.csr_matrix,
                      narrative_issue: np.ndarray) -> np.ndarray:
    """The most similar narrative of each row's issue (index into the narratives), -1 without one."""
    out = np.full(X.shape[0], -1, dtype=np.int64)
    for issue in np.unique(narrative_issue):
        rows = np.flatnonzero(issues == issue)
        if not len(rows):
            continue
        own = np.flatnonzero(narrative_issue == issue)
        similarity = (X[rows] @ narrative_centroids[own].T).toarray()
        out[rows] = own[similarity.argmax(axis=1)]
    return out


def describe_narratives(X: sparse.csr_matrix, issues: np.ndarray, narratives: np.ndarray,
                        narrative_issue: np.ndarray, terms: np.ndarray, *,
                        stopwords=()) -> tuple[list[list[str]], list[dict[str, float]]]:
    """(top terms, term profile) per narrative, ranked among the narratives of the same issue."""
    n = len(narrative_issue)
    tops: list[list[str]] = [[] for _ in range(n)]
    profiles: list[dict[str, float]] = [{} for _ in range(n)]
    allowed = showable_terms(terms, stopwords) if n else None
    for issue in np.unique(narrative_issue):
        own = np.flatnonzero(narrative_issue == issue)
        rows = np.flatnonzero((issues == issue) & (narratives >= 0))
        if not len(rows):
            continue
        local = np.searchsorted(own, narratives[rows])
        weights = class_tfidf(X[rows], local, len(own))
        for index, row, top in zip(own, weights, top_terms(weights, terms, n=10, allowed=allowed)):
            tops[index], profiles[index] = top, term_profile(row, terms)
    return tops, profiles
