"""Stable issue ids across re-analyses.

Every analysis re-clusters from scratch; this module makes the result feel continuous:

- An issue is remembered by its profile, ``{term: weight}`` of its most distinctive terms
  (class-based TF-IDF, L2-normalised). Dicts survive vocabulary changes between fits.
- New clusters are matched to remembered issues by cosine similarity of profiles over the
  shared terms, one-to-one (Hungarian assignment); a pair counts only at similarity
  >= ``threshold`` (default 0.3: a re-fit of the same posts scores 0.8-1.0, unrelated issues
  below 0.1). A matched issue keeps its id and its profile moves halfway towards the new one;
  an unmatched cluster gets the next id (``I0001``, ``I0002``, ... never reused) and is New.

Narratives (the framings inside an issue, :mod:`monitoring.issues.narratives`) get stable ids the
same way, inside their issue: ``I0004-N01``, ``I0004-N02``... (:func:`assign_narrative_ids`; numbers
per issue, never reused).

The registry serialises to JSON via ``to_dict`` / ``from_dict``. The analyst's edits, keyed on
these ids, are :mod:`monitoring.issues.edits`; the issue stage that fits, names, identifies and
edits is :mod:`monitoring.issues.detection`.
"""
from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

ID_PREFIX = "I"
NARRATIVE_PREFIX = "N"
MATCH_THRESHOLD = 0.3
MEMORY = 0.5          # weight of the remembered profile when a matched issue is updated
PROFILE_SIZE = 50


@dataclass
class Narrative:
    """One remembered narrative of an issue. ``custom_label``, ``merged_into`` and ``hidden`` come from edits."""

    narrative_id: str
    label: str = ""
    headline: str = ""
    top_terms: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)
    manual: bool = False
    custom_label: str | None = None
    merged_into: str | None = None
    hidden: bool = False

    @property
    def display_label(self) -> str:
        """The analyst's name, else the automatic phrase, else the term label."""
        return self.custom_label or self.headline or self.label


@dataclass
class Issue:
    """One remembered issue. ``custom_label``, ``merged_into`` and ``hidden`` come from edits."""

    issue_id: str
    label: str = ""
    top_terms: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)
    is_new: bool = False
    manual: bool = False
    custom_label: str | None = None
    merged_into: str | None = None
    hidden: bool = False
    headline: str = ""
    narratives: dict[str, Narrative] = field(default_factory=dict)
    next_narrative: int = 1

    @property
    def display_label(self) -> str:
        """The analyst's name when there is one, else the automatic (term) label."""
        return self.custom_label or self.label

    @property
    def display_headline(self) -> str:
        """The analyst's name when there is one, else the automatic headline (or the term label)."""
        return self.custom_label or self.headline or self.label

    def reserve_narrative_id(self) -> str:
        """Allocate the issue's next narrative id (``I0004-N03``; mutates the issue; never reused)."""
        narrative_id = f"{self.issue_id}-{NARRATIVE_PREFIX}{self.next_narrative:02d}"
        self.next_narrative += 1
        return narrative_id

    @classmethod
    def from_dict(cls, row: Mapping) -> Issue:
        """An issue from :func:`dataclasses.asdict` output (registries of earlier releases too)."""
        row = dict(row)
        narratives = {key: Narrative(**value) for key, value in (row.pop("narratives", None) or {}).items()}
        return cls(**row, narratives=narratives)


@dataclass
class IssueRegistry:
    """Every issue ever seen (dormant ones included, so a returning issue gets its id back)."""

    issues: dict[str, Issue] = field(default_factory=dict)
    next_number: int = 1

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return {"next_number": self.next_number, "issues": [asdict(i) for i in self.issues.values()]}

    @classmethod
    def from_dict(cls, data: Mapping) -> IssueRegistry:
        """Inverse of :meth:`to_dict`."""
        issues = {row["issue_id"]: Issue.from_dict(row) for row in data.get("issues", [])}
        return cls(issues=issues, next_number=int(data.get("next_number", 1)))

    def reserve_id(self) -> str:
        """Allocate the next id (mutates this registry; ids are never reused)."""
        issue_id = f"{ID_PREFIX}{self.next_number:04d}"
        self.next_number += 1
        return issue_id


def profile_similarity(a: Sequence[Mapping[str, float]], b: Sequence[Mapping[str, float]]) -> np.ndarray:
    """Cosine similarity matrix (len(a), len(b)) of term profiles over their shared terms."""
    vocabulary = {t: i for i, t in enumerate(sorted({t for p in (*a, *b) for t in p}))}

    def dense(profiles):
        matrix = np.zeros((len(profiles), len(vocabulary)))
        for row, profile in enumerate(profiles):
            for term, weight in profile.items():
                matrix[row, vocabulary[term]] = weight
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms > 0, norms, 1)

    return dense(a) @ dense(b).T if len(a) and len(b) else np.zeros((len(a), len(b)))


def _match(profiles: Sequence[Mapping[str, float]], known: Sequence[Mapping[str, float]],
           threshold: float) -> dict[int, int]:
    """One-to-one matches {new profile: known profile} at similarity >= ``threshold`` (Hungarian)."""
    similarity = profile_similarity(profiles, known)
    if not similarity.size:
        return {}
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    return {int(r): int(c) for r, c in zip(rows, cols) if similarity[r, c] >= threshold}


def assign_ids(
    registry: IssueRegistry | None,
    profiles: Sequence[Mapping[str, float]],
    labels: Sequence[str],
    top_terms: Sequence[Sequence[str]],
    *,
    threshold: float = MATCH_THRESHOLD,
    keep: Collection[str] | None = None,
    headlines: Sequence[str] | None = None,
) -> tuple[list[str], IssueRegistry]:
    """Stable id for each new cluster, and the updated registry (the input is not changed).

    Args:
        registry: issues remembered from earlier analyses (None for the first one).
        profiles: ``{term: weight}`` per new cluster (``IssueModel.term_weights_``).
        labels: automatic label per new cluster.
        top_terms: distinctive terms per new cluster.
        headlines: automatic headline per new cluster (:mod:`monitoring.issues.headlines`).
        threshold: minimum profile similarity for a cluster to inherit an id.
        keep: for an incremental run that only adds clusters, the ids of the model's other
            clusters: they cannot be inherited, and every issue's New flag stays as it was (by
            default, after a full fit, only the clusters without an earlier id are New).
    """
    registry = copy.deepcopy(registry) if registry is not None else IssueRegistry()
    taken = set(keep or ())
    known = [i for i in registry.issues.values() if not i.manual and i.issue_id not in taken]
    inherited = {r: known[c] for r, c in _match(profiles, [i.terms for i in known], threshold).items()}
    if keep is None:
        for issue in registry.issues.values():
            issue.is_new = False
    ids = []
    for cluster, profile in enumerate(profiles):
        issue = inherited.get(cluster)
        if issue is None:
            issue = Issue(registry.reserve_id(), terms=dict(profile), is_new=True)
            registry.issues[issue.issue_id] = issue
        else:
            issue.terms = _blend(issue.terms, profile)
        issue.label, issue.top_terms = labels[cluster], list(top_terms[cluster])
        issue.headline = headlines[cluster] if headlines is not None else issue.headline
        ids.append(issue.issue_id)
    return ids, registry


def assign_narrative_ids(
    registry: IssueRegistry,
    parents: Sequence[str],
    profiles: Sequence[Mapping[str, float]],
    labels: Sequence[str],
    headlines: Sequence[str],
    top_terms: Sequence[Sequence[str]],
    *,
    threshold: float = MATCH_THRESHOLD,
) -> tuple[list[str], IssueRegistry]:
    """Stable id for each new narrative, inside its parent issue; and the updated registry.

    Args:
        registry: the registry after :func:`assign_ids` (holds the parent issues).
        parents: the issue id of each new narrative.
        profiles, labels, headlines, top_terms: per new narrative, as for issues.
        threshold: minimum profile similarity for a narrative to inherit an id of its issue.
    """
    registry = copy.deepcopy(registry)
    ids = [""] * len(parents)
    for parent in dict.fromkeys(parents):
        issue = registry.issues[parent]
        mine = [n for n, p in enumerate(parents) if p == parent]
        known = [v for v in issue.narratives.values() if not v.manual]
        matched = _match([profiles[n] for n in mine], [v.terms for v in known], threshold)
        for position, n in enumerate(mine):
            narrative = known[matched[position]] if position in matched else None
            if narrative is None:
                narrative = Narrative(issue.reserve_narrative_id(), terms=dict(profiles[n]))
                issue.narratives[narrative.narrative_id] = narrative
            else:
                narrative.terms = _blend(narrative.terms, profiles[n])
            narrative.label, narrative.headline = labels[n], headlines[n]
            narrative.top_terms = list(top_terms[n])
            ids[n] = narrative.narrative_id
    return ids, registry


def find_narrative(registry: IssueRegistry, narrative_id: str | None) -> tuple[Issue, Narrative] | None:
    """(issue, narrative) holding ``narrative_id``, or None."""
    for issue in registry.issues.values():
        if narrative_id in issue.narratives:
            return issue, issue.narratives[narrative_id]
    return None


def _blend(old: Mapping[str, float], new: Mapping[str, float]) -> dict[str, float]:
    merged = {t: MEMORY * old.get(t, 0.0) + (1 - MEMORY) * new.get(t, 0.0) for t in {*old, *new}}
    top = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:PROFILE_SIZE]
    norm = float(np.sqrt(sum(w * w for _, w in top))) or 1.0
    return {t: round(w / norm, 6) for t, w in top}
