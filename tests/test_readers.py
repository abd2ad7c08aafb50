"""Reading every supported format, delimiter and encoding; every kind of bad file."""
from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pytest
from fixtures_ingest import (
    POSTS,
    TWEET_HARVEST_NEW_HEADER,
    TWEET_HARVEST_OLD_HEADER,
    delimited,
    garbage_bytes,
    json_bytes,
    jsonl_bytes,
    parquet_bytes,
    tweet_harvest_new_csv,
    tweet_harvest_old_csv,
    tweet_harvest_xlsx,
    twitter_api_records,
    xlsx_bomb,
    xlsx_bytes,
    zip_without_workbook,
)

from monitoring.errors import EmptyFileError, UnreadableFileError, UnsafeFileError
from monitoring.ingest import readers
from monitoring.ingest.readers import read_table

HEADER = ["akun", "teks", "tanggal"]
ROWS = [
    ["wargabekasi_", "Jalan rusak parah, udh 3 bulan gak diperbaiki 😤 #BekasiBerbenah", "14/12/2023 13:08"],
    ["mbak_rina", "Kafé baru di Blok M, harganya ‘lumayan’; rasanya biasa aja", "15/12/2023 08:00"],
    ["ucok_medan", "banjir lagi | drainase cuma wacana", "15/12/2023 09:30"],
]
ROWS_ASCII = [[cell.encode("ascii", "ignore").decode() for cell in row] for row in ROWS]


@pytest.mark.parametrize("delimiter, encoding, newline, rows, expected_encoding", [
    (",", "utf-8", "\n", ROWS, "utf-8"),
    (";", "utf-8", "\r\n", ROWS, "utf-8"),
    ("\t", "utf-8", "\n", ROWS, "utf-8"),
    ("|", "utf-8", "\n", [[c.replace("|", "/") for c in r] for r in ROWS], "utf-8"),
    (",", "utf-8-sig", "\r\n", ROWS, "utf-8-sig"),
    (";", "utf-16", "\r\n", ROWS, "utf-16"),
    ("\t", "utf-16-le", "\n", ROWS_ASCII, "utf-16-le"),
    (",", "cp1252", "\r\n", [[c.replace("😤", "") for c in r] for r in ROWS], "cp1252"),
])
def test_reads_delimiter_and_encoding(delimiter, encoding, newline, rows, expected_encoding):
    data = delimited(HEADER, rows, delimiter=delimiter, encoding=encoding, newline=newline)
    table = read_table(data, "komentar.csv")
    assert (table.format, table.encoding, table.delimiter) == ("csv", expected_encoding, delimiter)
    assert list(table.frame.columns) == HEADER
    assert table.frame.to_numpy().tolist() == rows


def test_cp1252_accents_and_curly_quotes_survive():
    data = "teks;kota\nKafé ’mantap’ tapi mahal…;Bandung\n".encode("cp1252")
    table = read_table(data, "ulasan.csv")
    assert table.encoding == "cp1252"
    assert table.frame.loc[0, "teks"] == "Kafé ’mantap’ tapi mahal…"


def test_multiline_quoted_fields_and_crlf():
    data = delimited(["username", "full_text"], [["mbak_rina", POSTS[1]["text"]], ["x", "a;b"]],
                     delimiter=";", newline="\r\n")
    table = read_table(data, "tweets.csv")
    assert table.frame.loc[0, "full_text"] == POSTS[1]["text"]            # the '\n' inside is kept
    assert "\n" in table.frame.loc[0, "full_text"]
    assert table.frame.loc[1, "full_text"] == "a;b"


@pytest.mark.parametrize("builder, header, delimiter", [
    (tweet_harvest_old_csv, TWEET_HARVEST_OLD_HEADER, ";"),
    (tweet_harvest_new_csv, TWEET_HARVEST_NEW_HEADER, ","),
])
def test_tweet_harvest_csv_keeps_ids_and_text_verbatim(builder, header, delimiter):
    table = read_table(builder(), "tweets-data.csv")
    assert table.delimiter == delimiter
    assert tuple(table.frame.columns) == header
    assert table.frame["id_str"].tolist() == [p["id"] for p in POSTS]       # 19 digits, no float rounding
    assert table.frame["full_text"].tolist() == [p["text"] for p in POSTS]


@pytest.mark.parametrize("override, expected_columns", [
    ({"delimiter": ";"}, ["a,b", "c"]),
    ({"delimiter": "tab"}, ["a,b;c"]),
    ({}, ["a", "b;c"]),
])
def test_user_delimiter_wins(override, expected_columns):
    table = read_table(b"a,b;c\n1,2;3\n4,5;6\n", "x.csv", **override)
    assert list(table.frame.columns) == expected_columns


def test_user_encoding_wins():
    data = "teks\nCafé ’enak’\n".encode("cp1252")
    assert read_table(data, "x.csv", encoding="latin-1").frame.loc[0, "teks"] == "Café \x92enak\x92"


@pytest.mark.parametrize("encoding, fragment", [
    ("utf-8", "encoding 'utf-8'"),
    ("bukan-encoding", "tidak dikenal"),
])
def test_bad_forced_encoding_is_explained(encoding, fragment):
    data = "teks\nCafé enak\n".encode("cp1252")
    with pytest.raises(UnreadableFileError, match=fragment):
        read_table(data, "x.csv", encoding=encoding)


def test_excel_sep_hint_line_and_one_column_file():
    assert list(read_table(b"sep=;\nteks;akun\nhalo, apa kabar;budi\n", "x.csv").frame.columns) == ["teks", "akun"]
    table = read_table("teks\nhalo, apa kabar semua\nbanjir lagi, pak\n".encode(), "x.csv")
    assert table.frame["teks"].tolist() == ["halo, apa kabar semua", "banjir lagi, pak"]


def test_lines_with_too_many_fields_are_skipped_with_a_warning():
    table = read_table(b"akun,teks\nbudi,halo\nsiti,jalan,rusak,parah\nandi,oke\n", "x.csv")
    assert table.frame["akun"].tolist() == ["budi", "andi"]
    assert "1 baris dilewati" in table.warnings[0] and "baris 3" in table.warnings[0]


def test_huge_single_line_field_is_read():
    text = "kata " * 4_000_000                               # one 20 MB field on one line
    data = b"akun,teks\nbudi,\"" + text.encode() + b"\"\nsiti,pendek\n"
    frame = read_table(data, "besar.csv").frame
    assert len(frame.loc[0, "teks"]) == len(text)
    assert frame.loc[1, "teks"] == "pendek"


LEADING = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "+62 812-3456 banjir", "-_- parah", "@pemkot tolong"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "jsonl", "parquet"])
def test_formula_like_text_is_read_verbatim(fmt):
    records = [{"akun": f"u{i}", "teks": t} for i, t in enumerate(LEADING)]
    data = {
        "csv": lambda: delimited(["akun", "teks"], records),
        "xlsx": lambda: xlsx_bytes({"s": [["akun", "teks"]] + [[r["akun"], r["teks"]] for r in records]}),
        "json": lambda: json_bytes(records),
        "jsonl": lambda: jsonl_bytes(records),
        "parquet": lambda: parquet_bytes(pd.DataFrame(records)),
    }[fmt]()
    table = read_table(data, f"data.{fmt}")
    assert table.format == fmt
    assert table.frame["teks"].tolist() == LEADING


def test_xlsx_formula_cell_comes_back_as_its_text():
    formula = '=HYPERLINK("http://x.id","klik")'
    data = xlsx_bytes({"s": [["akun", "teks"], ["budi", None]]}, formulas={(1, 1): formula})
    assert read_table(data, "a.xlsx").frame.loc[0, "teks"] == formula


def test_xlsx_reads_first_non_empty_sheet_and_native_cells():
    data = xlsx_bytes({
        "kosong": [],
        "catatan": [["hanya satu baris"]],
        "data": [[], ["id", "teks", "tanggal", "suka"],
                 [1456789012, "bansos cair 🙏", dt.datetime(2023, 12, 14, 13, 8), 12.0],
                 [1735190472912437290, "Excel menyimpan angka sebagai double", None, 2.5]],
    })
    table = read_table(data, "a.xlsx")
    assert (table.format, table.sheet) == ("xlsx", "data")
    assert table.frame.iloc[0].tolist() == ["1456789012", "bansos cair 🙏", "2023-12-14 13:08:00", "12"]
    assert table.frame.loc[1, "id"].isdigit()            # a big id stays digits, not '1.7e+18'
    assert table.frame.loc[1, "suka"] == "2.5"


def test_tweet_harvest_xlsx():
    table = read_table(tweet_harvest_xlsx(), "tweets.xlsx")
    assert tuple(table.frame.columns) == TWEET_HARVEST_NEW_HEADER
    assert table.frame["full_text"].tolist() == [p["text"] for p in POSTS]


@pytest.mark.parametrize("data, filename, fmt", [
    (json_bytes(twitter_api_records()), "tweets.json", "json"),
    (json_bytes(twitter_api_records(), wrap="data"), "export.json", "json"),
    (json_bytes(twitter_api_records(), wrap="tweets"), "export.txt", "json"),
    (jsonl_bytes(twitter_api_records()), "tweets.jsonl", "jsonl"),
    (jsonl_bytes(twitter_api_records()), "tweets.json", "jsonl"),
])
def test_json_is_flattened_with_dots(data, filename, fmt):
    table = read_table(data, filename)
    assert table.format == fmt
    frame = table.frame
    assert {"id", "user.screen_name", "user.location", "entities.hashtags"} <= set(frame.columns)
    assert frame["id"].tolist() == [p["id"] for p in POSTS]              # big JSON numbers stay exact
    assert frame["user.screen_name"].tolist() == [p["username"] for p in POSTS]
    assert frame.loc[0, "entities.hashtags"] == '[{"text": "bansos"}]'


def test_jsonl_bad_line_is_skipped_with_warning():
    data = jsonl_bytes([{"text": "satu"}]) + b"{rusak\n" + jsonl_bytes([{"text": "dua"}])
    table = read_table(data, "x.jsonl")
    assert table.frame["text"].tolist() == ["satu", "dua"]
    assert "baris 2" in table.warnings[0]


@pytest.mark.parametrize("filename", ["cut.json", "cut.jsonl"])
def test_json_with_half_an_emoji_is_read_and_stored(filename, tmp_path):
    """A scraper that cuts a post inside an emoji leaves a lone surrogate escape (\\ud83d): the
    rest of the post is kept, valid pairs stay emoji, and the store accepts the text."""
    import pandas as pd

    from monitoring.ingest import imports
    from monitoring.store import database as storage

    records = (b'{"id": "1", "text": "harga beras naik \\ud83d", "user": {"name": "a\\udc00"}},'
               b'{"id": "2", "text": "mantap \\ud83d\\ude00", "tags": ["x\\udfff"]}')
    data = b"[" + records + b"]" if filename.endswith(".json") else records.replace(b"},{", b"}\n{")
    table = read_table(data, filename)
    assert table.frame["text"].tolist() == ["harga beras naik ", "mantap \U0001F600"]
    assert table.frame["user.name"].tolist()[0] == "a" and table.frame["tags"].tolist()[1] == '["x"]'
    con = storage.connect(tmp_path / "s.duckdb")
    summary = imports.import_file(con, data, filename, now=pd.Timestamp("2026-11-21", tz="UTC"))
    assert summary.rows_imported == 2
    con.close()


def test_a_few_stray_nul_bytes_do_not_refuse_a_csv():
    rows = "".join(f"{i},2026-11-20T01:00:00Z,harga beras naik di pasar {i},andi{i}\n" for i in range(2, 60))
    data = ("id_str,created_at,full_text,username\n1,2026-11-20T01:00:00Z,harga\x00beras naik,andi\n" + rows).encode()
    table = read_table(data, "rusak.csv")
    assert table.frame["full_text"].tolist()[0] == "harga beras naik"
    assert any("NUL" in w for w in table.warnings)
    with pytest.raises(UnreadableFileError):                    # mostly NULs: still a binary file
        read_table(b"\x00\x01" * 500 + data, "biner.csv")


def test_parquet_columns_become_text():
    frame = pd.DataFrame({"id": pd.array([1735190472912437290, None], dtype="Int64"),
                          "created_at": pd.to_datetime(["2023-12-14 06:08:55", None]).tz_localize("UTC"),
                          "likes": [1.0, 2.5], "text": ["halo", None]})
    table = read_table(parquet_bytes(frame), "posts.parquet")
    assert table.format == "parquet"
    assert table.frame["id"].tolist()[0] == "1735190472912437290"
    assert table.frame["created_at"].tolist()[0] == "2023-12-14 06:08:55+00:00"
    assert table.frame["likes"].tolist() == ["1", "2.5"]


def _truncated_xlsx() -> bytes:
    data = tweet_harvest_xlsx()
    return data[: len(data) // 2]


@pytest.mark.parametrize("data, filename, error, fragment", [
    (b"", "kosong.csv", EmptyFileError, "0 byte"),
    (b"", "kosong.json", EmptyFileError, "0 byte"),
    (b"\r\n  \n", "spasi.csv", EmptyFileError, "kosong"),
    (b"akun,teks,tanggal\r\n", "judul.csv", EmptyFileError, "judul kolom"),
    (b"akun,teks\n,\n,\n", "judul.csv", EmptyFileError, "judul kolom"),
    (b"[]", "kosong.json", EmptyFileError, "baris data"),
    (xlsx_bytes({"Sheet1": [], "Sheet2": []}), "kosong.xlsx", EmptyFileError, "kosong"),
    (xlsx_bytes({"Sheet1": [["akun", "teks", "tanggal"]]}), "judul.xlsx", EmptyFileError, "judul kolom"),
    (garbage_bytes(), "data.csv", UnreadableFileError, "biner"),
    (garbage_bytes(), "data.bin", UnreadableFileError, "biner"),
    (b"", "kosong.xlsx", UnreadableFileError, "0 byte"),
    (b"ini bukan excel", "palsu.xlsx", UnreadableFileError, "rusak"),
    (_truncated_xlsx(), "terpotong.xlsx", UnreadableFileError, "rusak"),
    (zip_without_workbook(), "arsip.xlsx", UnreadableFileError, "bukan XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "lama.xls", UnreadableFileError, ".xls"),
    (b"%PDF-1.7\n...", "laporan.csv", UnreadableFileError, "PDF"),
    (b"PAR1garbage", "x.parquet", UnreadableFileError, "Parquet"),
    (b'{"text": "halo"', "x.json", UnreadableFileError, "JSON"),
    (b'["halo", "apa"]', "x.json", UnreadableFileError, "objek"),
    (b"akun,teks\nbudi,\"halo\nsiti,oke\n", "kutip.csv", UnreadableFileError, "tanda kutip"),
])
def test_bad_files_raise_clear_errors(data, filename, error, fragment):
    with pytest.raises(error, match=fragment) as raised:
        read_table(data, filename)
    assert filename in str(raised.value) or "encoding" in str(raised.value)


@pytest.fixture
def forbid_parsing(monkeypatch):
    """Fail the test if openpyxl is ever asked to parse the workbook."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("workbook parsed before the archive check")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


@pytest.mark.parametrize("bomb, limit, fragment", [
    (lambda: xlsx_bomb(310 * 2**20), 300 * 2**20, "terlalu besar"),      # beyond the default limit
    (lambda: xlsx_bomb(40 * 2**20), 300 * 2**20, "zip bomb"),            # within it, but ~1000x ratio
    (lambda: xlsx_bomb(3 * 2**20), 2 * 2**20, "terlalu besar"),          # a lowered limit
    (lambda: xlsx_bomb(1000, members=readers.MAX_ZIP_MEMBERS + 5), 300 * 2**20, "bagian"),
])
def test_xlsx_bomb_is_refused_before_parsing(forbid_parsing, bomb, limit, fragment):
    data = bomb()
    assert len(data) < 4 * 2**20
    started = time.perf_counter()
    with pytest.raises(UnsafeFileError, match=fragment):
        read_table(data, "bom.xlsx", max_xlsx_unpacked_bytes=limit)
    assert time.perf_counter() - started < 1.0


def test_sniffer_prefers_consistent_columns():
    sample = "akun;teks\nbudi;halo, apa kabar, semua\nsiti;oke, siap\n"
    assert readers.sniff_delimiter(sample) == ";"
    assert readers.sniff_delimiter("teks\nhalo, apa kabar\n") is None


@pytest.mark.parametrize("data, filename", [
    ("Laporan Monitoring Isu Mei 2024\n\nakun;teks;tanggal;kota\nbudi;Jalan rusak, tolong;1/5/2024;Bogor\n"
     "siti;Banjir lagi;2/5/2024;Depok\n".encode(), "laporan.csv"),
    ("Laporan Monitoring Isu Mei 2024;;;\nakun;teks;tanggal;kota\nbudi;Jalan rusak, tolong;1/5/2024;Bogor\n"
     "siti;Banjir lagi;2/5/2024;Depok\n".encode(), "laporan.csv"),           # Excel pads the title row
    (xlsx_bytes({"s": [["Laporan Monitoring Isu Mei 2024"], [], ["akun", "teks", "tanggal", "kota"],
                       ["budi", "Jalan rusak, tolong", "1/5/2024", "Bogor"],
                       ["siti", "Banjir lagi", "2/5/2024", "Depok"]]}),
     "laporan.xlsx"),
])
def test_title_lines_above_the_table_are_skipped(data, filename):
    table = read_table(data, filename)
    assert list(table.frame.columns) == ["akun", "teks", "tanggal", "kota"]
    assert table.frame["teks"].tolist() == ["Jalan rusak, tolong", "Banjir lagi"]
    assert "di atas judul kolom" in table.warnings[0]
