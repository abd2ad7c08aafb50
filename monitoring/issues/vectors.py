"""Cosine geometry of L2-normalised TF-IDF rows, shared by issues and narratives.

Centroids (:func:`centroids`), spherical k-means from a given partition (:func:`spherical_kmeans`,
:func:`refine_partition`),
the mean pairwise similarity inside clusters (:func:`mean_pairwise_similarity`) and sparse
top-term centroids (:func:`sparse_top_terms`).
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize


def one_hot(assigned: np.ndarray, n_clusters: int | None = None,
            weights: np.ndarray | None = None) -> sparse.csr_matrix:
    """(clusters x rows) indicator matrix of ``assigned`` (ids in ``[0, n_clusters)``), optionally weighted."""
    n = int(assigned.max()) + 1 if n_clusters is None else n_clusters
    values = np.ones(len(assigned)) if weights is None else np.asarray(weights, dtype=np.float64)
    return sparse.csr_matrix((values, (assigned, np.arange(len(assigned)))), shape=(n, len(assigned)))


def centroids(X: sparse.csr_matrix, assigned: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """L2-normalised (weighted) mean TF-IDF vector per non-empty cluster, renumbered 0..k-1."""
    present, compact = np.unique(assigned, return_inverse=True)
    return normalize(np.asarray((one_hot(compact, len(present), weights) @ X).todense(), dtype=np.float32))


def spherical_kmeans(X: sparse.csr_matrix, assigned: np.ndarray, n_iter: int = 10,
                     weights: np.ndarray | None = None) -> np.ndarray:
    """Refine an initial assignment by spherical k-means; centroids ordered by cluster size."""
    for _ in range(n_iter):
        current = centroids(X, assigned, weights)
        new = np.asarray(X @ current.T).argmax(axis=1)
        if np.array_equal(new, np.unique(assigned, return_inverse=True)[1]):
            break
        assigned = new
    current = centroids(X, assigned, weights)
    sizes = np.bincount(np.asarray(X @ current.T).argmax(axis=1), minlength=len(current))
    return current[np.argsort(-sizes, kind="stable")]


def refine_partition(X: sparse.csr_matrix, kept: np.ndarray, groups: np.ndarray, *, near: float) -> np.ndarray:
    """Spherical k-means from the partition ``groups`` of the ``kept`` rows; the other rows take part
    when at least ``near`` similar to a starting centroid (joining the nearest)."""
    start = centroids(X[kept], groups[kept])
    similarity = np.asarray(X @ start.T)
    used = kept | (similarity.max(axis=1) >= near)
    return spherical_kmeans(X[used], np.where(kept, groups, similarity.argmax(axis=1))[used])


def mean_pairwise_similarity(X: sparse.csr_matrix, assigned: np.ndarray) -> np.ndarray:
    """Per cluster, the mean cosine similarity between two different members (0 for singletons).

    With unit rows x_i and s = sum x_i: sum over i != j of x_i . x_j = |s|^2 - n. Unlike the
    similarity to the centroid, this does not grow for small clusters of unrelated posts.
    """
    n = np.bincount(assigned).astype(float)
    sums = one_hot(assigned, len(n)) @ X
    squared = np.asarray(sums.multiply(sums).sum(axis=1)).ravel()
    return np.where(n > 1, (squared - n) / np.maximum(n * (n - 1), 1), 0.0)


def sparse_top_terms(dense: np.ndarray, size: int) -> sparse.csr_matrix:
    """Each row's ``size`` largest weights (the rest zero), rows L2-normalised, as float32 CSR.

    A centroid of a few hundred short posts holds nearly all its weight in its top terms; keeping
    only those makes many centroids cheap to store and to multiply with.
    """
    dense = np.asarray(dense, dtype=np.float32)
    if dense.shape[1] > size:
        cut = np.argpartition(-dense, size - 1, axis=1)[:, :size]
        kept = np.zeros_like(dense)
        np.put_along_axis(kept, cut, np.take_along_axis(dense, cut, axis=1), axis=1)
        dense = kept
    return sparse.csr_matrix(normalize(dense), dtype=np.float32)
