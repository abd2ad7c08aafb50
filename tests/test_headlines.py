"""Headlines: a short phrase in the words posts use, never emoji names, links, handles or laughter."""
from __future__ import annotations

import re

import pytest

from monitoring.issues.headlines import MAX_WORDS, MIN_WORDS, headline

PPN_POSTS = [
    "Kenaikan PPN jadi 12 persen bikin harga naik semua 😭😭",
    "kenaikan PPN jadi 12 persen, rakyat kecil makin susah @kemenkeuRI",
    "wkwkwk kenaikan PPN jadi 12 persen katanya cuma barang mewah https://t.co/abc123",
    "Tolak kenaikan PPN jadi 12 persen! #TolakPPN12",
    "RT @warga: kenaikan PPN jadi 12 persen mulai januari",
    "PPN naik lagi, belanja bulanan makin mahal",
    "mantap 🔥🔥 kenaikan PPN jadi 12 persen",
]


def test_the_phrase_people_repeat_names_the_issue():
    found = headline(PPN_POSTS, ["ppn", "ppn persen", "naik", "persen"])
    assert found == "kenaikan PPN jadi 12 persen"  # surface forms: the acronym in capitals


@pytest.mark.parametrize("posts", [
    ["😂😂 tapera tapera wkwk @admin_pemkot", "tapera 😭 wkwkwk @admin_pemkot", "emoji tapera potong gaji wkwk",
     "https://x.com/a tapera potong gaji", "tapera potong gaji 😡 #tapera", "awokawok potong gaji tapera"],
    PPN_POSTS,
])
def test_a_headline_never_holds_emoji_links_handles_or_laughter(posts):
    found = headline(posts, ["tapera", "potong", "gaji", "ppn", "persen"])
    assert found
    assert MIN_WORDS <= len(found.split()) <= MAX_WORDS
    assert not re.search(r"emoji_|[\U0001F300-\U0001FAFF]|https?:|t\.co|@|#|wk(?:wk)+|awok|haha", found, re.I)


def test_the_issue_subject_beats_a_more_frequent_framing():
    posts = ["kasian anak cucu kita nanti"] * 6 + ["tolak iuran tapera", "iuran tapera bikin gaji habis",
                                                   "iuran tapera tiga persen", "anak cucu yang nanggung"]
    assert "tapera" in headline(posts, ["tapera", "anak cucu", "iur"])


@pytest.mark.parametrize("posts,terms", [
    (["satu kata", "dua kata lain", "tiga kata berbeda lagi"], ["kata"]),  # nothing repeated enough
    (["mantap", "wkwk", "😂"], ["mantap"]),                                # reactions only
    ([], ["ppn"]),
])
def test_no_repeated_phrase_gives_no_headline(posts, terms):
    assert headline(posts, terms) == ""
