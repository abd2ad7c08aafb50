"""Map a file's columns onto the canonical post schema.

``suggest_mapping`` first recognises known exports by their headers (``EXPORT_PROFILES``:
tweet-harvest in all its versions, Twitter API JSON, YouTube, Instagram, TikTok, Facebook,
news lists), then guesses the remaining fields of any sheet from header words (Indonesian
and English) and checks each guess against the column's content; columns no header
explains are guessed from content alone (the longest texts with spaces, values that parse as
dates, links, ``@handles``). ``apply_mapping`` turns the raw table into canonical posts plus
rejected rows with Indonesian reasons.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from json.encoder import encode_basestring  # C-accelerated, keeps non-ASCII as is
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitoring import schema as S
from monitoring.clock import as_utc
from monitoring.errors import MappingError
from monitoring.ingest.dates import parse_datetimes

SOURCE_ROW = "source_row"        # 1-based data row in the file (lead: candidate for schema.py)
REJECT_REASON, REJECT_RAW = "reason", "raw"
POST_COLUMNS = S.MAPPABLE_COLUMNS + (S.EXTRA, SOURCE_ROW)
REJECT_COLUMNS = (SOURCE_ROW, REJECT_REASON, REJECT_RAW)

TEXT_MISSING = "Kolom teks tidak ditemukan. Pilih kolom yang berisi isi unggahan pada Pemetaan Kolom."
_SAMPLE = 300
_REFERENCE_NOW = pd.Timestamp("2024-01-01", tz="UTC")   # relative dates only need *a* now to parse


@dataclass
class MappedPosts:
    """Result of :func:`apply_mapping`.

    Attributes:
        posts: Columns :data:`POST_COLUMNS` (canonical fields, ``extra``, ``source_row``).
        rejects: Columns :data:`REJECT_COLUMNS`: row number, Indonesian reason, original row as JSON.
        warnings: Indonesian notes for the analyst (e.g. no date column mapped).
    """

    posts: pd.DataFrame
    rejects: pd.DataFrame
    warnings: list[str]


# --- known exports -----------------------------------------------------------------------

def normalise_header(name: object) -> str:
    """'authorDisplayName' -> 'author_display_name', 'Tanggal Posting' -> 'tanggal_posting',
    'user.screen_name' -> 'user_screen_name'."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name).strip())
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def _find_header(columns: Iterable[object], candidates: Iterable[str]) -> object | None:
    """First candidate present: exact normalised name, else (multi-word names only) a nested
    name ending in it, e.g. 'snippet.topLevelComment.snippet.textOriginal' for 'text_original'."""
    norms = [(normalise_header(c), c) for c in columns]
    candidates = tuple(candidates)
    for candidate in candidates:
        for norm, column in norms:
            if norm == candidate:
                return column
    for candidate in candidates:
        nested = sorted((len(n), i) for i, (n, _) in enumerate(norms)
                        if "_" in candidate and n.endswith("_" + candidate))
        if nested:
            return norms[nested[0][1]][1]
    return None


@dataclass
class ExportProfile:
    """A known export: the headers that identify it and where each canonical field lives."""

    name: str
    platform: str
    requires: tuple[tuple[str, ...], ...]     # every group needs one of its (normalised) headers
    fields: dict[str, tuple[str, ...]] = dataclass_field(default_factory=dict)

    def matches(self, columns: Iterable[object]) -> bool:
        columns = list(columns)
        return all(_find_header(columns, group) is not None for group in self.requires)

    def mapping(self, columns: Iterable[object]) -> dict[str, str]:
        columns = list(columns)
        found = {f: _find_header(columns, names) for f, names in self.fields.items()}
        return {f: c for f, c in found.items() if c is not None}


_TWEET_FIELDS = {
    S.POST_ID: ("id_str", "id"), S.CREATED_AT: ("created_at",), S.TEXT: ("full_text", "text"),
    S.LIKES: ("favorite_count",), S.REPLIES: ("reply_count",), S.SHARES: ("retweet_count",),
    S.LANG: ("lang",), S.IN_REPLY_TO: ("in_reply_to_screen_name",),
}
EXPORT_PROFILES = (
    ExportProfile("twitter-api", "x", (("id_str",), ("created_at",), ("full_text", "text"), ("user_screen_name",)),
                  {**_TWEET_FIELDS, S.AUTHOR: ("user_screen_name",), S.LOCATION_RAW: ("user_location",)}),
    ExportProfile("tweet-harvest", "x", (("full_text",), ("created_at",),
                                         ("id_str", "tweet_url", "conversation_id_str", "user_id_str")),
                  {**_TWEET_FIELDS, S.AUTHOR: ("username",), S.URL: ("tweet_url",), S.LOCATION_RAW: ("location",)}),
    ExportProfile("youtube-api", "youtube", (("author_display_name",), ("text_original", "text_display")), {
        S.POST_ID: ("comment_id", "id"), S.CREATED_AT: ("published_at",), S.AUTHOR: ("author_display_name",),
        S.TEXT: ("text_original", "text_display"), S.LIKES: ("like_count",),
        S.REPLIES: ("total_reply_count",), S.IN_REPLY_TO: ("parent_id",)}),
    ExportProfile("youtube-comment-downloader", "youtube", (("cid",), ("votes",), ("text",)), {
        S.POST_ID: ("cid",), S.CREATED_AT: ("time_parsed", "time"), S.AUTHOR: ("author",), S.TEXT: ("text",),
        S.LIKES: ("votes",), S.REPLIES: ("replies",)}),
    ExportProfile("instagram-comments", "instagram", (("owner_username",), ("text",)), {
        S.POST_ID: ("id",), S.CREATED_AT: ("timestamp",), S.AUTHOR: ("owner_username",), S.TEXT: ("text",),
        S.LIKES: ("likes_count",), S.REPLIES: ("replies_count",), S.URL: ("post_url",)}),
    ExportProfile("instagram-posts", "instagram", (("owner_username",), ("caption",)), {
        S.POST_ID: ("id", "short_code"), S.CREATED_AT: ("timestamp",), S.AUTHOR: ("owner_username",),
        S.TEXT: ("caption",), S.LIKES: ("likes_count",), S.REPLIES: ("comments_count",),
        S.VIEWS: ("video_view_count", "video_play_count"), S.URL: ("url",), S.LOCATION_RAW: ("location_name",)}),
    ExportProfile("tiktok", "tiktok", (("digg_count",), ("text",)), {
        S.POST_ID: ("id", "cid"), S.CREATED_AT: ("create_time_iso", "create_time"),
        S.AUTHOR: ("unique_id", "author_meta_name", "author_meta_unique_id", "nickname"), S.TEXT: ("text",),
        S.LIKES: ("digg_count",), S.REPLIES: ("comment_count", "reply_comment_total"), S.SHARES: ("share_count",),
        S.VIEWS: ("play_count",), S.URL: ("web_video_url", "video_url"), S.LOCATION_RAW: ("location_created",)}),
    ExportProfile("facebook", "facebook", (("facebook_url",), ("text", "message")), {
        S.POST_ID: ("post_id", "id"), S.CREATED_AT: ("time", "date", "timestamp"),
        S.AUTHOR: ("page_name", "profile_name", "user_name", "author_name"), S.TEXT: ("text", "message"),
        S.LIKES: ("likes", "likes_count", "reactions_count"), S.REPLIES: ("comments", "comments_count"),
        S.SHARES: ("shares", "shares_count"), S.URL: ("url", "post_url", "comment_url")}),
    ExportProfile("berita", "news",
                  (("judul", "judul_berita"), ("link", "url", "tautan", "sumber", "media", "tanggal")), {
        S.TEXT: ("judul", "judul_berita"), S.CREATED_AT: ("tanggal", "tanggal_terbit", "waktu", "tgl", "date"),
        S.AUTHOR: ("sumber", "media", "portal", "penulis", "source"), S.URL: ("link", "url", "tautan")}),
    ExportProfile("news", "news", (("title", "headline"), ("url", "link"),
                                   ("date", "published_at", "pub_date", "publish_date", "published", "datetime")), {
        S.TEXT: ("title", "headline"),
        S.CREATED_AT: ("published_at", "pub_date", "publish_date", "published", "date", "datetime"),
        S.AUTHOR: ("source", "source_name", "publisher", "media", "outlet", "author"), S.URL: ("url", "link")}),
)


def match_profile(columns: Iterable[object]) -> ExportProfile | None:
    """The first known export whose identifying headers are all present."""
    columns = list(columns)
    return next((p for p in EXPORT_PROFILES if p.matches(columns)), None)


# --- suggesting a mapping ----------------------------------------------------------------

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


def header_signature(columns: Iterable[object]) -> str:
    """Stable 16-hex id of a header: order-, case- and spacing-insensitive."""
    names = sorted(" ".join(str(c).split()).lower() for c in columns)
    return hashlib.sha1("\x1f".join(names).encode("utf-8")).hexdigest()[:16]


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
_PLATFORM_ALIASES = {
    **{p: p for p in S.PLATFORMS}, **{label.lower(): p for p, label in S.PLATFORM_LABELS.items()},
    "twitter": "x", "tweet": "x", "x.com": "x", "ig": "instagram", "yt": "youtube", "tik tok": "tiktok",
    "fb": "facebook", "berita": "news", "media online": "news", "online news": "news", "portal berita": "news",
}


def platform_value(value: object) -> str | None:
    """A platform name as written in a cell ('Twitter', 'IG', 'berita') -> ``schema.PLATFORMS``."""
    if not isinstance(value, str):
        return None
    return _PLATFORM_ALIASES.get(" ".join(value.split()).lower())


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


# --- counts ------------------------------------------------------------------------------

_COUNT = re.compile(r"^(?P<number>\d+(?:[.,]\d+)*)\s*(?P<suffix>[a-z]+)?\.?$")
_MULTIPLIERS = {"k": 10**3, "rb": 10**3, "ribu": 10**3, "m": 10**6, "jt": 10**6, "juta": 10**6,
                "b": 10**9, "miliar": 10**9, "milyar": 10**9}
_THOUSANDS = re.compile(r"^\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*$")


def parse_count(text: object) -> int | None:
    """'1.234' -> 1234, '1,234' -> 1234, '1.2K' -> 1200, '1,2 rb' -> 1200, '3 jt' -> 3000000, '12.0' -> 12.

    A dot or comma followed by exactly three digits is a thousands separator (Indonesian
    '1.234', English '1,234'); otherwise it is a decimal point. ``m`` is million (as shown by
    X/TikTok), not Indonesian *miliar*. Returns None when the value is not a count.
    """
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool):
        return int(text) if text >= 0 else None
    match = _COUNT.match(str(text).strip().lower().replace("\u00a0", " "))
    if match is None:
        return None
    number, suffix = match["number"], match["suffix"]
    if suffix:
        if suffix not in _MULTIPLIERS or len(re.findall(r"[.,]", number)) > 1:
            return None
        return round(float(number.replace(",", ".")) * _MULTIPLIERS[suffix])
    if _THOUSANDS.match(number):
        return int(re.sub(r"[.,]", "", number))
    if re.fullmatch(r"\d+[.,]\d+", number):
        return round(float(number.replace(",", ".")))
    return int(number) if number.isdigit() and len(number) < 19 else None


def parse_counts(values: pd.Series) -> pd.Series:
    """:func:`parse_count` over a series (each distinct value once) as nullable ``Int64``."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    parsed = pd.array([parse_count(u) for u in uniques] + [None], dtype="Int64")
    return pd.Series(parsed[codes], index=values.index, name=values.name)


# --- applying a mapping ------------------------------------------------------------------

def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str], *, platform: str,
                  now: pd.Timestamp, naive_tz: str = "UTC") -> MappedPosts:
    """Turn a raw table into canonical posts (and rejects) using ``mapping``.

    Args:
        frame: The raw table (``RawTable.frame``).
        mapping: ``{canonical field: source column}``; must include ``text``. Empty values
            mean "not mapped".
        platform: Platform of every post unless a mapped platform column says otherwise.
        now: Import time: the reference for relative dates and the date of undated posts.
        naive_tz: Time zone of dates written without one (see ``monitoring.ingest.dates``).

    Raises:
        MappingError: No text column, an unknown field, or a column not in the file.
    """
    columns = _resolve_mapping(frame, mapping, platform)
    now = as_utc(now).floor("us").as_unit("us")
    notes: list[str] = []
    text = _verbatim(frame[columns[S.TEXT]])
    created, bad_dates = _created_at(frame, columns.get(S.CREATED_AT), now, naive_tz, notes)
    posts = pd.DataFrame(index=frame.index)
    posts[S.PLATFORM] = _platforms(frame, columns.get(S.PLATFORM), platform)
    posts[S.CREATED_AT] = created
    for field in (S.AUTHOR, S.LOCATION_RAW, S.URL, S.LANG, S.IN_REPLY_TO):
        posts[field] = _stripped(frame[columns[field]]) if field in columns else None
    posts[S.TEXT] = text
    for field in S.ENGAGEMENT_COLUMNS:
        posts[field] = _counts(frame, columns.get(field), field, notes)
    posts[S.POST_ID] = _post_ids(frame, columns, posts)
    posts[S.EXTRA] = _extra_json(frame, [c for c in frame.columns if c not in set(columns.values())])
    posts[SOURCE_ROW] = np.arange(1, len(frame) + 1)
    posts = posts.astype({f: object for f in (S.POST_ID, S.PLATFORM, S.AUTHOR, S.LOCATION_RAW, S.URL,
                                             S.LANG, S.IN_REPLY_TO, S.TEXT, S.EXTRA)})
    empty_text = _blank(text)
    reasons = np.where(empty_text, "teks kosong", bad_dates.fillna("").to_numpy())
    rejected = reasons != ""
    if (posts.loc[~rejected, S.CREATED_AT] > now + pd.Timedelta(days=1)).any():
        notes.append("Sebagian unggahan bertanggal lebih dari sehari setelah waktu impor. "
                     "Periksa format dan zona waktu kolom tanggal pada Pemetaan Kolom.")
    rejects = pd.DataFrame({SOURCE_ROW: posts[SOURCE_ROW][rejected].to_numpy(), REJECT_REASON: reasons[rejected],
                            REJECT_RAW: _raw_json(frame[rejected])}, columns=list(REJECT_COLUMNS))
    return MappedPosts(posts.loc[~rejected, list(POST_COLUMNS)].reset_index(drop=True), rejects, notes)


def _resolve_mapping(frame: pd.DataFrame, mapping: dict[str, str], platform: str) -> dict[str, str]:
    """Validate a mapping; source names match exactly, else case/spacing-insensitively."""
    if platform not in S.PLATFORMS:
        raise MappingError(f"Platform '{platform}' tidak dikenal. Pilih salah satu: {', '.join(S.PLATFORMS)}.")
    by_norm = {" ".join(str(c).split()).lower(): c for c in frame.columns}
    resolved = {}
    for field, column in mapping.items():
        if column is None or str(column) == "":
            continue
        if field not in S.MAPPABLE_COLUMNS:
            raise MappingError(f"Kolom tujuan '{field}' tidak dikenal. Pilihan: {', '.join(S.MAPPABLE_COLUMNS)}.")
        if column not in frame.columns:
            column = by_norm.get(" ".join(str(column).split()).lower(), column)
        if column not in frame.columns:
            raise MappingError(f"Kolom '{column}' yang dipilih untuk {S.FIELD_LABELS[field].lower()} tidak ada "
                               "di berkas ini. Pilih kolom yang ada pada Pemetaan Kolom.")
        resolved[field] = column
    if S.TEXT not in resolved:
        raise MappingError(TEXT_MISSING)
    return resolved


def _verbatim(values: pd.Series) -> pd.Series:
    """Text exactly as read ('=', '+', '-', '@' included); missing -> None."""
    out = values.astype(object)
    if pd.api.types.infer_dtype(out, skipna=True) not in ("string", "empty"):
        out = out.map(str, na_action="ignore")      # numbers/dates from non-reader frames
    return out.where(out.notna(), None)


def _blank(values: pd.Series) -> np.ndarray:
    """True where a value is missing or only whitespace."""
    strings = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    blank = pc.match_substring_regex(strings, r"^\s*$")
    return np.asarray(pc.fill_null(blank, True), dtype=bool)


def _stripped(values: pd.Series) -> pd.Series:
    """Like :func:`_verbatim`, minus surrounding whitespace; blank -> None (vectorised in Arrow)."""
    out = _verbatim(values)
    strings = pa.array(out.to_numpy(), type=pa.string(), from_pandas=True)
    trimmed = pc.utf8_trim_whitespace(strings)
    if pc.all(pc.equal(strings, trimmed)).as_py() is not False:   # nothing to trim: keep the objects
        return out.where(out != "", None)
    result = pd.Series(trimmed.to_numpy(zero_copy_only=False), index=values.index, dtype=object)
    return result.where(result.notna() & (result != ""), None)


def _created_at(frame: pd.DataFrame, column: str | None, now: pd.Timestamp, naive_tz: str,
                notes: list[str]) -> tuple[pd.Series, pd.Series]:
    """Parsed dates (``now`` where absent) and a reject reason per unparseable non-empty date."""
    if column is None:
        notes.append(f"Kolom tanggal tidak dipetakan: semua unggahan diberi waktu impor "
                     f"({now:%Y-%m-%d %H:%M} UTC). Pilih kolom tanggal pada Pemetaan Kolom agar tren waktu akurat.")
        return (pd.Series(now, index=frame.index).astype("datetime64[us, UTC]"),
                pd.Series(None, index=frame.index, dtype=object))
    raw = _stripped(frame[column])
    parsed = parse_datetimes(raw, now=now, naive_tz=naive_tz)
    unparsed = parsed.isna() & raw.notna()
    reasons = pd.Series(None, index=frame.index, dtype=object)
    reasons[unparsed] = [f'tanggal tidak dikenali: "{value[:60]}"' for value in raw[unparsed]]
    missing = raw.isna()
    if missing.any():
        notes.append(f"{int(missing.sum())} baris tanpa tanggal diberi waktu impor ({now:%Y-%m-%d %H:%M} UTC).")
    return parsed.where(~missing, now), reasons


def _platforms(frame: pd.DataFrame, column: str | None, default: str) -> pd.Series:
    if column is None:
        return pd.Series(default, index=frame.index, dtype=object)
    codes, uniques = pd.factorize(frame[column].astype(object))
    names = np.array([platform_value(u) or default for u in uniques] + [default], dtype=object)
    return pd.Series(names[codes], index=frame.index, dtype=object)


def _counts(frame: pd.DataFrame, column: str | None, field: str, notes: list[str]) -> pd.Series:
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    raw = frame[column]
    counts = parse_counts(raw)
    bad = counts.isna() & raw.notna()
    bad[bad] = ~_blank(raw[bad])
    if bad.any():
        notes.append(f"{int(bad.sum())} nilai di kolom '{column}' ({S.FIELD_LABELS[field].lower()}) bukan angka dan "
                     f"dikosongkan, mis. \"{str(raw[bad].iloc[0])[:40]}\".")
    return counts


def _post_ids(frame: pd.DataFrame, columns: dict[str, str], posts: pd.DataFrame) -> pd.Series:
    """Source ids; where absent, 'h:' + sha1(platform, author, created_at, text).

    Rows without a source date hash an empty time, so re-importing an undated file (which
    gets a new import time) yields the same ids and its posts are recognised as duplicates.
    """
    ids = (_stripped(frame[columns[S.POST_ID]]) if S.POST_ID in columns
           else pd.Series(None, index=frame.index, dtype=object))
    missing = ids.isna().to_numpy()
    if not missing.any():
        return ids
    created = posts[S.CREATED_AT]
    dated = (created.notna() & frame[columns[S.CREATED_AT]].notna()).to_numpy() if S.CREATED_AT in columns \
        else np.zeros(len(frame), dtype=bool)
    stamps = np.where(dated, created.to_numpy("datetime64[us]").astype("int64").astype(str), "")
    parts = zip(posts[S.PLATFORM].to_numpy()[missing], posts[S.AUTHOR].fillna("").to_numpy()[missing],
                stamps[missing], posts[S.TEXT].fillna("").to_numpy()[missing])
    ids = ids.astype(object)
    ids[missing] = ["h:" + hashlib.sha1("\x1f".join(p).encode("utf-8")).hexdigest() for p in parts]
    return ids


def _extra_json(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Per row, a JSON object of the unmapped columns' non-null values.

    Each distinct value is encoded once (extra columns are mostly repetitive: counts, ids,
    empty media links); Arrow concatenates each row's ',"key":value' fragments.
    """
    fragments = []
    for column in columns:
        codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object), use_na_sentinel=True)
        if not len(uniques):
            continue
        key = "," + encode_basestring(str(column)) + ":"
        encoded = [key + (encode_basestring(v) if isinstance(v, str) else _json_value(v)) for v in uniques] + [""]
        codes[codes < 0] = len(encoded) - 1                     # missing -> the "" at the end
        fragments.append(pa.array(encoded, pa.string()).take(pa.array(codes)))
    if not fragments:
        return np.full(len(frame), "{}", dtype=object)
    joined = pc.binary_join_element_wise(*fragments, "")       # ',"a":"x","b":"y"' or ''
    body = pc.utf8_slice_codeunits(joined, 1)                   # drop the leading comma
    return pc.binary_join_element_wise("{", body, "}", "").to_numpy(zero_copy_only=False)


def _json_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _raw_json(rows: pd.DataFrame) -> list[str]:
    """Each rejected row as it was read, for the analyst to inspect."""
    return [_json_value({str(k): (None if pd.isna(v) else v) for k, v in row.items()}) for _, row in rows.iterrows()]
