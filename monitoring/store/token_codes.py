"""Token lists of many documents as integers: one flat code array, per-document lengths and a vocabulary.

The issue stage reads every post's tokens several times: duplicate groups, the TF-IDF fit, bursty
terms, assignment. Flattening a column of a million token lists and factorising its ~23M strings
costs ~2-3 s each time, so the stage converts once (:meth:`TokenCodes.of`) and passes the codes on;
a subset (:meth:`TokenCodes.take`) is an integer gather that shares the vocabulary.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Iterable, Sequence

import numpy as np
import pandas as pd


def token_arrays(tokens: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Flatten a column of token lists into one object array and per-document lengths.

    Args:
        tokens: Series whose values are lists (or arrays / tuples) of str; other values
            (None, NaN) count as empty documents.

    Returns:
        ``(flat, lengths)``: all tokens in document order, and the token count per document.
    """
    values = [v if isinstance(v, (list, tuple, np.ndarray)) else () for v in tokens.to_numpy(object)]
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if values and all(type(v) is np.ndarray for v in values):  # as the store returns them: ~1/3 faster
        return np.concatenate(values).astype(object, copy=False), lengths
    flat = np.fromiter(chain.from_iterable(values), dtype=object, count=int(lengths.sum()))
    return flat, lengths


@dataclass(frozen=True, eq=False)
class TokenCodes:
    """Documents' tokens: ``vocabulary[codes[starts[i]:starts[i] + lengths[i]]]`` is document i.

    The vocabulary may hold words that no document of a subset uses.
    """

    codes: np.ndarray       # int32 (half the memory of 1M posts' 23M tokens), every document's tokens in order
    lengths: np.ndarray     # int64, tokens per document
    vocabulary: np.ndarray  # object array of str

    @classmethod
    def of(cls, tokens: TokenCodes | pd.Series | Iterable[Sequence[str]]) -> TokenCodes:
        """The codes of a column of token lists (None / NaN are empty documents); codes as they are."""
        if isinstance(tokens, TokenCodes):
            return tokens
        if not isinstance(tokens, pd.Series):
            tokens = pd.Series(list(tokens), dtype=object)
        flat, lengths = token_arrays(tokens)
        codes, vocabulary = pd.factorize(flat)
        return cls(codes.astype(np.int32), lengths, np.asarray(vocabulary, dtype=object))

    def __len__(self) -> int:
        return len(self.lengths)

    def __reduce__(self):
        """Pickled with only the words its documents use (:meth:`renumbered`): a chunk sent to a
        worker carries its own words, not the whole store's vocabulary."""
        codes, words = self.local()
        return (TokenCodes, (codes.astype(np.int32), self.lengths, words))

    @cached_property
    def starts(self) -> np.ndarray:
        """Position in :attr:`codes` of each document's first token."""
        return np.concatenate(([0], np.cumsum(self.lengths)[:-1])).astype(np.int64)

    @cached_property
    def documents(self) -> np.ndarray:
        """Document number of each position in :attr:`codes`."""
        return np.repeat(np.arange(len(self.lengths), dtype=np.int64), self.lengths)

    def take(self, rows: np.ndarray | Sequence[int]) -> TokenCodes:
        """The documents at ``rows`` (positions), in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        lengths = self.lengths[rows]
        first = self.starts[rows]
        offsets = np.cumsum(lengths) - lengths  # where each taken document starts in the result
        positions = np.repeat(first - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
        return TokenCodes(self.codes[positions], lengths, self.vocabulary)

    def slice(self, start: int, stop: int) -> TokenCodes:
        """Documents ``start:stop`` (a view of the codes, no copy)."""
        stop = min(stop, len(self))
        begin = int(self.starts[start]) if start < len(self) else len(self.codes)
        end = begin + int(self.lengths[start:stop].sum())
        return TokenCodes(self.codes[begin:end], self.lengths[start:stop], self.vocabulary)

    def local(self) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, words)`` numbered by first appearance in these documents (as ``pd.factorize`` of
        their tokens would number them): word counts and columns do not depend on the vocabulary
        the documents were taken from."""
        codes, used = pd.factorize(self.codes)
        return codes.astype(np.int64, copy=False), self.vocabulary[used]

    def renumbered(self) -> TokenCodes:
        """The same documents, words numbered by first appearance (:meth:`local`), as :meth:`of`
        numbers a column of token lists: results that depend on the numbering (MinHash) are the
        same whatever vocabulary the codes came with."""
        codes, words = self.local()
        return TokenCodes(codes.astype(np.int32), self.lengths, words)
