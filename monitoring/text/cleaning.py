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

This module runs the stage over a frame (Arrow splitting and gathering, stemming handed to worker
processes while parsing goes on); the rules are :mod:`monitoring.text.patterns` and the per-chunk
and per-word analysis is :class:`monitoring.text.analyzer.TextAnalyzer`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from monitoring import schema
from monitoring.errors import MappingError
from monitoring.text import lexicons, stemming
from monitoring.text.analyzer import TextAnalyzer, clean_text, tokenize_query
from monitoring.text.lexicons import (
    NEGATIONS,
    deelongations,
    is_slang,
    is_stopword,
    laughter,
    split_hashtag,
)
from monitoring.text.patterns import decode_html

# The text stage's public names, wherever they are defined (and ``STOPWORDS``, computed on first
# access by :func:`__getattr__`).
__all__ = [
    "NEGATIONS", "TextAnalyzer", "TokenJob", "add_tokens", "clean_text", "deelongations", "is_slang",
    "is_stopword", "laughter", "split_hashtag", "start_tokens", "tokenize_query",
]

_PARSE_BATCH = 20_000  # chunks parsed between two hand-overs of new words to the stemmer


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
        clean.extend(analyzer.parse_chunks(chunks[start:start + _PARSE_BATCH]))
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
        restem = {w: s for w, s in new_stems.items() if s != w}
        analyzer, chunks, posts = self.analyzer, self.chunks, self.posts
        # 4. per-chunk results gathered back into one value per post, in Arrow
        gather = partial(_gather_lists, codes=self.codes, rows=self.rows, n_rows=len(posts))
        lists = {
            schema.TOKENS: gather(analyzer.chunk_tokens(chunks, restem)),
            schema.HASHTAGS: gather(analyzer.chunk_hashtags(chunks)),
            schema.MENTIONS: gather(analyzer.chunk_mentions(chunks)),
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
    if isinstance(values, pa.ChunkedArray):  # pandas' Arrow-backed strings come in chunks
        values = values.combine_chunks()
    has_html = pc.match_substring_regex(values, r"&|<[/a-zA-Z]")
    if pc.any(has_html).as_py():
        raw = pc.filter(values, has_html).to_pylist()
        decoded = pa.array(map(decode_html, raw), pa.string())
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


def __getattr__(name: str):
    if name == "STOPWORDS":
        return lexicons.default_stopwords()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
