"""The whole analysis on the demo: enrichment, issues, incremental runs, stable ids, alerts."""
from __future__ import annotations

import pickle

import pandas as pd
import pytest

from monitoring import pipeline
from monitoring.demo.generator import (
    EMERGING_ISSUE,
    EMERGING_PROVINCE_CODE,
    TRUE_ISSUE,
    generate_demo_posts,
)
from monitoring.enrichment import rules_fingerprint
from monitoring.ingest.imports import import_posts_frame
from monitoring.signals.emerging import emerging_table, stored_alerts
from monitoring.store import database as storage
from monitoring.store.queries import Filters


def test_every_post_is_enriched(demo_db_path, copy_of):
    con = copy_of(demo_db_path)
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


def test_incremental_run_keeps_ids_and_assigns_new_posts(demo_db_path, copy_of):
    con = copy_of(demo_db_path)
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
    kept = set(storage.query_df(con, "SELECT issue_id FROM issues")["issue_id"])
    # a re-fit may find more or fewer issues (k is chosen again); those it finds again keep their ids
    assert len(set(before["issue_id"]) & kept) >= 0.6 * min(len(before), len(kept))


def test_emerging_province_shows_up_as_emerging(demo_db_path, copy_of):
    con = copy_of(demo_db_path)
    scores = emerging_table(con, Filters())
    province = scores[scores["province_code"] == EMERGING_PROVINCE_CODE].sort_values("score", ascending=False)
    assert province.iloc[0]["status"] in ("Baru", "Naik")
    national_top = scores[scores["province_code"] == "ID"].head(3)["issue_id"]
    assert province.iloc[0]["issue_id"] in set(national_top)
    assert isinstance(stored_alerts(con), pd.DataFrame)


def test_reset_enrichment_then_reanalyse(demo_db_path, copy_of):
    con = copy_of(demo_db_path)
    pipeline.reset_enrichment(con)
    assert storage.query_value(con, "SELECT count(*) FROM enrichment") == 0
    report = pipeline.analyze(con)
    assert report.enriched == 2500 and report.refit


def test_enrichment_made_under_other_rules_is_redone(demo_db_path, copy_of):
    con = copy_of(demo_db_path)
    assert storage.get_state(con, pipeline.RULES_STATE) == rules_fingerprint()
    assert not pipeline.analyze(con).renewed                       # nothing changed: nothing redone
    before = set(storage.query_df(con, "SELECT issue_id FROM issues")["issue_id"])
    with storage.transaction(con):                                  # as an older release left it
        storage.set_state(con, pipeline.RULES_STATE, "an-older-release")
        con.execute("UPDATE enrichment SET tokens = ['usang']")
    report = pipeline.analyze(con)
    assert report.renewed and report.refit and report.enriched == 2500
    assert "semua unggahan diproses ulang" in report.message()
    assert storage.query_value(con, "SELECT count(*) FROM enrichment WHERE tokens = ['usang']") == 0
    assert storage.get_state(con, pipeline.RULES_STATE) == rules_fingerprint()
    after = set(storage.query_df(con, "SELECT issue_id FROM issues")["issue_id"])
    assert len(before & after) >= 0.6 * min(len(before), len(after))  # the re-fit keeps the issue ids


def test_a_store_from_before_rule_fingerprints_is_redone(demo_db_path, copy_of):
    con = copy_of(demo_db_path)
    with storage.transaction(con):
        con.execute("DELETE FROM store_state WHERE key = ?", [pipeline.RULES_STATE])
    assert pipeline.analyze(con).renewed
    empty = copy_of(demo_db_path, "empty.duckdb")                  # nothing enriched yet: nothing to redo
    with storage.transaction(empty):
        empty.execute("DELETE FROM enrichment")
        empty.execute("DELETE FROM store_state WHERE key = ?", [pipeline.RULES_STATE])
    assert not pipeline.analyze(empty).renewed


def test_rules_fingerprint_follows_the_team_word_lists(monkeypatch, tmp_path):
    from monitoring import data_files, enrichment

    original = rules_fingerprint()
    for name in enrichment._RULE_DATA:
        (tmp_path / name).write_bytes((data_files.DATA_DIR / name).read_bytes())
    monkeypatch.setattr(data_files, "DATA_DIR", tmp_path)
    enrichment.rules_fingerprint.cache_clear()
    try:
        same = enrichment.rules_fingerprint()
        with (tmp_path / "slang_overrides.csv").open("a", encoding="utf-8") as handle:
            handle.write("mantul,mantap betul\n")
        enrichment.rules_fingerprint.cache_clear()
        changed = enrichment.rules_fingerprint()
    finally:
        enrichment.rules_fingerprint.cache_clear()
    assert same == original and changed != same


def test_a_store_with_an_older_model_format_is_refitted(demo_db_path, copy_of):
    from monitoring.issues.store import MODEL_BLOB, OLD_MODEL_BLOBS

    con = copy_of(demo_db_path)
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


# --- the daily scrape: posts newer than the model's window -----------------------------------

@pytest.fixture(scope="module")
def daily_scrape(tmp_path_factory):
    """A store analysed on demo posts up to a day before their end, and that last day's posts."""
    posts = generate_demo_posts(seed=5, n_posts=3000)
    times = pd.to_datetime(posts["created_at"], utc=True)
    last_day = times > times.max() - pd.Timedelta(hours=24)
    path = tmp_path_factory.mktemp("daily") / "store.duckdb"
    con = storage.connect(path)
    import_posts_frame(con, posts[~last_day], name="sampai kemarin")
    assert pipeline.analyze(con).refit
    con.close()
    return path, posts[last_day]


def issue_of_each_post(con) -> pd.DataFrame:
    return storage.query_df(con, """SELECT p.post_id, i.issue_id, s.is_new, s.label FROM posts p
        JOIN post_issues i USING (post_key) LEFT JOIN issues s USING (issue_id)""")


def test_a_newer_day_gets_its_new_issue_without_a_refit(daily_scrape, copy_of):
    from tests.test_facts import facts_differ_from_view

    path, last_day = daily_scrape
    con = copy_of(path)
    before = issue_of_each_post(con)
    import_posts_frame(con, last_day, name="hari ini")
    report = pipeline.analyze(con)
    assert report.refreshed and not report.refit
    listed = storage.query_df(con, "SELECT is_new FROM issues WHERE NOT hidden")
    assert (report.issues, report.new_issues) == (len(listed), int(listed["is_new"].sum())) and report.new_issues >= 1
    after = issue_of_each_post(con)
    assert len(after) == 3000  # every post has its issue row
    emerging = after[after["post_id"].isin(last_day.loc[last_day[TRUE_ISSUE] == EMERGING_ISSUE, "post_id"])]
    counts = emerging["issue_id"].value_counts()
    new_id = counts.index[0]
    assert new_id not in set(before["issue_id"]) and counts.iloc[0] >= 0.8 * len(emerging)
    assert emerging.loc[emerging["issue_id"] == new_id, "is_new"].all()
    assert "kupang" in dict(zip(after["issue_id"], after["label"]))[new_id].lower()
    # older posts keep their issues; the fact table the pages read is exact
    kept = before.merge(after, on="post_id", suffixes=("", "_after"))
    assert (kept["issue_id"].fillna("") == kept["issue_id_after"].fillna("")).mean() > 0.97
    assert facts_differ_from_view(con) == 0
    # nothing newer: the next run neither refreshes nor re-fits; refreshing anyway changes nothing
    again = pipeline.analyze(con)
    assert not again.refit and not again.refreshed
    from monitoring.issues.store import load_issue_model, refresh_issues

    rows = storage.query_df(con, "SELECT * FROM post_issues ORDER BY post_key")
    refresh_issues(con, load_issue_model(con))
    pd.testing.assert_frame_equal(storage.query_df(con, "SELECT * FROM post_issues ORDER BY post_key"), rows)
    assert facts_differ_from_view(con) == 0


def test_a_quiet_newer_day_adds_no_issue(daily_scrape, copy_of):
    path, last_day = daily_scrape
    con = copy_of(path)
    issues_before = set(storage.query_df(con, "SELECT issue_id FROM issues")["issue_id"])
    import_posts_frame(con, last_day[last_day[TRUE_ISSUE] != EMERGING_ISSUE], name="hari ini")
    assert pipeline.analyze(con).refreshed
    assert set(storage.query_df(con, "SELECT issue_id FROM issues")["issue_id"]) <= issues_before


def test_a_week_after_the_last_fit_the_model_is_refitted(daily_scrape, copy_of):
    from monitoring.issues.store import MODEL_BLOB

    path, last_day = daily_scrape
    con = copy_of(path)
    model = pickle.loads(storage.load_blob(con, MODEL_BLOB))
    model.fitted_until_ = model.window_end_ - pd.Timedelta(days=7)  # as if refreshed daily for a week
    with storage.transaction(con):
        storage.save_blob(con, MODEL_BLOB, pickle.dumps(model))
    import_posts_frame(con, last_day, name="hari ini")
    report = pipeline.analyze(con)
    assert report.refit and not report.refreshed


def test_a_split_issue_is_listed_at_once(demo_db_path, copy_of):
    from monitoring.issues.store import add_edit

    con = copy_of(demo_db_path)
    top = storage.query_df(con, "SELECT issue_id, top_terms FROM issues ORDER BY issue_id").iloc[0]
    edit = add_edit(con, "split", top["issue_id"], query=top["top_terms"].split(", ")[0], label="Pecahan uji")
    listed = storage.query_df(con, "SELECT issue_id, label FROM issues")
    assert "Pecahan uji" in set(listed.loc[listed["issue_id"] == edit.target_id, "label"])


def test_the_analysis_message_says_what_was_done():
    refit = pipeline.AnalysisReport(enriched=1200, refit=True, issues=14, new_issues=2).message()
    refreshed = pipeline.AnalysisReport(enriched=10000, refreshed=True, issues=15, new_issues=1).message()
    assigned = pipeline.AnalysisReport(enriched=300, issues=14).message()
    assert refit.startswith("Analisis selesai: 1.200 unggahan baru") and "dikelompokkan ulang" in refit
    assert "hari terbaru diperiksa untuk isu baru" in refreshed and "10.000" in refreshed and "1 bertanda Baru" in refreshed
    assert "dimasukkan ke isu yang ada" in assigned and "14 isu" in assigned


def test_analyst_edits_hold_through_a_newer_day(daily_scrape, copy_of):
    from monitoring.issues.store import add_edit

    path, last_day = daily_scrape
    con = copy_of(path)
    top = storage.query_df(con, "SELECT issue_id, count(*) AS n FROM post_issues WHERE issue_id IS NOT NULL "
                                "GROUP BY ALL ORDER BY n DESC, issue_id LIMIT 3")["issue_id"].tolist()
    add_edit(con, "hide", top[0])
    add_edit(con, "merge", top[2], target_id=top[1])
    add_edit(con, "rename", top[1], label="Gabungan uji")
    import_posts_frame(con, last_day, name="hari ini")
    assert pipeline.analyze(con).refreshed
    ids = set(storage.query_df(con, "SELECT DISTINCT issue_id FROM post_issues")["issue_id"].dropna())
    assert top[0] not in ids and top[2] not in ids and top[1] in ids
    label = storage.query_value(con, "SELECT label FROM issues WHERE issue_id = ?", [top[1]])
    assert label == "Gabungan uji"
    assert storage.query_value(con, "SELECT hidden FROM issues WHERE issue_id = ?", [top[0]])


# --- narratives, headlines and "Baru" in the store ---------------------------------------------

def test_issues_have_headlines_and_narratives(demo_db_path, copy_of):
    con = copy_of(demo_db_path)
    issues = storage.query_df(con, "SELECT issue_id, label, headline FROM issues WHERE NOT hidden")
    assert issues["headline"].fillna("").str.len().gt(0).mean() >= 0.8
    rows = storage.query_df(con, """SELECT i.issue_id, i.narrative_id, n.issue_id AS parent FROM post_issues i
        LEFT JOIN narratives n USING (narrative_id) WHERE i.narrative_id IS NOT NULL""")
    # the bigger issues have framings of their own (small ones have none: one narrative would be the issue)
    assert len(rows) > 0.3 * storage.query_value(con, "SELECT count(*) FROM post_issues WHERE issue_id IS NOT NULL")
    assert (rows.groupby("issue_id")["narrative_id"].nunique() >= 2).sum() >= 2
    assert (rows["issue_id"] == rows["parent"]).all()  # a post's narrative belongs to its issue
    assert storage.query_value(con, "SELECT count(*) FROM post_issues WHERE issue_id IS NULL "
                                    "AND narrative_id IS NOT NULL") == 0


def test_a_first_upload_marks_only_new_issues_as_baru(daily_scrape, copy_of):
    path, _ = daily_scrape
    con = copy_of(path)
    first_seen = storage.query_df(con, """SELECT i.issue_id, s.is_new, min(p.created_at) AS first_seen
        FROM post_issues i JOIN posts p USING (post_key) JOIN issues s USING (issue_id) GROUP BY ALL""")
    latest = storage.query_value(con, "SELECT max(created_at) FROM posts")
    recent = first_seen["first_seen"] > pd.Timestamp(latest) - pd.Timedelta(hours=24)
    model = pickle.loads(storage.load_blob(con, "issue_model.pickle"))
    # three weeks of posts: only issues that started in the last day, or the burst search found, are Baru
    assert first_seen["is_new"].sum() <= recent.sum() + len(model.new_issue_indices()) < len(first_seen)


def test_yesterdays_new_issue_is_no_longer_baru_after_a_newer_day(daily_scrape, copy_of):
    path, last_day = daily_scrape
    con = copy_of(path)
    before = set(storage.query_df(con, "SELECT issue_id FROM issues WHERE is_new")["issue_id"])
    later = last_day.assign(created_at=pd.to_datetime(last_day["created_at"], utc=True) + pd.Timedelta(days=2))
    import_posts_frame(con, later[later[TRUE_ISSUE] != EMERGING_ISSUE], name="lusa")
    report = pipeline.analyze(con)
    assert report.refreshed
    now_new = set(storage.query_df(con, "SELECT issue_id FROM issues WHERE is_new")["issue_id"])
    assert not (before & now_new) and report.new_issues == len(now_new)


def test_narrative_edits_are_stored_and_survive_a_refit(demo_db_path, copy_of):
    from monitoring.issues.edits import IssueEditError
    from monitoring.issues.store import add_edit

    con = copy_of(demo_db_path)
    narratives = storage.query_df(con, """SELECT n.issue_id, n.narrative_id, count(*) AS posts FROM narratives n
        JOIN post_issues i USING (narrative_id) GROUP BY ALL ORDER BY posts DESC, narrative_id""")
    issue = narratives["issue_id"].value_counts().index[0]
    own = narratives[narratives["issue_id"] == issue]["narrative_id"].tolist()
    other = narratives[narratives["issue_id"] != issue]["narrative_id"].iloc[0]
    with pytest.raises(IssueEditError, match="isu yang sama"):
        add_edit(con, "merge", issue, narrative_id=own[0], target_id=other)
    with pytest.raises(IssueEditError, match="bukan bagian"):
        add_edit(con, "hide", issue, narrative_id=other)
    add_edit(con, "rename", issue, narrative_id=own[0], label="Narasi uji")
    add_edit(con, "merge", issue, narrative_id=own[1], target_id=own[0])
    for _ in range(2):  # applied at once, and again after a re-fit
        stored = storage.query_df(con, "SELECT narrative_id, label FROM narratives WHERE issue_id = ?", [issue])
        assert dict(zip(stored["narrative_id"], stored["label"]))[own[0]] == "Narasi uji"
        assert storage.query_value(con, "SELECT count(*) FROM post_issues WHERE narrative_id = ?", [own[1]]) == 0
        pipeline.analyze(con, refit=True)
