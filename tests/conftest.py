"""Shared fixtures: a real DuckDB store in a temp folder, and a small analysed demo store."""
from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from monitoring.store import database as storage  # noqa: E402

NOW = pd.Timestamp("2026-11-21T00:00:00Z")


@pytest.fixture
def store(tmp_path):
    """An empty store in a temp file."""
    con = storage.connect(tmp_path / "store.duckdb")
    yield con
    con.close()


@pytest.fixture
def copy_of(tmp_path):
    """Open a writable copy of a session-wide store: ``con = copy_of(demo_db_path)`` (closed after the test);
    ``name`` is the copy's file name in ``tmp_path``."""
    opened = []

    def open_copy(source, name: str | None = None):
        target = tmp_path / (name or f"copy{len(opened)}.duckdb")
        shutil.copy(source, target)
        opened.append(storage.connect(target))
        return opened[-1]

    yield open_copy
    for con in opened:
        con.close()


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory):
    """Path of a store holding the analysed demo dataset (built once per test session)."""
    from monitoring.pipeline import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = storage.connect(path)
    load_demo(con, n_posts=2500, seed=11)
    con.close()
    return path


def fill_ground_truth(con, posts: pd.DataFrame) -> None:
    """Store enrichment and issues straight from the demo's ground truth (no pipeline).

    Gives page and briefing tests a realistic analysed store in well under a second; the
    real pipeline has its own tests.
    """
    from monitoring import schema as S
    from monitoring.demo.generator import (
        TRUE_COORDINATED,
        TRUE_ISSUE,
        TRUE_PROVINCE_CODE,
        TRUE_SENTIMENT,
    )
    from monitoring.enrichment import rules_fingerprint
    from monitoring.issues.identity import Issue, IssueRegistry
    from monitoring.issues.store import REGISTRY_STATE
    from monitoring.pipeline import RULES_STATE
    from monitoring.store import database as storage

    keys = storage.query_df(con, "SELECT post_key, post_id, platform FROM posts")
    frame = posts.merge(keys, on=[S.POST_ID, S.PLATFORM])
    names = _province_names()
    enrichment = pd.DataFrame({
        S.POST_KEY: frame[S.POST_KEY], S.CLEAN_TEXT: frame[S.TEXT].str.lower(),
        S.TOKENS: frame[S.TEXT].str.lower().str.split(), S.HASHTAGS: frame[S.TEXT].str.findall(r"#(\w+)"),
        S.MENTIONS: frame[S.TEXT].str.findall(r"@(\w+)"), S.SENTIMENT: frame[TRUE_SENTIMENT],
        S.SENTIMENT_SCORE: 0.9, S.PROVINCE_CODE: frame[TRUE_PROVINCE_CODE],
        S.PROVINCE: frame[TRUE_PROVINCE_CODE].map(names), S.KABKOTA_CODE: None, S.KABKOTA: None,
        S.REGION_SOURCE: frame[TRUE_PROVINCE_CODE].map(lambda c: "profile" if isinstance(c, str) else None),
        S.REGION_CONFIDENCE: 0.9,
    })
    issue_ids = {k: f"I{i:04d}" for i, k in enumerate(sorted(frame[TRUE_ISSUE].unique()), start=1)}
    post_issues = pd.DataFrame({
        S.POST_KEY: frame[S.POST_KEY],
        S.ISSUE_ID: frame[TRUE_ISSUE].map(lambda k: None if k == "noise" else issue_ids[k]),
        S.DUP_GROUP: frame[S.POST_KEY], S.IS_COORDINATED: frame[TRUE_COORDINATED].astype(bool),
    })
    issues = pd.DataFrame({"issue_id": list(issue_ids.values()), "label": list(issue_ids),
                           "top_terms": list(issue_ids), "terms": "{}", "is_new": False, "hidden": False,
                           "kind": "discovered", "query": None, "headline": list(issue_ids)})
    issues = issues[issues["label"] != "noise"]
    with storage.transaction(con):
        for table, data in (("enrichment", enrichment), ("post_issues", post_issues), ("issues", issues)):
            con.register("incoming", data)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
        registry = IssueRegistry(issues={r.issue_id: Issue(r.issue_id, label=r.label, top_terms=[r.label])
                                         for r in issues.itertuples()}, next_number=len(issue_ids) + 1)
        storage.set_state(con, REGISTRY_STATE, registry.to_dict())
        # as if the pipeline had made it: an analysis keeps this enrichment
        storage.set_state(con, RULES_STATE, rules_fingerprint())
        storage.bump_version(con)


def _province_names() -> dict[str, str]:
    from lokal import PROVINCES

    return dict(PROVINCES)


@pytest.fixture(scope="session")
def truth_db_path(tmp_path_factory):
    """A store with the demo posts and ground-truth enrichment (fast; no pipeline)."""
    from monitoring.demo.generator import generate_demo_posts
    from monitoring.ingest.imports import import_posts_frame

    path = tmp_path_factory.mktemp("truth") / "truth.duckdb"
    con = storage.connect(path)
    posts = generate_demo_posts(seed=3, n_posts=3000)
    import_posts_frame(con, posts, name="Data contoh (kebenaran)")
    fill_ground_truth(con, posts)
    con.close()
    return path
