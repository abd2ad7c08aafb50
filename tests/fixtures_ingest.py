"""Example upload files built in code: exports of tweet-harvest, comment tools and news lists.

Every builder returns ``bytes`` exactly as the tool would write them, so tests (and
benchmarks) exercise the real reading path. The posts are written by the team: Indonesian
social-media text with slang, typos, code-mixing, emoji and hashtags.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import zipfile

import pandas as pd

# One record per post, in a neutral shape; builders lay it out like each tool does.
POSTS = [
    {"id": "1735190472912437290", "user_id": "1456789012", "username": "wargabekasi_",
     "created": dt.datetime(2023, 12, 14, 6, 8, 55), "lang": "in", "likes": 120, "replies": 14, "retweets": 33,
     "quotes": 2, "location": "Bekasi, Jawa Barat", "reply_to": None,
     "text": "Jalan di Jl. Sultan Agung rusak parah lagi, udh 3 bulan gak diperbaiki 😤 #BekasiBerbenah @pemkotbekasi"},
    {"id": "1735201122334455667", "user_id": "99887766", "username": "mbak_rina",
     "created": dt.datetime(2023, 12, 14, 7, 30, 2), "lang": "in", "likes": 5, "replies": 0, "retweets": 1,
     "quotes": 0, "location": "Surabaya", "reply_to": "kemenkeuRI",
     "text": "harga beras naik terus, gaji segitu2 aja. Piye iki pak? 😭😭\nMohon dicek ke pasar langsung"},
    {"id": "1735209988776655443", "user_id": "5566", "username": "andi.pratama",
     "created": dt.datetime(2023, 12, 14, 9, 1, 45), "lang": "en", "likes": 1800, "replies": 210, "retweets": 640,
     "quotes": 41, "location": "", "reply_to": None,
     "text": "Honestly the new KRL schedule is a mess, telat 20 menit tiap pagi. Please fix this @CommuterLine"},
    {"id": "1735300011122233344", "user_id": "777", "username": "bu_siti",
     "created": dt.datetime(2023, 12, 15, 1, 15, 0), "lang": "in", "likes": 0, "replies": 0, "retweets": 0,
     "quotes": 0, "location": "Kab. Bandung", "reply_to": None,
     "text": "=Alhamdulillah bansos sdh cair; terima kasih Pak Lurah 🙏 #bansos"},
    {"id": "1735300011122233999", "user_id": "778", "username": "kang_asep",
     "created": dt.datetime(2023, 12, 15, 2, 0, 9), "lang": "in", "likes": 9, "replies": 1, "retweets": 0,
     "quotes": 0, "location": "Garut", "reply_to": "bu_siti",
     "text": "-_- sinyal di desa masih susah bgt, gmn mau sekolah online. Tolong BAKTI Kominfo"},
    {"id": "1735300011122234001", "user_id": "779", "username": "ucok_medan",
     "created": dt.datetime(2023, 12, 15, 3, 33, 33), "lang": "in", "likes": 44, "replies": 6, "retweets": 12,
     "quotes": 1, "location": "Medan, Sumatera Utara", "reply_to": None,
     "text": "+1 setuju bang, banjir di Medan tiap ujan deras, \"drainase\" cuma wacana | #MedanBanjir"},
    {"id": "1735300011122234002", "user_id": "780", "username": "dewi_ayu",
     "created": dt.datetime(2023, 12, 15, 4, 4, 4), "lang": "in", "likes": 3, "replies": 0, "retweets": 0,
     "quotes": 0, "location": "Makassar", "reply_to": None,
     "text": "@dinkes_mks antrian puskesmas pagi ini panjang bgt, mana dokternya cuma 1. Mantul 🙃"},
]

TWEET_HARVEST_OLD_HEADER = ("created_at", "id_str", "full_text", "quote_count", "reply_count", "retweet_count",
                            "favorite_count", "lang", "user_id_str", "conversation_id_str", "username", "tweet_url")
TWEET_HARVEST_OLD_EXTRA = ("id", "geo", "media_url_https", "image_url")
TWEET_HARVEST_NEW_HEADER = ("conversation_id_str", "created_at", "favorite_count", "full_text", "id_str",
                            "image_url", "in_reply_to_screen_name", "lang", "location", "quote_count",
                            "reply_count", "retweet_count", "tweet_url", "user_id_str", "username")


def twitter_date(stamp: dt.datetime) -> str:
    """'Thu Dec 14 06:08:55 +0000 2023' (stamp taken as UTC)."""
    return stamp.strftime("%a %b %d %H:%M:%S +0000 %Y")


def iso_date(stamp: dt.datetime) -> str:
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _tweet_row(post: dict, date: str) -> dict:
    return {
        "created_at": date, "id_str": post["id"], "full_text": post["text"], "quote_count": post["quotes"],
        "reply_count": post["replies"], "retweet_count": post["retweets"], "favorite_count": post["likes"],
        "lang": post["lang"], "user_id_str": post["user_id"], "conversation_id_str": post["id"],
        "username": post["username"], "tweet_url": f"https://x.com/{post['username']}/status/{post['id']}",
        "id": post["id"], "geo": "", "media_url_https": "", "image_url": "",
        "in_reply_to_screen_name": post["reply_to"] or "", "location": post["location"],
    }


def delimited(header: tuple[str, ...] | list[str], rows: list[dict | list], *, delimiter: str = ",",
              encoding: str = "utf-8", newline: str = "\n") -> bytes:
    """Rows written with Python's csv module (quotes only where needed), then encoded."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header] if isinstance(row, dict) else row)
    return out.getvalue().encode(encoding)


def tweet_harvest_old_csv(posts: list[dict] = POSTS, *, extra_columns: bool = False) -> bytes:
    """Early tweet-harvest: ';' separated, Twitter-format dates."""
    header = TWEET_HARVEST_OLD_HEADER + (TWEET_HARVEST_OLD_EXTRA if extra_columns else ())
    return delimited(header, [_tweet_row(p, twitter_date(p["created"])) for p in posts], delimiter=";")


def tweet_harvest_new_rows(posts: list[dict] = POSTS) -> list[dict]:
    return [_tweet_row(p, iso_date(p["created"])) for p in posts]


def tweet_harvest_new_csv(posts: list[dict] = POSTS) -> bytes:
    """Newer tweet-harvest: ',' separated, headers sorted alphabetically, ISO dates."""
    return delimited(TWEET_HARVEST_NEW_HEADER, tweet_harvest_new_rows(posts))


def tweet_harvest_xlsx(posts: list[dict] = POSTS) -> bytes:
    rows = [[row[h] for h in TWEET_HARVEST_NEW_HEADER] for row in tweet_harvest_new_rows(posts)]
    return xlsx_bytes({"tweets": [list(TWEET_HARVEST_NEW_HEADER)] + rows})


# Comment exports: (header, one row per post) as each tool writes them.
def comment_exports() -> dict[str, tuple[list[str], list[list[str]]]]:
    p = POSTS
    return {
        "generic": (["author", "text", "time", "likes"],
                    [[x["username"], x["text"], "2 hari yang lalu", str(x["likes"])] for x in p]),
        "akun_text": (["akun", "text"], [[x["username"], x["text"]] for x in p]),
        "youtube": (["authorDisplayName", "textOriginal", "publishedAt", "likeCount", "totalReplyCount"],
                    [["@" + x["username"], x["text"], iso_date(x["created"]), str(x["likes"]), str(x["replies"])]
                     for x in p]),
        "instagram": (["ownerUsername", "text", "timestamp", "likesCount", "postUrl"],
                      [[x["username"], x["text"], iso_date(x["created"]), str(x["likes"]),
                        "https://www.instagram.com/p/C0abcDEF/"] for x in p]),
        "tiktok": (["uniqueId", "text", "createTime", "diggCount", "replyCommentTotal"],
                   [[x["username"], x["text"], str(int(x["created"].replace(tzinfo=dt.timezone.utc).timestamp())),
                     f"{x['likes'] / 1000:.1f}K" if x["likes"] >= 1000 else str(x["likes"]), str(x["replies"])]
                    for x in p]),
        "berita": (["judul", "tanggal", "sumber", "link"],
                   [["Pemkot Bekasi janji perbaiki Jalan Sultan Agung pekan depan", "Kamis, 14 Des 2023 13:08 WIB",
                     "detikNews", "https://news.detik.com/berita/d-7000001/pemkot-bekasi"],
                    ["Harga beras medium naik Rp 1.000 per kilogram", "15 Desember 2023", "Kompas.com",
                     "https://money.kompas.com/read/2023/12/15/harga-beras"]]),
        "news": (["title", "date", "source", "url"],
                 [["Commuter line delays frustrate Jakarta workers", "Dec 14, 2023", "The Jakarta Post",
                   "https://www.thejakartapost.com/city/2023/12/14/krl.html"]]),
    }


def xlsx_bytes(sheets: dict[str, list[list[object]]], *, formulas: dict[tuple[int, int], str] | None = None) -> bytes:
    """An XLSX with xlsxwriter: strings stay strings (never turned into formulas/numbers/urls);
    ints/floats/datetimes become native cells; ``formulas`` {(row, col): '=...'} real formula cells
    in the first sheet."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False})
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for index, (name, rows) in enumerate(sheets.items()):
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write_number(r, c, value)
        for (r, c), formula in (formulas or {}).items() if index == 0 else ():
            sheet.write_formula(r, c, formula)
    book.close()
    return out.getvalue()


def xlsx_bomb(unpacked_bytes: int, *, members: int = 1) -> bytes:
    """A tiny XLSX whose sheet XML inflates to ``unpacked_bytes`` (very compressible rows)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='a' r:id='rId1'/></sheets></workbook>")
        for extra in range(members - 1):
            archive.writestr(f"xl/media/part{extra}.xml", "<x/>")
        chunk = b'<row><c t="inlineStr"><is><t>bansos</t></is></c></row>' * 20_000
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            written = 0
            while written < unpacked_bytes:
                sheet.write(chunk[: unpacked_bytes - written])
                written += min(len(chunk), unpacked_bytes - written)
    return out.getvalue()


def zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", "text\nhalo\n")
    return out.getvalue()


def json_bytes(records: list[dict], *, wrap: str | None = None) -> bytes:
    document = {wrap: records, "meta": {"count": len(records)}} if wrap else records
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def jsonl_bytes(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def twitter_api_records(posts: list[dict] = POSTS) -> list[dict]:
    """Twitter API v1.1-like nested tweets (ids as JSON numbers, like the API's 'id')."""
    return [{"id": int(p["id"]), "id_str": p["id"], "created_at": twitter_date(p["created"]), "full_text": p["text"],
             "favorite_count": p["likes"], "retweet_count": p["retweets"], "lang": p["lang"],
             "entities": {"hashtags": [{"text": "bansos"}]},
             "user": {"screen_name": p["username"], "location": p["location"] or None}} for p in posts]


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), out)
    return out.getvalue()


def garbage_bytes(size: int = 20_000, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def synthetic_tweet_harvest_csv(rows: int, seed: int = 1, *, old: bool = False) -> bytes:
    """A large tweet-harvest CSV (for benchmarks): varied text, a tweet every ~3 seconds.

    ``old=True`` writes the early layout (';', Twitter-format dates), else the newer one.
    """
    rng = random.Random(seed)
    start = dt.datetime(2023, 12, 1)
    records = []
    for i in range(rows):
        post = POSTS[i % len(POSTS)]
        stamp = start + dt.timedelta(seconds=i * 3 + rng.randint(0, 2))
        varied = {**post, "id": str(1735000000000000000 + i), "text": f"{post['text']} #{rng.randint(0, 9999)}",
                  "likes": rng.randint(0, 5000), "replies": rng.randint(0, 50), "retweets": rng.randint(0, 300)}
        records.append(_tweet_row(varied, twitter_date(stamp) if old else iso_date(stamp)))
    if old:
        return delimited(TWEET_HARVEST_OLD_HEADER, records, delimiter=";")
    return delimited(TWEET_HARVEST_NEW_HEADER, records)
