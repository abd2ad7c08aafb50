"""Analyst edits kept as data, keyed on stable issue ids (:mod:`monitoring.issues.identity`).

An edit is an :class:`IssueEdit` record - rename, merge (a into b), split (posts of a matching a
watchlist query become a new issue), hide (posts become noise) - replayed in order by
:func:`apply_edits` after every analysis, so edits survive re-fits and new uploads. With a
``narrative_id`` the same four edits work on a narrative inside its issue: rename it, merge it
into another narrative of the issue, split the posts matching a query into a new narrative, or
hide it (its posts stay in the issue, without a narrative). Edits serialise to JSON via
``to_dict`` / ``from_dict``.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from monitoring import schema
from monitoring.errors import UserError
from monitoring.issues.identity import Issue, IssueRegistry, Narrative
from monitoring.issues.watchlist import Normaliser, match_watchlist, parse_query

EDIT_ACTIONS = ("rename", "merge", "split", "hide")


class IssueEditError(UserError):
    """An analyst edit is incomplete or contradictory."""


@dataclass(frozen=True)
class IssueEdit:
    """One analyst edit.

    ``rename``: ``issue_id`` gets ``label``. ``merge``: posts of ``issue_id`` go to ``target_id``.
    ``split``: posts of ``issue_id`` matching ``query`` go to the new issue ``target_id`` named
    ``label`` (create it with :func:`split_edit`). ``hide``: posts of ``issue_id`` become noise.
    With ``narrative_id`` (a narrative of ``issue_id``) the edit is about that narrative and
    ``target_id`` is a narrative id of the same issue.
    """

    action: str
    issue_id: str
    label: str | None = None
    target_id: str | None = None
    query: str | None = None
    narrative_id: str | None = None

    def __post_init__(self):
        if self.action not in EDIT_ACTIONS:
            raise IssueEditError(f"Jenis suntingan isu '{self.action}' tidak dikenal. "
                                 "Pilih ganti nama, gabung, pisah atau sembunyikan.")
        if self.action == "rename" and not (self.label or "").strip():
            raise IssueEditError("Nama isu baru masih kosong. Tulis nama isu.")
        if self.action in ("merge", "split") and not self.target_id:
            raise IssueEditError("Pilih isu tujuan untuk digabung atau dipisah.")
        if self.action == "merge" and self.target_id in (self.narrative_id or self.issue_id,):
            raise IssueEditError("Isu atau narasi tidak bisa digabung dengan dirinya sendiri. Pilih yang lain.")
        if self.action == "split":
            parse_query(self.query or "")  # raises InvalidQueryError with an Indonesian message

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> IssueEdit:
        """Inverse of :meth:`to_dict`."""
        return cls(**{k: data.get(k) for k in ("action", "issue_id", "label", "target_id", "query", "narrative_id")})


def split_edit(registry: IssueRegistry, issue_id: str, query: str, label: str, *,
               narrative_id: str | None = None) -> tuple[IssueEdit, IssueRegistry]:
    """A split edit with a freshly reserved id for the new issue (or, with ``narrative_id``, the new
    narrative of ``issue_id``), and the updated registry."""
    registry = copy.deepcopy(registry)
    if narrative_id is None:
        target = registry.reserve_id()
    elif issue_id in registry.issues:
        target = registry.issues[issue_id].reserve_narrative_id()
    else:
        raise IssueEditError("Isu yang dipilih tidak dikenal. Muat ulang halaman dan pilih lagi.")
    edit = IssueEdit("split", issue_id, label=label, target_id=target, query=query, narrative_id=narrative_id)
    return edit, registry


def apply_edits(
    posts: pd.DataFrame,
    registry: IssueRegistry,
    edits: Sequence[IssueEdit],
    *,
    normaliser: Normaliser | None = None,
) -> tuple[pd.DataFrame, IssueRegistry]:
    """Replay analyst edits, in order, on posts with :data:`schema.ISSUE_ID` (and
    :data:`schema.NARRATIVE_ID` when present); pure.

    Edits about issues or narratives absent from this analysis do nothing (they apply again when
    they return). A merge that would close a cycle is skipped. The registry's edit-derived fields
    are recomputed from ``edits`` alone, so removing an edit undoes it.

    Returns:
        New posts (ISSUE_ID / NARRATIVE_ID rewritten; hidden issues' posts become null, hidden
        narratives' posts keep their issue) and a new registry.
    """
    registry = copy.deepcopy(registry)
    for issue in registry.issues.values():
        issue.custom_label, issue.merged_into, issue.hidden = None, None, False
        for narrative in issue.narratives.values():
            narrative.custom_label, narrative.merged_into, narrative.hidden = None, None, False
    ids = _Ids(posts)
    for edit in edits:
        if edit.narrative_id:
            _apply_narrative_edit(edit, registry, ids, posts, normaliser)
        else:
            _apply_issue_edit(edit, registry, ids, posts, normaliser)
    out = posts.copy()
    out[schema.ISSUE_ID] = ids.issues.astype(object)
    if ids.narratives is not None:
        out[schema.NARRATIVE_ID] = ids.narratives.where(ids.issues.notna(), None).astype(object)
    return out, registry


class _Ids:
    """The issue and narrative id columns being rewritten by the edits."""

    def __init__(self, posts: pd.DataFrame):
        self.issues = _nullable(posts[schema.ISSUE_ID])
        self.narratives = _nullable(posts[schema.NARRATIVE_ID]) if schema.NARRATIVE_ID in posts else None


def _nullable(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), None)


def _apply_issue_edit(edit: IssueEdit, registry: IssueRegistry, ids: _Ids, posts: pd.DataFrame,
                      normaliser: Normaliser | None) -> None:
    issue = registry.issues.get(edit.issue_id)
    if edit.action == "split":
        target = registry.issues.setdefault(edit.target_id, Issue(edit.target_id, manual=True))
        target.label = target.custom_label = edit.label or target.label
        if issue is not None:
            chosen = (ids.issues == edit.issue_id) & match_watchlist(posts, edit.query, normaliser=normaliser)
            ids.issues = ids.issues.mask(chosen, edit.target_id)
    elif issue is None:
        return
    elif edit.action == "rename":
        issue.custom_label = edit.label.strip()
    elif edit.action == "hide":
        issue.hidden = True
        ids.issues = ids.issues.mask(ids.issues == edit.issue_id, None)
    elif edit.action == "merge":
        target = _final_target(registry, edit.target_id)
        if target is None or target == edit.issue_id:
            return
        issue.merged_into = target
        moved_to = None if registry.issues[target].hidden else target
        ids.issues = ids.issues.mask(ids.issues == edit.issue_id, moved_to)


def _apply_narrative_edit(edit: IssueEdit, registry: IssueRegistry, ids: _Ids, posts: pd.DataFrame,
                          normaliser: Normaliser | None) -> None:
    issue = registry.issues.get(edit.issue_id)
    if issue is None:
        return
    if edit.action == "split":
        target = issue.narratives.setdefault(edit.target_id, Narrative(edit.target_id, manual=True))
        target.label = target.custom_label = edit.label or target.label
    narrative = issue.narratives.get(edit.narrative_id)
    if narrative is None or ids.narratives is None and edit.action != "rename":
        return
    mine = ids.narratives == edit.narrative_id if ids.narratives is not None else None
    if edit.action == "rename":
        narrative.custom_label = edit.label.strip()
    elif edit.action == "hide":
        narrative.hidden = True
        ids.narratives = ids.narratives.mask(mine, None)
    elif edit.action == "split":
        chosen = mine & match_watchlist(posts, edit.query, normaliser=normaliser)
        ids.narratives = ids.narratives.mask(chosen, edit.target_id)
    elif edit.action == "merge":
        target = _final_narrative(issue, edit.target_id)
        if target is None or target == edit.narrative_id:
            return
        narrative.merged_into = target
        ids.narratives = ids.narratives.mask(mine, None if issue.narratives[target].hidden else target)


def _final_target(registry: IssueRegistry, issue_id: str | None) -> str | None:
    """Follow merge chains: a merge into an issue that was itself merged lands at the end."""
    return _follow_merges(registry.issues, issue_id)


def _final_narrative(issue: Issue, narrative_id: str | None) -> str | None:
    """Follow merge chains of narratives inside one issue."""
    return _follow_merges(issue.narratives, narrative_id)


def _follow_merges(items: Mapping[str, Issue | Narrative], key: str | None) -> str | None:
    """The end of ``key``'s chain of ``merged_into`` links among ``items`` (None if absent); a cycle stops."""
    seen = set()
    while key in items and items[key].merged_into and key not in seen:
        seen.add(key)
        key = items[key].merged_into
    return key if key in items else None
