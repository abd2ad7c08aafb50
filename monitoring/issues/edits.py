"""Analyst edits kept as data, keyed on stable issue ids (:mod:`monitoring.issues.identity`).

An edit is an :class:`IssueEdit` record - rename, merge (a into b), split (posts of a matching a
watchlist query become a new issue), hide (posts become noise) - replayed in order by
:func:`apply_edits` after every analysis, so edits survive re-fits and new uploads. Edits
serialise to JSON via ``to_dict`` / ``from_dict``.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from monitoring import schema
from monitoring.errors import UserError
from monitoring.issues.identity import Issue, IssueRegistry
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
