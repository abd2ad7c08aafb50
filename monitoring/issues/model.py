"""Issue detection: TF-IDF on post tokens, a swappable clustering stage, centroid assignment.

``IssueModel`` follows scikit-learn conventions. ``fit`` takes deduplicated token lists (one
per duplicate group, see :mod:`monitoring.issues.dedup`), fits on a random sample of at most
``fit_sample`` of them and works in four steps, plus a fifth when times are given:

1. TF-IDF: ``vectorizer_`` is a ``TfidfVectorizer`` over unigrams + bigrams of the tokens
   (``analyzer=document_terms``, ``sublinear_tf``, ``min_df`` / ``max_df`` / ``max_features``),
   projected to ``n_components`` LSA dimensions for clustering.
2. Over-segmentation: the clustering stage (:class:`KMeansClusterer` by default,
   :class:`NMFClusterer` as an alternative, or any :class:`Clusterer`) splits the documents
   into ``micro_clusters`` micro-clusters. A micro-cluster whose mean pairwise cosine
   similarity between members is below ``coherence_ratio`` x the median one is chatter: its
   documents are noise.
3. Number of issues: the coherent micro-clusters' centroids are merged by average linkage
   (cosine). Unless ``n_issues`` is given, the dendrogram is cut at the k in ``k_range`` with
   the highest size-weighted silhouette of the micro-cluster centroids (``k_scores_`` keeps
   every score). Measured on the centroids rather than on posts, the silhouette rewards the
   level where groups of sub-topics separate (the "issue" level) instead of ever finer splits;
   it is why automatic k stays below ``micro_clusters``.
4. Refinement: spherical k-means in TF-IDF space from that partition gives ``centroids_``
   (biggest issue first); ``threshold_`` is the similarity that best separates documents of
   coherent and incoherent micro-clusters (capped so at most 10% of issue documents fall
   below it; ``min_similarity`` overrides it).
5. New issues (only when ``fit`` gets ``created_at``): a small topic concentrated in the last
   ``burst_hours`` is absorbed by the steps above (and on a large store is hardly in the fit
   sample), so :mod:`monitoring.issues.bursts` looks at every recent document: bursty terms seed groups,
   and a coherent group of at least ``burst_min_docs`` documents, ``burst_min_posts`` posts and
   ``burst_min_authors`` authors that is ``burst_ratio`` times more common than anything as
   similar in the baseline becomes an issue of its own, appended after the global ones (on top
   of ``n_issues``). The documents holding bursty terms join the vocabulary fit. A global issue
   that was mostly such a group is dropped; others are re-centred without its documents.
   ``bursts_`` describes each new issue and ``window_end_`` is the latest document's time (None
   without ``created_at``), also kept as ``fitted_until_``. Newer documents get their new issues
   from :func:`monitoring.issues.refresh.refresh_recent` without a re-fit: it moves ``window_end_``,
   may add terms (:meth:`IssueModel.learn_terms`) and appends or replaces new issues. In ``predict`` a document at least ``burst_thresholds_[j]`` similar
   to new issue ``j`` goes to it (the most similar such issue); others to the nearest global one.

``labels_`` holds the issue of each input document, ``top_terms_`` / ``term_weights_`` the
class-based TF-IDF terms per issue (:mod:`monitoring.issues.labels`). ``predict`` assigns any
number of documents in chunks with a vectorised equivalent of ``vectorizer_.transform`` (no
Python work per token); -1 marks noise: fewer than ``min_tokens`` tokens, or a similarity to
every centroid below ``threshold_``.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.exceptions import NotFittedError
from sklearn.metrics import silhouette_samples
from sklearn.preprocessing import normalize

from monitoring.errors import ModelError
from monitoring.executors import Executor, default_executor
from monitoring.issues import bursts as B
from monitoring.issues.chunk_tasks import ASSIGN
from monitoring.issues.labels import class_tfidf, term_profile, top_terms
from monitoring.issues.tfidf import TermEncoder, extend_vocabulary, fit_tfidf
from monitoring.store.token_codes import TokenCodes


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
        n_components: LSA dimensions the clustering stage works in; None = TF-IDF directly.
        micro_clusters: clusters of the over-segmentation step; automatic k is below this.
        k_range: inclusive bounds of the automatic k search.
        fit_sample: at most this many documents are used to fit.
        min_tokens: documents with fewer tokens are noise.
        coherence_ratio: micro-clusters less coherent than this share of the median are noise.
        min_similarity: fixed noise threshold (cosine to the nearest centroid); None = learned.
        clusterer: a :class:`Clusterer`; default :class:`KMeansClusterer`.
        stopwords: words never shown in ``top_terms_``.
        random_state: seed for sampling and clustering.
        burst_hours: length of the recent window for new issues; 0 or None disables them.
        burst_min_docs: distinct documents (duplicate groups) a new issue needs.
        burst_min_posts: posts a new issue needs (documents weighted by ``post_counts``).
        burst_min_authors: distinct authors among its documents.
        burst_ratio: how much more common than in the baseline a new issue must be.
        burst_min_similarity: least cosine similarity of a member to the new issue's centroid.
        burst_baseline_sample: baseline documents compared with the recent ones, at most.
    """

    def __init__(self, n_issues: int | None = None, *, min_df: int | float = 2, max_df: float = 0.5,
                 max_features: int = 30_000, n_components: int | None = 100, micro_clusters: int = 24,
                 k_range: tuple[int, int] = (2, 40), fit_sample: int = 50_000, min_tokens: int = 2,
                 coherence_ratio: float = 0.4, min_similarity: float | None = None,
                 clusterer: Clusterer | None = None, stopwords: Iterable[str] = (), random_state: int = 0,
                 burst_hours: float | None = B.RECENT_HOURS, burst_min_docs: int = B.MIN_DOCS,
                 burst_min_posts: int = B.MIN_POSTS, burst_min_authors: int = B.MIN_AUTHORS,
                 burst_ratio: float = B.MIN_RATIO, burst_min_similarity: float = B.MIN_SIMILARITY,
                 burst_baseline_sample: int = B.BASELINE_SAMPLE):
        self.n_issues = n_issues
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.n_components = n_components
        self.micro_clusters = micro_clusters
        self.k_range = k_range
        self.fit_sample = fit_sample
        self.min_tokens = min_tokens
        self.coherence_ratio = coherence_ratio
        self.min_similarity = min_similarity
        self.clusterer = clusterer
        self.stopwords = stopwords
        self.random_state = random_state
        self.burst_hours = burst_hours
        self.burst_min_docs = burst_min_docs
        self.burst_min_posts = burst_min_posts
        self.burst_min_authors = burst_min_authors
        self.burst_ratio = burst_ratio
        self.burst_min_similarity = burst_min_similarity
        self.burst_baseline_sample = burst_baseline_sample

    def fit(self, token_lists: TokenCodes | Iterable[Sequence[str]] | pd.Series, y=None, *,
            created_at: Sequence | pd.Series | None = None, authors: Sequence | pd.Series | None = None,
            post_counts: Sequence[int] | None = None, executor: Executor | None = None) -> IssueModel:
        """Learn the vocabulary, the number of issues and the centroids; returns self.

        Args:
            token_lists: token list per document.
            y: ignored (scikit-learn convention).
            created_at: time per document; enables new issues of the recent window (step 5).
            authors: author per document, for the new issues' author count.
            post_counts: posts each document stands for (duplicate-group size), for their post count.
            executor: where ``labels_`` (every document's issue) are assigned (see :meth:`predict`).

        Raises:
            ModelError: too few usable documents to find issues.
        """
        tokens = TokenCodes.of(token_lists)
        rng = np.random.default_rng(self.random_state)
        usable = np.flatnonzero(tokens.lengths >= self.min_tokens)
        sample = np.sort(rng.choice(usable, size=min(self.fit_sample, len(usable)), replace=False))
        # 0. recent window and its bursty terms; the documents holding them join the vocabulary fit
        info, settings = B.DocumentInfo.of(len(tokens), created_at, authors, post_counts), B.BurstSettings.of(self)
        window, seeds = B.recent_seeds(tokens, usable, info, settings, rng=rng)
        self.window_end_ = self.fitted_until_ = None if window is None else window.end
        rows = np.union1d(sample, B.holding_documents(window, seeds, limit=self.fit_sample, rng=rng))
        X_all = self._fit_vectorizer(tokens.take(rows))
        self.vocabulary_docs_ = X_all.shape[0]
        nonempty = X_all.getnnz(axis=1) > 0
        X = X_all[np.isin(rows, sample) & nonempty]
        # 1. over-segment into micro-clusters; incoherent ones (chatter) are noise
        micro, coherent = self._micro_clusters(X)
        # 2. merge coherent micro-clusters along their dendrogram into k issues
        groups = self._merge(X, micro, coherent)
        # 3. refine with spherical k-means in TF-IDF space, biggest issue first
        kept = coherent[micro]
        self.centroids_ = _spherical_kmeans(X[kept], groups[micro[kept]])
        self._encoder = TermEncoder(self.vectorizer_)
        similarity = np.asarray(X @ self.centroids_.T).max(axis=1)
        self.threshold_ = (
            float(self.min_similarity) if self.min_similarity is not None else _noise_threshold(similarity, kept)
        )
        # 5. new issues: coherent groups concentrated in the recent window get centroids of their own
        min_coherence = self.coherence_ratio * float(np.median(self.micro_coherence_))
        self._add_new_issues(B.new_issues(lambda part: self._encoder.transform(tokens.take(part))[0], window, seeds, info,
                                          settings, min_coherence=min_coherence), X)
        self.n_issues_ = self.centroids_.shape[0]
        self.labels_ = self.predict(tokens, executor=executor)
        self.describe(X_all[nonempty])
        return self

    def fit_predict(self, token_lists: TokenCodes | Iterable[Sequence[str]] | pd.Series, y=None, **fit_params) -> np.ndarray:
        """``fit(token_lists, **fit_params).labels_``."""
        return self.fit(token_lists, **fit_params).labels_

    def predict(self, token_lists: TokenCodes | Iterable[Sequence[str]] | pd.Series, *,
                executor: Executor | None = None) -> np.ndarray:
        """Issue index per document, or -1 for noise (too few tokens / far from every centroid).

        Documents are assigned in chunks (:data:`ASSIGN`) by ``executor`` (default: threads of
        this process); a document's issue depends only on its own tokens, so any chunking and
        any cluster give the same result.
        """
        if not hasattr(self, "centroids_"):
            raise NotFittedError("IssueModel belum dilatih: panggil fit() sebelum predict().")
        tokens = TokenCodes.of(token_lists)
        executor = executor or default_executor()
        out = np.full(len(tokens), -1, dtype=np.int64)
        shared = executor.share(self)
        for (start, stop), labels in executor.run(ASSIGN, len(tokens), tokens.slice, shared):
            out[start:stop] = labels
        executor.release(shared)
        return out

    def predict_chunk(self, tokens: TokenCodes) -> np.ndarray:
        """:meth:`predict` of one chunk, here."""
        X, lengths = self._encoder.transform(tokens)
        best = self._classify(np.asarray(X @ self.centroids_.T))
        return np.where(lengths >= self.min_tokens, best, -1)

    def classify(self, X: sparse.spmatrix) -> np.ndarray:
        """Issue per row of a TF-IDF matrix (:meth:`transform`), -1 for noise; no ``min_tokens`` rule."""
        return self._classify(np.asarray(X @ self.centroids_.T))

    def learn_terms(self, document_frequency: pd.Series) -> int:
        """Add unknown terms ({term: documents holding it}) to the vocabulary; returns how many.

        The IDF is what the fit would have given them; centroids get zero weight on them.
        """
        added = extend_vocabulary(self.vectorizer_, document_frequency,
                                  getattr(self, "vocabulary_docs_", self.fit_sample))
        if added:
            self.centroids_ = np.hstack([self.centroids_, np.zeros((self.centroids_.shape[0], added),
                                                                   dtype=self.centroids_.dtype)])
            self._encoder = TermEncoder(self.vectorizer_)
        return added

    def _classify(self, similarity: np.ndarray) -> np.ndarray:
        """Issue per row of a similarity matrix, -1 for noise (see :func:`monitoring.issues.bursts.assign`)."""
        return B.assign(similarity, self.threshold_, getattr(self, "burst_thresholds_", np.zeros(0)))

    def transform(self, token_lists: TokenCodes | Iterable[Sequence[str]] | pd.Series) -> sparse.csr_matrix:
        """TF-IDF matrix of the documents (same as ``vectorizer_.transform`` on their terms)."""
        if not hasattr(self, "_encoder"):
            raise NotFittedError("IssueModel belum dilatih: panggil fit() sebelum transform().")
        return self._encoder.transform(TokenCodes.of(token_lists))[0]

    # -- fitting steps ---------------------------------------------------------------------
    def _fit_vectorizer(self, tokens: TokenCodes) -> sparse.csr_matrix:
        if len(tokens) < 2:
            raise ModelError("Terlalu sedikit unggahan berisi teks untuk mencari isu (minimal 2).")
        try:
            self.vectorizer_, X = fit_tfidf(tokens, min_df=self.min_df, max_df=self.max_df,
                                            max_features=self.max_features)
        except ValueError as err:  # every term pruned by min_df / max_df
            raise ModelError(
                "Kosakata unggahan terlalu sedikit untuk mencari isu. Tambah data atau turunkan min_df."
            ) from err
        return X

    def _micro_clusters(self, X: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """(micro-cluster per row, coherent flag per micro-cluster)."""
        clusterer = self.clusterer or KMeansClusterer()
        n_micro = min(max(self.micro_clusters, 2 * (self.n_issues or 0)), X.shape[0])
        matrix = self._reduce(X) if clusterer.uses_reduced else X
        micro = np.unique(clusterer.fit_predict(matrix, n_micro, self.random_state), return_inverse=True)[1]
        coherence = _mean_pairwise_similarity(X, micro)
        coherent = coherence >= self.coherence_ratio * np.median(coherence)
        self.micro_coherence_ = coherence
        return micro, coherent

    def _reduce(self, X: sparse.csr_matrix) -> np.ndarray | sparse.csr_matrix:
        if not self.n_components or min(X.shape) <= self.n_components + 1:
            return X
        # 2 power iterations instead of scikit-learn's 5: the same clustering quality on the demo
        # and synthetic corpora (mean NMI 0.914 vs 0.915 over 12 fits), ~15% less fit time
        svd = TruncatedSVD(n_components=self.n_components, n_iter=2, random_state=self.random_state)
        return normalize(svd.fit_transform(X))

    def _merge(self, X: sparse.csr_matrix, micro: np.ndarray, coherent: np.ndarray) -> np.ndarray:
        """Issue per micro-cluster (-1 for incoherent ones), by average linkage on centroids.

        Without ``n_issues`` the cut maximises the size-weighted silhouette of the coherent
        micro-cluster centroids (cosine), over every k in ``k_range``.
        """
        kept = np.flatnonzero(coherent)
        centroids = _centroids(X, micro)[kept]
        weights = np.bincount(micro)[kept].astype(float)
        low, high = self.k_range
        candidates = range(max(low, 2), min(high, len(kept) - 1) + 1)
        if self.n_issues is not None or len(candidates) == 0:
            k = min(self.n_issues or len(kept), len(kept))
            self.k_scores_ = {}
        else:
            tree = linkage(centroids, method="average", metric="cosine")
            distances = squareform(pdist(centroids, "cosine"))
            self.k_scores_ = {
                k: float(np.average(silhouette_samples(distances, fcluster(tree, k, "maxclust"),
                                                       metric="precomputed"), weights=weights))
                for k in candidates
            }
            k = max(self.k_scores_, key=self.k_scores_.get)
        groups = np.full(len(coherent), -1)
        groups[kept] = (fcluster(linkage(centroids, "average", "cosine"), k, "maxclust") - 1
                        if len(kept) > 1 else 0)
        return groups

    def _add_new_issues(self, found: list[B.Burst], X: sparse.csr_matrix) -> None:
        """Append the new issues' centroids (global ones re-centred without their documents)."""
        self.bursts_ = [b.summary() for b in found]
        self.burst_thresholds_ = np.array([b.threshold for b in found], dtype=np.float64)
        if found:
            self.centroids_ = np.vstack([B.recentre(self.centroids_, X, found, self.threshold_),
                                         np.array([b.centroid for b in found], dtype=np.float32)])

    def describe(self, X: sparse.csr_matrix, issues: Sequence[int] | None = None) -> None:
        """Set ``top_terms_`` / ``term_weights_`` of ``issues`` (default all) from TF-IDF rows ``X``.

        Every issue and noise are classes of the class-based TF-IDF, so terms all issues use rank low.
        """
        classes = self.classify(X)
        classes = np.where(classes >= 0, classes, self.n_issues_)
        chosen = list(range(self.n_issues_)) if issues is None else list(issues)
        weights = class_tfidf(X, classes, self.n_issues_ + 1)[chosen]
        terms = self.vectorizer_.get_feature_names_out()
        if issues is None:
            self.top_terms_, self.term_weights_ = [None] * self.n_issues_, [None] * self.n_issues_
        for index, row, top in zip(chosen, weights, top_terms(weights, terms, n=10, stopwords=self.stopwords)):
            self.top_terms_[index], self.term_weights_[index] = top, term_profile(row, terms)


def _spherical_kmeans(X: sparse.csr_matrix, assigned: np.ndarray, n_iter: int = 10) -> np.ndarray:
    """Refine an initial assignment by spherical k-means; centroids ordered by cluster size."""
    for _ in range(n_iter):
        centroids = _centroids(X, assigned)
        new = np.asarray(X @ centroids.T).argmax(axis=1)
        if np.array_equal(new, np.unique(assigned, return_inverse=True)[1]):
            break
        assigned = new
    centroids = _centroids(X, assigned)
    sizes = np.bincount(np.asarray(X @ centroids.T).argmax(axis=1), minlength=len(centroids))
    return centroids[np.argsort(-sizes, kind="stable")]


def _noise_threshold(similarity: np.ndarray, coherent: np.ndarray, floor: float = 0.05,
                     max_loss: float = 0.1) -> float:
    """Similarity cut that best separates documents of coherent and incoherent micro-clusters.

    Minimises (coherent docs below) + (incoherent docs at or above), capped so that at most
    ``max_loss`` of the coherent documents fall below it (losing issue volume is worse than
    keeping some chatter); ``floor`` when every micro-cluster is coherent.
    """
    if coherent.all() or not coherent.any():
        return floor
    order = np.argsort(similarity, kind="stable")
    is_coherent = coherent[order]
    # cutting just before position i: coherent below = cumsum, incoherent above = total - cumsum
    coherent_below = np.concatenate(([0], np.cumsum(is_coherent)))
    incoherent_above = (~is_coherent).sum() - np.concatenate(([0], np.cumsum(~is_coherent)))
    best = int(np.argmin(coherent_below + incoherent_above))
    cut = min(similarity[order][min(best, len(order) - 1)], np.quantile(similarity[coherent], max_loss))
    return float(max(cut, floor))


def _centroids(X: sparse.csr_matrix, assigned: np.ndarray) -> np.ndarray:
    """L2-normalised mean TF-IDF vector per non-empty cluster, renumbered 0..k-1."""
    present, compact = np.unique(assigned, return_inverse=True)
    one_hot = sparse.csr_matrix((np.ones(len(compact)), (compact, np.arange(len(compact)))),
                                shape=(len(present), X.shape[0]))
    return normalize(np.asarray((one_hot @ X).todense(), dtype=np.float32))


def _mean_pairwise_similarity(X: sparse.csr_matrix, assigned: np.ndarray) -> np.ndarray:
    """Per cluster, the mean cosine similarity between two different members (0 for singletons).

    With unit rows x_i and s = sum x_i: sum over i != j of x_i . x_j = |s|^2 - n. Unlike the
    similarity to the centroid, this does not grow for small clusters of unrelated posts.
    """
    n = np.bincount(assigned).astype(float)
    one_hot = sparse.csr_matrix((np.ones(len(assigned)), (assigned, np.arange(len(assigned)))),
                                shape=(len(n), X.shape[0]))
    sums = one_hot @ X
    squared = np.asarray(sums.multiply(sums).sum(axis=1)).ravel()
    return np.where(n > 1, (squared - n) / np.maximum(n * (n - 1), 1), 0.0)
