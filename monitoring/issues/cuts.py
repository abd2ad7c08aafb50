"""Where :class:`monitoring.issues.model.IssueModel` draws its lines: how many issues, and what is noise.

- :func:`fewest_issues`: the cut of the micro-cluster dendrogram. The silhouette of the cut is
  computed for every k; framings told in a few repeated words ("kiamat sudah dekat", "kabur aja
  dulu") are tight groups and score nearly as well as the subject they frame, so the rule takes
  the fewest issues at a peak of the curve within ``K_TOLERANCE`` of the best, provided every
  merge that coarser cut adds joins groups at least ``NEAR`` similar (average linkage, cosine):
  framings of one subject are that similar, unrelated subjects are not. Of two cuts that separate
  about equally well, the coarser one keeps a subject's framings in one issue (they become its
  narratives); without such a cut, the best k.
- :func:`orphans`: a loose micro-cluster (varied short comments) whose documents are mostly not
  ``NEAR`` any coherent one is a subject of its own told in varied words (comments under a flood
  video: empathy, blame, logistics, eyewitness reports), not a mix of other subjects' chatter: it
  takes part in the cut like a coherent one, instead of leaving a whole upload as noise.
- :func:`dissolved`: an issue shaped mostly by orphans that keeps fewer than a micro-cluster's worth of
  documents above the noise threshold was loose chatter after all: it is dropped.
- :func:`noise_threshold`: a document less similar to every issue than nearly every issue
  document is to its own (the ``max_loss`` quantile, at least ``NEAR``) is noise.
"""
from __future__ import annotations

import numpy as np

from monitoring.issues.vectors import centroids, one_hot

K_TOLERANCE = 0.05  # a peak this close (relative) to the best silhouette counts as good
NEAR = 0.05         # least cosine similarity to an issue's centroid for a document to be about it at all


def fewest_issues(scores: dict[int, float], merged_at: dict[int, float] | None = None, *,
                  tolerance: float = K_TOLERANCE, near: float = NEAR) -> int:
    """The fewest issues at a peak of the silhouette curve (a k scoring at least its neighbours) whose
    score is within ``tolerance`` (relative) of the best, reached from the best k by merges at a
    similarity of at least ``near`` each (``merged_at[k]``: the similarity of the merge that leaves
    k groups; without it, every merge counts as near).

    >>> fewest_issues({2: 0.2, 3: 0.32, 4: 0.30, 10: 0.33, 11: 0.335, 12: 0.33})
    3
    >>> fewest_issues({2: 0.2, 3: 0.32, 4: 0.30, 10: 0.33, 11: 0.335, 12: 0.33},
    ...               {3: 0.06, 4: 0.08, 10: 0.02})
    11
    >>> fewest_issues({2: 0.2, 3: 0.25, 4: 0.30, 5: 0.40})
    5
    """
    ks = sorted(scores)
    best_k = max(ks, key=lambda k: (scores[k], -k))
    best = scores[best_k]
    peaks = [k for i, k in enumerate(ks) if all(scores[k] >= scores[j] for j in ks[max(i - 1, 0):i + 2])]
    merged_at = merged_at or {}
    return min(k for k in peaks if k == best_k or (
        k < best_k and scores[k] >= best - tolerance * abs(best)
        and all(merged_at.get(j, 1.0) >= near for j in range(k, best_k))))


ORPHAN_SHARE = 0.5  # a loose micro-cluster with at least this share of its documents near no coherent one
ORPHAN_RATIO = 0.3  # ... and a coherence of at least this x the median: random chatter is looser still
ORPHAN_ANCHOR = 0.3  # ... and one word in at least this share of its documents (what it is about)


def orphans(X, micro: np.ndarray, coherent: np.ndarray, coherence: np.ndarray, *, min_docs: int, near: float = NEAR,
            share: float = ORPHAN_SHARE, ratio: float = ORPHAN_RATIO, anchor: float = ORPHAN_ANCHOR) -> np.ndarray:
    """Per micro-cluster, whether it is loose but not random chatter (``coherence``, the mean
    pairwise similarity, at least ``ratio`` x the median, and one word in at least ``anchor`` of its
    documents: a flood's comments keep saying "banjir", a mix of everyday chatter has no such word)
    and at least ``share`` of its documents are less than ``near`` similar to every coherent
    micro-cluster's centroid (rows of ``X``: L2-normalised TF-IDF); with at least ``min_docs``
    documents (in a small micro-cluster one word in a third of the documents is chance)."""
    sizes = np.maximum(np.bincount(micro, minlength=len(coherent)), 1)
    holding = one_hot(micro, len(coherent)) @ (X > 0).astype(np.float32)  # micro-clusters x terms
    anchored = holding.max(axis=1).toarray().ravel() / sizes >= anchor
    loose = ~coherent & (coherence >= ratio * np.median(coherence)) & anchored & (sizes >= min_docs)
    if not loose.any() or not coherent.any():
        return np.zeros(len(coherent), dtype=bool)
    kept = np.flatnonzero(coherent)
    starts = centroids(X[coherent[micro]], np.searchsorted(kept, micro[coherent[micro]]))
    alone = np.asarray(X @ starts.T).max(axis=1) < near
    alone_share = np.bincount(micro, weights=alone, minlength=len(coherent)) / sizes
    return loose & (alone_share >= share)


def dissolved(similarity: np.ndarray, threshold: float, shaped: np.ndarray, from_orphan: np.ndarray, *,
              min_docs: int) -> np.ndarray:
    """Per issue (column of ``similarity``, documents x issues), whether the documents that shaped it
    (``shaped``) are mostly orphans' (``from_orphan``) and fewer than ``min_docs`` documents are at
    least ``threshold`` similar to it and nearest to it."""
    best, n = similarity.argmax(axis=1), similarity.shape[1]
    above = np.bincount(best[similarity.max(axis=1) >= threshold], minlength=n)
    orphan_born = (np.bincount(best[shaped], weights=from_orphan[shaped], minlength=n)
                   > 0.5 * np.bincount(best[shaped], minlength=n))
    return orphan_born & (above < min_docs)


def noise_threshold(similarity: np.ndarray, coherent: np.ndarray, floor: float = NEAR,
                    max_loss: float = 0.02) -> float:
    """Similarity below which only ``max_loss`` of the coherent micro-clusters' documents fall
    (at least ``floor``): a document less similar than nearly every issue document to its issue is noise.
    """
    if not coherent.any():
        return floor
    return float(max(np.quantile(similarity[coherent], max_loss), floor))
