"""The clean-text rules: what a whitespace chunk of a post is made of and what clean text drops.

Links (also bare domains like ``bit.ly/x``), e-mail addresses, HTML tags and ``@mentions`` are
dropped; ``#hashtags`` become their words; ``anak2`` becomes ``anak-anak``; emoji become tokens
(``emoji_wajah_marah``) and other characters fold to ASCII where they can. Tokens are words,
emoji tokens, numbers with their decimals, percentages and rupiah amounts (``rp10.000``);
:data:`NUMERIC_RE` tells which tokens are numbers (kept in clean text, never in tokens).
The analyzer that applies these rules is :class:`monitoring.text.analyzer.TextAnalyzer`.
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping

from monitoring.text import lexicons

TAG_RE = re.compile(r"</?[A-Za-z][^<>]{0,300}>")
URL_RE = re.compile(r"(?:https?://|www\.)\S*"  # links, and bare domains like bit.ly/x, detik.com
                    r"|(?:[a-z0-9-]+\.)+(?:com|net|org|id|ly|io|co)(?:/\S*|\b)", re.IGNORECASE)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
MENTION_RE = re.compile(r"@(\w{1,60})")
HASHTAG_RE = re.compile(r"#(\w+)")
REDUP2_RE = re.compile(r"\b([a-z]{2,})2(nya|ku|mu|an|lah)?\b")  # anak2 -> anak-anak
TOKEN_RE = re.compile(r"emoji_[a-z0-9_]+|rp\.?\d+(?:[.,]\d+)*|\d+(?:[.,:]\d+)+%?(?![a-z0-9])|\d+%"
                      r"|[a-z0-9]+(?:-[a-z0-9]+)*")
NUMERIC_RE = re.compile(r"(?:rp\.?)?\d[\d.,-]*(?:%|rb|ribu|jt|juta|k|m|an|x)?|ke-\d+")
RUN_RE = re.compile(r"([a-z])\1+")
LONG_RUN_RE = re.compile(r"([a-z])\1{2,}")
EDGE_PUNCTUATION = ".,!?;:\"'()[]*…“”‘’"  # "naik," and "(bbm)" are plain words
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), " ")
_MAX_EMOJI_LEN = 10


def decode_html(text: str) -> str:
    """``text`` with HTML entities decoded and tags replaced by a space."""
    return TAG_RE.sub(" ", html.unescape(text))


def replace_emoji(chunk: str, emoji: Mapping[str, str]) -> str:
    """Emoji -> `` emoji_name ``; other characters folded to ASCII where possible.

    Args:
        chunk: a chunk holding non-ASCII characters.
        emoji: emoji (without modifiers) -> token (:func:`monitoring.text.lexicons.emoji_tokens`).

    Returns:
        The chunk with each emoji (the longest match first) as a token between spaces; a run of
        the same emoji (😡😡😡) counts once.
    """
    text = lexicons.strip_emoji_modifiers(chunk)
    out: list[str] = []
    i, n, last = 0, len(text), None
    while i < n:
        if text[i].isascii():
            out.append(text[i])
            i += 1
            continue
        for size in range(min(_MAX_EMOJI_LEN, n - i), 0, -1):
            token = emoji.get(text[i:i + size])
            if token:
                if token != last or out[-1] != " ":  # 😡😡😡 counts once
                    out.extend((" ", token, " "))
                last, i = token, i + size
                break
        else:
            out.append(text[i])
            i += 1
    folded = unicodedata.normalize("NFKD", "".join(out).translate(_ZERO_WIDTH))
    return "".join(c for c in folded if not unicodedata.combining(c))
