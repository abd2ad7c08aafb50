"""Known exports, recognised by their headers, and a stable signature of any header.

``EXPORT_PROFILES`` covers tweet-harvest in all its versions, Twitter API JSON, YouTube,
Instagram, TikTok, Facebook and news lists: the headers that identify each and where each
canonical field lives. :func:`header_signature` identifies a file layout, so a mapping the
analyst chose once is remembered for the next file with the same header.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Iterable

from monitoring import schema as S


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
        """Whether ``columns`` hold one header of every identifying group."""
        columns = list(columns)
        return all(_find_header(columns, group) is not None for group in self.requires)

    def mapping(self, columns: Iterable[object]) -> dict[str, str]:
        """``{canonical field: source column}`` for the fields of this export found in ``columns``."""
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


def header_signature(columns: Iterable[object]) -> str:
    """Stable 16-hex id of a header: order-, case- and spacing-insensitive."""
    names = sorted(" ".join(str(c).split()).lower() for c in columns)
    return hashlib.sha1("\x1f".join(names).encode("utf-8")).hexdigest()[:16]
