"""The swappable over-segmentation stage of :class:`monitoring.issues.model.IssueModel`.

A clusterer turns the rows of a matrix into ``n_clusters`` micro-clusters. :class:`KMeansClusterer`
(spherical MiniBatchKMeans on the LSA projection) is the default; :class:`NMFClusterer` works on the
TF-IDF matrix itself; any subclass of :class:`Clusterer` can replace them.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import NMF


class Clusterer:
    """Base of the swappable clustering stage: rows of a matrix -> one of ``n_clusters`` ids.

    ``uses_reduced`` says which matrix the stage wants: the L2-normalised LSA projection
    (True) or the non-negative TF-IDF matrix (False). Subclasses implement ``fit_predict``.
    """

    uses_reduced = True

    def fit_predict(self, X: np.ndarray | sparse.spmatrix, n_clusters: int, random_state: int,
                    sample_weight: np.ndarray | None = None) -> np.ndarray:
        """Return an int array of cluster ids in ``[0, n_clusters)``, one per row of ``X``.

        ``sample_weight`` (one per row) is how much a row counts; clusterers may ignore it.
        """
        raise NotImplementedError


class KMeansClusterer(Clusterer):
    """Default stage: MiniBatchKMeans on L2-normalised vectors (spherical k-means)."""

    def __init__(self, batch_size: int = 4096, n_init: int = 3, max_iter: int = 100):
        self.batch_size = batch_size
        self.n_init = n_init
        self.max_iter = max_iter

    def fit_predict(self, X, n_clusters, random_state, sample_weight=None):
        model = MiniBatchKMeans(
            n_clusters=n_clusters, batch_size=self.batch_size, n_init=self.n_init,
            max_iter=self.max_iter, random_state=random_state,
        )
        return model.fit_predict(X, sample_weight=sample_weight)


class NMFClusterer(Clusterer):
    """Alternative stage: NMF topics on TF-IDF; each document goes to its strongest topic (unweighted)."""

    uses_reduced = False

    def __init__(self, max_iter: int = 200, init: str = "nndsvda"):
        self.max_iter = max_iter
        self.init = init

    def fit_predict(self, X, n_clusters, random_state, sample_weight=None):
        model = NMF(n_components=n_clusters, init=self.init, max_iter=self.max_iter, random_state=random_state)
        return np.asarray(model.fit_transform(X).argmax(axis=1))
