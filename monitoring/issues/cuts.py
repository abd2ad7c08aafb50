"""Where :class:`monitoring.issues.model.IssueModel` draws its lines: how many issues, and what is noise.

- :func:`fewest_issues`: the cut of the micro-cluster dendrogram. The silhouette of the cut is
  computed for every k; framings told in a few repeated words ("kiamat sudah dekat", "kabur aja
  dulu") are tight groups and score nearly as well as the subject they frame, so the rule takes
  the fewest issues at a peak of the curve within ``K_TOLERANCE`` of the best: of two cuts that
  separate about equally well, the coarser one keeps a subject's framings in one issue (they
  become its narratives). On a curve that only climbs, the best k.
- :func:`noise_threshold`: a document less similar to every issue than nearly every issue
  document is to its own (the ``max_loss`` quantile, at least ``NEAR``) is noise.
"""
from __future__ import annotations

import numpy as np

K_TOLERANCE = 0.05  # a peak this close (relative) to the best silhouette counts as good
NEAR = 0.05         # least cosine similarity to an issue's centroid for a document to be about it at all


def fewest_issues(scores: dict[int, float], tolerance: float = K_TOLERANCE) -> int:
    """The fewest issues at a peak of the silhouette curve (a k scoring at least its neighbours)
    whose score is within ``tolerance`` (relative) of the best.

    >>> fewest_issues({2: 0.2, 3: 0.32, 4: 0.30, 10: 0.33, 11: 0.335, 12: 0.33})
    3
    >>> fewest_issues({2: 0.2, 3: 0.25, 4: 0.30, 5: 0.40})
    5
    """
    ks = sorted(scores)
    best = max(scores.values())
    peaks = [k for i, k in enumerate(ks) if all(scores[k] >= scores[j] for j in ks[max(i - 1, 0):i + 2])]
    return min(k for k in peaks if scores[k] >= best - tolerance * abs(best))


def noise_threshold(similarity: np.ndarray, coherent: np.ndarray, floor: float = NEAR,
                    max_loss: float = 0.02) -> float:
    """Similarity below which only ``max_loss`` of the coherent micro-clusters' documents fall
    (at least ``floor``): a document less similar than nearly every issue document to its issue is noise.
    """
    if not coherent.any():
        return floor
    return float(max(np.quantile(similarity[coherent], max_loss), floor))
