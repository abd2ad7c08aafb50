"""Sentiment: lexicon rules, normalisation, trainable model, registry and the ``sentiment`` CLI."""
from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

from monitoring import schema as S
from monitoring.cli.sentiment import main as cli_main
from monitoring.errors import MappingError, ModelError
from monitoring.sentiment import lexicon as L
from monitoring.sentiment.model import (
    MIN_EXAMPLES_PER_CLASS,
    ModelRegistry,
    add_sentiment,
    build_trainable_model,
    cross_validate_model,
    default_model,
    evaluate_model,
    load_model,
    normalize_labels,
    predict_sentiment,
    read_model_info,
    save_model,
    train_model,
)

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def model():
    return default_model()


@pytest.fixture(scope="module")
def dev():
    return pd.read_csv(DATA / "sentiment_dev.csv")


def score(model, text: str) -> float:
    return float(model.decision_function([text])[0])


# --- behaviour of the default model -----------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # negation flips polarity
    ("pelayanannya bagus", "positive"),
    ("pelayanannya gak bagus", "negative"),
    ("petugasnya nggak ramah sama sekali", "negative"),
    ("alhamdulillah ga ada masalah, lancar jaya", "positive"),
    ("belum cair juga bansosnya, udah 3 bulan", "negative"),
    ("jangan bohongin rakyat terus", "negative"),        # a plea against something bad stays negative
    ("jangan senang dulu, harganya belum turun", "negative"),
    # contrast: the clause after tapi/namun weighs more
    ("awalnya ragu, tapi ternyata programnya bermanfaat banget", "positive"),
    ("idenya bagus sih, tapi pelaksanaannya amburadul", "negative"),
    # emoji, slang, elongation, Javanese/Sundanese and English code-mixing
    ("😡😡😡", "negative"),
    ("👍👍 mantul pak", "positive"),
    ("kecewa bgt sm pelayanan kelurahan", "negative"),
    ("kereeen bangettt jalannya udah mulus", "positive"),
    ("gajelas banget aturannya", "negative"),
    ("matur nuwun pak lurah, dalane wis apik", "positive"),
    ("hatur nuhun, sae pisan pelayananana", "positive"),
    ("worst service ever, so disappointed", "negative"),
    # sarcasm markers and ironic praise
    ("Makasih ya pak, harga beras naik lagi 🙃", "negative"),
    ("Selamat, juara korupsi se-Asia", "negative"),
    # neutral: news headlines, announcements, questions, promotions
    ("Pemerintah resmi menaikkan harga Pertalite menjadi Rp10.000 per liter mulai hari ini", "neutral"),
    ("KPK tetapkan Bupati X tersangka kasus suap proyek jalan https://t.co/a1b2", "neutral"),
    ("Banjir merendam 3 desa di Kabupaten Bandung, 200 warga mengungsi", "neutral"),
    ("Kapan bansos tahap 3 cair ya? ada info?", "neutral"),
    ("Menurut kalian programnya efektif gak?", "neutral"),
    ("Jadwal vaksinasi booster di Puskesmas Tebet: Senin-Jumat 08.00-12.00", "neutral"),
    ("PROMO GAJIAN diskon 50% gratis ongkir, klik link di bio", "neutral"),
    ("", "neutral"),
])
def test_default_model_labels(model, text, expected):
    assert model.predict([text])[0] == expected


@pytest.mark.parametrize("weaker, stronger", [
    ("mahal", "mahal banget"),
    ("kecewa", "sangat kecewa"),
    ("kecewa", "kecewa bangettt"),
    ("jelek", "makin jelek"),
])
def test_intensifiers_strengthen_the_score(model, weaker, stronger):
    assert abs(score(model, stronger)) > abs(score(model, weaker)) > 0


@pytest.mark.parametrize("positive, negated", [
    ("puas", "tidak puas"), ("adil", "gak adil"), ("merata", "belum merata"), ("lengkap", "kurang lengkap"),
])
def test_negation_turns_praise_negative(model, positive, negated):
    assert score(model, positive) > 0 > score(model, negated)


@pytest.mark.parametrize("mixed, plain", [
    ("lumayan, tapi jelek", "jelek"), ("mahal sih, namun bermanfaat", "bermanfaat"),
])
def test_clause_after_contrast_dominates(model, mixed, plain):
    assert abs(score(model, mixed)) > abs(score(model, plain))
    assert np.sign(score(model, mixed)) == np.sign(score(model, plain))


@pytest.mark.parametrize("text", ["mantap 🙃", "hebat ya, katanya", "“prestasi” luar biasa 🤡"])
def test_sarcasm_marker_turns_praise_negative(model, text):
    assert score(model, text) < 0


def test_negated_criticism_is_not_negative(model):
    assert score(model, "tidak buruk") > 0 > score(model, "buruk")


def test_explain_names_the_negated_term(model):
    contributions = dict(model.explain("pelayanannya gak bagus"))
    assert contributions["NEG_bagus"] < 0 and "bagus" not in contributions


def test_empty_and_missing_texts_are_neutral():
    labels, scores = predict_sentiment(["", None, float("nan")])
    assert list(labels) == ["neutral"] * 3 and (scores > 0.5).all()
    labels, scores = predict_sentiment([])
    assert len(labels) == 0 and len(scores) == 0


def test_batch_equals_post_by_post(model, dev, monkeypatch):
    texts = dev["text"].tolist()[:80] + ["@bupati https://t.co/x #TolakKenaikanBBM", "a\x02b", "“hebat” 🤡"]
    single = np.array([score(model, t) for t in texts])
    np.testing.assert_allclose(model.decision_function(texts), single)
    fresh = L.LexiconSentimentModel().fit()
    monkeypatch.setattr(L, "_CHUNK", 7)                     # many batches in one call
    monkeypatch.setattr(L.T, "_MAX_TABLE", 40)                # and the chunk table resets between them
    np.testing.assert_allclose(fresh.decision_function(texts), single)
    assert 0 < len(fresh.resolver_._chunks) < len(set(L._join_batch(texts).split())) / 2


@pytest.mark.parametrize("surface, canonical", [
    ("bangettt", "banget"), ("bgt", "banget"), ("gk", "tidak"), ("nggak", "tidak"), ("bener2", "benar-benar"),
    ("kecewanya", "kecewa"), ("mantaaap", "mantap"), ("mantul", "mantap"), ("gila2an", "gila-gilaan"),
    ("wkwkwkwk", "wkwk"), ("makasih", "terima kasih"), ("maaaaf", "maaf"), ("infonya", "infonya"),
    ("bohongin", "bohong"), ("lg", "lagi"),
])
def test_canonical_forms(model, surface, canonical):
    assert model.resolver_.canonical(surface) == canonical


@pytest.mark.parametrize("text, normalized", [
    ("Pelayanan GAK ramah, tapi cepat", "pelayanan tidak NEG_ramah . tapi cepat"),
    ("@pemkot jalan rusakkk https://t.co/abc", "jalan rusak xurlx"),
    ("#TolakKenaikanBBM sekarang!!", "tolak kenaikan bbm sekarang ! !"),
    ("mantap👍", "mantap 👍"),
])
def test_normalized_texts(model, text, normalized):
    assert L.normalized_texts([text], model.resolver_) == [normalized]


# --- stage function -------------------------------------------------------------------------

def test_add_sentiment_returns_new_frame():
    posts = pd.DataFrame({S.TEXT: ["mantap pelayanannya 👍", "jalan rusak parah, kecewa", "Rapat digelar Senin"]},
                         index=[10, 11, 12])
    before = posts.copy()
    out = add_sentiment(posts)
    pd.testing.assert_frame_equal(posts, before)
    assert list(out[S.SENTIMENT]) == ["positive", "negative", "neutral"]
    assert list(out.index) == [10, 11, 12]
    assert out[S.SENTIMENT_SCORE].between(0, 1).all()


def test_add_sentiment_on_no_posts():
    out = add_sentiment(pd.DataFrame({S.TEXT: pd.Series([], dtype=object)}))
    assert list(out.columns) == [S.TEXT, S.SENTIMENT, S.SENTIMENT_SCORE] and out.empty


def test_add_sentiment_without_text_column():
    with pytest.raises(MappingError, match="Kolom teks"):
        add_sentiment(pd.DataFrame({"isi": ["x"]}))


def test_unfitted_models_raise_model_error():
    with pytest.raises(ModelError, match="belum"):
        L.LexiconSentimentModel().predict(["bagus"])
    with pytest.raises(ModelError, match="belum dilatih"):
        predict_sentiment(["bagus"], build_trainable_model())


# --- labels and training --------------------------------------------------------------------

@pytest.mark.parametrize("raw, label", [
    ("positive", "positive"), ("Positif", "positive"), ("POS", "positive"), (1, "positive"), ("1", "positive"),
    (1.0, "positive"), ("neutral", "neutral"), (" netral ", "neutral"), (0, "neutral"), ("NEU", "neutral"),
    ("negative", "negative"), ("Negatif", "negative"), ("neg", "negative"), (-1, "negative"), ("-1", "negative"),
])
def test_normalize_labels(raw, label):
    assert list(normalize_labels([raw])) == [label]


@pytest.mark.parametrize("raw, shown", [("campur", "'campur'"), (None, "(kosong)"), (float("nan"), "(kosong)"),
                                        (2, "'2'")])
def test_unknown_labels_are_named(raw, shown):
    with pytest.raises(ModelError, match=shown.replace("(", r"\(").replace(")", r"\)")):
        normalize_labels(["positif", raw])


def test_too_few_examples_per_class():
    texts = ["bagus"] * 20 + ["jelek"] * 20 + ["rapat"] * 3
    labels = ["positif"] * 20 + ["negatif"] * 20 + ["netral"] * 3
    with pytest.raises(ModelError, match=f"netral 3; minimal {MIN_EXAMPLES_PER_CLASS}"):
        train_model(texts, labels)


def test_trained_model_cross_validation_and_prediction(dev):
    report = cross_validate_model(dev["text"], dev["label"], folds=3)
    assert report["folds"] == 3 and report["macro_f1"] >= 0.60
    assert np.array(report["confusion_matrix"]).sum() == len(dev)
    assert report["labels"] == ["positive", "neutral", "negative"]


def test_default_model_quality_does_not_regress(dev):
    holdout = pd.read_csv(DATA / "sentiment_holdout.csv")
    assert evaluate_model(None, dev["text"], dev["label"])["macro_f1"] >= 0.85
    assert evaluate_model(None, holdout["text"], holdout["label"])["macro_f1"] >= 0.80


# --- files, versions, lexicon ---------------------------------------------------------------

def test_registry_activate_and_rollback(tmp_path):
    registry = ModelRegistry(tmp_path / "models")
    assert registry.list_versions() == [] and registry.active_model() is None
    strict = L.LexiconSentimentModel(positive_threshold=2.5).fit()
    loose = L.LexiconSentimentModel(positive_threshold=0.5).fit()
    v1 = registry.register(strict, metrics={"macro_f1": 0.7}, n_examples=120)
    v2 = registry.register(loose, activate=True)
    assert (v1, v2) == ("v0001", "v0002")
    assert [v["active"] for v in registry.list_versions()] == [False, True]
    assert registry.list_versions()[0]["metrics"] == {"macro_f1": 0.7}
    registry.activate(v1)
    assert registry.active_model().positive_threshold == 2.5
    assert registry.rollback() == v2 and registry.active_model().positive_threshold == 0.5
    assert registry.rollback() is None and registry.active_model() is None
    with pytest.raises(ModelError, match="sebelumnya"):
        registry.rollback()
    with pytest.raises(ModelError, match="v0099"):
        registry.activate("v0099")


def test_save_model_writes_sidecar(tmp_path):
    path = save_model(default_model(), tmp_path / "m.joblib", metrics={"accuracy": 0.8}, n_examples=42)
    info = read_model_info(path)
    assert info["n_examples"] == 42 and info["metrics"] == {"accuracy": 0.8} and info["created_at"].endswith("+00:00")
    assert load_model(path).predict(["mantap"])[0] == "positive"


@pytest.mark.parametrize("content", [b"not a pickle", None])
def test_load_model_rejects_other_files(tmp_path, content):
    path = tmp_path / "m.joblib"
    if content is None:
        joblib.dump({"weights": [1, 2]}, path)
    else:
        path.write_bytes(content)
    with pytest.raises(ModelError, match="bukan model sentimen"):
        load_model(path)
    with pytest.raises(ModelError, match="tidak ditemukan"):
        load_model(tmp_path / "missing.joblib")


def test_shipped_lexicon_is_consistent():
    lexicon = L.load_lexicon()
    assert len(lexicon) >= 2000                           # issue #16: a much wider lexicon than the first 1,600
    unreachable = [t for t in lexicon if any(w in L.SLANG and L.SLANG[w] != w for w in t.split())]
    assert unreachable == []                                # slang surface forms never reach the lexicon
    assert "naik" not in lexicon and "bansos" not in lexicon      # topic words carry no sentiment
    assert lexicon["korupsi"] < 0 < lexicon["mantap"]


@pytest.mark.parametrize("rows, message", [
    ("term,weight\nbagus,2\nbagus,1\n", "lebih dari sekali"),
    ("term,weight\nbagus,dua\n", "tidak valid"),
    ("term,weight\nsatu dua tiga empat,1\n", "tiga kata"),
    ("kata,bobot\nbagus,2\n", "term,weight"),
])
def test_bad_lexicon_files(tmp_path, rows, message):
    path = tmp_path / "lexicon.csv"
    path.write_text(rows, encoding="utf-8")
    with pytest.raises(ModelError, match=message):
        L.LexiconSentimentModel(lexicon_path=path).fit()


# --- command line ---------------------------------------------------------------------------

def test_cli_train_evaluate_predict_round_trip(tmp_path, dev, capsys):
    sample = dev.groupby("label").head(40)
    labelled = tmp_path / "label.csv"
    sample.assign(label=sample["label"].map(S.SENTIMENT_LABELS)).rename(columns={"text": "isi"}).to_csv(
        labelled, sep=";", index=False, encoding="utf-8-sig")
    model_path = tmp_path / "models" / "m.joblib"
    assert cli_main(["sentiment", "train", "--in", str(labelled), "--text-column", "isi",
                     "--label-column", "label", "--out", str(model_path), "--folds", "3"]) == 0
    assert "Model dilatih dari 120 contoh" in capsys.readouterr().out
    assert read_model_info(model_path)["metrics"]["folds"] == 3

    assert cli_main(["sentiment", "evaluate", "--in", str(labelled), "--text-column", "isi",
                     "--model", str(model_path)]) == 0
    report = capsys.readouterr().out
    assert "Macro-F1:" in report and "Matriks kebingungan" in report and "netral" in report

    posts = tmp_path / "posts.csv"
    pd.DataFrame({"id": [1, 2], "isi": ["=HYPERLINK(\"x\") mantap", "jalan rusak parah, kecewa berat"]}).to_csv(
        posts, index=False)
    out = tmp_path / "out.csv"
    assert cli_main(["sentiment", "predict", "--in", str(posts), "--text-column", "isi", "--out", str(out),
                     "--model", str(model_path)]) == 0
    scored = pd.read_csv(out)
    assert list(scored.columns) == ["id", "isi", S.SENTIMENT, S.SENTIMENT_SCORE, "explanation"]
    assert scored[S.SENTIMENT].iloc[1] == "negative" and scored[S.SENTIMENT_SCORE].between(0, 1).all()
    assert scored["explanation"].iloc[1].startswith("negatif karena") and "\"kecewa berat\"" in scored["explanation"].iloc[1]
    assert scored["isi"].iloc[0].startswith("'=")        # formula neutralised for spreadsheet apps


@pytest.mark.parametrize("args, message", [
    (["predict", "--in", "{missing}", "--out", "{out}"], "tidak ditemukan"),
    (["predict", "--in", "{posts}", "--text-column", "isi", "--out", "{out}"], "Kolom teks 'isi'"),
    (["evaluate", "--in", "{posts}", "--label-column", "label"], "Label sentimen tidak dikenal: 'campur'"),
    (["train", "--in", "{few}", "--out", "{out}"], "terlalu sedikit"),
    (["predict", "--in", "{empty}", "--out", "{out}"], "tidak berisi baris"),
    (["evaluate", "--in", "{posts}", "--model", "{posts}"], "bukan model sentimen"),
])
def test_cli_bad_input_one_line_reason(tmp_path, capsys, args, message):
    posts = tmp_path / "posts.csv"
    posts.write_text("text,label\nmantap,positif\njelek,campur\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("text,label\n", encoding="utf-8")
    few = tmp_path / "few.csv"
    few.write_text("text,label\nmantap,positif\njelek,negatif\nrapat,netral\n", encoding="utf-8")
    paths = {"missing": tmp_path / "nope.csv", "out": tmp_path / "out.csv", "posts": posts, "empty": empty,
             "few": few}
    assert cli_main(["sentiment"] + [a.format(**paths) for a in args]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_cli_registers_into_another_parser():
    import argparse

    from monitoring.cli.sentiment import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["sentiment", "evaluate", "--in", "x.csv"])
    assert args.text_column == "text" and args.label_column == "label" and callable(args.func)


def test_sidecar_json_is_plain(tmp_path):
    path = save_model(default_model(), tmp_path / "x.joblib")
    assert json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["model_type"] == "LexiconSentimentModel"
    assert path.exists()


def test_scoring_does_not_import_scikit_learn_and_old_model_files_still_load():
    import pickle
    import subprocess
    import sys

    code = ("import sys; from monitoring.sentiment.model import add_sentiment, predict_sentiment; "
            "predict_sentiment(['pelayanan bagus banget']); print('sklearn' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    # model files of earlier releases name the trainable parts under monitoring.sentiment.model
    from monitoring.sentiment.model import SentimentNormalizer

    old = pickle.dumps(SentimentNormalizer(negation_window=2), protocol=0).replace(
        b"monitoring.sentiment.features", b"monitoring.sentiment.model")
    assert b"monitoring.sentiment.model\n" in old
    assert pickle.loads(old).negation_window == 2


def test_lexicon_model_files_of_earlier_releases_refit_on_load():
    import pickle

    old = L.LexiconSentimentModel(positive_threshold=1.0).fit()
    state = {k: v for k, v in old.__dict__.items() if k not in ("format_", "calibration_", "last_sentence",
                                                                  "soft_sarcasm_min", "calibration")}
    state["temperature"] = 2.0                                  # a parameter the earlier release had
    earlier = L.LexiconSentimentModel.__new__(L.LexiconSentimentModel)
    earlier.__dict__.update(state)
    loaded = pickle.loads(pickle.dumps(earlier))
    assert loaded.format_ == L._FORMAT and loaded.last_sentence == 1.5
    assert loaded.predict(["pelayanannya gak bagus", "mantap"]).tolist() == ["negative", "positive"]
