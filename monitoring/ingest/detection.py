"""Detect what a file holds: which column is which canonical field, and which platform it came from.

``suggest_mapping`` maps a known export (:mod:`export_profiles`) exactly, then guesses the
remaining fields of any sheet from header words (Indonesian and English), checking each guess
against the column's content; columns no header explains are guessed from content alone (the
longest texts with spaces, values that parse as dates, links, ``@handles``). ``detect_platform``
reads the domains of the links, a known export, the file name or a platform column.
"""
from __future__ import annotations

import re

import pandas as pd

from monitoring import schema as S
from monitoring.ingest.cell_values import parse_counts, platform_value
from monitoring.ingest.dates import parse_datetimes
from monitoring.ingest.export_profiles import match_profile, normalise_header

_SAMPLE = 300
_REFERENCE_NOW = pd.Timestamp("2024-01-01", tz="UTC")   # relative dates only need *a* now to parse

_COUNT_WORDS = {"count", "jumlah", "total", "num", "number", "n"}
_NOT_POST_URL = {"image", "media", "photo", "foto", "avatar", "thumbnail", "profile", "profil", "pic",
                 "picture", "gambar", "channel", "author", "user", "owner", "icon", "music", "cover"}
_NOT_POST_ID = {"user", "author", "akun", "channel", "conversation", "video", "page", "owner", "parent",
                "pengguna", "media", "place", "reply", "thread", "music"}
_TOKENS = {
    S.URL: {"url", "link", "tautan", "permalink", "href"},
    S.CREATED_AT: {"tanggal", "tgl", "waktu", "date", "time", "timestamp", "created", "published",
                   "publish", "diunggah", "dibuat", "posted", "datetime", "pubdate", "dipublikasikan"},
    S.LIKES: {"like", "likes", "suka", "disukai", "favorite", "favourite", "fav", "favorites", "digg",
              "love", "loves", "reaksi", "reaction", "reactions", "votes", "vote"},
    S.REPLIES: {"reply", "replies", "balasan", "balas"},
    S.SHARES: {"retweet", "retweets", "share", "shares", "dibagikan", "bagikan", "repost", "reposts", "rt"},
    S.VIEWS: {"view", "views", "play", "plays", "tayangan", "ditonton", "dilihat", "impression",
              "impressions", "penayangan"},
    S.LOCATION_RAW: {"lokasi", "location", "kota", "kabupaten", "provinsi", "daerah", "wilayah", "alamat",
                     "city", "region", "place", "domisili"},
    S.LANG: {"lang", "language", "bahasa"},
    S.AUTHOR: {"author", "penulis", "akun", "account", "username", "user", "pengguna", "nama", "name",
               "screen", "pengirim", "owner", "nickname", "handle", "uploader", "sumber", "source",
               "media", "publisher", "outlet", "portal", "channel", "page"},
    S.TEXT: {"text", "teks", "isi", "komentar", "comment", "comments", "caption", "konten", "content",
             "tweet", "message", "pesan", "body", "ulasan", "review", "judul", "title", "post",
             "postingan", "status", "narasi", "deskripsi", "description", "cuitan", "unggahan",
             "snippet", "ringkasan", "summary", "headline"},
}
# Exact header names, best first, to choose among several candidates for a field.
_RANK = {
    S.TEXT: ("full_text", "text", "text_original", "teks", "tweet", "isi", "komentar", "comment",
             "caption", "konten", "content", "message", "pesan", "judul", "title", "text_display"),
    S.CREATED_AT: ("created_at", "create_time_iso", "timestamp", "published_at", "tanggal", "waktu",
                   "date", "time_parsed", "time", "create_time", "datetime"),
    S.AUTHOR: ("username", "screen_name", "user_screen_name", "author", "unique_id", "owner_username",
               "akun", "nama_akun", "pengguna", "author_display_name", "nama", "name", "user", "sumber", "source"),
    S.POST_ID: ("id_str", "id", "tweet_id", "post_id", "comment_id", "cid"),
}
_FIELD_ORDER = (S.TEXT, S.CREATED_AT, S.POST_ID, S.URL, S.AUTHOR, S.LIKES, S.REPLIES, S.SHARES,
                S.VIEWS, S.LOCATION_RAW, S.LANG, S.IN_REPLY_TO, S.PLATFORM)


def header_fields(header: str) -> tuple[str, ...]:
    """Canonical fields a header name could stand for, most likely first (by its words)."""
    norm = normalise_header(header)
    words = set(norm.split("_"))
    if "reply_to" in norm or words & {"parent", "membalas"}:
        return (S.IN_REPLY_TO,)
    if words & {"platform", "medsos", "sosmed"} or norm == "media_sosial":
        return (S.PLATFORM,)
    if words & _TOKENS[S.URL]:
        return () if words & _NOT_POST_URL else (S.URL,)
    if norm.endswith("unique_id"):
        return (S.AUTHOR,)      # TikTok uniqueId is the @handle
    if words & {"id", "cid"}:
        return () if words & _NOT_POST_ID else (S.POST_ID,)
    if words & _TOKENS[S.CREATED_AT]:
        return (S.CREATED_AT,)
    if words & {"comment", "comments", "komentar"}:
        return (S.REPLIES,) if words & _COUNT_WORDS else (S.TEXT, S.REPLIES)
    for field in (S.LIKES, S.REPLIES, S.SHARES, S.VIEWS, S.LOCATION_RAW, S.LANG, S.AUTHOR, S.TEXT):
        if words & _TOKENS[field]:
            return (field,)
    return ()


def suggest_mapping(frame: pd.DataFrame) -> dict[str, str]:
    """Propose ``{canonical field: source column}`` for the fields this frame has.

    Known exports (``EXPORT_PROFILES``) are mapped exactly; other fields are guessed from
    header words (checked against the column's values), then from content alone.
    """
    mapping: dict[str, str] = {}
    profile = match_profile(frame.columns)
    if profile is not None:
        mapping.update(profile.mapping(frame.columns))
    used = set(mapping.values())
    samples = {column: _sample(frame[column]) for column in frame.columns}
    candidates: dict[str, list[tuple[int, int, str]]] = {field: [] for field in _FIELD_ORDER}
    for position, column in enumerate(frame.columns):
        for preference, field in enumerate(header_fields(column)):
            rank = _RANK.get(field, ())
            norm = normalise_header(column)
            order = rank.index(norm) if norm in rank else len(rank) + preference
            candidates[field].append((order, position, column))
    for field in _FIELD_ORDER:
        if field in mapping or (profile is not None and field in profile.fields):
            continue
        for _, _, column in sorted(candidates[field]):
            if column not in used and _content_fits(field, samples[column]):
                mapping[field] = column
                used.add(column)
                break
        else:
            column = None if profile is not None else _guess_from_content(field, samples, used)
            if column is not None:
                mapping[field] = column
                used.add(column)
    return mapping


_DOMAINS = {
    "x": ("twitter.com", "x.com", "t.co"), "youtube": ("youtube.com", "youtu.be"),
    "instagram": ("instagram.com",), "tiktok": ("tiktok.com",), "facebook": ("facebook.com", "fb.com", "fb.watch"),
    "news": ("detik.com", "kompas.com", "kompas.id", "tempo.co", "cnnindonesia.com", "cnbcindonesia.com",
             "antaranews.com", "liputan6.com", "tribunnews.com", "okezone.com", "sindonews.com", "republika.co.id",
             "kumparan.com", "tirto.id", "suara.com", "merdeka.com", "viva.co.id", "idntimes.com", "bisnis.com",
             "katadata.co.id", "jpnn.com", "inews.id", "metrotvnews.com", "beritasatu.com", "jawapos.com",
             "mediaindonesia.com", "thejakartapost.com", "go.id", "news.google.com"),
}
_FILENAME_WORDS = {"x": ("tweet", "tweets", "twitter"), "youtube": ("youtube", "yt"),
                   "instagram": ("instagram", "ig"), "tiktok": ("tiktok",), "facebook": ("facebook", "fb"),
                   "news": ("berita", "news")}


def detect_platform(frame: pd.DataFrame, filename: str) -> str:
    """The platform of a file, in ``schema.PLATFORMS``.

    Evidence in order: the domains of its links (tweet_url on x.com -> 'x'), a known export's
    headers (``EXPORT_PROFILES``), words in the file name, a platform column; else 'other'.
    """
    mapping = suggest_mapping(frame)
    profile = match_profile(frame.columns)
    by_links = _platform_from_links(frame, mapping.get(S.URL))
    if by_links is not None and (by_links != "news" or profile is None):
        return by_links
    if profile is not None:
        return profile.platform
    name = str(filename).lower()
    words = set(re.split(r"[^a-z0-9]+", name))
    for platform, names in _FILENAME_WORDS.items():
        if words & set(names) or any(len(n) > 4 and n in name for n in names):
            return platform
    if S.PLATFORM in mapping:
        return _majority(_sample(frame[mapping[S.PLATFORM]]).map(platform_value)) or "other"
    return "other"


def _platform_from_links(frame: pd.DataFrame, url_column: str | None) -> str | None:
    """The platform most links point to (x.com, youtu.be, detik.com, ...), if clear."""
    columns = [url_column] if url_column else []
    columns += [c for c in frame.columns if S.URL in header_fields(c) and c not in columns]
    links = pd.concat([_sample(frame[c]) for c in columns] or [pd.Series(dtype=object)])
    hosts = links.str.extract(r"(?i)^(?:https?://)?(?:www\.|m\.|mobile\.|vm\.|vt\.)?([^/:?#\s]+)")[0]
    return _majority(hosts.dropna().str.lower().map(_domain_platform))


def _majority(values: pd.Series, share: float = 0.6) -> str | None:
    """The most common non-null value if it makes up ``share`` of all values (nulls included)."""
    counts = values.dropna().value_counts()
    return counts.index[0] if len(counts) and counts.iloc[0] >= share * len(values) else None


def _domain_platform(host: str) -> str | None:
    for platform, domains in _DOMAINS.items():
        if any(host == d or host.endswith("." + d) for d in domains):
            return platform
    return None


def _sample(values: pd.Series) -> pd.Series:
    """Up to ``_SAMPLE`` non-missing values from the top of a column, as text."""
    present = values.iloc[: 10 * _SAMPLE].dropna()
    return present.iloc[:_SAMPLE].astype(str)


def _content_fits(field: str, sample: pd.Series) -> bool:
    """Do a column's sampled values look like ``field``? (an empty column fits anything)"""
    if sample.empty or field in (S.POST_ID, S.AUTHOR, S.LOCATION_RAW, S.LANG, S.IN_REPLY_TO):
        return True
    if field == S.TEXT:
        numeric = sample.str.fullmatch(r"[\d.,\s]+|https?://\S+")
        return numeric.mean() < 0.5
    if field == S.CREATED_AT:
        return parse_datetimes(sample, now=_REFERENCE_NOW).notna().mean() >= 0.5
    if field == S.URL:
        return sample.str.match(r"(?i)(https?://|www\.)").mean() >= 0.5
    if field == S.PLATFORM:
        return sample.map(platform_value).notna().mean() >= 0.5
    return parse_counts(sample).notna().mean() >= 0.6          # engagement counts


def _guess_from_content(field: str, samples: dict[str, pd.Series], used: set[str]) -> str | None:
    """Content-only guess for a text, date, link or author column no header explains."""
    if field not in (S.TEXT, S.CREATED_AT, S.URL, S.AUTHOR):
        return None
    scores = {column: _content_score(field, sample) for column, sample in samples.items()
              if column not in used and not sample.empty
              and not (field == S.URL and set(normalise_header(column).split("_")) & _NOT_POST_URL)}
    best = max(scores, key=scores.get, default=None)
    return best if best is not None and scores[best] > 0 else None


def _content_score(field: str, sample: pd.Series) -> float:
    """How much a column's values look like ``field`` (0 = not at all)."""
    if field == S.TEXT:     # the longest texts with several words
        length, spaces = sample.str.len().mean(), sample.str.count(" ").mean()
        return length if length >= 15 and spaces >= 2 and _content_fits(S.TEXT, sample) else 0.0
    if field == S.CREATED_AT:
        head = sample.iloc[:50]
        if head.str.contains(r"\d").mean() < 0.5 or head.str.fullmatch(r"\d+(?:\.\d+)?").mean() > 0.5:
            return 0.0      # no digits, or plain numbers (ids, counts): not dates
        share = parse_datetimes(head, now=_REFERENCE_NOW).notna().mean()
        return share if share >= 0.8 else 0.0
    if field == S.URL:
        share = sample.str.match(r"(?i)https?://").mean()
        images = sample.str.contains(r"(?i)\.(?:jpe?g|png|webp|gif)\b").mean()
        return share if share >= 0.8 and images <= 0.5 else 0.0
    share = sample.str.fullmatch(r"@[\w.]{1,40}").mean()      # author: '@handles'
    return share if share >= 0.8 else 0.0
