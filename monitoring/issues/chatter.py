"""Reactions are not topics: emoji, laughter and one-word cheers are left out of issue detection.

Posts carry reactions (``😭😭``, ``wkwkwk``, ``mantap``, ``menyala abangku``, friends tagged) that say
how people feel, not what they talk about. The text stage keeps them as tokens
(``emoji_wajah_menangis_keras``) because sentiment reads them; the issue stage must not: a shared
crying emoji would glue a flood video's comments to a regulation's, and a comment that is only
reactions would become an issue of its own ("emoji_mengangkat_tangan emoji_api · menyala").

:func:`is_reaction` says which tokens are reactions: emoji tokens, laughter (``wkwk``, ``hahaha``,
``awokawok``, ``akwoakwoak``) and the team's list of cheers, jeers and exclamations
(``data/reaction_words.txt``). :func:`content_tokens` drops them from token codes (a vectorised
filter over the vocabulary, the same in fit and predict), so a post made only of reactions has no
content left: it is noise for issue detection, and no micro-cluster can be held together by them.
Names (labels, headlines) never show them either (:mod:`monitoring.issues.labels`,
:mod:`monitoring.issues.headlines`).
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from monitoring.data_files import read_word_lines
from monitoring.store.token_codes import TokenCodes
from monitoring.text.lexicons import laughter

REACTION_WORDS_FILE = "reaction_words.txt"
EMOJI_PREFIX = "emoji_"
# laughter spellings the text stage does not unify (it knows wkwk, haha, hehe, hihi, xixi, huhu)
_MORE_LAUGHTER = re.compile(r"(?:a?kwo){2,}a?k?|(?:ak){2,}|(?:wk|kw){2,}[wk]*|awo+k\w{0,3}|a?wo+k(?:wo+k)+\w{0,3}"
                            r"|wa?k(?:ak)+k*")


@lru_cache(maxsize=1)
def reaction_words() -> frozenset[str]:
    """The team's cheers, jeers and exclamations (``data/reaction_words.txt``)."""
    return frozenset(w.lower() for w in read_word_lines(REACTION_WORDS_FILE))


@lru_cache(maxsize=200_000)
def is_reaction(token: str) -> bool:
    """True when a token reacts without naming a topic: an emoji token, laughter or a cheer.

    >>> [is_reaction(t) for t in ("emoji_api", "wkwk", "akwoakwoak", "mantap", "tapera")]
    [True, True, True, True, False]
    """
    word = token.lower()
    return (word.startswith(EMOJI_PREFIX) or word in reaction_words() or laughter(word) is not None
            or _MORE_LAUGHTER.fullmatch(word) is not None)


def reaction_mask(vocabulary: np.ndarray) -> np.ndarray:
    """Boolean per vocabulary word: True for reactions."""
    return np.fromiter((is_reaction(str(w)) for w in vocabulary), dtype=bool, count=len(vocabulary))


def content_tokens(tokens: TokenCodes) -> TokenCodes:
    """The same documents without reaction tokens (document count and order unchanged).

    Bigrams then join the words around a dropped reaction (``gaji 😭 dipotong`` gives
    ``gaji potong``), in fit and predict alike.
    """
    if not len(tokens.codes):
        return tokens
    used = np.unique(tokens.codes)  # a subset shares its parent's whole vocabulary: check only its words
    drop = np.zeros(len(tokens.vocabulary), dtype=bool)
    drop[used] = reaction_mask(tokens.vocabulary[used])
    if not drop.any():
        return tokens
    keep = ~drop[tokens.codes]
    lengths = np.bincount(tokens.documents[keep], minlength=len(tokens)).astype(np.int64)
    return TokenCodes(tokens.codes[keep], lengths, tokens.vocabulary)


def is_content_free(tokens) -> bool:
    """True when a token list holds no content word (only reactions, or nothing)."""
    return not any(not is_reaction(str(t)) for t in tokens)
