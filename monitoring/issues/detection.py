"""The issue stage: posts ▸ duplicate groups ▸ fitted clusters ▸ names ▸ stable ids ▸ edits.

:func:`detect_issues` fits an :class:`~monitoring.issues.model.IssueModel` on one post per
duplicate group (copies count for volume, not for clustering), names its issues and their
narratives (term labels, :mod:`monitoring.issues.labels`; headlines in the posts' own words from
their most typical posts, :mod:`monitoring.issues.headlines`), gives both stable ids
(:mod:`monitoring.issues.identity`) and replays the analyst's edits (:mod:`monitoring.issues.edits`). :func:`assign_posts` assigns posts
to a stored model without re-fitting; :func:`refresh_detection` also finds the new issues of a
newer window (:mod:`monitoring.issues.refresh`). Posts are put in a canonical order first, so a
re-analysis of the same posts gives the same issues.
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitoring import schema
from monitoring.executors import Executor
from monitoring.issues.dedup import add_duplicate_groups
from monitoring.issues.edits import IssueEdit, apply_edits
from monitoring.issues.headlines import SAMPLE as HEADLINE_TEXTS
from monitoring.issues.headlines import headline
from monitoring.issues.identity import IssueRegistry, assign_ids, assign_narrative_ids
from monitoring.issues.labels import readable_label, surface_forms
from monitoring.issues.model import IssueModel
from monitoring.issues.refresh import refresh_recent
from monitoring.issues.watchlist import Normaliser
from monitoring.store.token_codes import TokenCodes

LABEL_SAMPLE = 10_000  # posts read to find display forms of label words (most settle long before)
HEADLINE_CANDIDATES = 1_000  # an issue's documents ranked by typicality for its headline
NARRATIVE_TEXTS = 30  # most typical texts read for a narrative's phrase
NARRATIVE_LABEL_TERMS = 4  # a narrative's term label is made of its best few terms
NARRATIVE_CANDIDATES = 250  # a narrative's documents ranked by typicality for its phrase


@dataclass
class IssueDetection:
    """Result of :func:`detect_issues`: store ``model``, ``cluster_ids`` and ``narrative_ids`` to
    assign later posts."""

    posts: pd.DataFrame
    registry: IssueRegistry
    model: IssueModel
    cluster_ids: list[str]
    narrative_ids: list[str]


def detect_issues(
    posts: pd.DataFrame,
    *,
    registry: IssueRegistry | None = None,
    edits: Sequence[IssueEdit] = (),
    model: IssueModel | None = None,
    normaliser: Normaliser | None = None,
    tokens: TokenCodes | None = None,
    executor: Executor | None = None,
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
        executor: where the per-chunk work (MinHash signatures, assignment) runs.

    Returns:
        Posts with :data:`schema.ISSUE_ID` (null = noise) and :data:`schema.NARRATIVE_ID`, the
        updated registry, the fitted model, the issue id of each model cluster and the narrative
        id of each model narrative.
    """
    # 0. a canonical order (by post key): the same posts give the same issues in whatever order they come
    order = _canonical_order(posts)
    posts = posts.iloc[order]
    # once for dedup, the fit and its assignment
    tokens = TokenCodes.of(posts[schema.TOKENS]) if tokens is None else tokens.take(order).renumbered()
    if schema.DUP_GROUP not in posts:
        posts = add_duplicate_groups(posts, codes=tokens, executor=executor)
    # 1. one document per duplicate group: copies count for volume, not for clustering
    first = ~posts[schema.DUP_GROUP].duplicated().to_numpy()
    groups = posts.loc[first]
    # 2. fit and label the clusters (times and authors let the model find brand-new issues)
    group_tokens = tokens.take(np.flatnonzero(first))
    model = (model or IssueModel()).fit(group_tokens, **_fit_context(posts, groups), executor=executor)
    names = _Names(groups, group_tokens, model, model.labels_, model.narrative_labels_)
    # 3. stable ids of issues and their narratives, then the analyst's edits
    cluster_ids, registry = assign_ids(registry, model.term_weights_, names.labels(), model.top_terms_,
                                       headlines=names.headlines())
    narrative_ids, registry = assign_narrative_ids(registry, [cluster_ids[i] for i in model.narrative_issue_],
                                                   model.narrative_weights_, names.narrative_labels(),
                                                   names.narrative_phrases(), model.narrative_terms_)
    posts = _with_ids(posts, groups, model.labels_, model.narrative_labels_, cluster_ids, narrative_ids)
    posts, registry = apply_edits(posts, registry, edits, normaliser=normaliser)
    return IssueDetection(posts.iloc[np.argsort(order)], registry, model, cluster_ids, narrative_ids)


def assign_posts(
    posts: pd.DataFrame,
    model: IssueModel,
    cluster_ids: Sequence[str],
    registry: IssueRegistry,
    edits: Sequence[IssueEdit] = (),
    *,
    normaliser: Normaliser | None = None,
    executor: Executor | None = None,
    narrative_ids: Sequence[str] = (),
) -> tuple[pd.DataFrame, IssueRegistry]:
    """Assign posts to a stored model's issues and narratives without re-fitting (incremental runs)."""
    if schema.DUP_GROUP not in posts:
        posts = add_duplicate_groups(posts, executor=executor)
    first = ~posts[schema.DUP_GROUP].duplicated().to_numpy()
    groups = posts.loc[first]
    issues, narratives = model.assign(groups[schema.TOKENS], executor=executor)
    posts = _with_ids(posts, groups, issues, narratives, cluster_ids, narrative_ids)
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
    executor: Executor | None = None,
    narrative_ids: Sequence[str] = (),
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
        registry, edits, normaliser, executor: as in :func:`detect_issues`.
        narrative_ids: the narrative id of each of the model's narratives (new issues have none).

    Returns:
        The posts with :data:`schema.ISSUE_ID` and :data:`schema.NARRATIVE_ID`, the registry (new
        issues are New, other flags stay), the refreshed model
        (:func:`monitoring.issues.refresh.refresh_recent`) and its ids.
    """

    posts, returned = _groups_with_earlier(posts, earlier, executor)
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
        recent_groups = groups[recent]
        recent_tokens = TokenCodes.of(recent_groups[schema.TOKENS])
        names = _Names(recent_groups, recent_tokens, model, model.predict(recent_tokens, executor=executor), None,
                       issues=changed)
        ids, registry = assign_ids(registry, [model.term_weights_[i] for i in changed], names.labels(), terms,
                                   keep=kept, headlines=names.headlines())
        for index, issue_id in zip(changed, ids):
            cluster_ids[index] = issue_id
    posts = posts.iloc[returned]
    groups = posts.loc[~posts[schema.DUP_GROUP].duplicated().to_numpy()]
    issues, narratives = model.assign(groups[schema.TOKENS], executor=executor)
    posts = _with_ids(posts, groups, issues, narratives, cluster_ids, narrative_ids)
    posts, registry = apply_edits(posts, registry, edits, normaliser=normaliser)
    return IssueDetection(posts.sort_values("_position").drop(columns="_position"), registry, model, cluster_ids,
                          list(narrative_ids))


def _groups_with_earlier(posts: pd.DataFrame, earlier: pd.DataFrame | None,
                         executor: Executor | None = None) -> tuple[pd.DataFrame, np.ndarray]:
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
    both = add_duplicate_groups(both.iloc[_canonical_order(both)], executor=executor)
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


def _with_ids(posts: pd.DataFrame, groups: pd.DataFrame, clusters: np.ndarray, stories: np.ndarray,
              cluster_ids: Sequence[str], narrative_ids: Sequence[str]) -> pd.DataFrame:
    """Posts with the issue and narrative id of their duplicate group (-1 -> None)."""
    out = posts.copy()
    for column, found, ids in ((schema.ISSUE_ID, clusters, cluster_ids), (schema.NARRATIVE_ID, stories, narrative_ids)):
        lookup = np.array(list(ids) + [None], dtype=object)  # -1 (noise / none) -> None
        found = np.where((found >= 0) & (found < len(ids)), found, len(ids))
        by_group = pd.Series(lookup[found], index=groups[schema.DUP_GROUP].to_numpy(), dtype=object)
        out[column] = by_group.reindex(posts[schema.DUP_GROUP]).to_numpy()
    return out


class _Names:
    """Names of the issues (``issues``, default all) and narratives of a fitted model, from the
    groups' texts: term labels in the posts' spelling (one pass over the texts for every word) and
    phrases from each one's most typical documents (one transform for all candidates)."""

    def __init__(self, groups: pd.DataFrame, tokens: TokenCodes, model: IssueModel, labels: np.ndarray,
                 narratives: np.ndarray | None, *, issues: Sequence[int] | None = None):
        self.model, self.groups = model, groups
        self.issues = list(range(model.n_issues_)) if issues is None else list(issues)
        self.narratives = [] if narratives is None else list(range(len(model.narrative_issue_)))
        self.surface = _surface(groups, [model.top_terms_[i] for i in self.issues]  # a narrative's label: 2 terms
                                + [model.narrative_terms_[j][:NARRATIVE_LABEL_TERMS] for j in self.narratives])
        self.texts = groups[schema.TEXT].to_numpy(dtype=object) if schema.TEXT in groups else None
        candidates = [np.flatnonzero(labels == i)[:HEADLINE_CANDIDATES] for i in self.issues]
        candidates += [np.flatnonzero(narratives == j)[:NARRATIVE_CANDIDATES] for j in self.narratives]
        every = np.unique(np.concatenate(candidates)) if candidates else np.zeros(0, dtype=np.int64)
        X = model.transform(tokens.take(every)) if len(every) and self.texts is not None else None
        self.typical = [_most_similar(X, np.searchsorted(every, rows), rows, self._centroid(n), size)
                        for n, (rows, size) in enumerate(zip(candidates, [HEADLINE_TEXTS] * len(self.issues)
                                                             + [NARRATIVE_TEXTS] * len(self.narratives)))]

    def _centroid(self, n: int):
        if n < len(self.issues):
            return self.model.centroids_[self.issues[n]]
        return self.model.narrative_centroids_[self.narratives[n - len(self.issues)]]

    def labels(self) -> list[str]:
        return [readable_label(self.model.top_terms_[i], self.surface) for i in self.issues]

    def headlines(self) -> list[str]:
        return [self._phrase(n, self.model.top_terms_[i]) for n, i in enumerate(self.issues)]

    def narrative_labels(self) -> list[str]:
        return [readable_label(self.model.narrative_terms_[j][:NARRATIVE_LABEL_TERMS], self.surface, parts=2)
                for j in self.narratives]

    def narrative_phrases(self) -> list[str]:
        return [self._phrase(len(self.issues) + n, self.model.narrative_terms_[j], min_share=0.1)
                for n, j in enumerate(self.narratives)]

    def _phrase(self, n: int, terms: Sequence[str], **options) -> str:
        return headline(self.texts[self.typical[n]], terms, **options) if self.texts is not None else ""


def _most_similar(X, positions: np.ndarray, rows: np.ndarray, centroid, size: int) -> np.ndarray:
    """The ``size`` rows (of ``rows``, at ``positions`` of ``X``) most similar to ``centroid``."""
    if X is None or len(rows) <= size:
        return rows
    part = X[positions]
    similarity = np.asarray((part @ centroid.T).todense() if hasattr(centroid, "todense") else part @ centroid).ravel()
    return rows[np.argsort(-similarity, kind="stable")[:size]]


def _surface(groups: pd.DataFrame, top_terms: Sequence[Sequence[str]]) -> dict[str, str]:
    """Stem -> the word posts most often write for it, for every word of ``top_terms``."""
    if schema.TEXT not in groups:
        return {}
    sample = groups.iloc[:LABEL_SAMPLE]
    words = {w for terms in top_terms for t in terms for w in t.split(" ")}
    return surface_forms(sample[schema.TEXT], sample[schema.TOKENS], words)
