"""Column mapping: known exports, generic sheets, platform detection, applying a mapping."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from fixtures_ingest import (
    POSTS,
    comment_exports,
    json_bytes,
    tweet_harvest_new_csv,
    tweet_harvest_old_csv,
    tweet_harvest_xlsx,
    twitter_api_records,
)

from monitoring import schema as S
from monitoring.errors import MappingError
from monitoring.ingest.cell_values import parse_count
from monitoring.ingest.detection import detect_platform, header_fields, suggest_mapping
from monitoring.ingest.export_profiles import header_signature, normalise_header
from monitoring.ingest.mapping import (
    POST_COLUMNS,
    REJECT_COLUMNS,
    SOURCE_ROW,
    apply_mapping,
)
from monitoring.ingest.readers import read_table

NOW = pd.Timestamp("2024-03-10 12:00", tz="UTC")
TWEET_HARVEST_MAPPING = {
    S.POST_ID: "id_str", S.CREATED_AT: "created_at", S.AUTHOR: "username", S.TEXT: "full_text",
    S.LIKES: "favorite_count", S.REPLIES: "reply_count", S.SHARES: "retweet_count", S.URL: "tweet_url",
    S.LANG: "lang",
}


def _frame(header, rows=()):
    return pd.DataFrame(list(rows), columns=list(header), dtype=object)


@pytest.mark.parametrize("data, filename, extra_fields", [
    (tweet_harvest_old_csv(), "tweets.csv", {}),
    (tweet_harvest_old_csv(extra_columns=True), "tweets.csv", {}),
    (tweet_harvest_new_csv(), "tweets.csv", {S.IN_REPLY_TO: "in_reply_to_screen_name", S.LOCATION_RAW: "location"}),
    (tweet_harvest_xlsx(), "tweets.xlsx", {S.IN_REPLY_TO: "in_reply_to_screen_name", S.LOCATION_RAW: "location"}),
])
def test_tweet_harvest_every_version(data, filename, extra_fields):
    frame = read_table(data, filename).frame
    mapping = suggest_mapping(frame)
    assert mapping == {**TWEET_HARVEST_MAPPING, **extra_fields}
    assert detect_platform(frame, "data.csv") == "x"
    posts = apply_mapping(frame, mapping, platform="x", now=NOW).posts
    assert posts[S.CREATED_AT].tolist() == [pd.Timestamp(p["created"], tz="UTC") for p in POSTS]
    assert posts[S.TEXT].tolist() == [p["text"] for p in POSTS]
    assert posts[S.SHARES].tolist() == [p["retweets"] for p in POSTS]


EXPECTED_EXPORTS = {
    "generic": ({S.AUTHOR: "author", S.TEXT: "text", S.CREATED_AT: "time", S.LIKES: "likes"}, "other"),
    "akun_text": ({S.AUTHOR: "akun", S.TEXT: "text"}, "other"),
    "youtube": ({S.AUTHOR: "authorDisplayName", S.TEXT: "textOriginal", S.CREATED_AT: "publishedAt",
                 S.LIKES: "likeCount", S.REPLIES: "totalReplyCount"}, "youtube"),
    "instagram": ({S.AUTHOR: "ownerUsername", S.TEXT: "text", S.CREATED_AT: "timestamp", S.LIKES: "likesCount",
                   S.URL: "postUrl"}, "instagram"),
    "tiktok": ({S.AUTHOR: "uniqueId", S.TEXT: "text", S.CREATED_AT: "createTime", S.LIKES: "diggCount",
                S.REPLIES: "replyCommentTotal"}, "tiktok"),
    "berita": ({S.TEXT: "judul", S.CREATED_AT: "tanggal", S.AUTHOR: "sumber", S.URL: "link"}, "news"),
    "news": ({S.TEXT: "title", S.CREATED_AT: "date", S.AUTHOR: "source", S.URL: "url"}, "news"),
}


@pytest.mark.parametrize("kind", sorted(EXPECTED_EXPORTS))
def test_comment_and_news_exports(kind):
    header, rows = comment_exports()[kind]
    frame = _frame(header, rows)
    mapping, platform = EXPECTED_EXPORTS[kind]
    assert suggest_mapping(frame) == mapping
    assert detect_platform(frame, "export.csv") == platform
    mapped = apply_mapping(frame, mapping, platform=platform, now=NOW)
    assert mapped.rejects.empty
    assert mapped.posts[S.TEXT].tolist() == [r[header.index(mapping[S.TEXT])] for r in rows]


@pytest.mark.parametrize("header, rows, expected", [
    # Indonesian sheet typed by an analyst
    (["No", "Tanggal Posting", "Nama Akun", "Isi Komentar", "Jumlah Suka", "Dibagikan", "Kota"],
     [["1", "20/11/2023 10:00", "Siti", "Tolong perbaiki drainase di kampung kami pak 🙏", "1,2 rb", "3", "Medan"]],
     {S.CREATED_AT: "Tanggal Posting", S.AUTHOR: "Nama Akun", S.TEXT: "Isi Komentar", S.LIKES: "Jumlah Suka",
      S.SHARES: "Dibagikan", S.LOCATION_RAW: "Kota"}),
    (["waktu", "pengguna", "caption", "lokasi", "jumlah komentar", "link"],
     [["5 Agu 2023 14:05", "budi", "Macet parah di tol cikampek #mudik", "Karawang", "12", "https://instagram.com/p/1"]],
     {S.CREATED_AT: "waktu", S.AUTHOR: "pengguna", S.TEXT: "caption", S.LOCATION_RAW: "lokasi",
      S.REPLIES: "jumlah komentar", S.URL: "link"}),
    # 'comments' holding counts is replies, not text
    (["message", "comments", "date"], [["Listrik padam lagi di Kupang, PLN gmn ini", "45", "2023-11-20"]],
     {S.TEXT: "message", S.REPLIES: "comments", S.CREATED_AT: "date"}),
    # ids of users/conversations are not post ids; image links are not post links
    (["user_id", "conversation_id", "image_url", "konten", "tanggal"],
     [["1", "2", "https://pbs.twimg.com/a.jpg", "BBM naik lagi, rakyat kecil makin susah", "2023-11-20"]],
     {S.TEXT: "konten", S.CREATED_AT: "tanggal"}),
    # nothing in the names: text, date, link and @handle recognised by content
    (["kolom1", "kolom2", "kolom3", "kolom4", "kolom5"],
     [["12", "Warga mengeluhkan banjir yang tak kunjung surut di Kemang", "2023-11-20 10:00",
       "https://x.com/a/status/1", "@warga_kemang"],
      ["7", "Sampah menumpuk di pinggir kali, baunya kemana-mana", "2023-11-21 08:00",
       "https://x.com/b/status/2", "@bu_ani"]],
     {S.TEXT: "kolom2", S.CREATED_AT: "kolom3", S.URL: "kolom4", S.AUTHOR: "kolom5"}),
])
def test_generic_sheets(header, rows, expected):
    assert suggest_mapping(_frame(header, rows)) == expected


def test_twitter_api_json_nested_fields():
    frame = read_table(json_bytes(twitter_api_records()), "tweets.json").frame
    mapping = suggest_mapping(frame)
    assert mapping[S.AUTHOR] == "user.screen_name" and mapping[S.LOCATION_RAW] == "user.location"
    assert mapping[S.POST_ID] == "id_str" and mapping[S.TEXT] == "full_text"
    assert detect_platform(frame, "data.json") == "x"


def test_no_usable_text_column():
    frame = _frame(["id", "suka", "tanggal"], [["1", "3", "2023-11-20"], ["2", "5", "2023-11-21"]])
    mapping = suggest_mapping(frame)
    assert S.TEXT not in mapping
    with pytest.raises(MappingError, match="Kolom teks tidak ditemukan"):
        apply_mapping(frame, mapping, platform="other", now=NOW)


@pytest.mark.parametrize("header, rows, filename, expected", [
    (["text", "url"], [["halo", "https://www.youtube.com/watch?v=abc"]], "a.csv", "youtube"),
    (["text", "link"], [["halo", "https://vt.tiktok.com/ZS1/"]], "a.csv", "tiktok"),
    (["text", "link"], [["halo", "https://m.facebook.com/story.php?id=1"]], "a.csv", "facebook"),
    (["text", "link"], [["halo", "https://news.detik.com/berita/d-1"]], "a.csv", "news"),
    (["text"], [["halo"]], "komentar_instagram_mei.csv", "instagram"),
    (["text"], [["halo"]], "tweets-bansos.csv", "x"),
    (["text", "platform"], [["halo", "Twitter"], ["hai", "twitter"]], "a.csv", "x"),
    (["text"], [["halo"]], "data.csv", "other"),
])
def test_detect_platform(header, rows, filename, expected):
    assert detect_platform(_frame(header, rows), filename) == expected


@pytest.mark.parametrize("header, fields", [
    ("full_text", (S.TEXT,)), ("Isi Komentar", (S.TEXT, S.REPLIES)), ("comment_count", (S.REPLIES,)),
    ("in_reply_to_screen_name", (S.IN_REPLY_TO,)), ("retweet_count", (S.SHARES,)), ("user_id_str", ()),
    ("tweet_url", (S.URL,)), ("media_url_https", ()), ("uniqueId", (S.AUTHOR,)), ("createTimeISO", (S.CREATED_AT,)),
    ("playCount", (S.VIEWS,)), ("Lokasi Pengguna", (S.LOCATION_RAW,)), ("quote_count", ()),
])
def test_header_fields(header, fields):
    assert header_fields(header) == fields


@pytest.mark.parametrize("name, expected", [
    ("authorDisplayName", "author_display_name"), ("Tanggal Posting", "tanggal_posting"),
    ("user.screen_name", "user_screen_name"), ("createTimeISO", "create_time_iso"), (" URL ", "url"),
])
def test_normalise_header(name, expected):
    assert normalise_header(name) == expected


def test_header_signature_is_stable_and_distinguishing():
    assert header_signature(["Text", " created_at"]) == header_signature(["created_at", "text"])
    assert header_signature(["text", "created_at"]) != header_signature(["text", "tanggal"])
    assert len(header_signature(["a"])) == 16


@pytest.mark.parametrize("raw, expected", [
    ("0", 0), ("17", 17), ("1.234", 1234), ("1,234", 1234), ("1.234.567", 1234567), ("1.2K", 1200),
    ("1,2 rb", 1200), ("10rb", 10000), ("3 jt", 3000000), ("1.5M", 1500000), ("12.0", 12), ("2.5", 2),
    (" 45 ", 45), ("-1", None), ("abc", None), ("1.2 xyz", None), ("", None), (7, 7),
])
def test_parse_count(raw, expected):
    assert parse_count(raw) == expected


def _mapped_tweets():
    frame = read_table(tweet_harvest_old_csv(extra_columns=True), "tweets.csv").frame
    return frame, apply_mapping(frame, suggest_mapping(frame), platform="x", now=NOW)


def test_apply_mapping_columns_types_and_values():
    frame, mapped = _mapped_tweets()
    posts = mapped.posts
    assert tuple(posts.columns) == POST_COLUMNS
    assert str(posts[S.CREATED_AT].dtype) == "datetime64[us, UTC]"
    assert all(str(posts[c].dtype) == "Int64" for c in S.ENGAGEMENT_COLUMNS)
    assert posts[S.POST_ID].tolist() == [p["id"] for p in POSTS]
    assert posts[S.TEXT].tolist() == [p["text"] for p in POSTS]            # '=', '+', '-', '@' kept
    assert posts[S.CREATED_AT].tolist() == [pd.Timestamp(p["created"], tz="UTC") for p in POSTS]
    assert posts[S.LIKES].tolist() == [p["likes"] for p in POSTS]
    assert posts[SOURCE_ROW].tolist() == list(range(1, 8))
    assert posts[S.VIEWS].isna().all() and (posts[S.PLATFORM] == "x").all()
    extra = json.loads(posts.loc[0, S.EXTRA])
    assert extra == {"quote_count": "2", "user_id_str": "1456789012", "conversation_id_str": POSTS[0]["id"],
                     "id": POSTS[0]["id"]}                                  # empty geo/media/image left out
    assert mapped.rejects.empty and mapped.warnings == []


def test_rejects_empty_text_and_unparseable_dates():
    frame = _frame(["tanggal", "akun", "teks"], [
        ["20/11/2023 10:00", "siti", "Jalan berlubang di depan SDN 3 😡"],
        ["kemarin sore", "budi", "Sampah numpuk lagi"],
        ["21/11/2023", "andi", "   "],
        [None, "dewi", "@pemkot tolong ditindak"],
        ["22/11/2023", "ucok", None],
    ])
    mapped = apply_mapping(frame, {S.CREATED_AT: "tanggal", S.AUTHOR: "akun", S.TEXT: "teks"},
                           platform="other", now=NOW)
    assert tuple(mapped.rejects.columns) == REJECT_COLUMNS
    assert mapped.rejects[SOURCE_ROW].tolist() == [2, 3, 5]
    assert mapped.rejects["reason"].tolist() == [
        'tanggal tidak dikenali: "kemarin sore"', "teks kosong", "teks kosong"]
    assert json.loads(mapped.rejects["raw"].iloc[2]) == {"tanggal": "22/11/2023", "akun": "ucok", "teks": None}
    assert mapped.posts[SOURCE_ROW].tolist() == [1, 4]
    assert mapped.posts[S.CREATED_AT].iloc[1] == NOW                        # empty date -> import time
    assert str(mapped.posts[S.CREATED_AT].dtype) == "datetime64[us, UTC]"
    assert any("1 baris tanpa tanggal" in w for w in mapped.warnings)


def test_without_date_column_every_post_gets_now_and_a_warning():
    frame = _frame(["akun", "text"], [["budi", "Harga cabai naik 2x lipat"]])
    mapped = apply_mapping(frame, {S.AUTHOR: "akun", S.TEXT: "text"}, platform="instagram", now=NOW)
    assert mapped.posts[S.CREATED_AT].tolist() == [NOW]
    assert "Kolom tanggal tidak dipetakan" in mapped.warnings[0]


def test_content_hash_ids_are_stable_and_ignore_the_import_time_when_undated():
    frame = _frame(["akun", "text"], [["budi", "Harga cabai naik"], ["budi", "Harga cabai naik!"]])
    first = apply_mapping(frame, {S.AUTHOR: "akun", S.TEXT: "text"}, platform="other", now=NOW).posts
    later = apply_mapping(frame, {S.AUTHOR: "akun", S.TEXT: "text"}, platform="other",
                          now=NOW + pd.Timedelta(days=3)).posts
    assert first[S.POST_ID].str.startswith("h:").all()
    assert first[S.POST_ID].tolist() == later[S.POST_ID].tolist()
    assert first[S.POST_ID].nunique() == 2
    other_platform = apply_mapping(frame, {S.AUTHOR: "akun", S.TEXT: "text"}, platform="x", now=NOW).posts
    assert other_platform[S.POST_ID].iloc[0] != first[S.POST_ID].iloc[0]


def test_content_hash_includes_the_date():
    frame = _frame(["akun", "text", "tanggal"],
                   [["budi", "Listrik padam", "2023-11-20"], ["budi", "Listrik padam", "2023-11-21"]])
    mapping = {S.AUTHOR: "akun", S.TEXT: "text", S.CREATED_AT: "tanggal"}
    ids = apply_mapping(frame, mapping, platform="other", now=NOW).posts[S.POST_ID]
    assert ids.nunique() == 2
    later = apply_mapping(frame, mapping, platform="other", now=NOW + pd.Timedelta(days=1)).posts
    assert ids.tolist() == later[S.POST_ID].tolist()


def test_extra_keeps_only_present_values_of_unmapped_columns():
    frame = _frame(["teks", "catatan", "kutipan"], [["a b", "cek lagi", None], ["c d", None, 'kata "pak"'],
                                                     ["e f", None, None]])
    posts = apply_mapping(frame, {S.TEXT: "teks"}, platform="other", now=NOW).posts
    assert [json.loads(e) for e in posts[S.EXTRA]] == [{"catatan": "cek lagi"}, {"kutipan": 'kata "pak"'}, {}]


def test_platform_column_overrides_per_row():
    frame = _frame(["sumber platform", "isi"], [["Twitter", "a b c"], ["IG", "d e f"], ["??", "g h i"]])
    mapped = apply_mapping(frame, {S.PLATFORM: "sumber platform", S.TEXT: "isi"}, platform="news", now=NOW)
    assert mapped.posts[S.PLATFORM].tolist() == ["x", "instagram", "news"]


def test_counts_that_are_not_numbers_are_reported():
    frame = _frame(["teks", "suka"], [["a b", "1,2 rb"], ["c d", "banyak"], ["e f", None]])
    mapped = apply_mapping(frame, {S.TEXT: "teks", S.LIKES: "suka"}, platform="other", now=NOW)
    assert mapped.posts[S.LIKES].tolist() == [1200, pd.NA, pd.NA]
    assert any("1 nilai di kolom 'suka'" in w and "banyak" in w for w in mapped.warnings)


@pytest.mark.parametrize("mapping, fragment", [
    ({}, "Kolom teks tidak ditemukan"),
    ({S.TEXT: ""}, "Kolom teks tidak ditemukan"),
    ({S.TEXT: "isi"}, "'isi' yang dipilih untuk teks unggahan tidak ada"),
    ({S.TEXT: "teks", S.LIKES: "jumlah"}, "'jumlah' yang dipilih untuk suka"),
    ({S.TEXT: "teks", "sentimen": "teks"}, "tujuan 'sentimen' tidak dikenal"),
])
def test_mapping_errors(mapping, fragment):
    with pytest.raises(MappingError, match=fragment):
        apply_mapping(_frame(["teks"], [["halo"]]), mapping, platform="other", now=NOW)


def test_remembered_mapping_matches_columns_case_insensitively():
    mapped = apply_mapping(_frame(["Teks "], [["halo semua"]]), {S.TEXT: "teks"}, platform="other", now=NOW)
    assert mapped.posts[S.TEXT].tolist() == ["halo semua"]


def test_unknown_platform_is_a_mapping_error():
    with pytest.raises(MappingError, match="Platform 'myspace'"):
        apply_mapping(_frame(["teks"], [["halo"]]), {S.TEXT: "teks"}, platform="myspace", now=NOW)


def test_input_frame_is_not_mutated():
    frame, _ = _mapped_tweets()
    before = frame.copy()
    apply_mapping(frame, suggest_mapping(frame), platform="x", now=NOW)
    pd.testing.assert_frame_equal(frame, before)
