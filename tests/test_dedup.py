"""Near-duplicate groups and coordinated copy-paste flags."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from monitoring import schema
from monitoring.issues.dedup import add_duplicate_groups, duplicate_groups

BASE = "Program makan bergizi gratis bukti nyata negara hadir untuk generasi emas 2045 #MBGuntukNegeri"
T0 = pd.Timestamp("2025-05-01 08:00", tz="UTC")


def tokens_of(text: str) -> list[str]:
    return re.sub(r"[^\w\s#@:]", " ", text.lower()).split()


def frame(texts, authors=None, minutes=None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({
        schema.POST_KEY: [f"k{i}" for i in range(n)],
        schema.TEXT: texts,
        schema.TOKENS: [tokens_of(t) for t in texts],
        schema.AUTHOR: authors if authors is not None else [f"akun{i}" for i in range(n)],
        schema.CREATED_AT: T0 + pd.to_timedelta(minutes if minutes is not None else np.arange(n) * 3, unit="min"),
    })


@pytest.mark.parametrize("a, b, same", [
    (BASE, BASE, True),                                                      # exact copy
    (BASE, f"RT @buzzer_mbg: {BASE}", True),                                 # retweet
    (BASE, f"@pak_menteri {BASE}", True),                                    # reply with a mention
    (BASE, BASE + " 🇮🇩🙏", True),                                            # emoji added
    (BASE, BASE.replace("#MBGuntukNegeri", "#GiziAnakBangsa"), True),        # hashtag swapped
    (BASE, BASE.replace("bukti", "wujud"), True),                            # one word changed
    ("Harga BBM naik lagi, pertalite langka di SPBU dekat rumah gue",
     "Harga beras naik lagi, minyak goreng langka di pasar dekat rumah gue", False),
    ("banjir rob lagi di pesisir utara jakarta hari ini", "banjir bandang di garut hari ini parah", False),
    ("setuju banget", "setuju min", False),                                  # short: exact copies only
    ("mantap", "mantap", True),
])
def test_pairs(a, b, same):
    groups = duplicate_groups(pd.Series([tokens_of(a), tokens_of(b)]))
    assert bool(groups[0] == groups[1]) == same


def test_campaign_copies_collapse_and_are_flagged():
    variants = [BASE, BASE + " 🙏", BASE.replace("bukti", "wujud"), "Gizi cukup! " + BASE, BASE + " #viral",
                BASE, BASE + " 💪"]
    organic = ["ppn 12 persen bikin belanja bulanan nambah 60rb", "tanggul jebol warga mengungsi ke masjid"]
    posts = frame(variants + organic)
    out = add_duplicate_groups(posts)
    assert out[schema.DUP_GROUP].iloc[:7].nunique() == 1
    assert out[schema.DUP_GROUP].nunique() == 3
    assert out[schema.IS_COORDINATED].tolist() == [True] * 7 + [False] * 2
    assert schema.DUP_GROUP not in posts  # input untouched


@pytest.mark.parametrize("case, texts, authors, minutes, flagged", [
    ("5 copies, 5 authors, 12 minutes", [BASE] * 5, None, [0, 3, 6, 9, 12], True),
    ("4 copies only", [BASE] * 4, None, [0, 3, 6, 9], False),
    ("one author pasting 6 times", [BASE] * 6, ["buzzer"] * 6, None, False),
    ("two authors", [BASE] * 6, ["a", "b"] * 3, None, False),
    ("spread over 5 days", [BASE] * 6, None, [0, 1440, 2880, 4320, 5760, 7200], False),
    ("retweets are not copies", [BASE] + [f"RT @a: {BASE}"] * 6, None, None, False),
    ("one-word replies repeat organically", ["mantap min"] * 8, None, None, False),
    ("missing authors never count", [BASE] * 6, [None] * 6, None, False),
])
def test_coordination_rule(case, texts, authors, minutes, flagged):
    out = add_duplicate_groups(frame(texts, authors, minutes))
    assert out[schema.DUP_GROUP].nunique() == 1, case
    assert out[schema.IS_COORDINATED].tolist() == [flagged] * len(texts), case


def test_custom_thresholds():
    posts = frame([BASE] * 3)
    assert not add_duplicate_groups(posts)[schema.IS_COORDINATED].any()
    assert add_duplicate_groups(posts, min_copies=3, min_authors=2)[schema.IS_COORDINATED].all()


def test_group_ids_are_content_hashes_stable_across_calls():
    texts = ["b satu dua tiga empat lima", "a satu dua tiga empat lima enam", "b satu dua tiga empat lima", "", ""]
    posts = frame(texts)
    posts.loc[4, schema.TOKENS] = None
    groups = add_duplicate_groups(posts)[schema.DUP_GROUP].tolist()
    assert groups[0] == groups[2] and len(set(groups)) == 4  # the two empty posts stay apart
    # a later import holding another copy gets the same id; the empty post keeps its own
    later = frame(["RT @x: b satu dua tiga empat lima", "", "baru sama sekali di sini ya"])
    later[schema.POST_KEY] = ["z1", "k3", "z3"]
    again = add_duplicate_groups(later)[schema.DUP_GROUP].tolist()
    assert again[0] == groups[0]
    assert again[1] == groups[3] and again[2] not in groups
    assert add_duplicate_groups(frame([]))[schema.DUP_GROUP].tolist() == []


def test_chains_do_not_swallow_dissimilar_posts():
    words = [f"kata{i}" for i in range(30)]
    # each post shares 9 of 10 words with its neighbour, but the ends share nothing
    texts = [" ".join(words[i:i + 10]) for i in range(0, 20)]
    groups = duplicate_groups(pd.Series([t.split() for t in texts]))
    first, last = groups[0], groups[-1]
    assert first != last
    assert pd.Series(groups).value_counts().max() < len(texts)


def test_many_posts_stay_fast_and_correct():
    rng = np.random.default_rng(1)
    vocabulary = np.array([f"w{i}" for i in range(5000)])
    unique = [list(vocabulary[rng.integers(0, 5000, 12)]) for _ in range(20_000)]
    tokens = pd.Series(unique + unique[:5000])  # 5000 exact copies
    groups = duplicate_groups(tokens)
    assert len(np.unique(groups)) == 20_000
    assert (groups[20_000:] == groups[:5000]).all()


@pytest.mark.parametrize("rows", [
    [np.array(["harga", "bbm"], dtype=object), np.array([], dtype=object), np.array(["naik"], dtype=object)],
    [np.array(["harga", "bbm"]), np.array(["naik", "lagi", "wkwk"])],          # unicode arrays
    [["harga", "bbm"], None, ("naik",), np.array(["lagi"], dtype=object)],     # mixed, as frames built in code
])
def test_token_arrays_flattens_every_kind_of_row(rows):
    from monitoring.store.token_codes import token_arrays

    flat, lengths = token_arrays(pd.Series(rows, dtype=object))
    expected = [w for r in rows if r is not None for w in r]
    assert flat.dtype == object and flat.tolist() == expected
    assert lengths.tolist() == [0 if r is None else len(r) for r in rows]


def test_minhash_in_any_chunking_equals_one_pass(monkeypatch):
    from dataclasses import replace

    from monitoring.executors import LocalExecutor
    from monitoring.issues import dedup

    rng = np.random.default_rng(1)
    lengths = rng.integers(2, 30, 3000)
    codes = rng.integers(0, 500, int(lengths.sum())).astype(np.int32)
    hashes = dedup.word_hashes_of(np.array([f"w{i}" for i in range(500)], dtype=object))
    docs = np.sort(rng.choice(3000, 2500, replace=False))
    one = dedup.minhash_signatures(codes, lengths, docs, hashes, 0, executor=LocalExecutor(max_workers=1))
    executor = LocalExecutor()
    monkeypatch.setattr(dedup, "MINHASH", replace(dedup.MINHASH, max_chunk=333, min_per_worker=10))  # uneven chunks
    assert np.array_equal(dedup.minhash_signatures(codes, lengths, docs, hashes, 0, executor=executor), one)
    assert executor.stats.tasks["minhash"] == 8
    assert not np.array_equal(dedup.minhash_signatures(codes, lengths, docs, hashes, 1, executor=executor), one)


def _campaign_posts(n: int = 1500, seed: int = 3) -> pd.DataFrame:
    """Posts with campaign templates, their variants (a word swapped, one added) and chatter."""
    rng = np.random.default_rng(seed)
    words = [f"kata{i}" for i in range(400)]
    templates = [list(rng.choice(words, 12)) for _ in range(40)]
    texts = []
    for i in range(n):
        if i % 3 == 0:
            texts.append(" ".join(rng.choice(words, rng.integers(3, 15))))
            continue
        doc = list(templates[rng.integers(0, len(templates))])
        for _ in range(rng.integers(0, 3)):
            doc[rng.integers(0, len(doc))] = str(rng.choice(words))  # variants chain into each other
        texts.append(" ".join(doc))
    return frame(texts, authors=[f"akun{i % 50}" for i in range(n)], minutes=rng.integers(0, 600, n))


def test_groups_do_not_depend_on_the_order_of_the_posts():
    posts = _campaign_posts()
    expected = add_duplicate_groups(posts)
    assert expected[schema.DUP_GROUP].nunique() < 0.7 * len(posts)  # variants were grouped
    for seed in (1, 2, 3):
        order = np.random.default_rng(seed).permutation(len(posts))
        shuffled = add_duplicate_groups(posts.iloc[order]).loc[expected.index]
        pd.testing.assert_series_equal(shuffled[schema.DUP_GROUP], expected[schema.DUP_GROUP])
        pd.testing.assert_series_equal(shuffled[schema.IS_COORDINATED], expected[schema.IS_COORDINATED])


def test_groups_do_not_depend_on_how_the_words_were_numbered():
    """The store's chunks number the words differently (its dictionary encoding): same groups."""
    from monitoring.store.token_codes import TokenCodes

    posts = _campaign_posts()
    codes = TokenCodes.of(posts[schema.TOKENS])
    shuffled = np.random.default_rng(5).permutation(len(codes.vocabulary))
    renumbered = TokenCodes(np.argsort(shuffled)[codes.codes].astype(np.int32), codes.lengths,
                            codes.vocabulary[shuffled])
    chunked = pd.Series(np.concatenate([duplicate_groups(posts[schema.TOKENS].iloc[:700]),
                                        duplicate_groups(posts[schema.TOKENS].iloc[700:])]))
    assert np.array_equal(duplicate_groups(renumbered), duplicate_groups(codes))
    assert not np.array_equal(chunked, duplicate_groups(codes))  # a chunk alone misses its copies elsewhere


def test_a_campaign_template_holds_its_variants_together():
    template = "program makan bergizi gratis bukti nyata negara hadir untuk generasi emas indonesia"
    variants = [template.replace(old, new) for old, new in
                (("bukti", "wujud"), ("hadir", "datang"), ("emas", "unggul"), ("nyata", "jelas"))]
    texts = variants + [template] * 3  # the variants are not all within the threshold of each other
    forward = duplicate_groups(pd.Series([t.split() for t in texts]))
    backward = duplicate_groups(pd.Series([t.split() for t in texts[::-1]]))[::-1]
    assert np.array_equal(forward, backward)
    template_group = forward[-1]
    assert (forward == template_group).sum() >= 6  # the copies and (MinHash being an estimate) most variants
