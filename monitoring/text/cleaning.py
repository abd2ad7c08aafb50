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

Speed: the per-post work is done by Arrow kernels (split into whitespace chunks, dictionary
encoding, gathering results back per post); Python only parses each *distinct* chunk ("BBM!",
"@kemenkeu", "mantap👍") and each distinct word once, and each new word is stemmed once
(:mod:`monitoring.text.stemming`), in worker processes when there are many.
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitoring import schema
from monitoring.errors import MappingError
from monitoring.text import lexicons, stemming
from monitoring.text.lexicons import (  # noqa: F401  (public API)
    NEGATIONS,
    deelongations,
    is_slang,
    is_stopword,
    laughter,
    split_hashtag,
)

_TAG_RE = re.compile(r"</?[A-Za-z][^<>]{0,300}>")
_URL_RE = re.compile(r"(?:https?://|www\.)\S*"  # links, and bare domains like bit.ly/x, detik.com
                     r"|(?:[a-z0-9-]+\.)+(?:com|net|org|id|ly|io|co)(?:/\S*|\b)", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_MENTION_RE = re.compile(r"@(\w{1,60})")
_HASHTAG_RE = re.compile(r"#(\w+)")
_REDUP2_RE = re.compile(r"\b([a-z]{2,})2(nya|ku|mu|an|lah)?\b")  # anak2 -> anak-anak
_TOKEN_RE = re.compile(r"emoji_[a-z0-9_]+|rp\.?\d+(?:[.,]\d+)*|\d+(?:[.,:]\d+)+%?(?![a-z0-9])|\d+%"
                       r"|[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMERIC_RE = re.compile(r"(?:rp\.?)?\d[\d.,-]*(?:%|rb|ribu|jt|juta|k|m|an|x)?|ke-\d+")
_RUN_RE = re.compile(r"([a-z])\1+")
_LONG_RUN_RE = re.compile(r"([a-z])\1{2,}")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), " ")
_MAX_EMOJI_LEN = 10
_PARSE_BATCH = 20_000  # chunks parsed between two hand-overs of new words to the stemmer
_EDGE_PUNCTUATION = ".,!?;:\"'()[]*…“”‘’"  # "naik," and "(bbm)" are plain words


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
        clean = " ".join(filter(None, map(self._clean.__getitem__, chunks)))  # parses new chunks
        memo = self._tokens
        tokens = [token for chunk in chunks for token in memo[chunk]]
        plain = text.isascii()
        hashtags = [tag for chunk in chunks for tag in self._tags.get(chunk, ())] \
            if "#" in text or not plain else []
        mentions = [name for chunk in chunks for name in self._mentions.get(chunk, ())] \
            if "@" in text or not plain else []
        return clean, tokens, hashtags, mentions

    def _add_chunk(self, chunk: str) -> str:
        original = chunk
        word = chunk.strip(_EDGE_PUNCTUATION)
        if word.isascii() and word.isalnum() and "2" not in word:  # most chunks: one word
            word = word.lower()
            parsed = self._words.get(word) or self._add_word(word)
            self._tokens[chunk] = parsed[1]
            text = self._clean[chunk] = " ".join(parsed[0])
            return text
        if not chunk.isascii():
            chunk = self._replace_emoji(chunk)
        if chunk.startswith("RT@"):  # retweet marker glued to the mention
            chunk = chunk[2:]
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
        for candidate in deelongations(token):
            formal = self.slang.get(candidate)
            if formal is not None:
                return tuple(formal.split())
            if candidate in self.known:
                return (candidate,)
        return (_LONG_RUN_RE.sub(r"\1", token),)

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
        stems = stemming.stem_vocabulary(self.pending, self.stem_cache, processes=processes)
        self.pending.clear()
        self.apply_stems(stems)
        return stems

    def apply_stems(self, stems: Mapping[str, str]) -> None:
        """Use ``stems`` from now on, also in the chunks and words parsed before."""
        self.new_stems.update(stems)
        changed = {w: s for w, s in stems.items() if s != w}
        if not changed:
            return
        for key, tokens in self._tokens.items():
            if not changed.keys().isdisjoint(tokens):
                self._tokens[key] = tuple(changed.get(w, w) for w in tokens)
        for key, (clean, tokens) in self._words.items():
            if not changed.keys().isdisjoint(tokens):
                self._words[key] = (clean, tuple(changed.get(w, w) for w in tokens))


class _ChunkMemo(dict):
    """dict that computes a missing chunk with ``compute`` (which stores it)."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, chunk: str) -> str:
        return self.compute(chunk)


def add_tokens(
    posts: pd.DataFrame,
    *,
    stem_cache: Mapping[str, str] | None = None,
    extra_slang: Mapping[str, str] | None = None,
    extra_stopwords: Iterable[str] | None = None,
    processes: int | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Add CLEAN_TEXT, TOKENS, HASHTAGS and MENTIONS computed from schema.TEXT.

    CLEAN_TEXT has pandas' ``str`` dtype; TOKENS, HASHTAGS and MENTIONS are
    ``list<string>[pyarrow]`` columns (each value reads as a Python ``list[str]``; DuckDB stores
    them as ``VARCHAR[]`` without conversion).

    Args:
        posts: frame with a ``schema.TEXT`` column (missing values give empty results).
        stem_cache: known ``word -> stem`` entries, e.g. the store's ``stem_cache`` table.
        extra_slang: user slang additions ``{slang: formal}``; they win over the built-in map.
        extra_stopwords: user stopwords added to the built-in list (negations stay tokens).
        processes: worker processes for stemming new words (default: all cores, when it pays).

    Returns:
        A new frame (the input is not modified) and ``word -> stem`` for every token word that
        was not in ``stem_cache``, to persist (most are ``word -> word``); with them the next run
        stems nothing.
    """
    return start_tokens(posts, stem_cache=stem_cache, extra_slang=extra_slang, extra_stopwords=extra_stopwords,
                        processes=processes).result()


def start_tokens(
    posts: pd.DataFrame,
    *,
    stem_cache: Mapping[str, str] | None = None,
    extra_slang: Mapping[str, str] | None = None,
    extra_stopwords: Iterable[str] | None = None,
    processes: int | None = None,
) -> TokenJob:
    """:func:`add_tokens` in two halves: this call parses every post and hands the new words
    to the stemming workers; :meth:`TokenJob.result` waits for their stems and returns what
    :func:`add_tokens` returns. Work that does not need tokens (sentiment, regions) can run in
    between, while the workers stem (a cold run spends ~1/3 of its text time stemming)."""
    if schema.TEXT not in posts.columns:
        raise MappingError("Kolom teks tidak ditemukan. Pilih kolom yang berisi isi unggahan "
                           "pada Pemetaan Kolom.")
    analyzer = TextAnalyzer(stem_cache=stem_cache, extra_slang=extra_slang,
                            extra_stopwords=extra_stopwords, defer_stemming=True)
    background = stemming.BackgroundStemmer(stem_cache, processes=processes)
    # 1. every post split into whitespace chunks, in Arrow: (chunk code, row) per occurrence
    codes, rows, chunks = _chunk_occurrences(posts[schema.TEXT])
    # 2. each distinct chunk parsed once (slang, stopwords, emoji, hashtags...), in Python,
    #    while worker processes already stem the new words found so far
    clean: list[str] = []
    for start in range(0, len(chunks), _PARSE_BATCH):
        clean.extend(map(analyzer._clean.__getitem__, chunks[start:start + _PARSE_BATCH]))
        background.submit(analyzer.pending)
        analyzer.pending.clear()
    return TokenJob(posts, analyzer, background, codes, rows, chunks, clean)


@dataclass
class TokenJob:
    """Parsed posts whose new words are being stemmed; see :func:`start_tokens`."""

    posts: pd.DataFrame
    analyzer: TextAnalyzer
    background: stemming.BackgroundStemmer
    codes: np.ndarray
    rows: np.ndarray
    chunks: list[str]
    clean: list[str]

    def result(self) -> tuple[pd.DataFrame, dict[str, str]]:
        """(posts with the token columns, new ``word -> stem`` entries), as :func:`add_tokens`."""
        # 3. each new word stemmed once
        new_stems = self.background.result()
        restem = {w: s for w, s in new_stems.items() if s != w}.get
        analyzer, chunks, posts = self.analyzer, self.chunks, self.posts
        # 4. per-chunk results gathered back into one value per post, in Arrow
        gather = partial(_gather_lists, codes=self.codes, rows=self.rows, n_rows=len(posts))
        lists = {
            schema.TOKENS: gather([[restem(w, w) for w in analyzer._tokens[c]] for c in chunks]),
            schema.HASHTAGS: gather([analyzer._tags.get(c, ()) for c in chunks]),
            schema.MENTIONS: gather([analyzer._mentions.get(c, ()) for c in chunks]),
        }
        clean_text = pc.binary_join(gather([c.split() for c in self.clean]), " ")
        columns = {schema.CLEAN_TEXT: pd.Series(pd.array(clean_text, dtype="str"), index=posts.index)}
        columns.update({name: pd.Series(pd.arrays.ArrowExtensionArray(values), index=posts.index)
                        for name, values in lists.items()})
        return posts.assign(**columns), new_stems


def _chunk_occurrences(texts: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``(codes, rows, chunks)``: for every whitespace-separated chunk of every text, in order,
    its code into ``chunks`` (the distinct chunks) and its row number. HTML is decoded first;
    the retweet marker "RT" before an @mention is dropped (not "RT 05", a neighbourhood)."""
    values = pa.array(texts.astype("str"), type=pa.string()).fill_null("")
    has_html = pc.match_substring_regex(values, r"&|<[/a-zA-Z]")
    if pc.any(has_html).as_py():
        raw = pc.filter(values, has_html).to_pylist()
        decoded = pa.array(map(_decode_html, raw), pa.string())
        values = pc.replace_with_mask(values, has_html, decoded)
    split = pc.utf8_split_whitespace(values)
    rows = pc.list_parent_indices(split).to_numpy()
    encoded = pc.dictionary_encode(pc.list_flatten(split))
    codes = encoded.indices.to_numpy()
    chunks = encoded.dictionary.to_pylist()
    if "RT" in chunks:
        at = np.flatnonzero(codes[:-1] == chunks.index("RT"))
        mention_next = np.array([chunks[c].startswith("@") for c in codes[at + 1]], dtype=bool)
        marker = at[mention_next & (rows[at] == rows[at + 1])]
        keep = np.ones(len(codes), dtype=bool)
        keep[marker] = False
        codes, rows = codes[keep], rows[keep]
    return codes, rows, chunks


def _decode_html(text: str) -> str:
    return _TAG_RE.sub(" ", html.unescape(text))


def _gather_lists(per_chunk: list[Iterable[str]], *, codes: np.ndarray, rows: np.ndarray,
                  n_rows: int) -> pa.ListArray:
    """Concatenate, for every row, the string lists of its chunk occurrences (in order)."""
    lengths = np.fromiter(map(len, per_chunk), dtype=np.int64, count=len(per_chunk))
    offsets = np.zeros(len(per_chunk) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    values = pa.array([w for words in per_chunk for w in words], type=pa.string())
    by_chunk = pa.LargeListArray.from_arrays(pa.array(offsets), values)
    flat = pc.list_flatten(by_chunk.take(pa.array(codes)))
    per_row = np.bincount(rows, weights=lengths[codes], minlength=n_rows).astype(np.int64)
    row_offsets = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(per_row, out=row_offsets[1:])
    return pa.LargeListArray.from_arrays(pa.array(row_offsets), flat).cast(pa.list_(pa.string()))


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
