"""Brand-new issues that surge in the last hours: bursty terms ▸ seeded groups ▸ novelty test.

The global clustering of :mod:`monitoring.issues.model` looks at the whole period: a topic that is small
overall but concentrated in the last day (a market fire in one city, lay-offs at one factory) is
absorbed into a big neighbour issue, and on a large store it is hardly in the fit sample at all.
This stage looks at every recent document and gives a new, coherent topic an issue of its own:

1. Window (:func:`split_window`): documents created less than ``hours`` before the latest one
   are *recent*; earlier ones (a random sample of at most ``baseline_sample``) are the
   *baseline*, what was said before the topic existed.
2. Bursty terms (:func:`bursty_terms`): per token, recent documents holding it against the
   number expected from its baseline share (+1 smoothing), with the Poisson surprise. Tokens held
   by ``min_docs`` recent documents from ``min_authors`` authors and ``ratio`` times more common
   than before seed groups, strongest first.
3. Seeded group (:func:`grow_burst`, :func:`member_threshold`): the centroid of the recent
   documents holding the seed; for a similarity cut ``t``, ``m(t)`` recent documents are that
   similar and ``e(t)`` would be if the recent window spoke like the baseline. The cut maximises
   ``m - margin * e``: documents join while they are ``margin`` times more common than before and
   stop where the group runs into an older topic. The centroid moves to the members' mean and the
   cut is chosen again until the members stop changing.
4. Novelty test (:func:`find_bursts`): the group is a new issue when ``m / e >= ratio`` at its
   cut, it holds ``min_docs`` documents standing for ``min_posts`` posts from ``min_authors``
   authors, and it is coherent (mean pairwise similarity of members at least ``min_coherence``).
   An existing issue that only grows is not new: its baseline documents are as close to the
   centroid as the recent ones, so ``m / e`` stays near the growth factor. Seeds mostly covered by
   a promoted group seed nothing more; members of one group cannot join another.

:func:`recentre` then removes the new issues' documents from the global centroids (dropping a
global issue that was mostly the new topic) and :func:`assign` gives a document to a new issue
when it is at least as similar as the group's cut. Everything works on L2-normalised TF-IDF rows;
the caller decides what a document is (one per duplicate group in :mod:`monitoring.issues.detection`).

Modules: :mod:`~monitoring.issues.burst_settings` (parameters and defaults, chosen on
``benchmarks/evaluate_emerging.py``), :mod:`~monitoring.issues.burst_terms` (steps 1-2) and
:mod:`~monitoring.issues.burst_groups` (steps 3-4, :func:`recentre`, :func:`assign`). This module
strings the steps together for :class:`~monitoring.issues.model.IssueModel` and
:mod:`monitoring.issues.refresh`, and exports the stage's public names.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import sparse

from monitoring.issues.burst_groups import (
    Burst,
    assign,
    find_bursts,
    grow_burst,
    grow_distinct,
    member_threshold,
    recentre,
)
from monitoring.issues.burst_settings import (
    BASELINE_SAMPLE,
    MIN_AUTHORS,
    MIN_DOCS,
    MIN_POSTS,
    MIN_RATIO,
    MIN_SIMILARITY,
    RECENT_HOURS,
    BurstSettings,
)
from monitoring.issues.burst_terms import (
    DocumentInfo,
    Window,
    bursty_terms,
    holding_documents,
    split_window,
)
from monitoring.store.token_codes import TokenCodes

__all__ = [
    "BASELINE_SAMPLE", "MIN_AUTHORS", "MIN_DOCS", "MIN_POSTS", "MIN_RATIO", "MIN_SIMILARITY", "RECENT_HOURS",
    "Burst", "BurstSettings", "DocumentInfo", "Window", "assign", "bursty_terms", "find_bursts", "grow_burst",
    "grow_distinct", "holding_documents", "member_threshold", "new_issues", "recent_seeds", "recentre",
    "split_window",
]


def recent_seeds(tokens: TokenCodes | pd.Series, usable: np.ndarray, info: DocumentInfo, settings: BurstSettings, *,
                 rng: np.random.Generator | None = None) -> tuple[Window | None, pd.DataFrame | None]:
    """Steps 1-2: the window and its bursty terms; (None, None) without times or when disabled."""
    if info.created_at is None or not settings.hours:
        return None, None
    window = split_window(info.created_at, settings.hours, usable=usable, max_baseline=settings.baseline_sample,
                          rng=rng)
    seeds = bursty_terms(tokens, window, info.authors, min_docs=settings.min_docs, min_authors=settings.min_authors,
                         min_ratio=settings.ratio)
    return window, seeds


def new_issues(rows: Callable[[np.ndarray], sparse.csr_matrix], window: Window | None, seeds: pd.DataFrame | None, info: DocumentInfo,
               settings: BurstSettings, *, min_coherence: float = 0.0) -> list[Burst]:
    """Steps 3-4 on the documents of :func:`recent_seeds`; ``rows(positions)`` gives their TF-IDF rows."""
    if window is None or seeds is None or seeds.empty:
        return []
    return find_bursts(
        rows(window.recent), rows(window.baseline),
        list(zip(seeds["term"], seeds["rows"])), *info.recent(window), min_docs=settings.min_docs,
        min_posts=settings.min_posts, min_authors=settings.min_authors, min_ratio=settings.ratio,
        min_similarity=settings.min_similarity, min_coherence=min_coherence,
    )
