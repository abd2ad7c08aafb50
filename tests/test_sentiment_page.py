"""The Sentimen page under AppTest: charts, label correction, example upload, training and switching."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from monitoring import schema as S
from monitoring.formatting import fmt_date_range
from monitoring.sentiment import store
from monitoring.store import database as storage

ROOT = Path(__file__).resolve().parent.parent
DEV = Path(__file__).resolve().parent / "data" / "sentiment_dev.csv"


def dev_examples() -> pd.DataFrame:
    """40 examples per class of the dev set (enough to train; small enough to stay fast)."""
    return pd.read_csv(DEV).groupby("label").head(40)


@pytest.fixture
def db_path(truth_db_path, tmp_path, monkeypatch):
    path = tmp_path / "store.duckdb"
    shutil.copy(truth_db_path, path)
    monkeypatch.setenv("PANTAUISU_DB_PATH", str(path))
    return path


def open_sentiment_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/sentimen.py")
    at.run()
    assert not at.exception, at.exception
    return at


def with_store(path: Path, action):
    con = storage.connect(path)
    try:
        return action(con)
    finally:
        con.close()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_page_shows_sentiment_charts_with_shares_from_the_store(db_path):
    at = open_sentiment_page()
    assert not at.error, [e.value for e in at.error]
    charts = {c.proto.id.split("-")[-1]: c for c in at.get("plotly_chart")}
    for key in ("sentiment_donut", "sentiment_volume_chart", f"sentiment_by_{S.ISSUE_ID}",
                f"sentiment_by_{S.PROVINCE_CODE}", f"sentiment_by_{S.PLATFORM}"):
        assert any(k.endswith(key) for k in charts), key
    # The metric agrees with the store for the page's own filter window.
    filters = at.session_state["filters"]
    from monitoring.sentiment.queries import sentiment_totals
    totals = with_store(db_path, lambda con: sentiment_totals(con, filters))
    share = totals["negative"] / sum(totals.values()) * 100
    assert metric(at, "Sentimen negatif") == f"{share:.1f}%".replace(".", ",")
    assert "Model bawaan (leksikon)" in at.caption[0].value
    donut = chart_spec(at, "sentiment_donut")["data"][0]
    assert donut["marker"]["colors"] == [S.SENTIMENT_COLORS[s] for s in S.SENTIMENTS]
    assert "per hari" in chart_spec(at, "sentiment_volume_chart")["layout"]["title"]["text"]


def chart_spec(at: AppTest, key: str) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    return json.loads(chart.proto.spec)


def test_short_window_shows_hourly_volume_titled_with_the_period(db_path):
    # Filters come from the URL (mulai/sampai are local dates, inclusive), as in a shared link.
    end = pd.Timestamp(open_sentiment_page().session_state["filters"].end)
    last_day = (end - pd.Timedelta(hours=1) + pd.Timedelta(hours=7)).date()
    first_day = last_day - pd.Timedelta(days=2)
    at = open_sentiment_page(mulai=first_day.isoformat(), sampai=last_day.isoformat())
    assert not at.exception
    title = chart_spec(at, "sentiment_volume_chart")["layout"]["title"]["text"]
    assert title.startswith("Unggahan per jam menurut sentimen")
    assert title.endswith(f"<sup>{fmt_date_range(first_day, last_day)} (WIB)</sup>")  # e.g. 19–21 Nov 2026
    by_province = chart_spec(at, f"sentiment_by_{S.PROVINCE_CODE}")
    assert by_province["layout"]["title"]["text"].startswith("Sentimen per provinsi")
    assert [t["name"] for t in by_province["data"]] == ["positif", "netral", "negatif"]


def test_correct_a_label_in_the_review_table(db_path):
    at = open_sentiment_page()
    editor = at.data_editor[0]
    assert editor.key.startswith("review_editor_")
    first_text = editor.value["Teks"].iloc[0]
    model_label = editor.value["Sentimen model"].iloc[0]
    new_label = "positif" if model_label != "positif" else "negatif"
    at.session_state[editor.key] = {"edited_rows": {0: {"Label analis": new_label}}, "added_rows": [],
                                    "deleted_rows": []}
    at.button(key="save_labels").click()
    at.run()
    assert not at.exception and not at.error
    assert "1 label disimpan" in at.success[0].value
    reasons = at.data_editor[0].value["Alasan"]
    assert all(r.split(" ")[0].rstrip(":") in ("positif", "netral", "negatif") for r in reasons)
    assert [r.split(" ")[0].rstrip(":") for r in reasons] == at.data_editor[0].value["Sentimen model"].tolist()
    rows = with_store(db_path, lambda con: storage.query_df(con, f"""SELECT p.{S.TEXT}, l.{S.SENTIMENT}
        FROM sentiment_labels l JOIN posts p USING ({S.POST_KEY})"""))
    assert rows[S.TEXT].tolist() == [first_text]
    assert rows[S.SENTIMENT].tolist() == [{"positif": "positive", "negatif": "negative"}[new_label]]
    # "Hanya yang belum dilabeli" is on: the labelled post left the review table.
    assert first_text not in at.data_editor[0].value["Teks"].tolist()
    assert metric(at, "Dari koreksi unggahan") == "1"


def test_too_few_labels_gives_an_indonesian_error(db_path):
    at = open_sentiment_page()
    at.button(key="train_model").click()
    at.run()
    assert not at.exception
    assert any("terlalu sedikit" in e.value for e in at.error)
    assert with_store(db_path, lambda con: store.sentiment_registry(con).list_versions()) == []


def test_upload_examples_then_train_check_activate_and_roll_back(db_path):
    at = open_sentiment_page()
    body = "tweet;sentimen\n" + "\n".join(
        f'"{t}";{lab}' for t, lab in dev_examples()[["text", "label"]].replace(
            {"positive": "Positif", "neutral": "netral", "negative": "NEGATIF"}).itertuples(index=False))
    at.file_uploader(key="examples_upload").set_value(("label_dev.csv", body.encode("utf-8"), "text/csv"))
    at.run()
    assert at.selectbox(key="examples_text_col").value == "tweet"
    assert at.selectbox(key="examples_label_col").value == "sentimen"
    at.button(key="save_examples").click()
    at.run()
    n_dev = len(dev_examples())
    assert f"{n_dev} contoh disimpan" in at.success[0].value

    at.button(key="train_model").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert float(metric(at, "F1 makro").replace(",", ".")) > 0.85      # measured before switching
    assert any(s.value == "Hasil uji model baru v0001 (belum aktif)" for s in at.subheader)
    assert with_store(db_path, lambda con: store.sentiment_registry(con).active_version()) is None
    before = with_store(db_path, lambda con: storage.store_version(con))

    at.button(key="activate_candidate").click()
    at.run()
    assert not at.exception and not at.error
    assert "Model v0001 aktif" in at.success[0].value
    assert "Model v0001" in at.caption[0].value
    assert with_store(db_path, lambda con: (store.sentiment_registry(con).active_version(),
                                            storage.store_version(con) > before)) == ("v0001", True)

    at.button(key="rollback_model").click()
    at.run()
    assert "Model bawaan (leksikon) aktif" in at.success[0].value
    assert with_store(db_path, lambda con: store.sentiment_registry(con).active_version()) is None
    assert at.selectbox(key="version_pick").options == ["Model bawaan (leksikon)", "Model v0001"]


def test_fifty_corrections_offer_an_adapted_model_measured_against_the_default(db_path):
    from monitoring.sentiment import adaptation

    at = open_sentiment_page()
    assert any("0/50 koreksi" in c.value for c in at.caption)
    assert "adapt_model" not in [b.key for b in at.button]          # offered only from 50 corrections
    posts = with_store(db_path, lambda con: storage.query_df(con, f"""SELECT e.{S.POST_KEY}, e.{S.SENTIMENT}
        FROM enrichment e ORDER BY e.{S.POST_KEY} LIMIT {adaptation.ADAPT_MIN_CORRECTIONS}"""))
    flipped = {"positive": "negatif", "negative": "netral", "neutral": "positif"}
    labels = {k: (flipped[s] if i % 5 == 0 else s) for i, (k, s) in enumerate(zip(posts[S.POST_KEY], posts[S.SENTIMENT]))}
    with_store(db_path, lambda con: store.save_labels(con, labels))
    at = open_sentiment_page()
    assert metric(at, "Dari koreksi unggahan") == "50"
    at.button(key="adapt_model").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(s.value == "Hasil uji model baru v0001 (belum aktif)" for s in at.subheader)
    assert any("pada 50 koreksi label" in c.value and "tidak ikut diuji" in c.value for c in at.caption)
    adapted, default = float(metric(at, "F1 makro").replace(",", ".")), float(
        metric(at, "F1 makro model bawaan").replace(",", "."))
    assert adapted >= default                      # the blend never measures worse than the default
    assert with_store(db_path, lambda con: store.sentiment_registry(con).active_version()) is None
