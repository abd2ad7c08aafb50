"""Stable issue ids across re-analyses, and analyst edits kept as data.

Every analysis re-clusters from scratch; this module makes the result feel continuous:

- An issue is remembered by its profile, ``{term: weight}`` of its most distinctive terms
  (class-based TF-IDF, L2-normalised). Dicts survive vocabulary changes between fits.
- New clusters are matched to remembered issues by cosine similarity of profiles over the
  shared terms, one-to-one (Hungarian assignment); a pair counts only at similarity
  >= ``threshold`` (default 0.3: a re-fit of the same posts scores 0.8-1.0, unrelated issues
  below 0.1). A matched issue keeps its id and its profile moves halfway towards the new one;
  an unmatched cluster gets the next id (``I0001``, ``I0002``, ... never reused) and is New.
- Analyst edits are :class:`IssueEdit` records keyed on those ids - rename, merge (a into b),
  split (posts of a matching a watchlist query become a new issue), hide (posts become
  noise) - replayed in order by :func:`apply_edits` after every analysis, so they survive
  re-fits and new uploads. Everything serialises to JSON via ``to_dict`` / ``from_dict``.
"""
from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from monitoring import schema
from monitoring.errors import UserError
from monitoring.issues.dedup import add_duplicate_groups
from monitoring.issues.labels import readable_label, surface_forms
from monitoring.issues.model import IssueModel
from monitoring.issues.watchlist import Normaliser, match_watchlist, parse_query
from monitoring.store.token_codes import TokenCodes

LABEL_SAMPLE = 20_000  # posts read to find display forms of label words
ID_PREFIX = "I"
MATCH_THRESHOLD = 0.3
MEMORY = 0.5          # weight of the remembered profile when a matched issue is updated
PROFILE_SIZE = 50
EDIT_ACTIONS = ("rename", "merge", "split", "hide")


class IssueEditError(UserError):
    """An analyst edit is incomplete or contradictory."""


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

    @property
    def display_label(self) -> str:
        """The analyst's name when there is one, else the automatic label."""
        return self.custom_label or self.label


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
        issues = {row["issue_id"]: Issue(**row) for row in data.get("issues", [])}
        return cls(issues=issues, next_number=int(data.get("next_number", 1)))

    def reserve_id(self) -> str:
        """Allocate the next id (mutates this registry; ids are never reused)."""
        issue_id = f"{ID_PREFIX}{self.next_number:04d}"
        self.next_number += 1
        return issue_id


@dataclass(frozen=True)
class IssueEdit:
    """One analyst edit.

    ``rename``: ``issue_id`` gets ``label``. ``merge``: posts of ``issue_id`` go to ``target_id``.
    ``split``: posts of ``issue_id`` matching ``query`` go to the new issue ``target_id`` named
    ``label`` (create it with :func:`split_edit`). ``hide``: posts of ``issue_id`` become noise.
    """

    action: str
    issue_id: str
    label: str | None = None
    target_id: str | None = None
    query: str | None = None

    def __post_init__(self):
        if self.action not in EDIT_ACTIONS:
            raise IssueEditError(f"Jenis suntingan isu '{self.action}' tidak dikenal. "
                                 "Pilih ganti nama, gabung, pisah atau sembunyikan.")
        if self.action == "rename" and not (self.label or "").strip():
            raise IssueEditError("Nama isu baru masih kosong. Tulis nama isu.")
        if self.action in ("merge", "split") and not self.target_id:
            raise IssueEditError("Pilih isu tujuan untuk digabung atau dipisah.")
        if self.action == "merge" and self.target_id == self.issue_id:
            raise IssueEditError("Isu tidak bisa digabung dengan dirinya sendiri. Pilih isu lain.")
        if self.action == "split":
            parse_query(self.query or "")  # raises InvalidQueryError with an Indonesian message

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> IssueEdit:
        """Inverse of :meth:`to_dict`."""
        return cls(**{k: data.get(k) for k in ("action", "issue_id", "label", "target_id", "query")})


def split_edit(registry: IssueRegistry, issue_id: str, query: str, label: str) -> tuple[IssueEdit, IssueRegistry]:
    """A split edit with a freshly reserved id for the new issue, and the updated registry."""
    registry = copy.deepcopy(registry)
    edit = IssueEdit("split", issue_id, label=label, target_id=registry.reserve_id(), query=query)
    return edit, registry


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


def assign_ids(
    registry: IssueRegistry | None,
    profiles: Sequence[Mapping[str, float]],
    labels: Sequence[str],
    top_terms: Sequence[Sequence[str]],
    *,
    threshold: float = MATCH_THRESHOLD,
    keep: Collection[str] | None = None,
) -> tuple[list[str], IssueRegistry]:
    """Stable id for each new cluster, and the updated registry (the input is not changed).

    Args:
        registry: issues remembered from earlier analyses (None for the first one).
        profiles: ``{term: weight}`` per new cluster (``IssueModel.term_weights_``).
        labels: automatic label per new cluster.
        top_terms: distinctive terms per new cluster.
        threshold: minimum profile similarity for a cluster to inherit an id.
        keep: for an incremental run that only adds clusters, the ids of the model's other
            clusters: they cannot be inherited, and every issue's New flag stays as it was (by
            default, after a full fit, only the clusters without an earlier id are New).
    """
    registry = copy.deepcopy(registry) if registry is not None else IssueRegistry()
    taken = set(keep or ())
    known = [i for i in registry.issues.values() if not i.manual and i.issue_id not in taken]
    similarity = profile_similarity(profiles, [i.terms for i in known])
    inherited: dict[int, Issue] = {}
    if similarity.size:
        rows, cols = linear_sum_assignment(similarity, maximize=True)
        inherited = {r: known[c] for r, c in zip(rows, cols) if similarity[r, c] >= threshold}
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
        ids.append(issue.issue_id)
    return ids, registry


def _blend(old: Mapping[str, float], new: Mapping[str, float]) -> dict[str, float]:
    merged = {t: MEMORY * old.get(t, 0.0) + (1 - MEMORY) * new.get(t, 0.0) for t in {*old, *new}}
    top = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:PROFILE_SIZE]
    norm = float(np.sqrt(sum(w * w for _, w in top))) or 1.0
    return {t: round(w / norm, 6) for t, w in top}


def apply_edits(
    posts: pd.DataFrame,
    registry: IssueRegistry,
    edits: Sequence[IssueEdit],
    *,
    normaliser: Normaliser | None = None,
) -> tuple[pd.DataFrame, IssueRegistry]:
    """Replay analyst edits, in order, on posts with :data:`schema.ISSUE_ID`; pure.

    Edits about issues absent from this analysis do nothing (they apply again when the issue
    returns). A merge that would close a cycle is skipped. The registry's edit-derived fields
    are recomputed from ``edits`` alone, so removing an edit undoes it.

    Returns:
        New posts (ISSUE_ID rewritten; hidden issues' posts become null) and a new registry.
    """
    registry = copy.deepcopy(registry)
    for issue in registry.issues.values():
        issue.custom_label, issue.merged_into, issue.hidden = None, None, False
    issue_ids = posts[schema.ISSUE_ID].astype(object).where(posts[schema.ISSUE_ID].notna(), None)
    for edit in edits:
        issue = registry.issues.get(edit.issue_id)
        if edit.action == "split":
            target = registry.issues.setdefault(edit.target_id, Issue(edit.target_id, manual=True))
            target.label = target.custom_label = edit.label or target.label
            if issue is not None:
                chosen = (issue_ids == edit.issue_id) & match_watchlist(posts, edit.query, normaliser=normaliser)
                issue_ids = issue_ids.mask(chosen, edit.target_id)
        elif issue is None:
            continue
        elif edit.action == "rename":
            issue.custom_label = edit.label.strip()
        elif edit.action == "hide":
            issue.hidden = True
            issue_ids = issue_ids.mask(issue_ids == edit.issue_id, None)
        elif edit.action == "merge":
            target = _final_target(registry, edit.target_id)
            if target is None or target == edit.issue_id:
                continue
            issue.merged_into = target
            moved_to = None if registry.issues[target].hidden else target
            issue_ids = issue_ids.mask(issue_ids == edit.issue_id, moved_to)
    out = posts.copy()
    out[schema.ISSUE_ID] = issue_ids.astype(object)
    return out, registry


def _final_target(registry: IssueRegistry, issue_id: str | None) -> str | None:
    """Follow merge chains: a merge into an issue that was itself merged lands at the end."""
    seen = set()
    while issue_id in registry.issues and registry.issues[issue_id].merged_into and issue_id not in seen:
        seen.add(issue_id)
        issue_id = registry.issues[issue_id].merged_into
    return issue_id if issue_id in registry.issues else None


@dataclass
class IssueDetection:
    """Result of :func:`detect_issues`: store ``model`` + ``cluster_ids`` to assign later posts."""

    posts: pd.DataFrame
    registry: IssueRegistry
    model: IssueModel
    cluster_ids: list[str]


def detect_issues(
    posts: pd.DataFrame,
    *,
    registry: IssueRegistry | None = None,
    edits: Sequence[IssueEdit] = (),
    model: IssueModel | None = None,
    normaliser: Normaliser | None = None,
    tokens: TokenCodes | None = None,
) -> IssueDetection:
    """The issue stage: dedup ▸ fit on one post per group ▸ labels ▸ stable ids ▸ edits.

    Args:
        posts: posts with :data:`schema.TOKENS` and :data:`schema.TEXT` (:data:`schema.DUP_GROUP`
            is added when missing). With :data:`schema.CREATED_AT` (and :data:`schema.AUTHOR`) the
            model also finds brand-new issues of the last day (:mod:`monitoring.issues.bursts`).
        registry: issues remembered from the previous analysis.
        edits: analyst edits, oldest first.
        model: an unfitted, configured :class:`IssueModel` (default settings when None).
        normaliser: keyword normaliser for split queries (``monitoring.text.cleaning.tokenize_query``).
        tokens: the posts' :data:`schema.TOKENS` as :class:`TokenCodes` (rows in ``posts`` order)
            when the caller has them (e.g. :func:`monitoring.store.database.query_df_with_codes`).

    Returns:
        Posts with :data:`schema.ISSUE_ID` (null = noise), the updated registry, the fitted
        model and the issue id of each model cluster.
    """
    # 0. a canonical order (by post key): the same posts give the same issues in whatever order they come
    order = _canonical_order(posts)
    posts = posts.iloc[order]
    # once for dedup, the fit and its assignment
    tokens = TokenCodes.of(posts[schema.TOKENS]) if tokens is None else tokens.take(order).renumbered()
    if schema.DUP_GROUP not in posts:
        posts = add_duplicate_groups(posts, codes=tokens)
    # 1. one document per duplicate group: copies count for volume, not for clustering
    first = ~posts[schema.DUP_GROUP].duplicated().to_numpy()
    groups = posts.loc[first]
    # 2. fit and label the clusters (times and authors let the model find brand-new issues)
    model = (model or IssueModel()).fit(tokens.take(np.flatnonzero(first)), **_fit_context(posts, groups))
    labels = _labels(groups, model.top_terms_)
    # 3. stable ids, then the analyst's edits
    cluster_ids, registry = assign_ids(registry, model.term_weights_, labels, model.top_terms_)
    by_group = pd.Series(model.labels_, index=groups[schema.DUP_GROUP].to_numpy())
    posts = _with_issue_ids(posts, by_group.reindex(posts[schema.DUP_GROUP]).to_numpy(), cluster_ids)
    posts, registry = apply_edits(posts, registry, edits, normaliser=normaliser)
    return IssueDetection(posts.iloc[np.argsort(order)], registry, model, cluster_ids)


def assign_posts(
    posts: pd.DataFrame,
    model: IssueModel,
    cluster_ids: Sequence[str],
    registry: IssueRegistry,
    edits: Sequence[IssueEdit] = (),
    *,
    normaliser: Normaliser | None = None,
) -> tuple[pd.DataFrame, IssueRegistry]:
    """Assign posts to a stored model's issues without re-fitting (incremental runs)."""
    if schema.DUP_GROUP not in posts:
        posts = add_duplicate_groups(posts)
    first = ~posts[schema.DUP_GROUP].duplicated().to_numpy()
    groups = posts.loc[first]
    by_group = pd.Series(model.predict(groups[schema.TOKENS]), index=groups[schema.DUP_GROUP].to_numpy())
    posts = _with_issue_ids(posts, by_group.reindex(posts[schema.DUP_GROUP]).to_numpy(), cluster_ids)
    return apply_edits(posts, registry, edits, normaliser=normaliser)


def refresh_detection(
    posts: pd.DataFrame,
    baseline: pd.Series,
    model: IssueModel,
    cluster_ids: Sequence[str],
    registry: IssueRegistry,
    edits: Sequence[IssueEdit] = (),
    *,
    earlier: pd.DataFrame | None = None,
    normaliser: Normaliser | None = None,
) -> IssueDetection:
    """Incremental run with newer posts: the new window's new issues ▸ their ids ▸ assignment ▸ edits.

    Args:
        posts: the posts of the recent window (the ``model.burst_hours`` before the latest post),
            plus any other posts to assign; with :data:`schema.TOKENS`, :data:`schema.CREATED_AT`,
            :data:`schema.TEXT` and :data:`schema.AUTHOR`.
        baseline: token lists of a sample of earlier documents (one per duplicate group).
        model: the stored fitted model (not changed: the result holds an updated copy).
        cluster_ids: issue id of each of its clusters.
        earlier: stored posts of the hours before the window, with their :data:`schema.DUP_GROUP`:
            the window's copies of older posts join those groups (as in a fit over every post) and
            are then no recent documents; these posts are not returned.
        registry, edits, normaliser: as in :func:`detect_issues`.

    Returns:
        The posts with :data:`schema.ISSUE_ID`, the registry (new issues are New, other flags
        stay), the refreshed model (:func:`monitoring.issues.refresh.refresh_recent`) and its ids.
    """
    from monitoring.issues.refresh import refresh_recent

    posts, returned = _groups_with_earlier(posts, earlier)
    first = ~posts[schema.DUP_GROUP].duplicated().to_numpy()
    groups = posts.loc[first]
    context = _fit_context(posts, groups)
    start = context["created_at"].max() - np.timedelta64(int(model.burst_hours * 3600), "s")
    recent = context["created_at"] > start  # first post in the window (not a copy of an older one)
    model = copy.deepcopy(model)
    changed = refresh_recent(model, groups[schema.TOKENS][recent], baseline,
                             created_at=context["created_at"][recent], authors=context["authors"][recent],
                             post_counts=context["post_counts"][recent])
    cluster_ids = list(cluster_ids) + [""] * (model.n_issues_ - len(cluster_ids))
    if changed:
        terms = [model.top_terms_[i] for i in changed]
        kept = [issue for i, issue in enumerate(cluster_ids) if i not in changed and issue]
        ids, registry = assign_ids(registry, [model.term_weights_[i] for i in changed],
                                   _labels(groups[recent], terms), terms, keep=kept)
        for index, issue_id in zip(changed, ids):
            cluster_ids[index] = issue_id
    posts = posts.iloc[returned]
    groups = posts.loc[~posts[schema.DUP_GROUP].duplicated().to_numpy()]
    by_group = pd.Series(model.predict(groups[schema.TOKENS]), index=groups[schema.DUP_GROUP].to_numpy())
    posts = _with_issue_ids(posts, by_group.reindex(posts[schema.DUP_GROUP]).to_numpy(), cluster_ids)
    posts, registry = apply_edits(posts, registry, edits, normaliser=normaliser)
    return IssueDetection(posts.sort_values("_position").drop(columns="_position"), registry, model, cluster_ids)


def _groups_with_earlier(posts: pd.DataFrame, earlier: pd.DataFrame | None) -> tuple[pd.DataFrame, np.ndarray]:
    """``earlier`` and ``posts`` in canonical order with duplicate groups computed together, and the
    positions of ``posts`` (their input order in column ``_position``). A group holding an earlier
    post takes that post's stored id (as text), so stored groups are continued, not split."""
    earlier = earlier if earlier is not None else posts.iloc[:0]
    stored = earlier[schema.DUP_GROUP].astype(str).to_numpy() if schema.DUP_GROUP in earlier else \
        np.full(len(earlier), "", dtype=object)
    drop = [c for c in (schema.DUP_GROUP, schema.IS_COORDINATED) if c in posts or c in earlier]
    both = pd.concat([earlier.drop(columns=drop, errors="ignore"), posts.drop(columns=drop, errors="ignore")],
                     ignore_index=True)
    both["_position"] = np.r_[np.full(len(earlier), -1), np.arange(len(posts))]
    both = add_duplicate_groups(both.iloc[_canonical_order(both)])
    is_earlier = both["_position"].to_numpy() < 0
    computed = both[schema.DUP_GROUP].to_numpy()
    stored_id = pd.Series(np.r_[stored, np.full(len(posts), "", dtype=object)][both.index.to_numpy()][is_earlier],
                          index=computed[is_earlier])
    stored_id = stored_id[~stored_id.index.duplicated()]
    inherited = pd.Series(computed).map(stored_id).to_numpy()
    both[schema.DUP_GROUP] = np.where(pd.notna(inherited), inherited, computed.astype(str)).astype(object)
    return both, np.flatnonzero(~is_earlier)


def _canonical_order(posts: pd.DataFrame) -> np.ndarray:
    """Positions sorted by a hash of the post key (input order without one).

    The store returns rows in no fixed order, and the fit depends on it (which post represents a
    duplicate group, which documents are sampled): this makes a re-analysis reproducible.
    """
    if schema.POST_KEY not in posts:
        return np.arange(len(posts))
    keys = pd.util.hash_pandas_object(posts[schema.POST_KEY].astype(str), index=False).to_numpy()
    return np.argsort(keys, kind="stable")


def _fit_context(posts: pd.DataFrame, groups: pd.DataFrame) -> dict:
    """``IssueModel.fit`` arguments per duplicate group: first post time, author, group size."""
    # an unsorted groupby lists groups in order of first appearance: the order of ``groups``
    by_group = posts.groupby(posts[schema.DUP_GROUP].to_numpy(), sort=False)
    context = {"post_counts": by_group.size().to_numpy()}
    if schema.CREATED_AT in posts:
        times = pd.to_datetime(posts[schema.CREATED_AT], utc=True, errors="coerce")
        first = times.groupby(posts[schema.DUP_GROUP].to_numpy(), sort=False).min()
        context["created_at"] = first.dt.tz_convert(None).to_numpy()  # naive UTC: not an array of objects
    if schema.AUTHOR in groups:
        context["authors"] = groups[schema.AUTHOR].to_numpy(dtype=object)
    return context


def _with_issue_ids(posts: pd.DataFrame, clusters: np.ndarray, cluster_ids: Sequence[str]) -> pd.DataFrame:
    lookup = np.array(list(cluster_ids) + [None], dtype=object)  # -1 (noise) -> None
    out = posts.copy()
    out[schema.ISSUE_ID] = lookup[np.where(clusters >= 0, clusters, len(cluster_ids))]
    return out


def _labels(groups: pd.DataFrame, top_terms: Sequence[Sequence[str]]) -> list[str]:
    sample = groups.iloc[:LABEL_SAMPLE]
    words = {w for terms in top_terms for t in terms for w in t.split(" ")}
    surface = surface_forms(sample[schema.TEXT], sample[schema.TOKENS], words) if schema.TEXT in sample else {}
    return [readable_label(terms, surface) for terms in top_terms]
