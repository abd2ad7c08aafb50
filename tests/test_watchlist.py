"""Watchlist query parsing and vectorised matching."""
from __future__ import annotations

import pandas as pd
import pytest

from monitoring import schema
from monitoring.errors import UserError
from monitoring.issues.watchlist import (
    InvalidQueryError,
    Keyword,
    Query,
    match_watchlist,
    parse_query,
    share_of_voice,
    watchlist_matches,
)


def kw(text: str, prefix: bool = False) -> Keyword:
    return Keyword(tuple(text.split()), prefix)


@pytest.mark.parametrize("query, clauses, excluded", [
    ("bbm", [["bbm"]], []),
    ("BBM Pertalite", [["bbm"], ["pertalite"]], []),
    ("bbm OR pertalite", [["bbm", "pertalite"]], []),
    ("bbm | pertalite | solar", [["bbm", "pertalite", "solar"]], []),
    ('bbm OR pertalite -motor "harga naik"', [["bbm", "pertalite"], ["harga naik"]], ["motor"]),
    ('-"ojol demo" banjir', [["banjir"]], ["ojol demo"]),
    ("judol*  ", [["judol*"]], []),
    ("#TolakPPN12Persen", [["#tolakppn12persen"]], []),
])
def test_parse_query(query, clauses, excluded):
    parsed = parse_query(query)
    assert [[k.text for k in clause] for clause in parsed.clauses] == clauses
    assert [k.text for k in parsed.excluded] == excluded


@pytest.mark.parametrize("query, message_part", [
    ("", "kosong"),
    ("   ", "kosong"),
    ("OR bbm", "OR harus"),
    ("bbm OR", "OR harus"),
    ("bbm OR OR pertalite", "OR harus"),
    ('"harga naik', "kutip"),
    ("-motor", "pengecualian"),
    ("bbm OR -motor", "Pengecualian"),
    ('bbm ""', "kosong"),
    ("bbm -", "kosong"),
    (" ".join(["kata"] * 51), "terlalu panjang"),
])
def test_invalid_queries_raise_user_error_in_indonesian(query, message_part):
    with pytest.raises(InvalidQueryError, match=message_part) as error:
        parse_query(query)
    assert isinstance(error.value, UserError)


TEXTS = [
    "Harga BBM naik lagi 😡 #BBMNaik",                    # 0
    "pertalite langka, motor gue mogok",                   # 1
    "Harga-naik terus, pertalite juga",                    # 2
    "harga beras naik, bukan bbm",                         # 3
    "Judol makin parah, judolnya di mana-mana",            # 4
    "subsidi BBM? hmm",                                    # 5
    None,                                                  # 6
    "kenaikan harga minyak bikin emosi",                   # 7
    "pakai c++ (bukan python) [sic] .* ^$",                # 8
]


@pytest.mark.parametrize("query, expected", [
    ("bbm", [0, 3, 5]),
    ("BBM naik", [0, 3]),
    ("bbm OR pertalite", [0, 1, 2, 3, 5]),
    ("bbm OR pertalite -motor", [0, 2, 3, 5]),
    ('"harga naik"', [2]),                                  # consecutive words, punctuation allowed
    ('bbm OR pertalite -motor "harga naik"', [2]),
    ("judol", [4]),                                         # whole word: 'judolnya' alone would not match
    ("judol*", [4]),
    ("judolnya", [4]),
    ("#bbmnaik", [0]),
    ("bbmnaik", [0]),
    ("c++", [8]),                                           # regex characters are literal
    ("(bukan", [8]),
    (".*", [8]),
    ("kenaikan -minyak", []),
    ("emosi", [7]),
])
def test_match_on_text(query, expected):
    posts = pd.DataFrame({schema.TEXT: TEXTS})
    matched = match_watchlist(posts, query)
    assert matched.dtype == bool
    assert list(matched[matched].index) == expected


def toy_normaliser(text: str) -> list[str]:
    stems = {"kenaikan": "naik", "menaikkan": "naik", "harga": "harga"}
    return [stems.get(w, w) for w in text.lower().split() if w not in {"yang", "di"}]


@pytest.mark.parametrize("query, expected", [
    ("kenaikan", [0, 7]),          # post 0 says "naik": found through its stemmed tokens
    ('"kenaikan harga"', [7]),     # text phrase; tokens of post 7 hold 'naik harga'
    ("menaikkan bbm", [0]),
    ("yang", []),                  # a keyword the normaliser drops still matches text only
])
def test_match_uses_tokens_with_normaliser(query, expected):
    posts = pd.DataFrame({
        schema.TEXT: ["Harga BBM naik lagi", "pertalite langka", "harga beras stabil", "bbm aman",
                      "judol marak", "subsidi", "", "kenaikan harga minyak"],
        schema.TOKENS: [["harga", "bbm", "naik"], ["pertalite", "langka"], ["harga", "beras", "stabil"],
                        ["bbm", "aman"], ["judol", "marak"], ["subsidi"], [], ["naik", "harga", "minyak"]],
    })
    matched = match_watchlist(posts, query, normaliser=toy_normaliser)
    assert list(matched[matched].index) == expected


def test_match_keeps_index_and_accepts_parsed_query():
    posts = pd.DataFrame({schema.TEXT: ["bbm naik", "banjir", "bbm"]}, index=[10, 20, 30])
    query = Query(clauses=((kw("bbm"),),), excluded=(kw("naik"),))
    assert match_watchlist(posts, query).to_dict() == {10: False, 20: False, 30: True}


def test_share_of_voice_and_match_table():
    posts = pd.DataFrame({schema.TEXT: ["bbm naik", "bbm dan banjir", "banjir rob", "judol", "ppn 12 persen"]})
    watchlists = {"BBM": "bbm OR pertalite", "Banjir": "banjir", "PPN": '"ppn 12"'}
    table = watchlist_matches(posts, watchlists)
    assert table.columns.tolist() == ["BBM", "Banjir", "PPN"]
    assert table.sum().tolist() == [2, 2, 1]
    sov = share_of_voice(posts, watchlists)
    assert sov["watchlist"].tolist() == ["BBM", "Banjir", "PPN"]
    assert sov["posts"].tolist() == [2, 2, 1]
    assert sov["share"].tolist() == pytest.approx([0.5, 0.5, 0.25])  # 4 posts match any watchlist


def test_invalid_watchlist_in_share_of_voice_raises():
    with pytest.raises(InvalidQueryError):
        share_of_voice(pd.DataFrame({schema.TEXT: ["x"]}), {"rusak": "OR"})
