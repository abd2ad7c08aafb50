"""Where the issue model draws its lines: orphan micro-clusters (a subject told in varied words) take part
in the cut; issues shaped by orphans that dissolve are dropped."""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from monitoring.issues.cuts import dissolved, orphans
from monitoring.issues.vectors import mean_pairwise_similarity

VOCABULARY = 400


def _docs(rng, n: int, words: list[int], per_doc: int, anchor: int | None = None, anchor_share: float = 0.0):
    """``n`` documents drawing ``per_doc`` words from ``words``; ``anchor`` in ``anchor_share`` of them."""
    rows = []
    for _ in range(n):
        chosen = list(rng.choice(words, size=per_doc, replace=False))
        if anchor is not None and rng.random() < anchor_share:
            chosen.append(anchor)
        row = np.zeros(VOCABULARY)
        row[chosen] = 1.0
        rows.append(row)
    return rows


def _matrix(groups):
    rows = [row for group in groups for row in group]
    micro = np.concatenate([np.full(len(group), i) for i, group in enumerate(groups)])
    return sparse.csr_matrix(normalize(np.array(rows))), micro


def test_a_loose_subject_of_its_own_is_an_orphan_and_chatter_is_not():
    rng = np.random.default_rng(0)
    tight_a = _docs(rng, 80, list(range(0, 6)), 3)                      # a tweet topic in a few words
    tight_b = _docs(rng, 80, list(range(10, 16)), 3)
    flood = _docs(rng, 80, list(range(100, 160)), 3, anchor=99, anchor_share=0.6)  # varied, says "banjir"
    mixed = _docs(rng, 80, list(range(0, 6)) + list(range(10, 16)) + list(range(200, 260)), 3)  # others' words
    chatter = _docs(rng, 80, list(range(300, 360)), 3)                  # varied, about nothing in particular
    small = _docs(rng, 15, list(range(170, 190)), 3, anchor=98, anchor_share=0.8)
    X, micro = _matrix([tight_a, tight_b, flood, mixed, chatter, small])
    coherence = mean_pairwise_similarity(X, micro)
    coherent = np.array([True, True, False, False, False, False])  # the tweet topics hold together
    assert coherence[:2].min() > 3 * coherence[2:5].max()
    found = orphans(X, micro, coherent, coherence, min_docs=40, ratio=0.1)
    assert found.tolist() == [False, False, True, False, False, False]


def test_an_issue_shaped_by_orphans_that_keeps_a_handful_of_documents_is_dissolved():
    similarity = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.3], [0.2, 0.06], [0.1, 0.07]])
    shaped = np.array([True, True, True, True, False])
    from_orphan = np.array([False, False, True, True, False])
    assert dissolved(similarity, 0.25, shaped, from_orphan, min_docs=2).tolist() == [False, True]
    assert dissolved(similarity, 0.25, shaped, np.zeros(5, dtype=bool), min_docs=2).tolist() == [False, False]
