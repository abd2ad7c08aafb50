"""Exact PySastrawi stemming of a vocabulary: each distinct word once, the cheap ones never.

Stemming cost is the vocabulary, not the posts. PySastrawi (1.2.1) spends ~0.2 ms on a word
that is not in its dictionary (names, slang, typos, English): every prefix rule is tried. This
module returns *exactly* what ``StemmerFactory().create_stemmer().stem(word)`` returns, but skips
the full algorithm for words where the result is provably the word itself:

1. the word is a (non-hyphenated) dictionary root: step 1 of the algorithm returns it;
2. the word contains a digit: every intermediate word keeps that digit, and no dictionary
   root contains one (checked at load time);
3. no dictionary word is *reachable* from the word (see :func:`needs_full_stemmer`).

Everything else (affixed words, hyphenated words) goes through PySastrawi itself, in worker
processes when there are enough of them. The persistent cache belongs to the caller: the
functions take ``known`` (word -> stem, e.g. loaded from DuckDB ``stem_cache``) and return only
the new entries worth storing, i.e. those computed with the full algorithm. A word that is
neither in ``known`` nor in the returned entries stems to itself.
"""
from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

# Below this many words for the full algorithm, one process is faster than starting workers
# (measured on the 2-core machine: worker start-up ~0.15 s, full algorithm ~4.5k words/s).
MIN_WORDS_PER_PROCESS = 1500

_PLAIN_WORD_RE = re.compile(r"[a-z0-9]+")
_SASTRAWI_WORD_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxyz")  # the class PySastrawi's rules use
_INFIXES = ("er", "el", "em", "in")  # CS infix rules 37-40: C-er-V... -> C-V...

# Every prefix rule of PySastrawi 1.2.1 (RemovePlainPrefix and disambiguator rules 1-42), as
# (literal start, letters removed, recoding prepended). A superset: the conditions on the next
# letter are ignored, so anything the real rules can do is included.
_PREFIX_RULES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("di", 2, ("",)), ("ke", 2, ("",)), ("se", 2, ("",)),            # plain prefixes
    ("ber", 3, ("", "r")), ("bel", 3, ("",)), ("be", 2, ("",)),      # rules 1-5
    ("ter", 3, ("", "r")), ("te", 2, ("",)),                          # rules 6-9, 35
    ("me", 2, ("",)),                                                 # rule 10
    ("mem", 3, ("", "m", "p")), ("mempe", 5, ("pe",)), ("memp", 4, ("p",)),  # 11-13, 19
    ("men", 3, ("", "n", "t")),                                       # 14-15
    ("meng", 4, ("", "k", "ng")), ("menge", 5, ("",)),                # 16-17
    ("meny", 4, ("ny", "s")),                                         # 18
    ("pe", 2, ("",)), ("per", 3, ("",)), ("pel", 3, ("",)),           # 20-24, 32, 34, 36
    ("pem", 3, ("", "m", "p")), ("pen", 3, ("", "n", "t")),           # 25-28
    ("peng", 4, ("", "k")), ("penge", 5, ("",)), ("peny", 4, ("ny", "s")),  # 29-31
    ("ku", 2, ("",)), ("kau", 3, ("",)),                              # 41-42
)
# What may be left of a word's end after the suffix visitors: derivational (is|isme|isasi|i|
# kan|an), possessive (ku|mu|nya) and particle (lah|kah|tah|pun), each at most once, in this
# order. The "ECS loop" that turns -kan into -k leaves "an..." behind, also matched here.
_SUFFIX_TAILS = frozenset(
    d + p + q for d in ("", "is", "isme", "isasi", "i", "kan", "an")
    for p in ("", "ku", "mu", "nya") for q in ("", "lah", "kah", "tah", "pun"))
_MAX_TAIL = max(map(len, _SUFFIX_TAILS))
_MAX_PREFIX_ROUNDS = 3  # Context.remove_prefixes loops three times


@lru_cache(maxsize=1)
def sastrawi_stemmer():
    """PySastrawi's stemmer as ``StemmerFactory().create_stemmer()`` builds it (cached)."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def _sastrawi_stem(word: str) -> str:
    # The delegate is the plain Stemmer (no ever-growing per-process result cache). For a word of
    # [a-z0-9-] it returns what CachedStemmer.stem returns: text normalisation is a no-op there.
    return sastrawi_stemmer().delegatedStemmer.stem(word)


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """PySastrawi's root-word dictionary, exactly as the stemmer sees it."""
    return frozenset(sastrawi_stemmer().delegatedStemmer.get_dictionary().words)


@lru_cache(maxsize=1)
def _shortcut_is_sound() -> bool:
    """The fast path's assumptions about the dictionary; if one fails, every word is stemmed."""
    words = dictionary()
    junk = {"", "ng", "ny", "pe", "n", "p", "g", "y", "e"} | _CONSONANTS  # possible recoding leftovers
    return not any(any(c.isdigit() for c in w) for w in words) and not (junk & words)


def _rules_by_start() -> dict[str, tuple[tuple[str, int, tuple[str, ...]], ...]]:
    table: dict[str, list] = {}
    for rule in _PREFIX_RULES:
        table.setdefault(rule[0][:2], []).append(rule)
    return {start: tuple(rules) for start, rules in table.items()}


_RULES_BY_START = _rules_by_start()


def _reaches_dictionary(word: str, ends: list[int], words: frozenset[str]) -> bool:
    """Breadth-first over every (recoded prefix, index into word) that up to three prefix-removal
    rounds can give; True as soon as ``recoded + word[index:end]`` is a dictionary word.

    The current word during stemming is always ``recoded + word[index:end]``: rules remove
    letters from the left and prepend at most two ("ng", "ny", "pe") or one letter.
    """
    for end in ends:
        if word[:end] in words:
            return True
    seen = {("", 0)}
    frontier = [("", 0)]
    for _ in range(_MAX_PREFIX_ROUNDS):
        following = []
        for recoded, start in frontier:
            head = recoded + word[start:start + 6]  # rules look at five letters at most
            for new_recoded, removed in _prefix_removals(head):
                # Map "letters removed from the current word" back onto (recoded, index).
                if removed <= len(recoded):
                    state = (new_recoded + recoded[removed:], start)
                else:
                    state = (new_recoded, start + removed - len(recoded))
                if state in seen:
                    continue
                seen.add(state)
                following.append(state)
                prefix, index = state
                for end in ends:
                    if end >= index and prefix + word[index:end] in words:
                        return True
        if not following:
            break
        frontier = following
    return False


def _prefix_removals(head: str) -> list[tuple[str, int]]:
    """(prepended letters, letters removed from the left) for every rule that may fire."""
    out = [(recode, length) for literal, length, recodes in _RULES_BY_START.get(head[:2], ())
           if head.startswith(literal) for recode in recodes]
    if len(head) >= 3 and head[0] in _CONSONANTS and head[1:3] in _INFIXES:
        out.append((head[0], 3))  # C + infix removed, C kept in front
    return out


def needs_full_stemmer(word: str) -> bool:
    """False when PySastrawi provably returns ``word`` unchanged; True when it may not.

    For a word of ``[a-z0-9]`` that is not a dictionary root, the algorithm returns either the
    word or a dictionary root reached by removing suffixes from the right and prefixes/infixes
    from the left (:data:`_PREFIX_RULES`, a superset of its rules). Every word it ever looks at
    has the shape ``recoded + word[i:j]`` where ``word[j:]`` is a chain of suffixes; if no such
    string (nor a piece of a recoding) is in the dictionary, the result is the word itself.
    Hyphenated or unusual words always return True.
    """
    words = _sound_dictionary()
    if words is None or not _PLAIN_WORD_RE.fullmatch(word):
        return True
    if word in words or not word.isalpha():  # a root, or a word with a digit
        return False
    n = len(word)
    ends = [j for j in range(max(0, n - _MAX_TAIL), n) if word[j:] in _SUFFIX_TAILS]
    ends.append(n)
    return _reaches_dictionary(word, ends, words)


@lru_cache(maxsize=1)
def _sound_dictionary() -> frozenset[str] | None:
    return dictionary() if _shortcut_is_sound() else None


def stem(word: str) -> str:
    """Stem one word exactly like ``StemmerFactory().create_stemmer().stem(word)``."""
    if _SASTRAWI_WORD_RE.fullmatch(word):
        return _sastrawi_stem(word) if needs_full_stemmer(word) else word
    return sastrawi_stemmer().stem(word)


def _stem_chunk(words: list[str]) -> list[str]:
    return [stem(w) for w in words]


def _default_processes() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _pool_context():
    # forkserver: workers are forked from a clean server process, safe inside a multi-threaded
    # server such as Streamlit (plain fork is not); spawn where forkserver does not exist.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def stem_vocabulary(
    words: Iterable[str],
    known: Mapping[str, str] | None = None,
    *,
    processes: int | None = None,
) -> dict[str, str]:
    """Stem the distinct ``words`` that are not in ``known``; return the entries worth caching.

    Args:
        words: tokens in any order, repeats allowed (only distinct ones are considered).
        known: cached ``word -> stem`` entries (from the store); these words are skipped.
        processes: worker processes for the full algorithm; default: all usable cores, used only
            when each worker gets at least :data:`MIN_WORDS_PER_PROCESS` words.

    Returns:
        ``word -> stem`` for the new words that needed PySastrawi's full algorithm. Every other
        new word stems to itself (see module docstring), so ``{**known, **result}.get(w, w)`` is
        the stem of any ``w`` in ``words``.
    """
    known = known or {}
    todo = sorted({w for w in words if w not in known and needs_full_stemmer(w)})
    if not todo:
        return {}
    workers = min(processes or _default_processes(), len(todo) // MIN_WORDS_PER_PROCESS)
    if workers <= 1:
        return dict(zip(todo, _stem_chunk(todo)))
    chunks = [todo[i::workers * 4] for i in range(workers * 4)]  # interleaved: similar work each
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
        results = pool.map(_stem_chunk, chunks)
        return {w: s for chunk, stems in zip(chunks, results) for w, s in zip(chunk, stems)}
