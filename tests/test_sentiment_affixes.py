"""Lookups that see through affixes, particles, elongation and slang (affixes.py, tokens.py)."""
from __future__ import annotations

import pytest

from monitoring.sentiment import affixes
from monitoring.sentiment.model import default_model


@pytest.fixture(scope="module")
def resolver():
    return default_model().resolver_


@pytest.mark.parametrize("surface, canonical", [
    # the issue's missed forms: playful spellings, glued particles, affixes
    ("ngeselin", "ngeselin"), ("kesel", "kesal"), ("mantul", "mantap"), ("gercep", "gercep"),
    ("sedihh", "sedih"), ("sedihhhh", "sedih"), ("kecewanya", "kecewa"), ("bangganya", "bangga"),
    ("nyebelinnya", "sebel"), ("ketipu", "tipu"), ("dibohongin", "bohong"), ("dipingpong", "dipingpong"),
    ("kebanjiran", "kebanjiran"), ("mengecewakan", "mengecewakan"), ("nyusahin", "nyusahin"),
    ("ngerepotin", "repot"), ("kzl", "kesal"), ("bete", "bete"), ("gabisa", "tidak"),
    # words that merely look affixed keep no sentiment
    ("menaikkan", "menaikkan"), ("besok", "besok"), ("berawan", "berawan"), ("pemilu", "pemilu"),
    ("kesehatan", "kesehatan"), ("kebijakan", "kebijakan"), ("pencairan", "pencairan"),
    ("penegakan", "penegakan"), ("infonya", "infonya"), ("qzkxbfa", "qzkxbfa"),
])
def test_canonical_forms_of_real_spellings(resolver, surface, canonical):
    assert resolver.canonical(surface) == canonical


@pytest.mark.parametrize("word, base, prefix, suffix", [
    ("kecewanya", "kecewa", "", ""), ("ngeselin", "kesel", "ng", "in"), ("menipu", "tipu", "men", ""),
    ("dibohongi", "bohong", "di", "i"), ("kebanjiran", "banjir", "ke", "an"), ("pemalas", "malas", "pe", ""),
])
def test_readings_include_the_true_base(word, base, prefix, suffix):
    assert affixes.Reading(base, prefix, suffix) in affixes.readings(word)


@pytest.mark.parametrize("word", ["bbm", "kpk", "dpr", "ab", "12345", "rakyat"])
def test_words_that_cannot_carry_an_affix_have_no_readings(word):
    assert affixes.readings(word) == []


@pytest.mark.parametrize("reading, weight, kept", [
    (affixes.Reading("kecewa", "meng", "kan"), -2.2, True),      # mengecewakan: a verb keeps it
    (affixes.Reading("sehat", "ke", "an"), 0.8, False),          # kesehatan names a topic
    (affixes.Reading("banjir", "ke", "an"), -0.6, True),         # kebanjiran: harm done to someone
    (affixes.Reading("tipu", "pen", ""), -1.8, True),            # penipu: the one who does harm
    (affixes.Reading("cair", "pen", "an"), 0.8, False),          # pencairan: a process, not a stance
    (affixes.Reading("tolong", "pe", ""), 1.5, False),           # penolong: praise nouns are left out
])
def test_nominalisations_keep_polarity_only_for_harm(reading, weight, kept):
    assert affixes.keeps_polarity(reading, weight) is kept


@pytest.mark.parametrize("text, expected", [
    ("ngeselin bgt sih petugasnya", "negative"),
    ("kesel bgt antri dari subuh", "negative"),
    ("mantul, gercep bgt petugasnya", "positive"),
    ("sedihh, bansos ibu gw belum cair juga", "negative"),
    ("kecewanya tuh di sini, udah 3x lapor gak ada respon", "negative"),
    ("bangganya liat atlet kita juara", "positive"),
    ("abis booster demam 2 hari, lengan pegel ga bisa diangkat", "negative"),
    ("udah daftar online, dateng sesuai jadwal, nama gw ga ada. disuruh daftar ulang", "negative"),
    ("KIP adek gw gak cair cair, dilempar sana sini", "negative"),
    ("awalnya ragu, ternyata prosesnya cepet bgt. lega", "positive"),
    ("programnya bagus, sayangnya sosialisasinya nol", "negative"),
    ("Pemerintah resmi menaikkan harga Pertalite mulai hari ini", "neutral"),
])
def test_real_tweet_failure_modes_of_the_issue(text, expected):
    assert default_model().predict([text])[0] == expected
