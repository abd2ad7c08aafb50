"""Indonesian social-media text: clean text, tokens, hashtags and mentions of every post.

Stage :func:`add_tokens` adds four columns (see :mod:`monitoring.schema`):

- ``CLEAN_TEXT``: lower-case, URLs/mentions/``RT`` removed, hashtags replaced by their words,
  emoji as tokens (``emoji_wajah_marah``), slang normalised (``gak`` -> ``tidak``), elongation
  undone (``bangettt`` -> ``banget``), laughter unified (``wkwkwk`` -> ``wkwk``), ``anak2`` ->
  ``anak-anak``. Stopwords, negations and numbers are kept (``naik 12%``); nothing is stemmed.
  Shown beside the original and used by sentiment.
- ``TOKENS``: the clean words minus stopwords, numbers and one-letter words, stemmed with
  PySastrawi (``kenaikan`` -> ``naik``, ``anak-anak`` -> ``anak``), plus emoji tokens and
  hashtag words. Negations are kept. Used for issues and keyword search.
- ``HASHTAGS`` / ``MENTIONS``: lower-case, without ``#`` / ``@``.

Speed: identical texts are analysed once; a text is split on whitespace and each distinct
chunk ("BBM!", "@kemenkeu", "mantap👍") is parsed once per call, each distinct word normalised
once, each distinct word stemmed once (:mod:`monitoring.stemming`). Token lists of identical
posts are copies, so mutating one row does not change another.
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from itertools import chain, repeat
from functools import lru_cache

import numpy as np
import pandas as pd

from monitoring import lexicons, schema, stemming
from monitoring.errors import MappingError
from monitoring.lexicons import NEGATIONS, is_slang, is_stopword  # noqa: F401  (public API)

_TAG_RE = re.compile(r"</?[A-Za-z][^<>]{0,300}>")
_URL_RE = re.compile(r"(?:https?://|www\.)\S*|(?:[a-z0-9-]+\.)+(?:com|net|org|id|ly|io|co)(?:/\S*|\b)",
                     re.IGNORECASE)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_MENTION_RE = re.compile(r"@(\w{1,60})")
_HASHTAG_RE = re.compile(r"#(\w+)")
_REDUP2_RE = re.compile(r"\b([a-z]{2,})2(nya|ku|mu|an|lah)?\b")  # anak2 -> anak-anak
_TOKEN_RE = re.compile(r"emoji_[a-z0-9_]+|rp\.?\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*%|[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMERIC_RE = re.compile(r"(?:rp\.?)?\d[\d.,-]*(?:%|rb|ribu|jt|juta|k|m|an|x)?|ke-\d+")
_CAMEL_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_RUN_RE = re.compile(r"([a-z])\1+")
_LAUGHTER = (  # (canonical, pattern): wkwkwk, awokawok, hahaha, ...
    ("wkwk", re.compile(r"(?:a?w+k+)+w*|k+(?:w+k+)+w*|(?:a?wo+k+)+|wa(?:k+a+)+k*")),
    ("haha", re.compile(r"a?h*a+(?:h+a+)+h*")),
    ("hehe", re.compile(r"h+e+(?:h+e+)+h*")),
    ("hihi", re.compile(r"h+i+(?:h+i+)+h*")),
    ("xixi", re.compile(r"x+i+(?:x+i+)+x*")),
    ("huhu", re.compile(r"h+u+(?:h+u+)+h*")),
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), " ")
_MAX_EMOJI_LEN = 10
_TWO_LETTER_PIECES = frozenset({"di", "ke", "ya", "ga", "yg", "uu", "ri", "tv", "hp", "sd", "mk", "ui"})
_PIECE_PREFIXES = ("memper", "diper", "member", "ber", "ter", "mem", "men", "meng", "meny", "pem",
                   "pen", "peng", "peny", "per", "me", "pe", "di", "ke", "se", "")
_PIECE_SUFFIXES = ("kannya", "annya", "kan", "an", "i", "nya", "lah", "")
_RECODINGS = {"men": "t", "pen": "t", "mem": "p", "pem": "p", "meng": "k", "peng": "k",
              "meny": "s", "peny": "s"}


def laughter(word: str) -> str | None:
    """Canonical laughter (``wkwkwk``/``awokwok`` -> ``wkwk``, ``hahaha`` -> ``haha``) or None."""
    if word[:1] in ("w", "k", "a", "h", "x") and (len(word) >= 3 or word in ("wk", "kw")):
        for canonical, pattern in _LAUGHTER:
            if pattern.fullmatch(word):
                return canonical
    return None


def _affixed_known(piece: str, roots: frozenset[str]) -> bool:
    """Rough check that a hashtag piece is an affixed root (``kenaikan`` = ke+naik+an)."""
    for prefix in _PIECE_PREFIXES:
        if not piece.startswith(prefix):
            continue
        rest = piece[len(prefix):]
        for suffix in _PIECE_SUFFIXES:
            if rest.endswith(suffix) and len(rest) - len(suffix) >= 3:
                root = rest[:len(rest) - len(suffix)]
                if root in roots or _RECODINGS.get(prefix, "?") + root in roots:
                    return True
    return False


def _segment(word: str, known: frozenset[str], roots: frozenset[str]) -> list[str] | None:
    """Split a lower-case run of letters into the fewest known words, or None."""
    def is_piece(piece: str) -> bool:
        if len(piece) == 2:
            return piece in _TWO_LETTER_PIECES
        return len(piece) > 2 and (piece in known or (len(piece) >= 5 and _affixed_known(piece, roots)))

    n = len(word)
    best: list[list[str] | None] = [[]] + [None] * n
    for end in range(2, n + 1):
        for start in range(max(0, end - 24), end - 1):
            head = best[start]
            if head is not None and (best[end] is None or len(head) + 1 < len(best[end])) \
                    and is_piece(word[start:end]):
                best[end] = head + [word[start:end]]
    return best[n]


def split_hashtag(tag: str) -> list[str]:
    """Words of a hashtag (without ``#``), lower-case.

    CamelCase decides when present (``TolakKenaikanBBM`` -> tolak kenaikan bbm); otherwise a
    run of letters is split into the fewest known words (``dirumahaja`` -> di rumah aja) and
    kept whole when no split exists (``savekpk`` stays ``savekpk``).
    """
    words: list[str] = []
    for part in re.split(r"_+", tag):
        if part and not part.islower() and not part.isupper():
            words.extend(p.lower() for p in _CAMEL_RE.findall(part))
            continue
        for piece in re.findall(r"[^\W\d_]+|\d+", part.lower()):
            known = lexicons.known_words()
            split = None
            if piece not in known and 6 <= len(piece) <= 40 and piece.isascii():
                split = _segment(piece, known, lexicons.root_words())
            words.extend(split or [piece])
    return words


class TextAnalyzer:
    """Normalises texts with one set of lexicons, remembering every chunk and word it has seen.

    Args:
        stem_cache: known ``word -> stem`` entries (e.g. the store's ``stem_cache`` table).
        extra_slang: the user's ``{slang: formal}`` additions (they win over the built-in map).
        extra_stopwords: the user's additional stopwords (negations are never stopwords).
        defer_stemming: collect words that need PySastrawi's full algorithm and stem them in one
            batch with :meth:`stem_pending` (possibly in parallel) instead of one by one.
    """

    def __init__(self, *, stem_cache: Mapping[str, str] | None = None,
                 extra_slang: Mapping[str, str] | None = None,
                 extra_stopwords: Iterable[str] | None = None,
                 defer_stemming: bool = False):
        self.defer_stemming = defer_stemming
        self.slang = lexicons.build_slang(extra_slang)
        self.stopwords = lexicons.build_stopwords(extra_stopwords)
        self.known = lexicons.known_words() | frozenset(self.slang)
        self.emoji = lexicons.emoji_tokens()
        self.stem_cache = stem_cache or {}
        self.new_stems: dict[str, str] = {}
        self.pending: set[str] = set()  # words waiting for the full stemmer
        # Per distinct whitespace-separated chunk: clean words (one string), tokens, hashtags,
        # mentions. Looking chunks up with map() keeps the per-post loop in C.
        self._clean: dict[str, str] = _ChunkMemo(self._add_chunk)
        self._tokens: dict[str, tuple[str, ...]] = {}
        self._tags: dict[str, tuple[str, ...]] = {}
        self._mentions: dict[str, tuple[str, ...]] = {}
        self._words: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._hashtags: dict[str, str] = {}

    # --- one text ---------------------------------------------------------------------
    def analyse(self, text: str) -> tuple[str, list[str], list[str], list[str]]:
        """(clean text, tokens, hashtags, mentions) of one text. With ``defer_stemming``, words
        waiting for the full stemmer stay unstemmed in the tokens until :meth:`stem_pending`."""
        if "&" in text:
            text = html.unescape(text)
        if "<" in text:
            text = _TAG_RE.sub(" ", text)
        chunks = text.split()
        if "RT" in text and "RT" in chunks:  # "RT @user:" marks a retweet; "RT 05" is a place
            chunks = [c for i, c in enumerate(chunks) if not (
                c == "RT" and i + 1 < len(chunks) and chunks[i + 1].startswith("@"))]
        clean = " ".join(filter(None, map(self._clean.__getitem__, chunks)))
        tokens = list(chain.from_iterable(map(self._tokens.__getitem__, chunks)))
        plain = text.isascii()
        hashtags = list(chain.from_iterable(map(self._tags.get, chunks, repeat(())))) \
            if "#" in text or not plain else []
        mentions = list(chain.from_iterable(map(self._mentions.get, chunks, repeat(())))) \
            if "@" in text or not plain else []
        return clean, tokens, hashtags, mentions

    def _add_chunk(self, chunk: str) -> str:
        original = chunk
        if chunk.isascii() and chunk.isalnum() and "2" not in chunk:  # most chunks: one word
            parsed = self._words.get(chunk.lower()) or self._add_word(chunk.lower())
            self._tokens[chunk] = parsed[1]
            text = self._clean[chunk] = " ".join(parsed[0])
            return text
        if not chunk.isascii():
            chunk = self._replace_emoji(chunk)
        if "@" in chunk:
            chunk = _EMAIL_RE.sub(" ", chunk)
        if "." in chunk or "/" in chunk:
            chunk = _URL_RE.sub(" ", chunk)
        if "@" in chunk:
            self._mentions[original] = tuple(m.lower() for m in _MENTION_RE.findall(chunk))
            chunk = _MENTION_RE.sub(" ", chunk)
        if "#" in chunk:
            self._tags[original] = tuple(t.lower() for t in _HASHTAG_RE.findall(chunk))
            chunk = _HASHTAG_RE.sub(lambda m: " " + self._hashtag_words(m.group(1)) + " ", chunk)
        low = chunk.lower()
        if "2" in low:
            low = _REDUP2_RE.sub(r"\1-\1\2", low)
        clean: list[str] = []
        tokens: list[str] = []
        for token in _TOKEN_RE.findall(low):
            parsed = self._words.get(token) or self._add_word(token)
            clean.extend(parsed[0])
            tokens.extend(parsed[1])
        self._tokens[original] = tuple(tokens)
        text = self._clean[original] = " ".join(clean)
        return text

    def _replace_emoji(self, chunk: str) -> str:
        """Emoji -> `` emoji_name ``; other characters folded to ASCII where possible."""
        text = lexicons.strip_emoji_modifiers(chunk)
        out: list[str] = []
        i, n, last = 0, len(text), None
        while i < n:
            if text[i].isascii():
                out.append(text[i])
                i += 1
                continue
            for size in range(min(_MAX_EMOJI_LEN, n - i), 0, -1):
                token = self.emoji.get(text[i:i + size])
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

    def _hashtag_words(self, tag: str) -> str:
        words = self._hashtags.get(tag)
        if words is None:
            words = self._hashtags[tag] = " ".join(split_hashtag(tag))
        return words

    # --- one word -----------------------------------------------------------------------
    def _add_word(self, token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        parsed = self._words[token] = self._parse_word(token)
        return parsed

    def _parse_word(self, token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(clean words, tokens) of one lower-case token."""
        if token.startswith("emoji_"):
            return (token,), (token,)
        if not token.isalpha() and _NUMERIC_RE.fullmatch(token):
            return (token,), ()
        if "-" in token:
            return self._parse_compound(token)
        words = self.normalise_spelling(token)
        content = tuple(self._stem(w) for w in words if len(w) > 1 and w not in self.stopwords
                        and (w.isalpha() or not _NUMERIC_RE.fullmatch(w)))
        return words, content

    def _parse_compound(self, token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        parts = token.split("-")
        if len(set(parts)) == 1:  # reduplication: org-org -> orang-orang
            base = self.normalise_spelling(parts[0])
            if len(base) != 1:
                return base, tuple(self._stem(w) for w in base if w not in self.stopwords)
            token = f"{base[0]}-{base[0]}"
            if base[0] in self.stopwords:
                return (token,), ()
        if token in self.stopwords:  # sama-sama, masing-masing
            return (token,), ()
        return (token,), (self._stem(token),)

    def normalise_spelling(self, token: str) -> tuple[str, ...]:
        """Slang and elongation: ``gak`` -> (tidak,), ``bangettt`` -> (banget,), ``gpp`` ->
        (tidak, apa, apa), ``wkwkwk`` -> (wkwk,). Unknown words come back unchanged."""
        laugh = laughter(token)
        if laugh:
            return (laugh,)
        formal = self.slang.get(token)
        if formal is not None:
            return tuple(formal.split())
        if token in self.known or not _RUN_RE.search(token):
            return (token,)
        for candidate in _deelongations(token):
            formal = self.slang.get(candidate)
            if formal is not None:
                return tuple(formal.split())
            if candidate in self.known:
                return (candidate,)
        return (re.sub(r"([a-z])\1{2,}", r"\1", token),)

    def _stem(self, word: str) -> str:
        stem = self.stem_cache.get(word) or self.new_stems.get(word)
        if stem is not None:
            return stem
        if word.startswith("emoji_"):
            return word
        if self.defer_stemming:
            self.pending.add(word)
            return word
        stem = self.new_stems[word] = stemming.stem(word)
        return stem

    def stem_pending(self, processes: int | None = None) -> dict[str, str]:
        """Stem the new words seen so far; returns their ``{word: stem}`` (to persist)."""
        if not self.pending:
            return {}
        stems = stemming.stem_vocabulary(self.pending, self.stem_cache, processes=processes)
        self.new_stems.update(stems)
        self.pending.clear()
        changed = {w: s for w, s in stems.items() if s != w}
        if changed:  # memoised chunks and words hold the unstemmed forms
            for memo in (self._tokens, self._words):
                for key, value in memo.items():
                    tokens = value if memo is self._tokens else value[1]
                    if not changed.keys().isdisjoint(tokens):
                        tokens = tuple(changed.get(w, w) for w in tokens)
                        memo[key] = tokens if memo is self._tokens else (value[0], tokens)
        return stems


class _ChunkMemo(dict):
    """dict that computes a missing chunk with ``compute`` (which stores it)."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, chunk: str) -> str:
        return self.compute(chunk)


def _deelongations(token: str) -> list[str]:
    """Spellings with runs shortened to one or two letters (only runs of 3+, or a doubled last
    letter), fewest letters first; at most 16."""
    runs = [m for m in _RUN_RE.finditer(token) if len(m.group()) >= 3 or m.end() == len(token)][:4]
    candidates = []
    for mask in range(1 << len(runs)):
        pieces, pos = [], 0
        for k, run in enumerate(runs):
            pieces.append(token[pos:run.start()] + run.group(1) * (2 if mask >> k & 1 else 1))
            pos = run.end()
        candidate = "".join(pieces) + token[pos:]
        if candidate != token:
            candidates.append(candidate)
    return sorted(candidates, key=len)


def add_tokens(
    posts: pd.DataFrame,
    *,
    stem_cache: Mapping[str, str] | None = None,
    extra_slang: Mapping[str, str] | None = None,
    extra_stopwords: Iterable[str] | None = None,
    processes: int | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Add CLEAN_TEXT, TOKENS, HASHTAGS and MENTIONS computed from schema.TEXT.

    Args:
        posts: frame with a ``schema.TEXT`` column (missing values give empty results).
        stem_cache: known ``word -> stem`` entries, e.g. the store's ``stem_cache`` table.
        extra_slang: user slang additions ``{slang: formal}``; they win over the built-in map.
        extra_stopwords: user stopwords added to the built-in list (negations stay tokens).
        processes: worker processes for stemming new words (default: all cores, when it pays).

    Returns:
        A new frame (the input is not modified) and the new ``word -> stem`` entries to persist
        (words needing PySastrawi's full algorithm that were not in ``stem_cache``).
    """
    if schema.TEXT not in posts.columns:
        raise MappingError("Kolom teks tidak ditemukan. Pilih kolom yang berisi isi unggahan "
                           "pada Pemetaan Kolom.")
    analyzer = TextAnalyzer(stem_cache=stem_cache, extra_slang=extra_slang,
                            extra_stopwords=extra_stopwords, defer_stemming=True)
    codes, uniques = pd.factorize(posts[schema.TEXT])  # identical texts analysed once
    results = list(map(analyzer.analyse, map(str, uniques.tolist())))
    new_stems = analyzer.stem_pending(processes)
    changed = {w: s for w, s in new_stems.items() if s != w}
    if changed:  # tokens that waited for the batch stemmer
        get, keys = changed.get, changed.keys()
        results = [r if keys.isdisjoint(r[1]) else (r[0], [get(w, w) for w in r[1]], r[2], r[3])
                   for r in results]
    results.append(("", [], [], []))  # code -1 (missing text) picks this last entry
    columns = {schema.CLEAN_TEXT: np.array([r[0] for r in results], dtype=object)[codes]}
    for position, name in ((1, schema.TOKENS), (2, schema.HASHTAGS), (3, schema.MENTIONS)):
        columns[name] = _expand_lists([r[position] for r in results], codes)
    return posts.assign(**columns), new_stems


def _expand_lists(unique_lists: list[list[str]], codes: np.ndarray) -> list[list[str]]:
    """One list per row; rows sharing a text get their own copy."""
    used = bytearray(len(unique_lists))
    out = []
    for code in codes.tolist():
        values = unique_lists[code]
        if used[code]:
            values = values.copy()
        used[code] = 1
        out.append(values)
    return out


@lru_cache(maxsize=8)
def _query_analyzer(slang_items: frozenset, stopwords: frozenset) -> TextAnalyzer:
    return TextAnalyzer(extra_slang=dict(slang_items), extra_stopwords=stopwords)


def _analyzer_for(extra_slang, extra_stopwords) -> TextAnalyzer:
    return _query_analyzer(frozenset((extra_slang or {}).items()), frozenset(extra_stopwords or ()))


def tokenize_query(text: str, *, extra_slang: Mapping[str, str] | None = None,
                   extra_stopwords: Iterable[str] | None = None) -> list[str]:
    """Tokens of a search query or watchlist entry, normalised like TOKENS.

    ``tokenize_query("kenaikan BBM")`` -> ``["naik", "bbm"]``; ``"#TolakKenaikanBBM"`` ->
    ``["tolak", "naik", "bbm"]``.
    """
    return list(_analyzer_for(extra_slang, extra_stopwords).analyse(text)[1])


def clean_text(text: str, *, extra_slang: Mapping[str, str] | None = None) -> str:
    """CLEAN_TEXT of one text (see the module docstring)."""
    return _analyzer_for(extra_slang, None).analyse(text)[0]


def __getattr__(name: str):
    if name == "STOPWORDS":
        return lexicons.default_stopwords()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
