"""IssueModel, labels and issue cards on small Indonesian corpora written here."""
from __future__ import annotations

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from monitoring import schema
from monitoring.errors import ModelError
from monitoring.issues.chatter import is_reaction
from monitoring.issues.labels import (
    issue_summary,
    readable_label,
    representative_posts,
    surface_forms,
    top_terms,
)
from monitoring.issues.model import IssueModel, NMFClusterer

# Four clearly distinct public issues, written like posts (slang, code-mixing, emoji, hashtags).
TOPICS = {
    "bbm": ["Harga BBM naik lagi, pertalite makin mahal", "antre di SPBU 2 jam demi pertalite",
            "subsidi BBM dicabut, ojol teriak", "solar langka, sopir truk mogok", "pertamax naik per liter",
            "kuota pertalite dibatasi pakai qr code"],
    "banjir": ["banjir rob lagi di pesisir, rumah terendam", "hujan deras semalam, tanggul jebol",
               "warga mengungsi ke posko banjir", "BPBD evakuasi korban banjir pakai perahu karet",
               "air setinggi lutut, jalan lumpuh", "pompa air rusak pas banjir datang"],
    "judol": ["judi online makin marak di kalangan pelajar", "situs judol diblokir komdigi",
              "gaji habis buat deposit slot gacor", "bandar judi online ditangkap polisi",
              "iklan slot gacor nongol terus di medsos", "rekening judol dibekukan ppatk"],
    "ukt": ["UKT kampus naik drastis, mahasiswa demo", "biaya kuliah makin mahal, ortu pusing",
            "rektor janji tinjau ulang kenaikan UKT", "KIP kuliah nggak tepat sasaran",
            "mahasiswa baru kaget lihat tagihan UKT", "tolak komersialisasi kampus negeri"],
}
FILLERS = ["duh", "wkwk", "jujur aja", "gimana nih pemerintah", "parah banget 😡", "tolong dong min 🙏",
           "literally bikin stress", "mbok yo mikir", "so sad 😭", "#viral", "hadeh", "rakyat kecil lagi"]
# Everyday chatter shares no vocabulary pattern: random words from a wide pool.
CHATTER = ("selamat pagi gaes kopi dulu nonton drakor sambil makan seblak kucingku tidur mulu seharian "
           "otw healing pantai bareng bestie playlist galau malam minggu mie ayam depan kos enak skripsi "
           "revisi dosen hujan gerimis ngantuk banget konser tiket war sepatu baru diskon cuci motor "
           "masak sambal mabar rank push foto kamera liburan mudik ulang tahun adik kakak").split()
STOPWORDS = {"di", "lagi", "makin", "pakai", "ke", "buat", "terus", "demi", "aja", "nih", "dong", "yang"}


def tokens_of(text: str) -> list[str]:
    """Stand-in for monitoring.text.cleaning: lower-case words (keeps stopwords on purpose)."""
    return re.sub(r"[^\w\s#]", " ", text.lower()).split()


def make_posts(n_per_topic: int = 120, seed: int = 0, topics=TOPICS, n_chatter: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for topic, phrases in topics.items():
        for _ in range(n_per_topic):
            picked = rng.choice(len(phrases), size=2, replace=False)
            parts = [phrases[i] for i in picked] + [FILLERS[i] for i in rng.choice(len(FILLERS), size=2)]
            rows.append((" ".join(rng.permutation(parts)), topic))
    for _ in range(n_chatter):
        rows.append((" ".join(rng.choice(CHATTER, size=rng.integers(4, 8), replace=False)), "noise"))
    frame = pd.DataFrame(rows, columns=[schema.TEXT, "topic"])
    frame[schema.TOKENS] = frame[schema.TEXT].map(tokens_of)
    frame[schema.POST_KEY] = [f"k{i}" for i in range(len(frame))]
    frame[schema.AUTHOR] = [f"akun{i % 97}" for i in range(len(frame))]
    frame[schema.CREATED_AT] = pd.Timestamp("2025-03-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 5 * 86400, len(frame)), unit="s")
    return frame


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return make_posts(n_chatter=60)


@pytest.fixture(scope="module")
def fitted(corpus) -> IssueModel:
    return IssueModel(stopwords=STOPWORDS).fit(corpus[schema.TOKENS])


def majority_purity(truth: pd.Series, predicted: np.ndarray) -> float:
    table = pd.crosstab(predicted, truth.to_numpy())
    return float(table.max(axis=1).sum() / table.to_numpy().sum())


def test_clusters_separate_distinct_topics(corpus, fitted):
    topical = (corpus["topic"] != "noise").to_numpy() & (fitted.labels_ >= 0)
    assert majority_purity(corpus["topic"][topical], fitted.labels_[topical]) >= 0.95
    # every topic is the majority of some cluster: none was swallowed by another
    majorities = pd.crosstab(fitted.labels_[topical], corpus["topic"][topical].to_numpy()).idxmax(axis=1)
    assert set(majorities) == set(TOPICS)


def test_auto_k_is_reasonable_on_four_topics(fitted):
    assert 4 <= fitted.n_issues_ <= 6
    assert fitted.k_scores_ and max(fitted.k_scores_, key=fitted.k_scores_.get) in range(4, 7)


def test_chatter_and_short_posts_are_noise(corpus, fitted):
    chatter = (corpus["topic"] == "noise").to_numpy()
    assert (fitted.labels_[chatter] == -1).mean() >= 0.8
    assert (fitted.labels_[~chatter] >= 0).mean() >= 0.95
    assert fitted.predict([["bbm"], [], ["zzz", "qqq", "xxx"]]).tolist() == [-1, -1, -1]


@pytest.mark.parametrize("n_issues", [2, 4, 7])
def test_n_issues_overrides_automatic_choice(corpus, n_issues):
    model = IssueModel(n_issues=n_issues).fit(corpus[schema.TOKENS])
    assert model.n_issues_ == n_issues
    assert model.centroids_.shape == (n_issues, len(model.vectorizer_.vocabulary_))
    assert model.labels_.max() < n_issues


def test_nmf_clusterer_also_separates_topics(corpus):
    model = IssueModel(n_issues=4, clusterer=NMFClusterer()).fit(corpus[schema.TOKENS])
    topical = (corpus["topic"] != "noise").to_numpy() & (model.labels_ >= 0)
    assert majority_purity(corpus["topic"][topical], model.labels_[topical]) >= 0.9


def test_fast_transform_equals_vectorizer_on_content_tokens(corpus, fitted):
    docs = corpus[schema.TOKENS].iloc[:50].tolist() + [["kata", "baru", "sekali"], [], ["wkwk", "harga", "bbm"]]
    assert any("wkwk" in d for d in docs[:50])  # the fillers put reactions in: they must be left out
    fast = fitted.transform(docs).toarray()
    reference = fitted.vectorizer_.transform([[t for t in d if not is_reaction(t)] for d in docs]).toarray()
    np.testing.assert_allclose(fast, reference, rtol=1e-5, atol=1e-6)


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError, match="belum dilatih"):
        IssueModel().predict([["harga", "bbm"]])


@pytest.mark.parametrize("docs", [[], [["bbm"]], [["sama", "saja"]] * 3])
def test_unusable_training_data_raises_model_error(docs):
    with pytest.raises(ModelError):
        IssueModel().fit(docs)


def test_model_survives_pickle(corpus, fitted):
    restored = pickle.loads(pickle.dumps(fitted))
    assert (restored.predict(corpus[schema.TOKENS]) == fitted.labels_).all()


def test_fit_is_reproducible(corpus, fitted):
    again = IssueModel(stopwords=STOPWORDS).fit(corpus[schema.TOKENS])
    assert (again.labels_ == fitted.labels_).all()


# -- labels -------------------------------------------------------------------------------
DISTINCTIVE = {"bbm": {"bbm", "pertalite", "spbu", "solar"}, "banjir": {"banjir", "tanggul", "mengungsi", "rob"},
               "judol": {"judi", "judol", "slot", "gacor"}, "ukt": {"ukt", "kuliah", "mahasiswa", "kampus"}}


def test_top_terms_are_distinctive_and_free_of_stopwords(corpus, fitted):
    topical = corpus["topic"] != "noise"
    for cluster, terms in enumerate(fitted.top_terms_):
        members = corpus["topic"][topical.to_numpy() & (fitted.labels_ == cluster)]
        if members.empty:
            continue
        words = {w for t in terms[:5] for w in t.split()}
        assert words & DISTINCTIVE[members.mode()[0]], (cluster, terms)
        assert not words & STOPWORDS, terms
        assert not words & {"duh", "wkwk", "aja", "nih"}, terms  # built-in chatter list


@pytest.mark.parametrize("terms, surface, expected", [
    (["pertalite", "bbm", "harga bbm", "naik"], None, "harga bbm · pertalite · naik"),
    (["banjir", "rob", "tanggul"], None, "banjir · rob · tanggul"),
    (["naik", "harga bbm", "bbm"], {"naik": "kenaikan", "bbm": "BBM"}, "harga BBM · kenaikan"),
    (["ukt", "ukt mahal", "kampus", "mahal"], None, "ukt mahal · kampus"),
])
def test_readable_label(terms, surface, expected):
    assert readable_label(terms, surface) == expected


def test_top_terms_skip_stopwords_and_short_words():
    weights = np.array([[0.9, 0.8, 0.7, 0.6, 0.5]])
    terms = ["yang", "a", "harga yang", "harga", "bbm"]
    assert top_terms(weights, terms, stopwords={"yang"}) == [["harga", "bbm"]]


@pytest.mark.parametrize("texts, tokens, stems, expected", [
    (["Kenaikan BBM bikin emosi", "kenaikan harga lagi", "naik terus"], [["naik", "bbm"], ["naik", "harga"], ["naik"]],
     {"naik", "bbm"}, {"naik": "kenaikan", "bbm": "BBM"}),
    (["Menolak PPN 12%", "tolak ppn!!", "TOLAK"], [["tolak", "ppn"], ["tolak", "ppn"], ["tolak"]],
     {"tolak"}, {"tolak": "tolak"}),
    (["warga mengungsi", "pengungsian penuh", "mengungsi lagi"], [["ungsi", "warga"], ["ungsi"], ["ungsi"]],
     {"ungsi"}, {"ungsi": "mengungsi"}),
])
def test_surface_forms(texts, tokens, stems, expected):
    assert surface_forms(texts, tokens, stems) == expected


# -- issue cards --------------------------------------------------------------------------
def test_issue_summary_counts_every_post(corpus, fitted):
    posts = corpus.assign(**{schema.ISSUE_ID: [f"I{c:04d}" if c >= 0 else None for c in fitted.labels_],
                             schema.SENTIMENT: np.where(np.arange(len(corpus)) % 4 == 0, "negative", "neutral"),
                             schema.IS_COORDINATED: np.arange(len(corpus)) % 10 == 0})
    summary = issue_summary(posts, stopwords=STOPWORDS)
    assert summary["posts"].sum() == posts[schema.ISSUE_ID].notna().sum()
    assert summary["posts"].is_monotonic_decreasing
    assert summary["negative_share"].between(0.1, 0.4).all()
    assert summary["coordinated_share"].between(0.0, 0.3).all()
    assert (summary["first_seen"] <= summary["last_seen"]).all()
    for row in summary.itertuples():
        words = {w for t in row.top_terms[:5] for w in t.split()}
        assert not words & STOPWORDS
        assert row.label


def test_representative_posts_are_typical_and_distinct(corpus, fitted):
    posts = corpus.assign(**{schema.ISSUE_ID: [f"I{c:04d}" for c in fitted.labels_],
                             schema.DUP_GROUP: np.arange(len(corpus)) // 2})
    issue = posts[schema.ISSUE_ID].mode()[0]
    chosen = representative_posts(posts, issue, n=5)
    assert len(chosen) == 5
    assert (chosen[schema.ISSUE_ID] == issue).all()
    assert chosen[schema.DUP_GROUP].is_unique
    assert chosen["similarity"].is_monotonic_decreasing
    members = posts[posts[schema.ISSUE_ID] == issue]
    assert chosen["topic"].eq(members["topic"].mode()[0]).all()
