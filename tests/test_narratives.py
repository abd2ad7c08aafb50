"""Narratives: the framings inside an issue, found, assigned chunk by chunk, named, and kept apart
from the issue list (one subject stays one issue)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from monitoring import pipeline
from monitoring import schema as S
from monitoring.ingest.imports import import_posts_frame
from monitoring.issues.model import IssueModel
from monitoring.issues.narratives import (
    assign_narratives,
    describe_narratives,
    fit_narratives,
)
from monitoring.issues.tfidf import fit_tfidf
from monitoring.store import database as storage
from monitoring.store.token_codes import TokenCodes

FRAMINGS = {
    "harga": ["harga", "mahal", "naik", "beli", "cicil", "bulan"],
    "korupsi": ["korupsi", "dana", "bancakan", "pejabat", "raib", "audit"],
    "kabur": ["kabur", "jepang", "paspor", "luar", "negeri", "kerja"],
}


def framing_docs(n: int, rng: np.random.Generator, subject: str = "iuran") -> tuple[list[list[str]], list[str]]:
    docs, truth = [], []
    for i in range(n):
        framing = list(FRAMINGS)[i % len(FRAMINGS)]
        words = list(rng.choice(FRAMINGS[framing], 3, replace=False))
        docs.append(words + ([subject] if rng.random() < 0.5 else []))
        truth.append(framing)
    return docs, truth


def test_narratives_recover_the_framings_of_one_issue():
    rng = np.random.default_rng(0)
    docs, truth = framing_docs(600, rng)
    vectorizer, X = fit_tfidf(TokenCodes.of(pd.Series(docs)), min_df=2)
    issues = np.zeros(len(docs), dtype=np.int64)
    fit = fit_narratives(X, issues, 1, docs_per_narrative=100, max_narratives=6)
    assert 3 <= len(fit.issue) <= 6 and (fit.issue == 0).all()
    stories = assign_narratives(X, issues, fit.centroids, fit.issue)
    table = pd.crosstab(stories, np.array(truth))
    assert (table.max(axis=1).sum() / table.to_numpy().sum()) >= 0.95  # each narrative is one framing
    assert set(table.idxmax(axis=1)) == set(FRAMINGS)                  # and every framing has one
    tops, profiles = describe_narratives(X, issues, stories, fit.issue, vectorizer.get_feature_names_out())
    for top in tops:
        assert "iuran" not in top[:3]  # the subject every narrative shares is not a framing's name


def test_small_issues_and_noise_get_no_narratives():
    rng = np.random.default_rng(1)
    docs, _ = framing_docs(120, rng)
    _, X = fit_tfidf(TokenCodes.of(pd.Series(docs)), min_df=2)
    issues = np.r_[np.zeros(100, dtype=np.int64), np.full(20, 1)]
    fit = fit_narratives(X, issues, 2, docs_per_narrative=40)
    assert set(fit.issue) == {0}  # 20 documents are too few for two framings
    stories = assign_narratives(X, np.r_[issues[:-5], np.full(5, -1)], fit.centroids, fit.issue)
    assert (stories[100:] == -1).all()


def test_assignment_is_the_same_chunk_by_chunk():
    rng = np.random.default_rng(2)
    docs, _ = framing_docs(500, rng)
    model = IssueModel(n_issues=1, narrative_docs=60).fit(docs)  # one issue, its framings as narratives
    whole = model.assign(docs)
    tokens = model.content(docs)
    parts = [model.assign_chunk(tokens.slice(start, start + 37)) for start in range(0, len(tokens), 37)]
    np.testing.assert_array_equal(whole[0], np.concatenate([issues for issues, _ in parts]))
    np.testing.assert_array_equal(whole[1], np.concatenate([stories for _, stories in parts]))
    assert (whole[1] >= 0).mean() > 0.9
    # a narrative always belongs to its document's issue
    assigned = whole[1] >= 0
    assert (model.narrative_issue_[whole[1][assigned]] == whole[0][assigned]).all()


# --- a realistic comment export: one regulation, many framings, short emotional comments ----------
# Comments under posts about a broadcasting bill: most never name it, each frames it its own way.
SLOTS = {
    "s": ["RUU Penyiaran", "ruu penyiaran", "RUU penyiaran", "revisi UU Penyiaran", "RUU siaran"],
    "siapa": ["jurnalis", "wartawan", "media", "reporter", "pers"],
    "platform": ["youtube", "tiktok", "instagram", "podcast", "konten"],
    "waktu": ["tengah malam", "diam diam", "buru buru", "kilat", "tanpa rapat publik"],
    "zaman": ["orba", "orde baru", "zaman soeharto", "era sensor", "zaman dulu"],
}
COMMENT_FRAMINGS = {
    "pers": ["ini mah bungkam {siapa} pelan2", "liputan investigasi {siapa} dilarang, terus siapa yg bongkar kasus",
             "{siapa} dibungkam, demokrasi mati", "kalau {siapa} gak boleh investigasi ya korupsi aman"],
    "kreator": ["kreator {platform} bakal diatur KPI juga?", "nanti bikin {platform} harus izin KPI dulu",
                "{platform} ikut diawasi KPI, aneh", "KPI ngurusin {platform}, emang paham?"],
    "orba": ["balik ke {zaman}", "rasa {zaman} jilid 2", "kayak {zaman} lagi, semua disensor",
             "bau bau {zaman} nih"],
    "dpr": ["DPR kerja {waktu} kalau buat ginian", "dibahas {waktu}, rakyat gak diajak", "DPR kejar tayang {waktu}",
            "rapat DPR {waktu}, transparansi nol"],
    "kebebasan": ["kebebasan berekspresi terancam", "mau kritik aja takut sekarang",
                  "kritik dikit bisa dipidana", "hak bersuara warga dirampas"],
    "tolak": ["tolak {s}!", "batalkan {s}", "{s} harus ditolak", "kawal terus tolak {s}"],
}
FILLERS = ["pak", "bapak", "sekarang", "nanti", "semua", "rakyat", "negara", "beneran", "parah sih", "hadeh",
           "capek", "tahun ini", "lagi lagi", "jujur"]
REACTIONS = ["wkwkwk", "😂😂😂", "🔥🔥", "mantap", "menyala abangku 🔥", "@andi_01 @sari.putri", "astagfirullah 😭",
             "setuju banget 👏", "ngakak 🤣"]
OTHER_TOPICS = {
    "cabai": ["harga cabai rawit di {tempat} tembus {harga} sekilo", "pedagang cabai {tempat} mengeluh pasokan seret",
              "cabai mahal, warung di {tempat} naikin harga sambal", "operasi pasar cabai digelar di {tempat}",
              "petani cabai {tempat} gagal panen karena hujan"],
    "banjir": ["banjir rob rendam {tempat} lagi", "warga {tempat} mengungsi karena banjir rob",
               "tanggul sungai jebol, {tempat} terendam", "posko banjir {tempat} butuh selimut dan air bersih",
               "jalan pantura di {tempat} lumpuh karena banjir"],
}
PLACES = {"cabai": ["pasar induk", "Surabaya", "Medan", "Bandung", "pasar kramat jati", "Makassar"],
          "banjir": ["Demak", "Sayung", "Pekalongan", "Kudus", "pesisir demak", "Karanganyar demak"]}
END = pd.Timestamp("2025-05-20 12:00", tz="UTC")


def _fill(template: str, rng: np.random.Generator, places: list[str] | None = None) -> str:
    def value(match: re.Match) -> str:
        key = match.group(1)
        if key == "tempat":
            return places[int(rng.integers(len(places)))]
        if key == "harga":
            return f"{int(rng.integers(60, 120))} ribu"
        return SLOTS[key][int(rng.integers(len(SLOTS[key])))]
    return re.sub(r"\{(\w+)\}", value, template)


def _comment(rng: np.random.Generator, framings: list[str], weights: np.ndarray) -> tuple[str, str]:
    framing = framings[int(rng.choice(len(framings), p=weights))]
    text = _fill(COMMENT_FRAMINGS[framing][int(rng.integers(4))], rng)
    if rng.random() < 0.15:  # a second sentence, sometimes another framing
        other = framings[int(rng.integers(len(framings)))]
        text += ", " + _fill(COMMENT_FRAMINGS[other][int(rng.integers(4))], rng)
    if rng.random() < 0.6:
        text = f"{FILLERS[int(rng.integers(len(FILLERS)))]} {text}"
    if rng.random() < 0.5:
        text += " " + ["😡", "😭😭", "🤡", "🔥", "wkwk", "#TolakRUUPenyiaran", "@dpr_ri"][int(rng.integers(7))]
    return framing, text


def comment_export(rng: np.random.Generator) -> pd.DataFrame:
    """Comments under posts about one bill (most never name it), plus tweets on two other topics."""
    rows = []
    framings = list(COMMENT_FRAMINGS)
    weights = rng.dirichlet(np.full(len(framings), 2.0))
    for _ in range(1600):
        if rng.random() < 0.25:
            rows.append(("reaksi", "", REACTIONS[int(rng.integers(len(REACTIONS)))]))
        else:
            rows.append(("komentar", *_comment(rng, framings, weights)))
    for topic, sentences in OTHER_TOPICS.items():
        for _ in range(450):
            picked = rng.choice(len(sentences), 2, replace=False)
            rows.append((topic, "", ". ".join(_fill(sentences[j], rng, PLACES[topic]) for j in picked)))
    frame = pd.DataFrame(rows, columns=["topic", "framing", S.TEXT])
    frame[S.POST_ID] = [f"c{i}" for i in range(len(frame))]
    frame[S.PLATFORM] = np.where(frame["topic"].isin(["komentar", "reaksi"]), "instagram", "x")
    frame[S.AUTHOR] = [f"akun_{int(rng.integers(900))}" for _ in range(len(frame))]
    frame[S.CREATED_AT] = END - pd.to_timedelta(rng.integers(2 * 3600, 9 * 86400, len(frame)), unit="s")
    return frame


@pytest.fixture(scope="module")
def analysed_export(tmp_path_factory):
    posts = comment_export(np.random.default_rng(7))
    con = storage.connect(tmp_path_factory.mktemp("komentar") / "store.duckdb")
    import_posts_frame(con, posts, name="ekspor komentar")
    report = pipeline.analyze(con)
    stored = storage.query_df(con, "SELECT p.post_id, i.issue_id, i.narrative_id FROM posts p "
                                   "JOIN post_issues i USING (post_key)")
    yield con, report, posts.merge(stored, on=S.POST_ID)
    con.close()


def test_framings_of_one_bill_are_one_issue_with_several_narratives(analysed_export):
    con, report, posts = analysed_export
    comments = posts[posts["topic"] == "komentar"]
    main = comments["issue_id"].value_counts()
    bill = main.index[0]
    assert main.iloc[0] >= 0.8 * len(comments)          # the framings are not split into issues of their own
    members = posts[posts["issue_id"] == bill]
    assert (members["topic"] == "komentar").mean() >= 0.95  # and the issue is the bill's
    for topic in OTHER_TOPICS:
        other = posts.loc[posts["topic"] == topic, "issue_id"].value_counts()
        assert other.index[0] != bill and other.iloc[0] >= 0.9 * (posts["topic"] == topic).sum()
    narratives = storage.query_df(con, "SELECT * FROM narratives WHERE issue_id = ?", [bill])
    assert len(narratives) >= 3
    assert all(re.fullmatch(rf"{bill}-N\d\d", n) for n in narratives["narrative_id"])
    # framings land in different narratives of the issue
    in_bill = members[members["framing"] != ""]
    leading = in_bill.groupby("framing")["narrative_id"].agg(lambda s: s.value_counts().index[0])
    assert leading.nunique() >= 3


def test_reactions_are_noise_and_no_name_is_dirty(analysed_export):
    con, report, posts = analysed_export
    assert posts.loc[posts["topic"] == "reaksi", "issue_id"].notna().mean() <= 0.05
    names = storage.query_df(con, "SELECT label, headline FROM issues UNION ALL SELECT label, headline FROM narratives")
    text = " | ".join(names.fillna("").to_numpy().ravel())
    assert text.strip(" |")
    assert not re.search(r"emoji_|[\U0001F300-\U0001FAFF]|https?:|@|wk(?:wk)+|mantap|menyala", text, re.I)


def test_a_first_upload_marks_only_issues_new_now(analysed_export):
    con, report, _ = analysed_export
    # nine days of posts, none of the topics started in the last day: nothing is Baru
    assert report.refit and report.issues >= 3 and report.new_issues == 0
    assert f"{report.issues} isu, 0 bertanda Baru" in report.message()
