"""Issue detection: TF-IDF on post tokens, a swappable clustering stage, centroid assignment.

``IssueModel`` follows scikit-learn conventions. ``fit`` takes deduplicated token lists (one
per duplicate group, see :mod:`monitoring.dedup`), fits on a random sample of at most
``fit_sample`` of them and learns:

- ``vectorizer_``: a ``TfidfVectorizer`` over unigrams + bigrams of the tokens
  (``analyzer=document_terms``, ``sublinear_tf``, ``min_df`` / ``max_df`` / ``max_features``);
- ``n_issues_``: ``n_issues`` when given, else chosen automatically: the clustering stage runs
  for every k of a grid inside ``k_range`` on a sample of ``selection_sample`` documents, and
  the k with the highest mean silhouette (cosine, in the reduced space) wins;
- ``centroids_``: per cluster, the L2-normalised mean TF-IDF vector of its documents;
- ``threshold_``: documents whose cosine similarity to every centroid is below it are noise
  (-1). Unless ``min_similarity`` is given it is the ``noise_quantile`` quantile of the
  training documents' similarity to their own centroid, so it follows the corpus' density;
- ``labels_`` (cluster per input document), ``top_terms_`` and ``term_weights_`` (class-based
  TF-IDF per cluster, see :mod:`monitoring.issue_labels`).

``predict`` assigns any number of documents, in chunks, with a vectorised re-implementation
of ``vectorizer_.transform`` (identical output, about 10x faster than the per-document
analyzer at a million posts). Documents with fewer than ``min_tokens`` tokens are noise.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from monitoring.dedup import token_arrays
from monitoring.errors import ModelError
from monitoring.issue_labels import class_tfidf, document_terms, top_terms

K_GRID = (2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 60)


class Clusterer:
    """Base of the swappable clustering stage: rows of a matrix -> one of ``n_clusters`` ids.

    ``uses_reduced`` says which matrix the stage wants: the L2-normalised LSA projection
    (True) or the non-negative TF-IDF matrix (False). Subclasses implement ``fit_predict``.
    """

    uses_reduced = True

    def fit_predict(self, X: np.ndarray | sparse.spmatrix, n_clusters: int, random_state: int) -> np.ndarray:
        """Return an int array of cluster ids in ``[0, n_clusters)``, one per row of ``X``."""
        raise NotImplementedError


class KMeansClusterer(Clusterer):
    """Default stage: MiniBatchKMeans on L2-normalised vectors (spherical k-means)."""

    def __init__(self, batch_size: int = 4096, n_init: int = 3, max_iter: int = 100):
        self.batch_size = batch_size
        self.n_init = n_init
        self.max_iter = max_iter

    def fit_predict(self, X, n_clusters, random_state):
        model = MiniBatchKMeans(
            n_clusters=n_clusters, batch_size=self.batch_size, n_init=self.n_init,
            max_iter=self.max_iter, random_state=random_state,
        )
        return model.fit_predict(X)


class NMFClusterer(Clusterer):
    """Alternative stage: NMF topics on TF-IDF; each document goes to its strongest topic."""

    uses_reduced = False

    def __init__(self, max_iter: int = 200, init: str = "nndsvda"):
        self.max_iter = max_iter
        self.init = init

    def fit_predict(self, X, n_clusters, random_state):
        model = NMF(n_components=n_clusters, init=self.init, max_iter=self.max_iter, random_state=random_state)
        return np.asarray(model.fit_transform(X).argmax(axis=1))


class IssueModel:
    """Cluster posts into issues; see the module docstring for what is learned.

    Args:
        n_issues: number of issues, or None to choose it automatically.
        min_df: a term must occur in at least this many sampled documents (int) or share.
        max_df: terms in more than this share of documents are dropped (too general).
        max_features: vocabulary size limit (most frequent terms kept).
        n_components: LSA dimensions for clustering and k selection; None clusters TF-IDF directly.
        k_range: inclusive bounds of the automatic k search.
        fit_sample: at most this many documents are used to fit.
        selection_sample: documents used to score each candidate k.
        min_tokens: documents with fewer tokens are noise.
        min_similarity: fixed noise threshold (cosine to the nearest centroid); None = learned.
        noise_quantile: quantile of training similarities used as the learned threshold.
        clusterer: a :class:`Clusterer`; default :class:`KMeansClusterer`.
        stopwords: words never shown in ``top_terms_``.
        random_state: seed for sampling and clustering.
    """

    def __init__(self, n_issues: int | None = None, *, min_df: int | float = 2, max_df: float = 0.5,
                 max_features: int = 30_000, n_components: int | None = 100,
                 k_range: tuple[int, int] = (2, 40), fit_sample: int = 50_000, selection_sample: int = 4_000,
                 min_tokens: int = 2, min_similarity: float | None = None, noise_quantile: float = 0.05,
                 clusterer: Clusterer | None = None, stopwords: Iterable[str] = (), random_state: int = 0):
        self.n_issues = n_issues
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.n_components = n_components
        self.k_range = k_range
        self.fit_sample = fit_sample
        self.selection_sample = selection_sample
        self.min_tokens = min_tokens
        self.min_similarity = min_similarity
        self.noise_quantile = noise_quantile
        self.clusterer = clusterer
        self.stopwords = stopwords
        self.random_state = random_state

    def fit(self, token_lists: Iterable[Sequence[str]] | pd.Series, y=None) -> IssueModel:
        """Learn the vocabulary, the number of issues and the centroids; returns self.

        Raises:
            ModelError: too few usable documents to find issues.
        """
        tokens = _as_series(token_lists)
        rng = np.random.default_rng(self.random_state)
        usable = np.flatnonzero(tokens.map(len).to_numpy() >= self.min_tokens)
        sample = np.sort(rng.choice(usable, size=min(self.fit_sample, len(usable)), replace=False))
        X = self._fit_vectorizer(tokens.iloc[sample])
        X = X[X.getnnz(axis=1) > 0]
        space = self._reduce(X)
        k = self.n_issues or self._select_k(space, X, rng)
        if not 1 <= k <= X.shape[0]:
            raise ModelError(f"Jumlah isu ({k}) harus antara 1 dan jumlah unggahan unik ({X.shape[0]}).")
        clusterer = self.clusterer or KMeansClusterer()
        assigned = clusterer.fit_predict(space if clusterer.uses_reduced else X, k, self.random_state)
        self.centroids_ = _centroids(X, assigned)
        self.n_issues_ = self.centroids_.shape[0]
        self._encoder = _TermEncoder(self.vectorizer_)
        similarity = (X @ self.centroids_.T).max(axis=1)
        self.threshold_ = (
            float(self.min_similarity) if self.min_similarity is not None
            else float(np.quantile(similarity, self.noise_quantile))
        )
        self.labels_ = self.predict(tokens)
        self._describe(X)
        return self

    def fit_predict(self, token_lists: Iterable[Sequence[str]] | pd.Series, y=None) -> np.ndarray:
        """``fit(token_lists).labels_``."""
        return self.fit(token_lists).labels_

    def predict(self, token_lists: Iterable[Sequence[str]] | pd.Series, *, chunk_size: int = 200_000) -> np.ndarray:
        """Issue index per document, or -1 for noise (too few tokens / far from every centroid)."""
        if not hasattr(self, "centroids_"):
            raise NotFittedError("IssueModel belum dilatih: panggil fit() sebelum predict().")
        tokens = _as_series(token_lists)
        out = np.full(len(tokens), -1, dtype=np.int64)
        for start in range(0, len(tokens), chunk_size):
            chunk = tokens.iloc[start:start + chunk_size]
            X, lengths = self._encoder.transform(chunk)
            similarity = np.asarray(X @ self.centroids_.T)
            best = similarity.argmax(axis=1)
            keep = (similarity[np.arange(len(best)), best] >= self.threshold_) & (lengths >= self.min_tokens)
            out[start:start + len(chunk)] = np.where(keep, best, -1)
        return out

    def transform(self, token_lists: Iterable[Sequence[str]] | pd.Series) -> sparse.csr_matrix:
        """TF-IDF matrix of the documents (same as ``vectorizer_.transform`` on their terms)."""
        if not hasattr(self, "_encoder"):
            raise NotFittedError("IssueModel belum dilatih: panggil fit() sebelum transform().")
        return self._encoder.transform(_as_series(token_lists))[0]

    # -- fitting steps ---------------------------------------------------------------------
    def _fit_vectorizer(self, tokens: pd.Series) -> sparse.csr_matrix:
        if len(tokens) < 2:
            raise ModelError("Terlalu sedikit unggahan berisi teks untuk mencari isu (minimal 2).")
        self.vectorizer_ = TfidfVectorizer(
            analyzer=document_terms, min_df=self.min_df, max_df=self.max_df, max_features=self.max_features,
            sublinear_tf=True, dtype=np.float32,
        )
        try:
            return self.vectorizer_.fit_transform(tokens.tolist()).tocsr()
        except ValueError as err:  # every term pruned by min_df / max_df
            raise ModelError(
                "Kosakata unggahan terlalu sedikit untuk mencari isu. Tambah data atau turunkan min_df."
            ) from err

    def _reduce(self, X: sparse.csr_matrix) -> np.ndarray | sparse.csr_matrix:
        if not self.n_components or min(X.shape) <= self.n_components + 1:
            return X
        svd = TruncatedSVD(n_components=self.n_components, random_state=self.random_state)
        return normalize(svd.fit_transform(X))

    def _select_k(self, space, X, rng: np.random.Generator) -> int:
        clusterer = self.clusterer or KMeansClusterer()
        matrix = space if clusterer.uses_reduced else X
        rows = np.sort(rng.choice(matrix.shape[0], size=min(self.selection_sample, matrix.shape[0]), replace=False))
        sub = matrix[rows]
        low, high = self.k_range
        grid = [k for k in K_GRID if low <= k <= min(high, len(rows) - 1)] or [max(1, min(low, len(rows) - 1))]
        scores = {}
        for k in grid:
            labels = clusterer.fit_predict(sub, k, self.random_state)
            scores[k] = silhouette_score(sub, labels, metric="cosine") if len(set(labels)) > 1 else -1.0
        self.k_scores_ = scores
        return max(scores, key=scores.get)

    def _describe(self, X: sparse.csr_matrix) -> None:
        assigned = np.asarray(X @ self.centroids_.T).argmax(axis=1)
        similarity = np.asarray(X @ self.centroids_.T).max(axis=1)
        classes = np.where(similarity >= self.threshold_, assigned, self.n_issues_)  # noise = background
        weights = class_tfidf(X, classes, self.n_issues_ + 1)[: self.n_issues_]
        terms = self.vectorizer_.get_feature_names_out()
        self.top_terms_ = top_terms(weights, terms, n=10, stopwords=self.stopwords)
        self.term_weights_ = [_profile(row, terms) for row in weights]


def _as_series(token_lists) -> pd.Series:
    if isinstance(token_lists, pd.Series):
        return token_lists.reset_index(drop=True).map(lambda t: t if isinstance(t, (list, tuple, np.ndarray)) else [])
    return pd.Series([list(t) if t is not None else [] for t in token_lists], dtype=object)


def _centroids(X: sparse.csr_matrix, assigned: np.ndarray) -> np.ndarray:
    """L2-normalised mean TF-IDF vector per non-empty cluster, renumbered 0..k-1."""
    present, compact = np.unique(assigned, return_inverse=True)
    one_hot = sparse.csr_matrix((np.ones(len(compact)), (compact, np.arange(len(compact)))),
                                shape=(len(present), X.shape[0]))
    return normalize(np.asarray((one_hot @ X).todense(), dtype=np.float32))


def _profile(row: np.ndarray, terms: np.ndarray, size: int = 50) -> dict[str, float]:
    """Top ``size`` terms of a class-TF-IDF row as an L2-normalised {term: weight} dict."""
    order = np.argsort(-row, kind="stable")[:size]
    order = order[row[order] > 0]
    norm = float(np.linalg.norm(row[order])) or 1.0
    return {str(terms[i]): round(float(row[i]) / norm, 6) for i in order}


class _TermEncoder:
    """Vectorised equivalent of ``TfidfVectorizer.transform`` for the analyzer ``document_terms``.

    Tokens are factorised once per chunk; unigram columns come from a token -> column table and
    bigram columns from integer pair keys, so no Python work happens per token.
    """

    def __init__(self, vectorizer: TfidfVectorizer):
        vocabulary = vectorizer.vocabulary_
        words = sorted({w for term in vocabulary for w in term.split(" ")})
        self.words = pd.Index(words)
        self.unigram_column = np.array([vocabulary.get(w, -1) for w in words], dtype=np.int64)
        pairs = [(term.split(" "), col) for term, col in vocabulary.items() if " " in term]
        keys = [self.words.get_loc(a) * len(words) + self.words.get_loc(b) for (a, b), _ in pairs]
        self.bigram_keys = pd.Index(np.array(keys, dtype=np.int64))
        self.bigram_column = np.array([col for _, col in pairs], dtype=np.int64)
        self.idf = vectorizer.idf_.astype(np.float32)
        self.n_terms = len(vocabulary)

    def transform(self, tokens: pd.Series) -> tuple[sparse.csr_matrix, np.ndarray]:
        """(TF-IDF matrix, token count per document)."""
        flat, lengths = token_arrays(tokens)
        doc = np.repeat(np.arange(len(lengths)), lengths)
        codes, uniques = pd.factorize(flat)
        word = self.words.get_indexer(uniques)[codes] if len(flat) else np.zeros(0, dtype=np.int64)
        uni = np.where(word >= 0, self.unigram_column[word], -1)
        same_doc = doc[1:] == doc[:-1]
        both = same_doc & (word[1:] >= 0) & (word[:-1] >= 0)
        bi_index = self.bigram_keys.get_indexer(word[:-1][both] * len(self.words) + word[1:][both])
        bi = self.bigram_column[bi_index[bi_index >= 0]] if len(self.bigram_column) else np.zeros(0, np.int64)
        rows = np.concatenate([doc[uni >= 0], doc[:-1][both][bi_index >= 0]])
        cols = np.concatenate([uni[uni >= 0], bi])
        counts = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(lengths), self.n_terms)
        )
        counts.sum_duplicates()
        counts.data = (np.log(counts.data) + 1) * self.idf[counts.indices]
        return normalize(counts), lengths
