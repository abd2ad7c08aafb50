"""Sentiment store: analyst labels, uploaded examples, training, switching models, re-scoring.

Plus the Sentimen page's queries (monitoring.sentiment.queries) and quality charts
(monitoring.report.sentiment_charts). Stores are copies of the ground-truth demo store.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from monitoring import schema as S
from monitoring.errors import MappingError, ModelError
from monitoring.ingest.readers import read_table
from monitoring.report import sentiment_charts
from monitoring.sentiment import queries as sentiment_queries
from monitoring.sentiment import store
from monitoring.sentiment.model import predict_sentiment
from monitoring.store import database as storage
from monitoring.store.queries import Filters, overview

DEV = Path(__file__).resolve().parent / "data" / "sentiment_dev.csv"


@pytest.fixture
def db(truth_db_path, copy_of):
    return copy_of(truth_db_path, "pantau.duckdb")  # the model registry is named after the file


def post_keys(con, n: int) -> list[str]:
    return storage.query_df(con, f"SELECT {S.POST_KEY} FROM posts ORDER BY {S.POST_KEY} LIMIT {n}")[S.POST_KEY].tolist()


def stored_labels(con) -> dict[str, str]:
    frame = storage.query_df(con, f"SELECT {S.POST_KEY}, {S.SENTIMENT} FROM sentiment_labels")
    return dict(zip(frame[S.POST_KEY], frame[S.SENTIMENT]))


def enrichment(con) -> pd.DataFrame:
    return storage.query_df(con, f"""SELECT e.{S.POST_KEY}, p.{S.TEXT}, e.{S.SENTIMENT}, e.{S.SENTIMENT_SCORE}
        FROM enrichment e JOIN posts p USING ({S.POST_KEY}) ORDER BY e.{S.POST_KEY}""")


class AlwaysNegative:
    """A fitted stand-in model: every text is negative with confidence 0.7."""

    classes_ = np.array(["negative", "neutral", "positive"], dtype=object)

    def predict_proba(self, texts):
        return np.tile([0.7, 0.2, 0.1], (len(texts), 1))


# --- registry ------------------------------------------------------------------------------------

def test_registry_lives_beside_the_database_file(db, tmp_path):
    registry = store.sentiment_registry(db)
    assert registry.directory == tmp_path / "models" / "pantau" / "sentiment"
    version = registry.register(AlwaysNegative())
    assert (tmp_path / "models" / "pantau" / "sentiment" / f"sentiment-{version}.joblib").is_file()
    versions = store.model_versions(db)
    assert versions["version"].tolist() == [None, version]
    assert versions["active"].tolist() == [True, False]


# --- analyst labels ------------------------------------------------------------------------------

@pytest.mark.parametrize("given, stored", [
    ("positif", "positive"), ("Negative", "negative"), ("NETRAL", "neutral"), ("-1", "negative"),
    ("1", "positive"), (" neg ", "negative"),
])
def test_save_labels_normalises_spellings(db, given, stored):
    key = post_keys(db, 1)[0]
    assert store.save_labels(db, {key: given}) == 1
    assert stored_labels(db) == {key: stored}


def test_save_labels_overwrites_and_rejects_unknown_labels(db):
    first, second = post_keys(db, 2)
    store.save_labels(db, {first: "positif", second: "negatif"})
    store.save_labels(db, {first: "netral"})
    assert stored_labels(db) == {first: "neutral", second: "negative"}
    with pytest.raises(ModelError, match="'mantap'"):
        store.save_labels(db, {first: "negatif", second: "mantap"})
    assert stored_labels(db) == {first: "neutral", second: "negative"}   # nothing half-written


def test_delete_labels_forgets_only_the_given_posts(db):
    first, second, third = post_keys(db, 3)
    store.save_labels(db, {first: "positif", second: "negatif", third: "netral"})
    assert store.delete_labels(db, [second, "tidak-ada"]) == 1
    assert stored_labels(db) == {first: "positive", third: "neutral"}


@pytest.mark.parametrize("before, after, saved, cleared", [
    ([None, None, None], [None, "negatif", None], {"b": "negative"}, []),
    (["positive", None, "negative"], ["positif", None, "negatif"], {}, []),          # same label, other spelling
    (["positive", "neutral", None], ["negatif", None, ""], {"a": "negative"}, ["b"]),  # changed + cleared
    ([None, float("nan"), None], ["netral", "positif", "negatif"],
     {"a": "neutral", "b": "positive", "c": "negative"}, []),
])
def test_label_edits(before, after, saved, cleared):
    assert store.label_edits(["a", "b", "c"], before, after) == (saved, cleared)


# --- uploaded examples ---------------------------------------------------------------------------

UPLOAD = (
    "\ufeffno;tweet;sentimen\n"
    "1;Alhamdulillah bansos udh cair, makasih pak lurah 🙏;Positif\n"
    "2;jalan ke desa rusak parah, tiap hujan banjir lumpur #jalanrusak;negatif\n"
    "3;   ;netral\n"
    "4;Rapat koordinasi penanganan stunting digelar di aula kantor bupati;NETRAL\n"
    "5;jalan ke desa rusak parah, tiap hujan banjir lumpur #jalanrusak;negative\n"
    "6;mantul bgt pelayanan samsat online skrg, ga pake antri;1\n"
).encode("utf-8")


def test_examples_from_uploaded_csv():
    table = read_table(UPLOAD, "label_bansos.csv").frame
    assert store.guess_example_columns(table.columns) == ("tweet", "sentimen")
    examples = store.examples_from_table(table, "tweet", "sentimen")
    assert examples["label"].tolist() == ["positive", "neutral", "negative", "positive"]
    assert examples["text"].str.startswith("jalan ke desa").sum() == 1      # duplicate text kept once
    assert not examples["text"].str.strip().eq("").any()                   # blank text dropped


@pytest.mark.parametrize("columns, text, label", [
    (["full_text", "label", "username"], "full_text", "label"),
    (["Komentar", "Kelas"], "Komentar", "Kelas"),
    (["id", "content", "sentiment_label"], "content", "sentiment_label"),
    (["a", "b"], None, None),
])
def test_guess_example_columns(columns, text, label):
    assert store.guess_example_columns(columns) == (text, label)


@pytest.mark.parametrize("text_col, label_col, error, message", [
    ("tweet", "kelas", MappingError, "'kelas'"),
    ("tweet", "tweet", MappingError, "berbeda"),
    ("tweet", "no", ModelError, "'2'"),     # row numbers are not labels ('1' is, '2' is not)
])
def test_examples_from_table_errors_speak_indonesian(text_col, label_col, error, message):
    table = read_table(UPLOAD, "label.csv").frame
    with pytest.raises(error, match=message):
        store.examples_from_table(table, text_col, label_col)


def test_save_examples_and_training_examples(db):
    assert store.training_examples(db).empty                              # table not created yet
    examples = store.examples_from_table(read_table(UPLOAD, "x.csv").frame, "tweet", "sentimen")
    assert store.save_examples(db, examples, source="x.csv") == 4
    relabelled = pd.DataFrame({"text": ["mantul bgt pelayanan samsat online skrg, ga pake antri"], "label": ["netral"]})
    store.save_examples(db, relabelled)
    key = post_keys(db, 1)[0]
    text = storage.query_value(db, f"SELECT {S.TEXT} FROM posts WHERE {S.POST_KEY} = ?", [key])
    store.save_examples(db, pd.DataFrame({"text": [text], "label": ["positif"]}))
    store.save_labels(db, {key: "negatif"})
    train = store.training_examples(db)
    assert len(train) == 5
    assert train.set_index("text").loc[text, ["label", "origin"]].tolist() == ["negative", "post"]
    assert train.set_index("text").loc[relabelled["text"][0], "label"] == "neutral"
    assert store.label_counts(train) == {"positive": 1, "neutral": 2, "negative": 2}
    assert store.clear_examples(db) == 5
    assert store.training_examples(db)["origin"].tolist() == ["post"]


# --- re-scoring and switching --------------------------------------------------------------------

def test_rescore_sentiment_rewrites_every_enriched_post(db):
    before, version = enrichment(db), storage.store_version(db)
    result = store.rescore_sentiment(db, AlwaysNegative(), chunk_size=700)   # several chunks
    after = enrichment(db)
    assert result.posts == len(before) == len(after)
    assert result.changed == int((before[S.SENTIMENT] != "negative").sum()) > 0
    assert set(after[S.SENTIMENT]) == {"negative"} and np.allclose(after[S.SENTIMENT_SCORE], 0.7)
    assert storage.store_version(db) == version + 1

    result = store.rescore_sentiment(db, None)
    after = enrichment(db)
    expected, _ = predict_sentiment(after[S.TEXT].tolist())
    assert (after[S.SENTIMENT].to_numpy() == expected).all()
    assert result.changed == int((expected != "negative").sum())
    assert set(after[S.SENTIMENT]) == set(S.SENTIMENTS)


def test_rescore_leaves_posts_without_enrichment_alone(db):
    key = post_keys(db, 1)[0]
    db.execute(f"DELETE FROM enrichment WHERE {S.POST_KEY} = ?", [key])
    result = store.rescore_sentiment(db, AlwaysNegative())
    assert result.posts == storage.query_value(db, "SELECT count(*) FROM posts") - 1
    assert storage.query_value(db, f"SELECT count(*) FROM enrichment WHERE {S.POST_KEY} = ?", [key]) == 0


def test_train_candidate_needs_enough_labels(db):
    store.save_labels(db, dict(zip(post_keys(db, 3), ["positif", "netral", "negatif"])))
    with pytest.raises(ModelError, match="terlalu sedikit"):
        store.train_candidate(db)
    assert store.sentiment_registry(db).list_versions() == []


def test_train_activate_and_roll_back(db):
    dev = pd.read_csv(DEV).groupby("label").head(40)      # 120 examples keep the test fast
    store.save_examples(db, dev)
    result = store.train_candidate(db, folds=3)
    registry = store.sentiment_registry(db)
    assert result.version == "v0001" and registry.active_version() is None   # trained, not switched
    assert result.n_examples == len(dev) and result.metrics["folds"] == 3
    assert result.metrics["macro_f1"] > 0.85
    assert result.baseline["macro_f1"] < result.metrics["macro_f1"]
    lexicon = enrichment(db)

    switched = store.activate_model(db, result.version)
    assert registry.active_version() == "v0001"
    trained = enrichment(db)
    assert switched.posts == len(trained) and switched.changed > 0
    assert store.model_versions(db).set_index("version").loc["v0001", "macro_f1"] == result.metrics["macro_f1"]

    version, back = store.rollback_model(db)
    assert version is None and registry.active_version() is None
    expected, _ = predict_sentiment(lexicon[S.TEXT].tolist())
    assert (enrichment(db)[S.SENTIMENT].to_numpy() == expected).all()
    assert back.changed == (trained[S.SENTIMENT].to_numpy() != expected).sum()


def test_activate_unknown_version_keeps_the_active_model(db):
    with pytest.raises(ModelError, match="v0042"):
        store.activate_model(db, "v0042")
    assert store.sentiment_registry(db).active_version() is None


# --- queries and charts of the page --------------------------------------------------------------

def test_sentiment_totals_and_splits_match_the_store(db):
    filters = Filters(platforms=("x", "instagram"))
    totals = sentiment_queries.sentiment_totals(db, filters)
    assert sum(totals.values()) == overview(db, filters)["posts"]
    by_platform = sentiment_queries.sentiment_by(db, filters, S.PLATFORM)
    assert set(by_platform["key"]) == {"x", "instagram"}
    assert by_platform.groupby("sentiment")["posts"].sum().to_dict() == {k: v for k, v in totals.items() if v}
    by_province = sentiment_queries.sentiment_by(db, filters, S.PROVINCE_CODE)
    assert by_province["key"].notna().all()
    assert by_province["posts"].sum() < sum(totals.values())       # unlocated posts left out
    with pytest.raises(ValueError):
        sentiment_queries.sentiment_by(db, filters, S.TEXT)


def test_review_posts_orders_and_skips_labelled(db):
    store.rescore_sentiment(db, None)            # real, varied confidences
    posts = sentiment_queries.review_posts(db, Filters(), order="uncertain", limit=10)
    assert posts[S.SENTIMENT_SCORE].is_monotonic_increasing and len(posts) == 10
    store.save_labels(db, {posts[S.POST_KEY][0]: "negatif"})
    again = sentiment_queries.review_posts(db, Filters(), order="uncertain", limit=10)
    assert again["analyst_label"].tolist()[0] == "negative"
    unlabelled = sentiment_queries.review_posts(db, Filters(), order="uncertain", limit=10, only_unlabelled=True)
    assert posts[S.POST_KEY][0] not in set(unlabelled[S.POST_KEY]) and unlabelled["analyst_label"].isna().all()
    keyword = sentiment_queries.review_posts(db, Filters(keyword="banjir", sentiments=("negative",)), order="newest")
    assert keyword[S.TEXT].str.contains("banjir", case=False).all()
    assert (keyword[S.SENTIMENT] == "negative").all() and keyword[S.CREATED_AT].is_monotonic_decreasing


def test_confusion_chart_and_tables():
    metrics = {"labels": list(S.SENTIMENTS), "confusion_matrix": [[8, 2, 0], [1, 6, 3], [0, 0, 10]],
               "per_class": {s: {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 10} for s in S.SENTIMENTS}}
    table = sentiment_charts.confusion_frame(metrics)
    assert table.loc["netral", "negatif"] == 3 and table.loc["negatif", "netral"] == 0
    assert sentiment_charts.per_class_frame(metrics)["Sentimen"].tolist() == ["positif", "netral", "negatif"]
    heat = sentiment_charts.confusion_heatmap(metrics, "Matriks kebingungan v0001").to_dict()
    trace = heat["data"][0]
    assert trace["text"][1][2] == "3<br>(30%)" and trace["y"] == ["positif", "netral", "negatif"]
    assert heat["layout"]["title"]["text"] == "Matriks kebingungan v0001"
    empty = sentiment_charts.confusion_heatmap({"confusion_matrix": []}, "kosong").to_dict()
    assert empty["layout"]["annotations"][0]["text"] == "Belum ada hasil pengujian model."
