"""Indonesian social-media text normalisation: clean text, tokens, hashtags, mentions."""
from __future__ import annotations

import pandas as pd
import pytest

from monitoring import schema
from monitoring.errors import MappingError
from monitoring.text import cleaning as text
from monitoring.text import lexicons


def analyse(post: str, **kwargs) -> dict:
    frame, _ = text.add_tokens(pd.DataFrame({schema.TEXT: [post]}), processes=1, **kwargs)
    row = frame.iloc[0]
    return {"clean": row[schema.CLEAN_TEXT], "tokens": row[schema.TOKENS],
            "hashtags": row[schema.HASHTAGS], "mentions": row[schema.MENTIONS]}


# --- cleaning: what analysts read beside the original (and sentiment uses) ------------------
@pytest.mark.parametrize("post, clean", [
    # retweet marker, mention, URL and punctuation go; hashtag becomes its words
    ("RT @detikcom: Harga #BBM naik lagi!! https://t.co/xYz", "harga bbm naik lagi"),
    # "RT 05" is a neighbourhood (rukun tetangga), not a retweet
    ("Warga RT 05 RW 02 mengeluh jalan rusak", "warga rt 05 rw 02 mengeluh jalan rusak"),
    # slang, abbreviations, emoji as one token
    ("gk ngerti knp harga beras naik trs, rakyat kecil yg jd korban 😭😭",
     "tidak mengerti kenapa harga beras naik terus rakyat kecil yang jadi korban "
     "emoji_wajah_menangis_keras"),
    # skin tone dropped, repeated emoji counted once, camelCase hashtag split
    ("Mantul pak!! programnya bagus bgt 👍🏽👍🏽 #MakanBergiziGratis",
     "mantap betul pak programnya bagus banget emoji_jempol_ke_atas makan bergizi gratis"),
    # reduplication with 2 and slang inside it
    ("Anak2 di desa blm dpt bansos, org2 pd ngeluh",
     "anak-anak di desa belum dapat bansos orang-orang pada mengeluh"),
    # bare domains, www, e-mail addresses removed; mention kept aside
    ("hati-hati penipuan mengatasnamakan @kemnaker, cek di www.kemnaker.go.id ya",
     "hati-hati penipuan mengatasnamakan cek di ya"),
    ("Info lengkap: bit.ly/info-bansos &amp; kompas.com", "info lengkap"),
    ("Hubungi admin@pemkot.go.id sekarang", "hubungi sekarang"),
    # laughter unified, elongation undone
    ("wkwkwk awokawok hahaha hehehe", "wkwk wkwk haha hehe"),
    ("bangettt kerennn mantaaap parahhh sumpahhh", "banget keren mantap parah sumpah"),
    ("maaaaf telaaat", "maaf telat"),
    # numbers, times and percentages stay readable
    ("jam 12.30 antre 2,5 jam", "jam 12.30 antre 2,5 jam"),
    ("kenaikan PPN 12% per 1 Januari 2025, ada yg setuju?",
     "kenaikan ppn 12% per 1 januari 2025 ada yang setuju"),
    ("Rp10.000 naik jadi Rp12.500, 100rb ga cukup",
     "rp10.000 naik jadi rp12.500 100rb tidak cukup"),
    # Javanese and English code-mixing
    ("ora iso ngono, kudu adil karo rakyat cilik",
     "tidak bisa begitu harus adil sama rakyat cilik"),
    ("this policy is so bad, pemerintah harus dengerin rakyat",
     "this policy is so bad pemerintah harus dengarkan rakyat"),
    # HTML tags and entities from exports
    ("<br>Harga cabai naik&nbsp;tajam</br>", "harga cabai naik tajam"),
    # "fancy" Unicode letters, accents and full-width characters fold to ASCII
    ("𝐁𝐄𝐑𝐈𝐓𝐀 𝐓𝐄𝐑𝐊𝐈𝐍𝐈: café ＃ＢＢＭ", "berita terkini cafe bbm"),
    # particles the base slang list would turn into "kamu"/"adalah"
    ("lho kok gitu sih loh, gitu mah", "lho kok begitu sih lho begitu mah"),
    ("gue sih yes, lo gimana", "saya sih iya kamu bagaimana"),
    # lower-case hashtags split into known words (slang pieces normalised afterwards)
    ("#dirumahaja #savekpk", "di rumah saja save kpk"),
    ("", ""),
    ("   \n ", ""),
])
def test_clean_text(post, clean):
    assert analyse(post)["clean"] == clean


# --- tokens: stopword-free, stemmed; negations, emoji and hashtag words kept ---------------
@pytest.mark.parametrize("post, tokens", [
    ("RT @detikcom: Harga #BBM naik lagi!!", ["harga", "bbm", "naik"]),
    ("gak setuju bgt sama #TolakKenaikanBBM",
     ["tidak", "tuju", "tolak", "naik", "bbm"]),
    ("nggak, enggak, ga, gak, tdk, bkn, blm, jgn",
     ["tidak"] * 5 + ["bukan", "belum", "jangan"]),
    ("Pemerintah tdk peduli, kebijakannya merugikan rakyat 😡",
     ["perintah", "tidak", "peduli", "bijak", "rugi", "rakyat", "emoji_wajah_sangat_marah"]),
    ("Anak2 sekolah blm dapet bantuan", ["anak", "sekolah", "belum", "bantu"]),
    ("geleng2 kepala liat harga cabe", ["geleng", "kepala", "lihat", "harga", "cabe"]),
    ("wkwkwk gw sih yes aja deh", []),
    ("Covid19 & covid-19 naik lagi di Jkt", ["covid19", "covid-19", "naik", "jakarta"]),
    ("kenaikan PPN 12% per 1 Januari 2025", ["naik", "ppn", "januari"]),
    ("Ini berkali-kali terjadi, sama-sama rugi, masing-masing pihak", ["rugi"]),
    ("kinerja DPR payah, rasis pula", ["kerja", "dpr", "payah", "ras"]),
    ("#2024GantiPresiden #dirumahaja", ["ganti", "presiden", "rumah"]),
    ("TOLAK RUU PENYIARAN!!!", ["tolak", "ruu", "siar"]),
    ("Hubungi 0812-3456-7890 ya", ["hubung"]),
])
def test_tokens(post, tokens):
    assert analyse(post)["tokens"] == tokens


@pytest.mark.parametrize("post, hashtags, mentions", [
    ("@Kemenkeu @jokowi tolong #TurunkanHarga #BBM", ["turunkanharga", "bbm"],
     ["kemenkeu", "jokowi"]),
    ("RT @detikcom: berita #viral hari ini", ["viral"], ["detikcom"]),
    ("RT@detikcom berita", [], ["detikcom"]),
    ("email budi@gmail.com bukan mention", [], []),
    ("cek https://x.com/a#b dan @akun_resmi.", [], ["akun_resmi"]),
    ("tanpa tagar", [], []),
])
def test_hashtags_and_mentions(post, hashtags, mentions):
    result = analyse(post)
    assert (result["hashtags"], result["mentions"]) == (hashtags, mentions)


@pytest.mark.parametrize("tag, words", [
    ("TolakKenaikanBBM", ["tolak", "kenaikan", "bbm"]),
    ("BBMNaik", ["bbm", "naik"]),
    ("tolakkenaikanbbm", ["tolak", "kenaikan", "bbm"]),
    ("hapuspajak", ["hapus", "pajak"]),
    ("indonesiaterserah", ["indonesia", "terserah"]),
    ("indonesiagelap", ["indonesia", "gelap"]),
    ("PEMILU2024", ["pemilu", "2024"]),
    ("save_kpk", ["save", "kpk"]),
    ("xqzvbnm", ["xqzvbnm"]),  # no split found: kept whole
])
def test_split_hashtag(tag, words):
    assert text.split_hashtag(tag) == words


@pytest.mark.parametrize("word, canonical", [
    ("wkwk", "wkwk"), ("wkwkwkwk", "wkwk"), ("wkkwkw", "wkwk"), ("awokawok", "wkwk"),
    ("hahaha", "haha"), ("ahahaha", "haha"), ("hehehe", "hehe"), ("xixixi", "xixi"),
    ("awak", None), ("kakak", None), ("waktu", None), ("hah", None),
])
def test_laughter(word, canonical):
    assert text.laughter(word) == canonical


# --- slang: base list checked, overrides win, users win over both ---------------------------
@pytest.mark.parametrize("slang, formal", [
    ("gak", "tidak"), ("ga", "tidak"), ("nggak", "tidak"), ("gakk", "tidak"), ("yg", "yang"),
    ("dgn", "dengan"), ("bgt", "banget"), ("tdk", "tidak"), ("udh", "sudah"), ("blm", "belum"),
    ("jgn", "jangan"), ("org", "orang"), ("aja", "saja"), ("kalo", "kalau"), ("gue", "saya"),
    ("gw", "saya"), ("lu", "kamu"), ("anjay", "anjir"), ("gatau", "tidak tahu"),
    ("lhoo", "lho"), ("ngapain", "mengapa"), ("cape", "capek"), ("menghimbau", "mengimbau"),
])
def test_default_slang_corrections(slang, formal):
    assert lexicons.default_slang()[slang] == formal


@pytest.mark.parametrize("word", ["bbm", "kpk", "mbg", "sma", "smp", "ui", "lho", "kaya", "anjir",
                                  "cabut", "rasis", "mengimbau"])
def test_acronyms_and_particles_are_not_rewritten(word):
    assert word not in lexicons.default_slang()


def test_base_expansion_of_kept_acronym_is_contracted_elsewhere():
    assert lexicons.default_slang()["savekpk"] == "save kpk"
    assert lexicons.default_slang()["waspadapki"] == "waspada pki"   # kept by the acronym rule


# Acronyms the base spells out (kpu -> "komisi pemelihan umum", with its typo) stay as written:
# analysts search for them, and one distinctive token clusters and labels better.
@pytest.mark.parametrize("word", ["kpu", "tps", "pki", "fpi", "bps", "ite", "opm", "lsm", "tki", "ihsg",
                                  "paud", "fisip", "kuhp", "tmmd"])
def test_acronyms_the_base_spells_out_stay_as_written(word):
    assert word not in lexicons.default_slang()


@pytest.mark.parametrize("key, value, expected", [
    ("kpu", "komisi pemilihan umum", True),
    ("fisip", "fakultas ilmu sosial dan ilmu politik", True),     # fillers skipped
    ("bkipm", "badan karantina ikan pengendalian mutu dan keamanan hasil perikanan", True),
    ("yg", "yang", False),                                         # one word: a spelling
    ("gatau", "tidak tahu", False),
    ("mantul", "mantap betul", False),
    ("g30s", "gerakan 30 september", False),                       # not letters only
])
def test_spells_out(key, value, expected):
    assert lexicons.spells_out(key, value) is expected


# Base entries that are wrong for social-media text: a surname, a city, a party, English words.
@pytest.mark.parametrize("word", ["breaking", "trending", "ginting", "nanjing", "aho", "hti", "ping"])
def test_wrong_base_rewrites_are_overridden(word):
    assert word not in lexicons.default_slang()


def test_chat_abbreviations_still_expand():
    assert lexicons.default_slang()["dll"] == "dan lain lain"
    assert lexicons.default_slang()["ngetren"] == "trending"


def test_news_headline_keeps_breaking_and_acronyms():
    result = analyse("BREAKING: KPU umumkan jumlah TPS, HTI dan PKI jadi trending")
    assert result["clean"] == "breaking kpu umumkan jumlah tps hti dan pki jadi trending"
    assert {"kpu", "tps", "hti", "pki"} <= set(result["tokens"])


def test_user_slang_wins_and_can_disable_an_entry():
    assert analyse("mantul gan", extra_slang={"mantul": "mantap sekali"})["clean"] \
        == "mantap sekali juragan"
    assert analyse("mantul gan", extra_slang={"Mantul": "", "gan": "gan"})["clean"] == "mantul gan"


def test_user_stopwords_extend_but_never_remove_negations():
    result = analyse("harga gak naik", extra_stopwords={"harga", "tidak", "gak"})
    assert result["tokens"] == ["tidak", "naik"]


@pytest.mark.parametrize("word, expected", [
    ("yg", True), ("gak", True), ("tidak", True), ("wkwk", True), ("gw", True), ("sih", True),
    ("aja", True), ("bbm", False), ("harga", False), ("naik", False), ("kasus", False),
])
def test_is_stopword_for_labels(word, expected):
    assert text.is_stopword(word) is expected


def test_stopword_set_keeps_negations_and_issue_words():
    stopwords = text.STOPWORDS
    assert {"yang", "sih", "wkwk", "the"} <= stopwords
    assert not ({"tidak", "gak", "bukan", "belum", "jangan", "naik", "kasus"} & stopwords)


@pytest.mark.parametrize("query, tokens", [
    ("kenaikan BBM", ["naik", "bbm"]),
    ("#TolakKenaikanBBM", ["tolak", "naik", "bbm"]),
    ("harga beras mahal bgt", ["harga", "beras", "mahal"]),
    ("gak setuju", ["tidak", "tuju"]),
])
def test_tokenize_query(query, tokens):
    assert text.tokenize_query(query) == tokens


# --- the stage ------------------------------------------------------------------------------
def test_add_tokens_returns_new_frame_and_new_stems():
    posts = pd.DataFrame({schema.TEXT: ["kenaikan harga", "kenaikan harga", "menolak", None]},
                         index=[10, 20, 30, 40])
    before = posts.copy()
    enriched, new_stems = text.add_tokens(posts, processes=1)
    pd.testing.assert_frame_equal(posts, before)
    assert list(enriched.index) == [10, 20, 30, 40]
    assert enriched[schema.TOKENS].tolist() == [["naik", "harga"], ["naik", "harga"], ["tolak"], []]
    assert enriched.loc[40, schema.CLEAN_TEXT] == ""
    assert isinstance(enriched.loc[10, schema.TOKENS], list)
    assert str(enriched[schema.TOKENS].dtype) == "list<item: string>[pyarrow]"
    assert new_stems == {"kenaikan": "naik", "harga": "harga", "menolak": "tolak"}


@pytest.mark.parametrize("post", [
    "  spasi\u00a0tak  terputus\u3000dan\ttab\nbaris ",
    "RT\u00a0@akun: isi retweet", "RT RT @a: b", "halo RT", "x &lt;3 y &amp;amp; <b>tebal</b>",
    "#TolakKenaikanBBM@akun https://t.co/x,@b", "kata2 anak2nya berhati-hati",
])
def test_stage_and_single_text_analysis_agree(post):
    single = text.TextAnalyzer().analyse(post)
    staged = analyse(post)
    assert (staged["clean"], staged["tokens"], staged["hashtags"], staged["mentions"]) \
        == (single[0], single[1], single[2], single[3])


def test_add_tokens_with_warm_cache_has_nothing_new_and_same_tokens():
    posts = pd.DataFrame({schema.TEXT: ["Pemerintah menaikkan harga BBM lagi", "kebijakan aneh"]})
    cold, stems = text.add_tokens(posts, processes=1)
    warm, again = text.add_tokens(posts, stem_cache=stems, processes=1)
    assert again == {}
    assert warm[schema.TOKENS].tolist() == cold[schema.TOKENS].tolist()


def test_add_tokens_uses_cache_entries():
    posts = pd.DataFrame({schema.TEXT: ["menolak kenaikan"]})
    enriched, new = text.add_tokens(posts, stem_cache={"menolak": "TOLAK"}, processes=1)
    assert enriched.loc[0, schema.TOKENS] == ["TOLAK", "naik"]
    assert new == {"kenaikan": "naik"}


def test_add_tokens_without_text_column_raises_user_error():
    with pytest.raises(MappingError, match="Kolom teks"):
        text.add_tokens(pd.DataFrame({"isi": ["halo"]}))


def test_add_tokens_reads_text_stored_in_several_arrow_chunks():
    """pd.concat of Arrow-backed frames keeps several chunks; HTML entities are decoded in them too."""
    import pandas as pd

    from monitoring import schema
    from monitoring.text.cleaning import add_tokens

    parts = [pd.DataFrame({schema.TEXT: pd.array([text], dtype="string[pyarrow]")})
             for text in ("biasa saja", "harga &amp; naik")]
    posts, _ = add_tokens(pd.concat(parts, ignore_index=True))
    assert posts[schema.TOKENS].tolist() == [[], ["harga", "naik"]]
