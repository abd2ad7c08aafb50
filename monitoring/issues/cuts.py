"""Where :class:`monitoring.issues.model.IssueModel` draws its lines: how many issues, and what is noise.

- :func:`fewest_issues`: the cut of the micro-cluster dendrogram. The silhouette of the cut is
  computed for every k; framings told in a few repeated words ("kiamat sudah dekat", "kabur aja
  dulu") are tight groups and score nearly as well as the subject they frame, so the rule takes
  the fewest issues at a peak of the curve within ``K_TOLERANCE`` of the best, provided every
  merge that coarser cut adds joins groups at least ``NEAR`` similar (average linkage, cosine):
  framings of one subject are that similar, unrelated subjects are not. Of two cuts that separate
  about equally well, the coarser one keeps a subject's framings in one issue (they become its
  narratives); without such a cut, the best k.
- :func:`noise_threshold`: a document less similar to every issue than nearly every issue
  document is to its own (the ``max_loss`` quantile, at least ``NEAR``) is noise.
"""
from __future__ import annotations

import numpy as np

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


def noise_threshold(similarity: np.ndarray, coherent: np.ndarray, floor: float = NEAR,
                    max_loss: float = 0.02) -> float:
    """Similarity below which only ``max_loss`` of the coherent micro-clusters' documents fall
    (at least ``floor``): a document less similar than nearly every issue document to its issue is noise.
    """
    if not coherent.any():
        return floor
    return float(max(np.quantile(similarity[coherent], max_loss), floor))
