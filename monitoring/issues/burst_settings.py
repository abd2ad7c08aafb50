"""Parameters of the burst stage (:mod:`monitoring.issues.bursts`) and their defaults.

Defaults were chosen on ``benchmarks/evaluate_emerging.py`` (its dev scenarios).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

RECENT_HOURS = 24.0
MIN_DOCS = 5          # distinct documents (duplicate groups) a new issue needs
MIN_POSTS = 15        # posts (documents weighted by their duplicate-group size) a new issue needs
MIN_AUTHORS = 5       # distinct authors among its documents
MIN_RATIO = 10.0      # how much more common than in the baseline a term / group must be
MARGIN = 5.0          # a document joins a group while such documents are this much more common than before
MIN_SURPRISE = 4.0    # -log10 p of a bursty term's recent count under its baseline rate
MIN_SIMILARITY = 0.1  # members are at least this similar to the group's centroid
SMOOTHING = 1.0       # pseudo-documents added to every baseline count
MAX_SEEDS = 40        # bursty terms tried, strongest first
COVERED = 0.5         # a term whose recent documents are this much inside promoted groups seeds nothing
BASELINE_SAMPLE = 100_000  # baseline documents compared with the recent ones, at most
SPLIT_SIMILARITY = 0.2  # halves of a group less similar than this are two topics (one topic's: 0.4-0.55)


@dataclass(frozen=True)
class BurstSettings:
    """Parameters of the stage (``IssueModel``'s ``burst_*`` arguments)."""

    hours: float | None = RECENT_HOURS
    min_docs: int = MIN_DOCS
    min_posts: int = MIN_POSTS
    min_authors: int = MIN_AUTHORS
    ratio: float = MIN_RATIO
    min_similarity: float = MIN_SIMILARITY
    baseline_sample: int = BASELINE_SAMPLE

    @classmethod
    def of(cls, estimator: Any) -> BurstSettings:
        """The ``burst_<name>`` attributes of an estimator."""
        return cls(**{f.name: getattr(estimator, f"burst_{f.name}") for f in fields(cls)})
