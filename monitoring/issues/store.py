"""Issue detection against the store: load posts, run the issue stage, persist the result.

What is remembered between analyses: the fitted :class:`IssueModel` (a blob), the issue
registry (stable ids, profiles, labels, headlines, and each issue's narratives) and the
analyst's edits (``issue_edits``), so ids, names, merges, splits and hidden issues and
narratives survive re-analysis and new uploads. ``post_issues`` holds each post's issue and
narrative; the ``issues`` and ``narratives`` tables are rewritten from the registry.

An issue is *Baru* (``issues.is_new``) only while it is new now: found by the burst search in the
model's current window, or first seen within the last ``burst_hours`` (24) before the latest
post (:func:`new_issue_ids`). A first upload of ten days therefore does not mark every issue new.
"""
from __future__ import annotations

import json
import pickle
from typing import Any

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.executors import Executor
from monitoring.issues.bursts import RECENT_HOURS
from monitoring.issues.detection import (
    IssueDetection,
    assign_posts,
    detect_issues,
    refresh_detection,
)
from monitoring.issues.edits import IssueEdit, IssueEditError, apply_edits, split_edit
from monitoring.issues.identity import IssueRegistry, find_narrative
from monitoring.issues.model import IssueModel
from monitoring.store import database as storage
from monitoring.store.facts import record_change
from monitoring.text.cleaning import tokenize_query

MODEL_BLOB = "issue_model.pickle"
LINK_HOURS = 24.0  # stored posts this long before an incremental window link its copies of them
OLD_MODEL_BLOBS = ("issue_model",)  # joblib blobs of earlier releases: unused, the next fit replaces them
REGISTRY_STATE = "issue_registry"
CLUSTER_IDS_STATE = "issue_cluster_ids"
NARRATIVE_IDS_STATE = "issue_narrative_ids"
POST_COLUMNS = (S.POST_KEY, S.TEXT, S.TOKENS, S.CREATED_AT, S.AUTHOR)


def _load_posts(con: duckdb.DuckDBPyConnection, condition: str = "", params: list[Any] | None = None, *,
                unassigned: bool = False, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Enriched posts with the issue stage's columns (and ``extra`` SQL columns): all, those matching
    ``condition`` (SQL after the join of ``posts p`` and ``enrichment e``), or only those without an
    issue row."""
    return storage.query_df(con, _posts_sql(condition, unassigned, extra), params)


def _posts_sql(condition: str = "", unassigned: bool = False, extra: tuple[str, ...] = ()) -> str:
    columns = ", ".join([f"p.{c}" if c not in (S.TOKENS,) else f"e.{c}" for c in POST_COLUMNS] + list(extra))
    posts = f"(SELECT * FROM posts ANTI JOIN post_issues USING ({S.POST_KEY}))" if unassigned else "posts"
    return f"SELECT {columns} FROM {posts} p JOIN enrichment e USING ({S.POST_KEY}) {condition}"


def load_registry(con: duckdb.DuckDBPyConnection) -> IssueRegistry:
    return IssueRegistry.from_dict(storage.get_state(con, REGISTRY_STATE, {}) or {})


def load_edits(con: duckdb.DuckDBPyConnection) -> list[IssueEdit]:
    rows = storage.query_df(con, "SELECT edit FROM issue_edits ORDER BY edit_id")
    return [IssueEdit.from_dict(json.loads(e)) for e in rows["edit"]]


def load_issue_model(con: duckdb.DuckDBPyConnection) -> tuple[IssueModel, list[str]] | None:
    """The stored fitted model and the issue id of each of its clusters, or None (also for a model
    of a release before narratives: the next analysis re-fits)."""
    blob = storage.load_blob(con, MODEL_BLOB)
    cluster_ids = storage.get_state(con, CLUSTER_IDS_STATE)
    if blob is None or cluster_ids is None:
        return None
    try:
        model = pickle.loads(blob)  # noqa: S301 - our own model, from our own store
    except (ImportError, AttributeError, pickle.UnpicklingError):
        # written by a release whose classes lived elsewhere: the next analysis re-fits (ids,
        # names and edits carry over through the registry, which is JSON)
        return None
    if not hasattr(model, "narrative_issue_"):  # before narratives and content tokens: re-fit
        return None
    return model, list(cluster_ids)


def load_narrative_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The narrative id of each narrative of the stored model."""
    return list(storage.get_state(con, NARRATIVE_IDS_STATE, []) or [])


def query_normaliser(con: duckdb.DuckDBPyConnection):
    slang, stopwords = storage.user_dictionaries(con)
    return lambda text: tokenize_query(text, extra_slang=slang, extra_stopwords=stopwords)


def fit_issues(con: duckdb.DuckDBPyConnection, *, n_issues: int | None = None,
               executor: Executor | None = None) -> tuple[int, int]:
    """Re-cluster every enriched post; returns (issues, posts assigned to an issue). Per-chunk
    work (MinHash, assignment) runs on ``executor``; only this process reads and writes the store."""
    posts, tokens = storage.query_df_with_codes(con, _posts_sql())
    if posts.empty:
        return 0, 0
    detection = detect_issues(posts, tokens=tokens, registry=load_registry(con), edits=load_edits(con),
                              model=IssueModel(n_issues=n_issues or None), normaliser=query_normaliser(con),
                              executor=executor)
    blob = pickle.dumps(detection.model, protocol=pickle.HIGHEST_PROTOCOL)  # ~7x faster than joblib here
    with storage.transaction(con):
        con.execute("DELETE FROM post_issues")
        _insert_post_issues(con, detection.posts)
        storage.save_blob(con, MODEL_BLOB, blob)
        con.execute(f"DELETE FROM blobs WHERE name IN ({', '.join('?' * len(OLD_MODEL_BLOBS))})",
                    list(OLD_MODEL_BLOBS))
        _save_ids(con, detection)
        _save_registry(con, detection.registry, detection.posts,
                       new_issue_ids(con, detection.model, detection.cluster_ids))
        storage.bump_version(con)
    return _present(detection.posts), int(detection.posts[S.ISSUE_ID].notna().sum())


def assign_issues(con: duckdb.DuckDBPyConnection, stored: tuple[IssueModel, list[str]], *,
                  executor: Executor | None = None) -> tuple[int, int]:
    """Assign posts without an issue row to the stored model's issues (incremental run)."""
    model, cluster_ids = stored
    posts = _load_posts(con, unassigned=True)
    if posts.empty:
        return 0, 0
    assigned, registry = assign_posts(posts, model, cluster_ids, load_registry(con), load_edits(con),
                                      normaliser=query_normaliser(con), executor=executor,
                                      narrative_ids=load_narrative_ids(con))
    with storage.transaction(con):
        _insert_post_issues(con, assigned)
        _save_registry(con, registry, None, new_issue_ids(con, model, cluster_ids))  # names: not in the fact table
        con.register("assigned_keys", assigned[[S.POST_KEY]])
        try:
            record_change(con, f"{S.POST_KEY} IN (SELECT {S.POST_KEY} FROM assigned_keys)")
        finally:
            con.unregister("assigned_keys")
    return len(cluster_ids), int(assigned[S.ISSUE_ID].notna().sum())


def refresh_issues(con: duckdb.DuckDBPyConnection, stored: tuple[IssueModel, list[str]], *,
                   executor: Executor | None = None) -> tuple[int, int]:
    """Posts newer than the stored model's window: find the new window's new issues without a
    re-fit (:func:`monitoring.issues.detection.refresh_detection`), then (re)assign the window's
    posts and any other unassigned ones. Returns (issues, posts (re)assigned to one)."""
    model, cluster_ids = stored
    latest = storage.query_value(con, f"SELECT max({S.CREATED_AT}) FROM posts")
    start = pd.Timestamp(latest) - pd.Timedelta(hours=model.burst_hours)
    stored_columns = {S.ISSUE_ID: "_stored_issue", S.DUP_GROUP: "_stored_group", S.IS_COORDINATED: "_stored_flag",
                      S.NARRATIVE_ID: "_stored_narrative"}
    posts = _load_posts(con, f"LEFT JOIN post_issues i USING ({S.POST_KEY}) WHERE p.{S.CREATED_AT} > ? "
                             f"OR i.{S.POST_KEY} IS NULL", [start],
                        extra=tuple(f"i.{c} AS {alias}" for c, alias in stored_columns.items()))
    # the day before the window: copies of older posts in the window join their stored groups
    earlier = _load_posts(con, f"JOIN post_issues i USING ({S.POST_KEY}) WHERE p.{S.CREATED_AT} > ? "
                               f"AND p.{S.CREATED_AT} <= ?", [start - pd.Timedelta(hours=LINK_HOURS), start],
                          extra=(f"i.{S.DUP_GROUP}",))
    detection = refresh_detection(posts, _baseline_documents(con, start, model.burst_baseline_sample,
                                                             model.random_state),
                                  model, cluster_ids, load_registry(con), load_edits(con), earlier=earlier,
                                  normaliser=query_normaliser(con), executor=executor,
                                  narrative_ids=load_narrative_ids(con))
    result = detection.posts
    # only rows that are new or changed are written (most of the window keeps its issue)
    changed = result["_stored_group"].isna().to_numpy().copy()  # no stored row yet
    for column, alias in stored_columns.items():
        changed |= (_comparable(result[column]) != _comparable(result[alias])).to_numpy()
    blob = pickle.dumps(detection.model, protocol=pickle.HIGHEST_PROTOCOL)
    with storage.transaction(con):
        con.register("refreshed_keys", result.loc[changed, [S.POST_KEY]])
        try:
            con.execute(f"DELETE FROM post_issues WHERE {S.POST_KEY} IN (SELECT {S.POST_KEY} FROM refreshed_keys)")
            _insert_post_issues(con, result.loc[changed])
            storage.save_blob(con, MODEL_BLOB, blob)
            _save_ids(con, detection)
            _save_registry(con, detection.registry, None, new_issue_ids(con, detection.model, detection.cluster_ids))
            record_change(con, f"{S.POST_KEY} IN (SELECT {S.POST_KEY} FROM refreshed_keys)")
        finally:
            con.unregister("refreshed_keys")
    return len(detection.cluster_ids), int(result[S.ISSUE_ID].notna().sum())


def _comparable(values: pd.Series) -> pd.Series:
    """Values as text, nulls as '' (a stored NULL and a new None / NaN compare equal)."""
    return values.astype(object).where(values.notna(), "").astype(str)


def _baseline_documents(con: duckdb.DuckDBPyConnection, before: pd.Timestamp, size: int, seed: int) -> pd.Series:
    """Token lists of a random sample of at most ``size`` duplicate groups whose first post is at or
    before ``before`` (the baseline the new window is compared with). The sample is picked by a
    seeded hash of the post key, not DuckDB's reservoir sample, whose rows vary between runs with
    the parallel scan: the same store gives the same new issues every time."""
    rows = storage.query_df(con, f"""
        WITH firsts AS (
            SELECT arg_min(i.{S.POST_KEY}, p.{S.CREATED_AT}) AS {S.POST_KEY}, min(p.{S.CREATED_AT}) AS first_at
            FROM posts p JOIN post_issues i USING ({S.POST_KEY}) GROUP BY i.{S.DUP_GROUP}),
        picked AS (SELECT {S.POST_KEY} FROM firsts WHERE first_at <= ?
                   ORDER BY hash({S.POST_KEY} || ?) LIMIT {int(size)})
        SELECT e.{S.TOKENS} FROM picked JOIN enrichment e USING ({S.POST_KEY}) ORDER BY {S.POST_KEY}""",
                            [before, str(seed)])
    return rows[S.TOKENS]


def _insert_post_issues(con: duckdb.DuckDBPyConnection, posts: pd.DataFrame) -> None:
    """Add issue rows; posts that already have one keep it (post_issues has no key index: a
    concurrent run may have stored the same posts since they were loaded)."""
    frame = pd.DataFrame({
        S.POST_KEY: posts[S.POST_KEY].to_numpy(),
        S.ISSUE_ID: posts[S.ISSUE_ID].astype(object).to_numpy(),
        S.DUP_GROUP: posts[S.DUP_GROUP].astype(str).to_numpy(),
        S.IS_COORDINATED: posts[S.IS_COORDINATED].fillna(False).astype(bool).to_numpy(),
        S.NARRATIVE_ID: (posts[S.NARRATIVE_ID].astype(object) if S.NARRATIVE_ID in posts
                         else pd.Series(None, index=posts.index, dtype=object)).to_numpy(),
    })
    con.register("incoming_issues", frame)
    try:
        con.execute(f"INSERT INTO post_issues BY NAME SELECT * FROM incoming_issues n WHERE NOT EXISTS "
                    f"(SELECT 1 FROM post_issues i WHERE i.{S.POST_KEY} = n.{S.POST_KEY})")
    finally:
        con.unregister("incoming_issues")


def _present(posts: pd.DataFrame) -> int:
    return int(posts[S.ISSUE_ID].dropna().nunique())


def _save_ids(con: duckdb.DuckDBPyConnection, detection: IssueDetection) -> None:
    storage.set_state(con, CLUSTER_IDS_STATE, list(detection.cluster_ids))
    storage.set_state(con, NARRATIVE_IDS_STATE, list(detection.narrative_ids))


def new_issue_ids(con: duckdb.DuckDBPyConnection, model: IssueModel, cluster_ids: list[str]) -> set[str]:
    """Issues that are new now (call after writing ``post_issues``, on the writing connection):
    found by the burst search in the model's current window, or whose first post is less than
    ``model.burst_hours`` before the latest post of the store."""
    found = {cluster_ids[i] for i in model.new_issue_indices() if i < len(cluster_ids) and cluster_ids[i]}
    hours = float(model.burst_hours or RECENT_HOURS)
    rows = con.execute(f"""SELECT i.{S.ISSUE_ID} FROM post_issues i JOIN posts p USING ({S.POST_KEY})
        WHERE i.{S.ISSUE_ID} IS NOT NULL GROUP BY ALL
        HAVING min(p.{S.CREATED_AT}) > (SELECT max({S.CREATED_AT}) FROM posts) - to_microseconds(?)""",
                       [int(hours * 3_600_000_000)]).fetchall()
    return found | {row[0] for row in rows}


def _save_registry(con: duckdb.DuckDBPyConnection, registry: IssueRegistry, posts: pd.DataFrame | None,
                   new_ids: set[str] | None = None) -> None:
    """Persist the registry and rewrite the ``issues`` and ``narratives`` tables (issues that
    currently have posts, hidden ones too). ``new_ids``: the issues that are new now (None: keep
    the stored flags, e.g. after an edit)."""
    storage.set_state(con, REGISTRY_STATE, registry.to_dict())
    if posts is None:  # on ``con`` itself: a cursor would not see this transaction's writes
        present = {row[0] for row in con.execute(
            "SELECT DISTINCT issue_id FROM post_issues WHERE issue_id IS NOT NULL").fetchall()}
    else:
        present = set(posts[S.ISSUE_ID].dropna())
    if new_ids is None:
        new_ids = {row[0] for row in con.execute("SELECT issue_id FROM issues WHERE is_new").fetchall()}
    shown = [i for i in registry.issues.values() if i.issue_id in present or i.hidden]
    rows = [{"issue_id": i.issue_id, "label": i.display_label, "top_terms": ", ".join(i.top_terms),
             "terms": json.dumps(i.terms, ensure_ascii=False), "is_new": i.issue_id in new_ids,
             "hidden": bool(i.hidden), "kind": "manual" if i.manual else "discovered", "query": None,
             "headline": i.display_headline} for i in shown]
    narratives = [{"narrative_id": n.narrative_id, "issue_id": i.issue_id, "label": n.display_label,
                   "headline": n.custom_label or n.headline, "top_terms": ", ".join(n.top_terms),
                   "terms": json.dumps(n.terms, ensure_ascii=False), "hidden": bool(n.hidden),
                   "kind": "manual" if n.manual else "discovered"}
                  for i in registry.issues.values() for n in i.narratives.values()]
    for table, frame in (("issues", rows), ("narratives", narratives)):
        con.execute(f"DELETE FROM {table}")
        if frame:
            con.register("incoming_registry", pd.DataFrame(frame))
            try:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_registry")
            finally:
                con.unregister("incoming_registry")


# --- analyst edits ----------------------------------------------------------------------

def add_edit(con: duckdb.DuckDBPyConnection, action: str, issue_id: str, *, label: str | None = None,
             target_id: str | None = None, query: str | None = None, narrative_id: str | None = None) -> IssueEdit:
    """Record an edit (rename / merge / split / hide) of an issue, or of one of its narratives
    (``narrative_id``), and apply it to the stored posts now.

    A split reserves a new id. Invalid edits raise an Indonesian :class:`UserError`.
    """
    registry = load_registry(con)
    if narrative_id is not None:
        _check_narrative_edit(registry, action, issue_id, narrative_id, target_id)
    if action == "split":
        edit, registry = split_edit(registry, issue_id, query or "", label or "", narrative_id=narrative_id)
    else:
        edit = IssueEdit(action=action, issue_id=issue_id, label=label, target_id=target_id, query=query,
                         narrative_id=narrative_id)
    edits = load_edits(con) + [edit]
    issue_edits = [e for e in edits if not e.narrative_id]
    touched = sorted({e.issue_id for e in edits} | {e.target_id for e in issue_edits if e.target_id})
    posts = _load_posts(con, f"JOIN post_issues i USING ({S.POST_KEY}) WHERE i.{S.ISSUE_ID} IN "
                             f"({', '.join('?' for _ in touched)})", touched)
    posts = posts.merge(storage.query_df(con, f"SELECT {S.POST_KEY}, {S.ISSUE_ID}, {S.DUP_GROUP}, "
                                              f"{S.IS_COORDINATED}, {S.NARRATIVE_ID} FROM post_issues"), on=S.POST_KEY)
    edited, registry = apply_edits(posts, registry, edits, normaliser=query_normaliser(con))
    with storage.transaction(con):
        next_id = storage.query_value(con, "SELECT coalesce(max(edit_id), 0) + 1 FROM issue_edits")
        con.execute("INSERT INTO issue_edits VALUES (?, ?, now())",
                    [next_id, json.dumps(edit.to_dict(), ensure_ascii=False)])
        con.register("edited_posts", edited[[S.POST_KEY, S.ISSUE_ID, S.NARRATIVE_ID]].astype(object))
        try:
            con.execute(f"UPDATE post_issues SET {S.ISSUE_ID} = e.{S.ISSUE_ID}, {S.NARRATIVE_ID} = e.{S.NARRATIVE_ID} "
                        f"FROM edited_posts e WHERE post_issues.{S.POST_KEY} = e.{S.POST_KEY}")
            _save_registry(con, registry, None)
            record_change(con, f"{S.POST_KEY} IN (SELECT {S.POST_KEY} FROM edited_posts)")
        finally:
            con.unregister("edited_posts")
    return edit


def _check_narrative_edit(registry: IssueRegistry, action: str, issue_id: str, narrative_id: str,
                          target_id: str | None) -> None:
    """A narrative edit names a narrative of ``issue_id``; a merge, another narrative of it."""
    found = find_narrative(registry, narrative_id)
    if found is None or found[0].issue_id != issue_id:
        raise IssueEditError("Narasi yang dipilih bukan bagian dari isu ini. Pilih narasi dari daftar isu tersebut.")
    if action == "merge" and target_id not in found[0].narratives:
        raise IssueEditError("Narasi hanya bisa digabung dengan narasi lain dari isu yang sama.")


def list_edits(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every edit, oldest first (for the Isu page)."""
    rows = storage.query_df(con, "SELECT edit_id, edit, created_at FROM issue_edits ORDER BY edit_id")
    details = pd.DataFrame([json.loads(e) for e in rows["edit"]]) if len(rows) else pd.DataFrame()
    return pd.concat([rows.drop(columns=["edit"]), details], axis=1)


def remove_edit(con: duckdb.DuckDBPyConnection, edit_id: int) -> None:
    """Undo an edit: it is dropped and the next analysis replays the rest (re-fit to apply now)."""
    with storage.transaction(con):
        con.execute("DELETE FROM issue_edits WHERE edit_id = ?", [edit_id])
        storage.bump_version(con)


__all__ = ["IssueDetection", "add_edit", "assign_issues", "fit_issues", "list_edits", "load_issue_model",
           "load_narrative_ids", "new_issue_ids", "refresh_issues", "remove_edit"]
