"""Stable issue ids across re-analyses, and analyst edits that survive them."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from monitoring import schema
from monitoring.issues.detection import assign_posts, detect_issues
from monitoring.issues.edits import IssueEdit, IssueEditError, apply_edits, split_edit
from monitoring.issues.identity import IssueRegistry, assign_ids, profile_similarity
from monitoring.issues.model import IssueModel
from monitoring.issues.watchlist import InvalidQueryError

TOPICS = {
    "bbm": ["harga BBM naik lagi", "pertalite langka di SPBU", "antre solar berjam-jam", "subsidi BBM dicabut",
            "pertamax naik per liter", "ojol protes harga bensin"],
    "banjir": ["banjir rob di pesisir", "tanggul jebol warga mengungsi", "BPBD evakuasi korban banjir",
               "rumah terendam air sepinggang", "hujan deras bikin banjir", "posko banjir butuh selimut"],
    "judol": ["judi online makin marak", "situs judol diblokir komdigi", "deposit slot gacor habis gaji",
              "bandar judol ditangkap", "iklan slot di medsos", "rekening judol dibekukan ppatk"],
    "ukt": ["UKT kampus naik drastis", "mahasiswa demo tolak UKT", "biaya kuliah makin mahal",
            "KIP kuliah salah sasaran", "rektor tinjau ulang UKT", "ortu mahasiswa keberatan UKT"],
    "gempa": ["gempa magnitudo 6 guncang cianjur", "BMKG catat gempa susulan", "rumah roboh akibat gempa",
              "warga tidur di tenda pasca gempa", "relawan kirim logistik korban gempa",
              "sekolah rusak diguncang gempa"],
}
FILLERS = ["duh", "wkwk", "gimana nih", "parah 😡", "tolong min 🙏", "literally capek", "hadeh", "#viral",
           "mbok yo mikir", "so sad 😭"]


def posts_for(counts: dict[str, int], seed: int, start: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for topic, n in counts.items():
        phrases = TOPICS[topic]
        for _ in range(n):
            parts = [phrases[i] for i in rng.choice(len(phrases), 2, replace=False)]
            parts += [FILLERS[i] for i in rng.choice(len(FILLERS), 2, replace=False)]
            rows.append((" ".join(rng.permutation(parts)), topic))
    frame = pd.DataFrame(rows, columns=[schema.TEXT, "topic"])
    frame[schema.TOKENS] = [re.sub(r"[^\w\s]", " ", t.lower()).split() for t in frame[schema.TEXT]]
    frame[schema.POST_KEY] = [f"k{start + i}" for i in range(len(frame))]
    frame[schema.AUTHOR] = [f"akun{(start + i) % 151}" for i in range(len(frame))]
    frame[schema.CREATED_AT] = pd.Timestamp("2025-02-01", tz="UTC") + pd.to_timedelta(start + np.arange(len(frame)),
                                                                                       unit="min")
    return frame


BASE = {"bbm": 100, "banjir": 100, "judol": 100, "ukt": 100}
MORE = {"bbm": 20, "banjir": 20, "judol": 20, "ukt": 20}


def topic_ids(posts: pd.DataFrame) -> dict[str, str]:
    """The issue id holding most posts of each true topic."""
    known = posts[posts[schema.ISSUE_ID].notna()]
    return known.groupby("topic")[schema.ISSUE_ID].agg(lambda s: s.value_counts().index[0]).to_dict()


@pytest.fixture(scope="module")
def first():
    return detect_issues(posts_for(BASE, seed=1))


@pytest.fixture(scope="module")
def grown(first):
    posts = pd.concat([posts_for(BASE, seed=1), posts_for(MORE, seed=2, start=1000)], ignore_index=True)
    return posts, detect_issues(posts, registry=first.registry)


def test_first_run_numbers_issues_from_one(first):
    ids = sorted(first.registry.issues)
    assert ids == [f"I{i:04d}" for i in range(1, len(ids) + 1)]
    assert all(issue.is_new for issue in first.registry.issues.values())
    assert len(set(topic_ids(first.posts).values())) == 4


def test_ids_persist_when_twenty_percent_new_posts_arrive(first, grown):
    posts, second = grown
    assert topic_ids(second.posts) == topic_ids(first.posts)
    for topic, issue_id in topic_ids(second.posts).items():
        issue = second.registry.issues[issue_id]
        assert not issue.is_new
        assert issue.label and issue.top_terms
    assert second.registry.next_number >= first.registry.next_number


def test_new_topic_gets_a_new_id_and_old_ones_stay(first, grown):
    posts, second = grown
    with_quake = pd.concat([posts, posts_for({"gempa": 100}, seed=3, start=5000)], ignore_index=True)
    third = detect_issues(with_quake, registry=second.registry)
    ids = topic_ids(third.posts)
    assert {t: ids[t] for t in BASE} == topic_ids(first.posts)
    quake = third.registry.issues[ids["gempa"]]
    assert quake.is_new and ids["gempa"] not in second.registry.issues
    assert int(ids["gempa"][1:]) >= second.registry.next_number  # numbers only grow
    assert "gempa" in " ".join(quake.top_terms)


def test_returning_issue_gets_its_old_id_back(first):
    without_ukt = detect_issues(posts_for({"bbm": 100, "banjir": 100, "judol": 100}, seed=4),
                                registry=first.registry)
    back = detect_issues(posts_for(BASE, seed=5), registry=without_ukt.registry)
    assert topic_ids(back.posts)["ukt"] == topic_ids(first.posts)["ukt"]


def test_edits_survive_refit_with_new_posts(first, grown):
    posts, _ = grown
    ids = topic_ids(first.posts)
    split, registry = split_edit(first.registry, ids["bbm"], "pertalite OR pertamax", "Pertalite & Pertamax")
    edits = [IssueEdit("rename", ids["bbm"], label="Harga BBM"), IssueEdit("merge", ids["ukt"], target_id=ids["judol"]),
             split, IssueEdit("hide", ids["banjir"])]
    # the edits and registry go through JSON, as the store keeps them
    edits = [IssueEdit.from_dict(json.loads(json.dumps(e.to_dict()))) for e in edits]
    registry = IssueRegistry.from_dict(json.loads(json.dumps(registry.to_dict())))
    result = detect_issues(posts, registry=registry, edits=edits)
    out, reg = result.posts, result.registry
    by_topic = out.groupby("topic")[schema.ISSUE_ID]
    assert reg.issues[ids["bbm"]].display_label == "Harga BBM"
    assert set(by_topic.get_group("ukt").dropna()) <= {ids["judol"]}
    assert reg.issues[ids["ukt"]].merged_into == ids["judol"]
    assert by_topic.get_group("banjir").isna().all() and reg.issues[ids["banjir"]].hidden
    bbm = out[out["topic"] == "bbm"]
    fuel = bbm[schema.TEXT].str.contains("pertalite|pertamax", case=False)
    assert (bbm.loc[fuel, schema.ISSUE_ID] == split.target_id).all()
    assert (bbm.loc[~fuel, schema.ISSUE_ID] == ids["bbm"]).all()
    assert reg.issues[split.target_id].manual and reg.issues[split.target_id].display_label == "Pertalite & Pertamax"


def test_removing_an_edit_undoes_it(first):
    ids = topic_ids(first.posts)
    hidden_posts, hidden = apply_edits(first.posts, first.registry, [IssueEdit("hide", ids["judol"])])
    assert hidden.issues[ids["judol"]].hidden
    again, restored = apply_edits(first.posts, hidden, [])
    assert not restored.issues[ids["judol"]].hidden
    assert (again[schema.ISSUE_ID] == first.posts[schema.ISSUE_ID]).sum() == first.posts[schema.ISSUE_ID].notna().sum()


def test_merge_chains_follow_and_cycles_are_skipped(first):
    a, b, c, _ = (topic_ids(first.posts)[t] for t in BASE)
    edits = [IssueEdit("merge", a, target_id=b), IssueEdit("merge", b, target_id=c), IssueEdit("merge", c, target_id=a)]
    out, reg = apply_edits(first.posts, first.registry, edits)
    assert not out[schema.ISSUE_ID].isin([a, b]).any()
    assert reg.issues[a].merged_into == b and reg.issues[b].merged_into == c
    assert reg.issues[c].merged_into is None  # c -> a would close the cycle
    assert set(out.loc[first.posts[schema.ISSUE_ID].isin([a, b, c]), schema.ISSUE_ID]) == {c}


def test_edits_on_absent_issues_do_nothing(first):
    out, reg = apply_edits(first.posts, first.registry, [IssueEdit("rename", "I9999", label="x"),
                                                         IssueEdit("merge", "I9998", target_id="I0001")])
    assert out[schema.ISSUE_ID].equals(first.posts[schema.ISSUE_ID].astype(object))
    assert "I9999" not in reg.issues


@pytest.mark.parametrize("kwargs, error", [
    ({"action": "delete", "issue_id": "I0001"}, IssueEditError),
    ({"action": "rename", "issue_id": "I0001", "label": "  "}, IssueEditError),
    ({"action": "merge", "issue_id": "I0001"}, IssueEditError),
    ({"action": "merge", "issue_id": "I0001", "target_id": "I0001"}, IssueEditError),
    ({"action": "split", "issue_id": "I0001", "target_id": "I0009", "query": "OR"}, InvalidQueryError),
])
def test_invalid_edits_raise(kwargs, error):
    with pytest.raises(error):
        IssueEdit(**kwargs)


def test_assign_ids_matches_by_profile_over_changed_vocabulary():
    registry = IssueRegistry()
    ids, registry = assign_ids(registry, [{"bbm": 0.8, "pertalite": 0.6}, {"banjir": 1.0}], ["a", "b"], [[], []])
    assert ids == ["I0001", "I0002"]
    # same issues come back in the other order, with partly new words, plus an unrelated one
    ids, registry = assign_ids(registry, [{"banjir": 0.9, "rob": 0.4}, {"judol": 1.0}, {"bbm": 0.7, "solar": 0.7}],
                               ["b", "c", "a"], [[], [], []])
    assert ids == ["I0002", "I0003", "I0001"]
    assert [registry.issues[i].is_new for i in ids] == [False, True, False]
    assert registry.next_number == 4


def test_profile_similarity_is_cosine():
    sim = profile_similarity([{"a": 1.0}, {"a": 1.0, "b": 1.0}], [{"a": 2.0}, {"c": 1.0}])
    np.testing.assert_allclose(sim, [[1.0, 0.0], [np.sqrt(0.5), 0.0]])


def test_assign_posts_reuses_a_stored_model(first):
    new_posts = posts_for({"bbm": 10, "judol": 10}, seed=9, start=9000)
    ids = topic_ids(first.posts)
    out, _ = assign_posts(new_posts, first.model, first.cluster_ids, first.registry)
    assigned = out.groupby("topic")[schema.ISSUE_ID].agg(lambda s: s.value_counts().index[0]).to_dict()
    assert assigned == {"bbm": ids["bbm"], "judol": ids["judol"]}


def test_fixed_number_of_issues(first):
    result = detect_issues(posts_for(BASE, seed=1), model=IssueModel(n_issues=2))
    assert result.posts[schema.ISSUE_ID].dropna().nunique() == 2


# -- narratives: stable ids and edits inside an issue ---------------------------------------
FRAMED = {
    "tapera": {"subject": ["tapera", "iuran tapera", "potongan tapera"],
               "gaji": ["gaji dipotong lagi", "slip gaji isinya potongan", "gaji umr dipotong habis"],
               "investor": ["duitnya buat investor asing", "dana dipakai investor asing", "investor asing untung besar"],
               "rumah": ["rumahnya kapan dapat", "nabung puluhan tahun rumah kecil", "cicilan rumah tetap mahal"]},
    "ppdb": {"subject": ["ppdb zonasi", "zonasi sekolah", "ppdb"],
             "kk": ["numpang kartu keluarga", "pindah kartu keluarga nenek", "kartu keluarga fiktif lolos"],
             "titipan": ["titipan pejabat masuk", "kursi dijual pejabat", "jalur titipan orang dalam"],
             "nilai": ["nilai bagus tetap ditolak", "balikin seleksi nilai", "anak pintar kalah jarak"]},
}
WORDS = ["pak", "sekarang", "rakyat", "nanti", "jujur", "beneran", "tahun", "ini", "kota", "warga", "bulan", "semua"]


def framed_posts(counts: dict[str, int], seed: int, start: int = 0) -> pd.DataFrame:
    """Posts of subjects told in framings (the subject named in 70% of them)."""
    rng = np.random.default_rng(seed)
    rows = []
    for topic, n in counts.items():
        bank = FRAMED[topic]
        framings = [f for f in bank if f != "subject"]
        for i in range(n):
            framing = framings[i % len(framings)]
            text = bank[framing][int(rng.integers(3))]
            text += (" " + bank["subject"][int(rng.integers(3))]) if rng.random() < 0.7 else ""
            extra = " ".join(WORDS[j] for j in rng.choice(len(WORDS), 2, replace=False))
            rows.append((f"{text} {extra}", topic, framing))
    frame = pd.DataFrame(rows, columns=[schema.TEXT, "topic", "framing"])
    frame[schema.TOKENS] = [t.lower().split() for t in frame[schema.TEXT]]
    frame[schema.POST_KEY] = [f"f{start + i}" for i in range(len(frame))]
    frame[schema.AUTHOR] = [f"akun{(start + i) % 151}" for i in range(len(frame))]
    frame[schema.CREATED_AT] = pd.Timestamp("2025-02-01", tz="UTC") + pd.to_timedelta(start + np.arange(len(frame)),
                                                                                       unit="min")
    return frame


def narrative_framings(posts: pd.DataFrame) -> pd.Series:
    """The framing of each narrative (narrative id -> framing), for narratives of one framing (>= 90%)."""
    known = posts[posts[schema.NARRATIVE_ID].notna()]
    purity = known.groupby(schema.NARRATIVE_ID)["framing"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    leading = known.groupby(schema.NARRATIVE_ID)["framing"].agg(lambda s: s.value_counts().index[0])
    return leading[purity >= 0.9]


@pytest.fixture(scope="module")
def framed():
    return detect_issues(framed_posts({"tapera": 400, "ppdb": 400}, seed=1), model=IssueModel(n_issues=2))


def test_subjects_are_issues_and_framings_their_narratives(framed):
    posts = framed.posts
    assert posts.groupby("topic")[schema.ISSUE_ID].nunique().to_dict() == {"ppdb": 1, "tapera": 1}
    framings = narrative_framings(posts)  # narratives tell framings apart
    assert len(framings) >= 0.8 * posts[schema.NARRATIVE_ID].nunique() and framings.nunique() >= 5
    for issue_id in posts[schema.ISSUE_ID].dropna().unique():
        ids = set(posts.loc[posts[schema.ISSUE_ID] == issue_id, schema.NARRATIVE_ID].dropna())
        assert len(ids) >= 2 and ids <= set(framed.registry.issues[issue_id].narratives)
        assert all(re.fullmatch(rf"{issue_id}-N\d\d", n) for n in ids)
    restored = IssueRegistry.from_dict(json.loads(json.dumps(framed.registry.to_dict())))
    assert restored == framed.registry


def test_narrative_ids_persist_when_posts_arrive(framed):
    more = pd.concat([framed_posts({"tapera": 400, "ppdb": 400}, seed=1),
                      framed_posts({"tapera": 80, "ppdb": 80}, seed=2, start=5000)], ignore_index=True)
    again = detect_issues(more, registry=framed.registry, model=IssueModel(n_issues=2))
    both = framed.posts[[schema.POST_KEY, schema.NARRATIVE_ID]].merge(
        again.posts[[schema.POST_KEY, schema.NARRATIVE_ID]], on=schema.POST_KEY, suffixes=("", "_again")).dropna()
    assert len(both) >= 0.8 * len(framed.posts)
    # a re-fit on 20% more posts clusters narratives again (one may split in two): most posts keep their ids
    assert (both[schema.NARRATIVE_ID] == both[f"{schema.NARRATIVE_ID}_again"]).mean() >= 0.7


def test_narrative_edits_survive_a_refit(framed):
    posts = framed.posts
    tapera, ppdb = (posts.loc[posts["topic"] == t, schema.ISSUE_ID].mode()[0] for t in ("tapera", "ppdb"))
    sizes = posts.groupby([schema.ISSUE_ID, schema.NARRATIVE_ID]).size().sort_values(ascending=False)
    renamed, hidden = list(sizes[tapera].index[:2])
    kept, merged = list(sizes[ppdb].index[:2])
    kk = posts.loc[posts[schema.TEXT].str.contains("nenek"), schema.NARRATIVE_ID].mode()[0]
    split, registry = split_edit(framed.registry, ppdb, "nenek", "Pindah KK ke nenek", narrative_id=kk)
    edits = [IssueEdit("rename", tapera, label="Potong gaji", narrative_id=renamed),
             IssueEdit("hide", tapera, narrative_id=hidden),
             IssueEdit("merge", ppdb, target_id=kept, narrative_id=merged), split]
    edits = [IssueEdit.from_dict(json.loads(json.dumps(e.to_dict()))) for e in edits]
    registry = IssueRegistry.from_dict(json.loads(json.dumps(registry.to_dict())))
    result = detect_issues(framed_posts({"tapera": 400, "ppdb": 400}, seed=1), registry=registry, edits=edits,
                           model=IssueModel(n_issues=2))
    out, reg = result.posts, result.registry
    before = posts.set_index(schema.POST_KEY)[schema.NARRATIVE_ID]
    was = out[schema.POST_KEY].map(before)
    assert reg.issues[tapera].narratives[renamed].display_label == "Potong gaji"
    assert (out.loc[was == renamed, schema.NARRATIVE_ID] == renamed).all()
    assert out.loc[was == hidden, schema.NARRATIVE_ID].isna().all() and reg.issues[tapera].narratives[hidden].hidden
    assert (out.loc[was == hidden, schema.ISSUE_ID] == tapera).all()  # a hidden narrative's posts stay in the issue
    assert merged not in set(out[schema.NARRATIVE_ID].dropna())
    assert reg.issues[ppdb].narratives[merged].merged_into == kept
    nenek = out[out[schema.TEXT].str.contains("nenek")]
    assert (nenek[schema.NARRATIVE_ID] == split.target_id).all() and split.target_id.startswith(f"{ppdb}-N")
    assert reg.issues[ppdb].narratives[split.target_id].display_label == "Pindah KK ke nenek"


@pytest.mark.parametrize("edit", [
    dict(action="merge", issue_id="I0001", narrative_id="I0001-N01", target_id="I0001-N01"),
    dict(action="rename", issue_id="I0001", narrative_id="I0001-N01", label=" "),
])
def test_invalid_narrative_edits_are_refused(edit):
    with pytest.raises(IssueEditError):
        IssueEdit(**edit)
