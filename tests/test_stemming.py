"""monitoring.text.stemming must give exactly what plain PySastrawi gives, only faster."""
from __future__ import annotations

import random

import pytest

from monitoring.text import lexicons, stemming

PREFIXES = ["", "me", "mem", "men", "meng", "meny", "di", "ke", "se", "ber", "ter", "pe", "pem",
            "pen", "peng", "peny", "per", "memper", "diper", "ku", "kau", "be", "te", "bel", "pel"]
SUFFIXES = ["", "i", "kan", "an", "nya", "lah", "kah", "pun", "ku", "mu", "is", "isme", "isasi",
            "annya", "kannya", "kanlah", "nyalah"]
# Words a naive "can it carry an affix?" pre-check got wrong (DESIGN.md): infixes, -is/-isme.
TRAPS = ["kinerja", "rasis", "gerigi", "gemetar", "telunjuk", "sinambung", "kemuning",
         "feminis", "nasionalisme", "modernisasi", "teroris", "komunisme", "sosialis",
         "gerindra", "selingkuh", "temurun", "jokowi", "prabowo", "gibran", "anies"]


@pytest.fixture(scope="module")
def reference():
    """``StemmerFactory().create_stemmer().stem`` with PySastrawi's own code, unpatched: our
    faster ``re`` stand-in is removed while the reference runs and put back afterwards."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer()

    def stem(words):
        stemming.use_fast_re(False)
        try:
            if isinstance(words, str):
                return stemmer.stem(words)
            return [stemmer.stem(w) for w in words]
        finally:
            stemming.use_fast_re(True)
    return stem


def _generated_words(n: int, seed: int) -> list[str]:
    """Affixed dictionary roots, mutated roots (typo-like), infixed roots, random strings and
    slang keys: the kinds of words social media brings."""
    rng = random.Random(seed)
    roots = sorted(w for w in stemming.dictionary() if w.isalpha())
    slang = sorted(k for k in lexicons.base_slang() if k.isalnum())
    words = set(rng.sample(slang, 600))
    while len(words) < n:
        root = rng.choice(roots)
        roll = rng.random()
        if roll < 0.25:
            i = rng.randrange(len(root))
            root = root[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + root[i + 1:]
        elif roll < 0.40:
            root = root[0] + rng.choice(["er", "el", "em", "in"]) + root[1:]
        elif roll < 0.55:
            root = "".join(rng.choice("aiueobcdghjklmnprstwy") for _ in range(rng.randint(2, 9)))
        words.add(rng.choice(PREFIXES) + root + rng.choice(SUFFIXES))
    return sorted(words)


def test_fast_path_is_identical_to_pysastrawi_on_dictionary_and_generated_words(reference):
    # All ~30k dictionary words plus 4,000 generated ones; every word the fast path decides
    # without PySastrawi is checked against the unpatched reference.
    words = sorted(stemming.dictionary()) + _generated_words(4000, seed=7) + TRAPS
    decided = [w for w in words if not stemming.needs_full_stemmer(w)]
    mismatches = [(w, stem) for w, stem in zip(decided, reference(decided)) if stem != w]
    assert mismatches == []
    non_roots = [w for w in decided if w not in stemming.dictionary()]
    assert len(non_roots) > 500  # the shortcut really is exercised on non-dictionary words


def test_exhaustive_short_words_are_identical(reference):
    letters = "abdegiklmnprstuy"
    words = [a + b for a in letters for b in letters]
    words += [a + b + c for a in letters for b in "aeiu" for c in letters]
    assert [stemming.stem(w) for w in words] == reference(words)


@pytest.mark.parametrize("word", TRAPS)
def test_known_traps_are_identical(word, reference):
    assert stemming.stem(word) == reference(word)


@pytest.mark.parametrize("word, expected", [
    ("kenaikan", "naik"), ("pemerintahan", "perintah"), ("menolak", "tolak"),
    ("dibatalkan", "batal"), ("kebijakannya", "bijak"), ("kinerja", "kerja"),
    ("anak-anak", "anak"), ("berbalas-balasan", "balas"), ("sayur-mayur", "sayur-mayur"),
    ("jokowi", "jokowi"), ("covid19", "covid19"), ("bbm", "bbm"), ("tidak", "tidak"),
])
def test_stem_examples(word, expected, reference):
    assert stemming.stem(word) == expected == reference(word)


@pytest.mark.parametrize("word", ["Menolak!", "di-rumah", "covid-19", "2-2", "ke-2", "a b", ""])
def test_unusual_input_matches_plain_stemmer(word, reference):
    assert stemming.stem(word) == reference(word)


def test_faster_re_in_pysastrawi_gives_identical_stems(reference):
    words = _generated_words(1500, seed=11) + ["mempermainkan", "berbalas-balasan", "pelajar",
                                                "belajar", "Menolak!", "x.y", "a+b"]
    stemmer = stemming.sastrawi_stemmer()
    from Sastrawi.Morphology.Disambiguator import DisambiguatorPrefixRule1 as rule

    assert isinstance(rule.re, stemming._FastRe)  # really the patched code under test
    assert [stemmer.stem(w) for w in words] == reference(words)


@pytest.mark.parametrize("word, needs", [
    ("rumah", False),       # a root
    ("covid19", False),     # digits never reach a root
    ("wkwkwk", False),      # no affix leads to any root
    ("jokowi", False),
    ("kenaikan", True), ("kinerja", True), ("rasis", True), ("anak-anak", True),
])
def test_needs_full_stemmer(word, needs):
    assert stemming.needs_full_stemmer(word) is needs


def test_stem_vocabulary_returns_only_new_words_once():
    known = {"kenaikan": "naik"}
    result = stemming.stem_vocabulary(["kenaikan", "menolak", "menolak", "rumah", "jokowi"], known,
                                      processes=1)
    assert result == {"menolak": "tolak", "rumah": "rumah", "jokowi": "jokowi"}


def test_stem_vocabulary_in_worker_processes_equals_one_process(monkeypatch):
    words = _generated_words(600, seed=3) + ["anak-anak", "covid-19", "Menolak!"]
    single = stemming.stem_vocabulary(words, processes=1)
    monkeypatch.setattr(stemming, "MIN_WORDS_PER_PROCESS", 100)
    started = []
    monkeypatch.setattr(stemming._Worker, "__init__", _spy(stemming._Worker.__init__, started))
    parallel = stemming.stem_vocabulary(words, processes=2)
    assert len(started) == 2
    assert parallel == single


def test_background_stemmer_accepts_words_in_batches(monkeypatch):
    monkeypatch.setattr(stemming, "MIN_WORDS_PER_PROCESS", 50)
    words = _generated_words(300, seed=5)
    background = stemming.BackgroundStemmer({"menolak": "tolak"}, processes=2)
    for start in range(0, len(words), 40):
        background.submit(words[start:start + 40] + ["menolak"])
    assert background.result() == stemming.stem_vocabulary(words, {"menolak": "tolak"}, processes=1)


def test_worker_failure_falls_back_to_one_process(monkeypatch):
    monkeypatch.setattr(stemming, "MIN_WORDS_PER_PROCESS", 1)
    monkeypatch.setattr(stemming.sys, "executable", "/nonexistent/python")
    assert stemming.stem_vocabulary(["menolak", "kenaikan"], processes=2) == {
        "menolak": "tolak", "kenaikan": "naik"}


def test_worker_crash_falls_back_to_one_process(monkeypatch):
    monkeypatch.setattr(stemming, "MIN_WORDS_PER_PROCESS", 1)
    monkeypatch.setattr(stemming.sys, "executable", "/bin/false")
    assert stemming.stem_vocabulary(["menolak", "kenaikan"], processes=2) == {
        "menolak": "tolak", "kenaikan": "naik"}


def _spy(function, calls):
    def wrapper(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)
    return wrapper


@pytest.mark.parametrize("load, expected", [(0.2, 2), (1.0, 2), (1.6, 1), (2.0, 1), (6.5, 1)])
def test_default_processes_leave_out_busy_cores(monkeypatch, load, expected):
    monkeypatch.setattr(stemming.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(stemming.os, "getloadavg", lambda: (load, load, load))
    assert stemming._default_processes() == expected
