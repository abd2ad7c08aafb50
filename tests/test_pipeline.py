"""The whole analysis on the demo: enrichment, issues, incremental runs, stable ids, alerts."""
from __future__ import annotations

import shutil

import pandas as pd

from monitoring import pipeline, storage
from monitoring.demo import EMERGING_PROVINCE_CODE, generate_demo_posts
from monitoring.emerging import emerging_table, stored_alerts
from monitoring.imports import import_posts_frame
from monitoring.queries import Filters


def copy_store(path, tmp_path):
    target = tmp_path / "copy.duckdb"
    shutil.copy(path, target)
    return storage.connect(target)


def test_every_post_is_enriched(demo_db_path, tmp_path):
    con = copy_store(demo_db_path, tmp_path)
    counts = storage.query_df(con, """SELECT count(*) AS posts, count(e.post_key) AS enriched,
        count(i.post_key) AS with_issue_row, count(DISTINCT i.issue_id) AS issues,
        avg(CASE WHEN e.province_code IS NOT NULL THEN 1.0 ELSE 0 END) AS located
        FROM posts p LEFT JOIN enrichment e USING (post_key) LEFT JOIN post_issues i USING (post_key)""").iloc[0]
    assert counts["posts"] == counts["enriched"] == counts["with_issue_row"] == 2500
    assert 4 <= counts["issues"] <= 25
    assert 0.4 < counts["located"] < 0.95
    sentiments = set(storage.query_df(con, "SELECT DISTINCT sentiment FROM enrichment")["sentiment"])
    assert sentiments == {"positive", "neutral", "negative"}
    assert storage.query_value(con, "SELECT count(*) FROM stem_cache") > 500


def test_incremental_run_keeps_ids_and_assigns_new_posts(demo_db_path, tmp_path):
    con = copy_store(demo_db_path, tmp_path)
    before = storage.query_df(con, "SELECT issue_id, label FROM issues ORDER BY issue_id")
    extra = generate_demo_posts(seed=99, n_posts=400)
    extra["post_id"] = "new-" + extra["post_id"].astype(str)
    import_posts_frame(con, extra, name="tambahan")
    report = pipeline.analyze(con)
    assert report.enriched == 400 and not report.refit
    assert storage.query_value(con, "SELECT count(*) FROM post_issues") == 2900
    after = storage.query_df(con, "SELECT issue_id, label FROM issues ORDER BY issue_id")
    assert set(before["issue_id"]) <= set(after["issue_id"])
    refit = pipeline.analyze(con, refit=True)
    assert refit.refit
    kept = storage.query_df(con, "SELECT issue_id FROM issues")["issue_id"]
    assert len(set(before["issue_id"]) & set(kept)) >= 0.6 * len(before)


def test_emerging_province_shows_up_as_emerging(demo_db_path, tmp_path):
    con = copy_store(demo_db_path, tmp_path)
    scores = emerging_table(con, Filters())
    province = scores[scores["province_code"] == EMERGING_PROVINCE_CODE].sort_values("score", ascending=False)
    assert province.iloc[0]["status"] in ("Baru", "Naik")
    national_top = scores[scores["province_code"] == "ID"].head(3)["issue_id"]
    assert province.iloc[0]["issue_id"] in set(national_top)
    assert isinstance(stored_alerts(con), pd.DataFrame)


def test_reset_enrichment_then_reanalyse(demo_db_path, tmp_path):
    con = copy_store(demo_db_path, tmp_path)
    pipeline.reset_enrichment(con)
    assert storage.query_value(con, "SELECT count(*) FROM enrichment") == 0
    report = pipeline.analyze(con)
    assert report.enriched == 2500 and report.refit


def test_a_store_with_an_older_model_format_is_refitted(demo_db_path, tmp_path):
    from monitoring.issue_store import MODEL_BLOB, OLD_MODEL_BLOBS

    con = copy_store(demo_db_path, tmp_path)
    with storage.transaction(con):  # as an earlier release left it: a joblib blob under the old name
        blob = storage.load_blob(con, MODEL_BLOB)
        con.execute("DELETE FROM blobs WHERE name = ?", [MODEL_BLOB])
        storage.save_blob(con, OLD_MODEL_BLOBS[0], blob)
    extra = generate_demo_posts(seed=98, n_posts=100)
    extra["post_id"] = "old-" + extra["post_id"].astype(str)
    import_posts_frame(con, extra, name="tambahan")
    report = pipeline.analyze(con)
    assert report.refit
    names = set(storage.query_df(con, "SELECT name FROM blobs")["name"])
    assert MODEL_BLOB in names and not names & set(OLD_MODEL_BLOBS)
