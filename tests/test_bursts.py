"""Brand-new issues of the recent window (monitoring.issues.bursts and IssueModel's burst stage)."""
from __future__ import annotations

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from monitoring.issues.bursts import (
    DocumentInfo,
    Window,
    bursty_terms,
    find_bursts,
    grow_burst,
    grow_distinct,
    member_threshold,
    recentre,
    split_window,
)
from monitoring.issues.model import IssueModel

END = pd.Timestamp("2026-03-10 12:00", tz="UTC")
# Everyday issues that run for the whole period (slang, emoji and hashtags on purpose).
TOPICS = {
    "bbm": ["harga BBM naik lagi 😡", "pertalite langka di SPBU", "antre solar berjam-jam #BBMNaik",
            "subsidi BBM dicabut, ojol teriak", "pertamax naik per liter", "kuota pertalite pake qr code"],
    "banjir": ["banjir rob di pesisir, rumah terendam", "tanggul jebol warga mengungsi", "BPBD evakuasi korban banjir",
               "air sepinggang masuk rumah 😭", "hujan deres bikin banjir lagi", "posko banjir butuh selimut"],
    "judol": ["judi online makin marak", "situs judol diblokir komdigi", "deposit slot gacor habis gaji",
              "bandar judol ditangkap polisi", "iklan slot nongol terus di medsos", "rekening judol dibekukan ppatk"],
    "ukt": ["UKT kampus naik drastis", "mahasiswa demo tolak UKT", "biaya kuliah makin mahal",
            "KIP kuliah salah sasaran", "rektor janji tinjau ulang UKT", "ortu mahasiswa keberatan UKT"],
}
# A market fire in Ambon that only exists in the last day.
NEW = ["pasar mardika ambon terbakar dari subuh", "ratusan kios pasar mardika hangus 😭",
       "damkar ambon belum bisa padamkan api di pasar mardika", "pedagang pasar mardika kehilangan dagangan",
       "asap kebakaran pasar mardika kelihatan dari batu merah", "posko korban kebakaran pasar mardika dibuka"]
FILLERS = ["duh", "wkwk", "gimana nih", "parah", "tolong min 🙏", "hadeh", "#viral", "ya allah", "kasian", "cmiiw"]


def tokens_of(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


def posts(topics: dict[str, list[str]], n: int, start_hours: float, end_hours: float, seed: int,
          label: str | None = None) -> pd.DataFrame:
    """``n`` posts per topic at random times between ``start_hours`` and ``end_hours`` before END."""
    rng = np.random.default_rng(seed)
    rows = []
    for topic, phrases in topics.items():
        for _ in range(n):
            parts = [phrases[i] for i in rng.choice(len(phrases), 2, replace=False)]
            parts += [FILLERS[i] for i in rng.choice(len(FILLERS), 2, replace=False)]
            hours = rng.uniform(end_hours, start_hours)
            rows.append((" ".join(rng.permutation(parts)), label or topic, END - pd.Timedelta(hours=hours)))
    frame = pd.DataFrame(rows, columns=["text", "topic", "created_at"])
    frame["tokens"] = frame["text"].map(tokens_of)
    frame["author"] = [f"akun{seed}_{i % 53}" for i in range(len(frame))]
    return frame


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    background = posts(TOPICS, 150, 10 * 24, 0, seed=1)
    surge = posts({"new": NEW}, 40, 20, 0, seed=2)
    return pd.concat([background, surge], ignore_index=True)


@pytest.fixture(scope="module")
def fitted(corpus) -> IssueModel:
    return IssueModel().fit(corpus["tokens"], created_at=corpus["created_at"], authors=corpus["author"])


def test_new_topic_gets_its_own_issue(corpus, fitted):
    assert len(fitted.bursts_) == 1
    new_issue = fitted.n_issues_ - 1
    members = fitted.labels_ == new_issue
    is_new = (corpus["topic"] == "new").to_numpy()
    assert (members & is_new).sum() / is_new.sum() >= 0.95       # captured
    assert (members & is_new).sum() / members.sum() >= 0.95      # pure
    assert {"mardika", "pasar"} & set(fitted.bursts_[0]["terms"])
    assert fitted.window_end_ == corpus["created_at"].max()
    assert any("mardika" in term for term in fitted.top_terms_[new_issue][:5])
    # later posts about the fire go to it, everyday posts do not
    later = fitted.predict([tokens_of("kebakaran pasar mardika ambon, kios hangus"), tokens_of(TOPICS["bbm"][0])])
    assert later.tolist()[0] == new_issue and later.tolist()[1] != new_issue


def test_global_issues_are_kept(corpus, fitted):
    topical = corpus["topic"].isin(list(TOPICS)).to_numpy()
    table = pd.crosstab(fitted.labels_[topical], corpus["topic"][topical].to_numpy())
    assert set(table.idxmax(axis=1)) == set(TOPICS)
    assert (fitted.labels_[topical] == fitted.n_issues_ - 1).mean() < 0.01


def test_without_times_the_model_is_unchanged(corpus):
    plain = IssueModel().fit(corpus["tokens"])
    disabled = IssueModel(burst_hours=None).fit(corpus["tokens"], created_at=corpus["created_at"])
    assert plain.bursts_ == [] and disabled.bursts_ == []
    assert (plain.labels_ == disabled.labels_).all()


def test_existing_issue_growing_is_not_new():
    """BBM triples in the last day: louder, not new."""
    background = posts(TOPICS, 150, 10 * 24, 0, seed=3)
    louder = posts({"bbm": TOPICS["bbm"]}, 45, 24, 0, seed=4)
    frame = pd.concat([background, louder], ignore_index=True)
    model = IssueModel().fit(frame["tokens"], created_at=frame["created_at"], authors=frame["author"])
    assert model.bursts_ == []


@pytest.mark.parametrize("authors, counts, expected", [
    ([f"warga{i}" for i in range(40)], None, 1),     # many people: a new issue
    (["satu_akun"] * 40, None, 0),                  # one account spamming: not an issue
    ([f"warga{i}" for i in range(4)] * 10, None, 0),  # four accounts: below burst_min_authors
])
def test_new_issue_needs_authors(authors, counts, expected):
    background = posts(TOPICS, 100, 10 * 24, 0, seed=5)
    surge = posts({"new": NEW}, 40, 20, 0, seed=6).assign(author=authors)
    frame = pd.concat([background, surge], ignore_index=True)
    model = IssueModel().fit(frame["tokens"], created_at=frame["created_at"], authors=frame["author"])
    assert len(model.bursts_) == expected


def test_post_counts_let_copies_count():
    """Six distinct texts pasted by many accounts: enough posts only when copies are counted."""
    background = posts(TOPICS, 100, 10 * 24, 0, seed=7)
    surge = posts({"new": NEW}, 6, 20, 0, seed=8).assign(author=[f"w{i}" for i in range(6)])
    frame = pd.concat([background, surge], ignore_index=True)
    counts = np.r_[np.ones(len(background), dtype=int), np.full(6, 5)]
    with_counts = IssueModel().fit(frame["tokens"], created_at=frame["created_at"], authors=frame["author"],
                                   post_counts=counts)
    without = IssueModel().fit(frame["tokens"], created_at=frame["created_at"], authors=frame["author"])
    assert len(with_counts.bursts_) == 1 and with_counts.bursts_[0]["posts"] == 30
    assert without.bursts_ == []


def test_old_pickled_model_without_burst_attributes_still_predicts(corpus, fitted):
    old = pickle.loads(pickle.dumps(IssueModel().fit(corpus["tokens"])))
    del old.burst_thresholds_, old.bursts_
    assert (old.predict(corpus["tokens"]) == old.labels_).all()


def test_restored_model_predicts_the_same(corpus, fitted):
    restored = pickle.loads(pickle.dumps(fitted))
    assert (restored.predict(corpus["tokens"]) == fitted.labels_).all()


# -- building blocks ------------------------------------------------------------------------
def test_split_window_uses_the_latest_time_and_skips_missing_ones():
    times = pd.Series([END - pd.Timedelta(hours=h) for h in (1, 30, 5, 50)] + [pd.NaT])
    window = split_window(times, 24)
    assert window.recent.tolist() == [0, 2] and window.baseline.tolist() == [1, 3]
    assert split_window(times, 24, usable=np.array([1, 2, 3])).recent.tolist() == [2]
    assert len(split_window(times, 24, max_baseline=1).baseline) == 1
    assert len(split_window(pd.Series([pd.NaT, pd.NaT]), 24).recent) == 0


@pytest.mark.parametrize("recent, baseline, authors, expected", [
    # 'mardika' only recently, from five authors: bursty; 'banjir' everywhere: not
    ([["pasar", "mardika"]] * 6 + [["banjir"]] * 4, [["banjir"]] * 40 + [["pasar"]] * 20,
     [f"a{i}" for i in range(10)], ["mardika"]),
    # the same from one author only
    ([["pasar", "mardika"]] * 6 + [["banjir"]] * 4, [["banjir"]] * 40 + [["pasar"]] * 20, ["a"] * 10, []),
    # too few recent documents
    ([["pasar", "mardika"]] * 3 + [["banjir"]] * 7, [["banjir"]] * 60, [f"a{i}" for i in range(10)], []),
])
def test_bursty_terms(recent, baseline, authors, expected):
    tokens = pd.Series(recent + baseline)
    window = Window(np.arange(len(recent)), np.arange(len(recent), len(recent) + len(baseline)))
    everyone = authors + [f"b{i}" for i in range(len(baseline))]
    terms = bursty_terms(tokens, window, everyone)
    assert terms["term"].tolist() == expected
    if expected:
        assert terms["rows"].iloc[0].tolist() == list(range(6))


def test_member_threshold_stops_where_the_baseline_starts():
    recent = np.r_[np.full(20, 0.6), np.full(80, 0.15), np.zeros(900)]
    baseline = np.r_[np.full(200, 0.15), np.zeros(9800)]
    # at 0.6: 20/1000 recent vs 1/10000 baseline; at 0.15 the baseline is as common: stop at 0.6
    assert member_threshold(recent, baseline) == pytest.approx((0.6 + 0.15) / 2)
    assert member_threshold(recent, np.r_[np.full(5000, 0.7), np.zeros(5000)]) is None


def test_find_bursts_and_recentre():
    rng = np.random.default_rng(0)
    # three term columns: 0 = new topic, 1-2 = old topics; rows are unit vectors
    old = np.eye(3)[rng.choice([1, 2], 300)]
    new = np.eye(3)[np.zeros(12, dtype=int)]
    X_recent = sparse.csr_matrix(np.vstack([new, old[:60]]))
    X_base = sparse.csr_matrix(old[60:])
    found = find_bursts(X_recent, X_base, [("mardika", np.arange(12))], [f"a{i}" for i in range(72)],
                        min_posts=10)
    assert len(found) == 1 and found[0].members.tolist() == list(range(12))
    assert found[0].centroid[0] == pytest.approx(1.0)
    centroids = np.eye(3, dtype=np.float32)[[1, 0]]  # an old issue, and one that was the new topic all along
    kept = recentre(centroids, sparse.csr_matrix(np.vstack([new, old])), found, threshold=0.1)
    assert kept.shape == (1, 3) and kept[0, 1] == pytest.approx(1.0)


def test_document_info_checks_lengths():
    with pytest.raises(ValueError, match="authors"):
        DocumentInfo.of(3, authors=["a", "b"])
    info = DocumentInfo.of(2, authors=["a", None], post_counts=[3, None])
    assert info.authors.tolist() == ["a", ""] and info.post_counts.tolist() == [3, 1]


def test_two_new_topics_sharing_a_word_are_kept_apart():
    """Truck drivers' extortion video and an angkot drivers' strike both say 'sopir'."""
    rng = np.random.default_rng(1)
    sopir, truk, angkot = np.eye(5)[0], np.eye(5)[1], np.eye(5)[2]
    rows = lambda base, n: [base + 0.42 * sopir + rng.uniform(0, 0.05, 5) * np.r_[0, 0, 0, 1, 1] for _ in range(n)]
    recent = np.array(rows(truk, 30) + rows(angkot, 20) + [np.eye(5)[3]] * 200)
    X_recent = sparse.csr_matrix(recent / np.linalg.norm(recent, axis=1, keepdims=True))
    X_base = sparse.csr_matrix(np.tile(np.eye(5)[[3, 4]], (500, 1)))
    merged = grow_burst(X_recent, X_base, np.arange(30))
    assert set(merged[0]) == set(range(50))               # one group swallows both
    kept = grow_distinct(X_recent, X_base, np.arange(30), available=np.ones(250, dtype=bool))
    assert set(kept[0]) == set(range(30))
    found = find_bursts(X_recent, X_base, [("sopir", np.arange(50)), ("angkot", np.arange(30, 50))],
                        [f"a{i}" for i in range(250)])
    assert [set(b.members) for b in found] == [set(range(30)), set(range(30, 50))]


# --- incremental runs: the new window's new issues without a re-fit (monitoring.issues.refresh) ---

@pytest.fixture(scope="module")
def before_the_fire():
    """A model fitted on ten days that end a day before END: the fire's words are unknown to it."""
    older = posts(TOPICS, 150, 10 * 24, 24, seed=11)
    model = IssueModel().fit(older["tokens"], created_at=older["created_at"], authors=older["author"])
    return older, model


def refresh(model: IssueModel, recent: pd.DataFrame, baseline: pd.DataFrame) -> tuple[IssueModel, list[int]]:
    from monitoring.issues.refresh import refresh_recent

    model = pickle.loads(pickle.dumps(model))
    changed = refresh_recent(model, recent["tokens"], baseline["tokens"], created_at=recent["created_at"],
                             authors=recent["author"])
    return model, changed


def test_refresh_finds_a_new_issue_with_words_the_fit_never_saw(before_the_fire):
    older, fitted = before_the_fire
    assert "mardika" not in fitted.vectorizer_.vocabulary_
    recent = pd.concat([posts(TOPICS, 15, 24, 0, seed=12), posts({"new": NEW}, 40, 20, 0, seed=13)],
                       ignore_index=True)
    model, changed = refresh(fitted, recent, older)
    assert changed == [fitted.n_issues_] and model.n_issues_ == fitted.n_issues_ + 1
    assert "mardika" in model.vectorizer_.vocabulary_ and "pasar mardika" in model.vectorizer_.vocabulary_
    assert model.centroids_.shape == (model.n_issues_, len(model.vectorizer_.vocabulary_))
    np.testing.assert_array_equal(model.centroids_[: fitted.n_issues_, : fitted.centroids_.shape[1]],
                                  fitted.centroids_)                      # global issues untouched
    assert model.vectorizer_.idf_[model.vectorizer_.vocabulary_["harga"]] == \
        fitted.vectorizer_.idf_[fitted.vectorizer_.vocabulary_["harga"]]
    assert any("mardika" in term for term in model.top_terms_[-1][:5])
    assert model.term_weights_[-1] and len(model.top_terms_) == model.n_issues_
    labels = model.predict(recent["tokens"])
    fire = (recent["topic"] == "new").to_numpy()
    assert (labels[fire] == model.n_issues_ - 1).mean() >= 0.9
    assert (labels[~fire] == model.n_issues_ - 1).mean() <= 0.05
    assert model.window_end_ == recent["created_at"].max() and model.fitted_until_ == fitted.fitted_until_
    # everyday topics keep their issues
    np.testing.assert_array_equal(model.predict(older["tokens"]), fitted.predict(older["tokens"]))


def test_a_quiet_newer_window_changes_nothing(before_the_fire):
    older, fitted = before_the_fire
    model, changed = refresh(fitted, posts(TOPICS, 15, 24, 0, seed=14), older)
    assert changed == [] and model.n_issues_ == fitted.n_issues_ and model.bursts_ == []


def test_refreshing_again_updates_the_same_new_issue(before_the_fire):
    """An hourly scrape: the fire is found at 12 hours, and again (not twice) later."""
    older, fitted = before_the_fire
    first = pd.concat([posts(TOPICS, 8, 24, 12, seed=15), posts({"new": NEW}, 25, 20, 12, seed=16)],
                      ignore_index=True)
    model, changed = refresh(fitted, first, older)
    assert changed == [fitted.n_issues_]
    second = pd.concat([first, posts(TOPICS, 8, 12, 0, seed=17), posts({"new": NEW}, 25, 12, 0, seed=18)],
                       ignore_index=True)
    again, changed = refresh(model, second, older)
    assert changed == [fitted.n_issues_] and again.n_issues_ == model.n_issues_
    assert len(again.bursts_) == 1 and again.bursts_[0]["docs"] > model.bursts_[0]["docs"]


def test_window_copies_of_earlier_posts_continue_their_stored_groups(before_the_fire):
    """Reposts (one word added) of the fire's first posts of the day before join those posts' groups,
    as a fit over every post would group them: they are copies of older content, not recent documents."""
    from monitoring.issues.dedup import add_duplicate_groups
    from monitoring.issues.detection import refresh_detection
    from monitoring.issues.identity import assign_ids

    older, fitted = before_the_fire
    ids, registry = assign_ids(None, fitted.term_weights_, ["isu"] * fitted.n_issues_, fitted.top_terms_)
    first_posts = posts({"new": NEW}, 8, 30, 25, seed=19)
    first_posts = add_duplicate_groups(first_posts.assign(post_key=[f"f{i}" for i in range(len(first_posts))]))
    first_posts["dup_group"] = "lama-" + first_posts["dup_group"].astype(str)  # as stored
    reposts = first_posts.loc[first_posts.index.repeat(3), ["topic", "tokens"]].reset_index(drop=True)
    reposts["tokens"] = [tokens + ["kasian"] for tokens in reposts["tokens"]]
    reposts["text"] = reposts["tokens"].str.join(" ")
    reposts["created_at"] = END - pd.to_timedelta(np.linspace(1, 20, len(reposts)), unit="h")
    reposts["author"] = [f"warga{i}" for i in range(len(reposts))]
    window = pd.concat([posts(TOPICS, 15, 24, 0, seed=12), reposts], ignore_index=True)
    window["post_key"] = [f"w{i}" for i in range(len(window))]
    baseline = pd.concat([older["tokens"], first_posts["tokens"]], ignore_index=True)
    alone = refresh_detection(window, baseline, fitted, ids, registry)
    linked = refresh_detection(window, baseline, fitted, ids, registry, earlier=first_posts)
    copies = linked.posts[linked.posts["topic"] == "new"]
    assert len(linked.posts) == len(window) and linked.posts["post_key"].tolist() == window["post_key"].tolist()
    assert copies["dup_group"].isin(set(first_posts["dup_group"])).mean() >= 0.9
    assert not alone.posts["dup_group"].astype(str).str.startswith("lama-").any()
