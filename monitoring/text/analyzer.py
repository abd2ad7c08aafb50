"""The analyzer of Indonesian social-media text: one text (or chunk, or word) into clean words and
stemmed tokens.

:class:`TextAnalyzer` applies the rules of :mod:`monitoring.text.patterns` with one set of lexicons
(:mod:`monitoring.text.lexicons`: slang, stopwords, emoji, hashtag splitting) and remembers every
whitespace chunk and every word it has parsed, so a corpus costs one parse per *distinct* chunk.
Words are stemmed with PySastrawi (:mod:`monitoring.text.stemming`), one by one or, deferred, in a
batch. :func:`tokenize_query` and :func:`clean_text` analyse one search query or text with a
cached analyzer; the stage over a frame of posts is :func:`monitoring.text.cleaning.add_tokens`.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from functools import lru_cache

from monitoring.text import lexicons, stemming
from monitoring.text.lexicons import deelongations, laughter, split_hashtag
from monitoring.text.patterns import (
    EDGE_PUNCTUATION,
    EMAIL_RE,
    HASHTAG_RE,
    LONG_RUN_RE,
    MENTION_RE,
    NUMERIC_RE,
    REDUP2_RE,
    RUN_RE,
    TAG_RE,
    TOKEN_RE,
    URL_RE,
    replace_emoji,
)


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
            text = TAG_RE.sub(" ", text)
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
        word = chunk.strip(EDGE_PUNCTUATION)
        if word.isascii() and word.isalnum() and "2" not in word:  # most chunks: one word
            word = word.lower()
            parsed = self._words.get(word) or self._add_word(word)
            self._tokens[chunk] = parsed[1]
            text = self._clean[chunk] = " ".join(parsed[0])
            return text
        if not chunk.isascii():
            chunk = replace_emoji(chunk, self.emoji)
        if chunk.startswith("RT@"):  # retweet marker glued to the mention
            chunk = chunk[2:]
        if "@" in chunk:
            chunk = EMAIL_RE.sub(" ", chunk)
        if "." in chunk or "/" in chunk:
            chunk = URL_RE.sub(" ", chunk)
        if "@" in chunk:
            self._mentions[original] = tuple(m.lower() for m in MENTION_RE.findall(chunk))
            chunk = MENTION_RE.sub(" ", chunk)
        if "#" in chunk:
            self._tags[original] = tuple(t.lower() for t in HASHTAG_RE.findall(chunk))
            chunk = HASHTAG_RE.sub(lambda m: " " + self._hashtag_words(m.group(1)) + " ", chunk)
        low = chunk.lower()
        if "2" in low:
            low = REDUP2_RE.sub(r"\1-\1\2", low)
        clean: list[str] = []
        tokens: list[str] = []
        for token in TOKEN_RE.findall(low):
            parsed = self._words.get(token) or self._add_word(token)
            clean.extend(parsed[0])
            tokens.extend(parsed[1])
        self._tokens[original] = tuple(tokens)
        text = self._clean[original] = " ".join(clean)
        return text

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
        if not token.isalpha() and NUMERIC_RE.fullmatch(token):
            return (token,), ()
        if "-" in token:
            return self._parse_compound(token)
        words = self.normalise_spelling(token)
        content = tuple(self._stem(w) for w in words if len(w) > 1 and w not in self.stopwords
                        and (w.isalpha() or not NUMERIC_RE.fullmatch(w)))
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
        if token in self.known or not RUN_RE.search(token):
            return (token,)
        for candidate in deelongations(token):
            formal = self.slang.get(candidate)
            if formal is not None:
                return tuple(formal.split())
            if candidate in self.known:
                return (candidate,)
        return (LONG_RUN_RE.sub(r"\1", token),)

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

    # --- many chunks (the stage works on the distinct chunks of all posts) ---------------
    def parse_chunks(self, chunks: Iterable[str]) -> list[str]:
        """Clean text of each chunk, parsing the chunks not seen before."""
        return list(map(self._clean.__getitem__, chunks))

    def chunk_tokens(self, chunks: Iterable[str], stems: Mapping[str, str]) -> list[list[str]]:
        """Tokens of each parsed chunk, with ``stems`` (``{word: stem}``) applied."""
        stem = stems.get
        return [[stem(w, w) for w in self._tokens[c]] for c in chunks]

    def chunk_hashtags(self, chunks: Iterable[str]) -> list[tuple[str, ...]]:
        """Hashtags (lower-case, without ``#``) of each parsed chunk."""
        return [self._tags.get(c, ()) for c in chunks]

    def chunk_mentions(self, chunks: Iterable[str]) -> list[tuple[str, ...]]:
        """Mentions (lower-case, without ``@``) of each parsed chunk."""
        return [self._mentions.get(c, ()) for c in chunks]


class _ChunkMemo(dict):
    """dict that computes a missing chunk with ``compute`` (which stores it)."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, chunk: str) -> str:
        return self.compute(chunk)


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
    """CLEAN_TEXT of one text (what it keeps: :mod:`monitoring.text.cleaning`)."""
    return _analyzer_for(extra_slang, None).analyse(text)[0]
