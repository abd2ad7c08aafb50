"""Writes that know which posts they changed keep the fact table fresh without a full comparison."""
from __future__ import annotations

import pytest

from monitoring import pipeline
from monitoring.demo.generator import generate_demo_posts
from monitoring.ingest.imports import import_posts_frame
from monitoring.store import database as storage
from monitoring.store import facts
from tests.test_facts import facts_differ_from_view

FRESH = f"SELECT coalesce((SELECT value FROM store_state WHERE key = '{facts.FACTS_STATE}') = " \
        "(SELECT value FROM store_state WHERE key = 'version') || '|' || ?, false)"


@pytest.fixture
def demo(demo_db_path, copy_of):
    return copy_of(demo_db_path)


def is_fresh(con) -> bool:
    return bool(storage.query_value(con, FRESH, [facts._FACTS_DIGEST]))


def new_posts(seed: int, n: int = 150):
    posts = generate_demo_posts(seed=seed, n_posts=n)
    posts["post_id"] = f"s{seed}-" + posts["post_id"].astype(str)
    return posts


def test_upload_and_incremental_analysis_keep_the_facts_fresh_and_exact(demo, monkeypatch):
    facts.facts_source(demo)
    assert is_fresh(demo)
    full = []
    monkeypatch.setattr(facts, "_rebuild_facts", lambda *a: full.append(a) or 0)
    import_posts_frame(demo, new_posts(31), name="unggahan baru")
    assert is_fresh(demo) and facts_differ_from_view(demo) == 0  # new posts, not yet enriched
    report = pipeline.analyze(demo)
    assert not report.refit and report.enriched == 150
    assert is_fresh(demo) and facts_differ_from_view(demo) == 0  # enriched and assigned rows patched
    assert full == []  # never rebuilt


def test_a_change_on_stale_facts_leaves_them_to_the_full_refresh(demo):
    facts.facts_source(demo)
    with storage.transaction(demo):  # an edit the fact table does not know about
        demo.execute("UPDATE post_issues SET issue_id = NULL WHERE post_key IN "
                     "(SELECT post_key FROM post_issues WHERE issue_id IS NOT NULL LIMIT 20)")
        storage.bump_version(demo)
    import_posts_frame(demo, new_posts(32), name="unggahan lain")
    assert not is_fresh(demo)  # patching only the upload would hide the edit
    assert facts.facts_source(demo) == facts.FACTS_TABLE
    assert facts_differ_from_view(demo) == 0


def test_an_issue_edit_patches_the_facts_of_the_posts_it_moves(demo):
    from monitoring.issues.store import add_edit

    facts.facts_source(demo)
    top = storage.query_df(demo, "SELECT issue_id, count(*) AS n FROM post_issues WHERE issue_id IS NOT NULL "
                                 "GROUP BY ALL ORDER BY n DESC, issue_id LIMIT 2")["issue_id"].tolist()
    moved = storage.query_value(demo, "SELECT count(*) FROM post_facts WHERE issue_id = ?", [top[1]])
    before = storage.query_value(demo, "SELECT count(*) FROM post_facts WHERE issue_id = ?", [top[0]])
    add_edit(demo, "merge", top[1], target_id=top[0])
    assert is_fresh(demo) and facts_differ_from_view(demo) == 0
    assert storage.query_value(demo, "SELECT count(*) FROM post_facts WHERE issue_id = ?", [top[0]]) == before + moved


def test_enriching_most_of_the_store_leaves_the_facts_to_the_rebuild(demo, monkeypatch):
    facts.facts_source(demo)
    pipeline.reset_enrichment(demo)
    facts.facts_source(demo)  # fresh again, with empty enrichment columns
    patched = []
    monkeypatch.setattr(pipeline, "record_change", lambda *a, **k: patched.append(a))
    pipeline.enrich_new_posts(demo)
    assert patched == [] and not is_fresh(demo)  # every post changed: no row-by-row patching
    assert facts.facts_source(demo) == facts.FACTS_TABLE and facts_differ_from_view(demo) == 0
