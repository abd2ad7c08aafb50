"""Column names and types of the canonical post table: the one place they are spelled.

Every module imports names from here instead of writing column strings. The canonical
post (one row per post) is what ingestion produces; enrichment adds columns, it never
overwrites a source field.
"""
from __future__ import annotations

# --- canonical source columns -------------------------------------------------------
POST_KEY = "post_key"          # surrogate key in the store: sha1(platform, post_id)
POST_ID = "post_id"            # source id, or a content hash when the source has none
DATASET_ID = "dataset_id"
PLATFORM = "platform"
CREATED_AT = "created_at"      # timezone-aware UTC timestamp
AUTHOR = "author"
AUTHOR_KEY = "author_key"      # derived: 64-bit md5 of author (counting distinct accounts on integers)
TEXT = "text"
LOCATION_RAW = "location_raw"
LIKES = "likes"
REPLIES = "replies"
SHARES = "shares"
VIEWS = "views"
URL = "url"
LANG = "lang"
IN_REPLY_TO = "in_reply_to"
EXTRA = "extra"                # JSON object with the source's other columns

ENGAGEMENT_COLUMNS = (LIKES, REPLIES, SHARES, VIEWS)

# Fields a user can map a source column onto (post_key/dataset_id/extra are derived).
MAPPABLE_COLUMNS = (
    POST_ID, PLATFORM, CREATED_AT, AUTHOR, TEXT, LOCATION_RAW,
    LIKES, REPLIES, SHARES, VIEWS, URL, LANG, IN_REPLY_TO,
)
CANONICAL_COLUMNS = (POST_KEY, POST_ID, DATASET_ID) + tuple(
    c for c in MAPPABLE_COLUMNS if c != POST_ID
) + (EXTRA,)

# DuckDB types of the canonical columns.
CANONICAL_TYPES = {
    POST_KEY: "VARCHAR", POST_ID: "VARCHAR", DATASET_ID: "INTEGER", PLATFORM: "VARCHAR",
    CREATED_AT: "TIMESTAMPTZ", AUTHOR: "VARCHAR", TEXT: "VARCHAR", LOCATION_RAW: "VARCHAR",
    LIKES: "BIGINT", REPLIES: "BIGINT", SHARES: "BIGINT", VIEWS: "BIGINT",
    URL: "VARCHAR", LANG: "VARCHAR", IN_REPLY_TO: "VARCHAR", EXTRA: "VARCHAR",
}

PLATFORMS = ("x", "instagram", "youtube", "tiktok", "facebook", "news", "other")
PLATFORM_LABELS = {
    "x": "X (Twitter)", "instagram": "Instagram", "youtube": "YouTube", "tiktok": "TikTok",
    "facebook": "Facebook", "news": "Berita", "other": "Lainnya",
}

# --- enrichment columns (added by monitoring.pipeline) ----------------------------------
CLEAN_TEXT = "clean_text"      # cleaned, normalised text (for display beside the original)
TOKENS = "tokens"              # list[str]: normalised, stopword-free, stemmed tokens
HASHTAGS = "hashtags"          # list[str], lower-case, without '#'
MENTIONS = "mentions"          # list[str], lower-case, without '@'
SENTIMENT = "sentiment"        # positive | neutral | negative
SENTIMENT_SCORE = "sentiment_score"  # confidence of the label in [0, 1]
PROVINCE_CODE = "province_code"      # 2-digit Kemendagri code as text, or null
PROVINCE = "province"
KABKOTA_CODE = "kabkota_code"        # "PP.KK" Kemendagri code, or null
KABKOTA = "kabkota"
REGION_SOURCE = "region_source"      # profile | text | dataset | null
REGION_CONFIDENCE = "region_confidence"  # [0, 1]
ISSUE_ID = "issue_id"                # stable issue id (e.g. "I0007"), or null for noise
NARRATIVE_ID = "narrative_id"        # stable id of a narrative inside the issue ("I0007-N02"), or null
DUP_GROUP = "dup_group"              # id of the near-duplicate group a post belongs to
IS_COORDINATED = "is_coordinated"    # True when the post is a copy in a large copy-paste group

SENTIMENTS = ("positive", "neutral", "negative")
SENTIMENT_LABELS = {"positive": "positif", "neutral": "netral", "negative": "negatif"}
SENTIMENT_COLORS = {"positive": "#2e9d5b", "neutral": "#9aa0a6", "negative": "#d64541"}

REGION_SOURCES = ("profile", "text", "dataset")
NATIONAL_CODE = "ID"                 # province_code used for national-level rows

# Indonesian names of the mappable fields, for the column-mapping form.
FIELD_LABELS = {
    POST_ID: "ID unggahan", PLATFORM: "Platform", CREATED_AT: "Waktu unggah", AUTHOR: "Akun/penulis",
    TEXT: "Teks unggahan", LOCATION_RAW: "Lokasi profil", LIKES: "Suka", REPLIES: "Balasan",
    SHARES: "Dibagikan/retweet", VIEWS: "Dilihat", URL: "Tautan", LANG: "Bahasa", IN_REPLY_TO: "Membalas akun",
}
