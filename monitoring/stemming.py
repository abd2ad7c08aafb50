"""Exact PySastrawi stemming of a vocabulary: each distinct word once, the cheap ones never.

Stemming cost is the vocabulary, not the posts. PySastrawi (1.2.1) spends ~0.2 ms on a word
that is not in its dictionary (names, slang, typos, English): every prefix rule is tried. This
module returns *exactly* what ``StemmerFactory().create_stemmer().stem(word)`` returns, but skips
the full algorithm for words where the result is provably the word itself:

1. the word is a (non-hyphenated) dictionary root: step 1 of the algorithm returns it;
2. the word contains a digit: every intermediate word keeps that digit, and no dictionary
   root contains one (checked at load time);
3. no dictionary word is *reachable* from the word (see :func:`needs_full_stemmer`).

Everything else (affixed words, hyphenated words) goes through PySastrawi itself. Checking and
stemming run in worker processes when the vocabulary is large enough to pay for starting them.

The persistent cache belongs to the caller: :func:`stem_vocabulary` takes ``known`` (word ->
stem, e.g. loaded from DuckDB ``stem_cache``) and returns the entries for the new words only,
for the caller to store. Identity entries are included, so a warm run does no work at all.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

# Below this many new words per worker, one process is faster than starting workers (measured
# on the 2-core machine; see benchmarks/bench_text.py).
MIN_WORDS_PER_PROCESS = 4000

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


_LITERAL_RE = re.compile(r"[a-z0-9-]*")


class _FastRe:
    """Stand-in for the ``re`` module inside PySastrawi's stemming modules; same results.

    - Visitors record the removed affix with ``re.sub(result, '', word, count=1)``, using the
      *result word as a regex*: every distinct word compiles a new pattern (~40 % of the run
      time). For a pattern of ``[a-z0-9-]`` only (no metacharacter; ``-`` is literal outside
      ``[]``) that call equals ``word.replace(result, '', 1)``.
    - Rules call ``re.match(pattern, word)`` with a few dozen fixed patterns; these are compiled
      once and kept in a plain dict instead of going through ``re``'s cache on every call.

    Anything else goes to the real ``re``. tests/test_stemming.py compares the patched stemmer
    with the unpatched one on thousands of words.
    """

    def __init__(self):
        self._compiled: dict[str, re.Pattern] = {}

    def __getattr__(self, name):
        return getattr(re, name)

    def sub(self, pattern, repl, string, count=0, flags=0):
        if (count == 1 and repl == "" and not flags and isinstance(pattern, str)
                and _LITERAL_RE.fullmatch(pattern)):
            return string.replace(pattern, "", 1)
        return re.sub(pattern, repl, string, count=count, flags=flags)

    def match(self, pattern, string, flags=0):
        if flags or not isinstance(pattern, str):
            return re.match(pattern, string, flags)
        compiled = self._compiled.get(pattern)
        if compiled is None:
            compiled = self._compiled[pattern] = re.compile(pattern)
        return compiled.match(string)


def _sastrawi_modules_using_re() -> list:
    import importlib
    import pkgutil

    import Sastrawi.Morphology.Disambiguator as rules
    import Sastrawi.Stemmer.Context.Visitor as visitors

    names = ["Sastrawi.Stemmer.Stemmer", "Sastrawi.Stemmer.ConfixStripping."
             "PrecedenceAdjustmentSpecification"]
    for package in (rules, visitors):
        names += [package.__name__ + "." + m.name for m in pkgutil.iter_modules(package.__path__)]
    modules = [importlib.import_module(name) for name in names]
    return [m for m in modules if getattr(m, "re", None) is not None]


def use_fast_re(enabled: bool = True) -> None:
    """Install (or remove) :class:`_FastRe` as ``re`` in PySastrawi's stemming modules."""
    fast = _FastRe()
    for module in _sastrawi_modules_using_re():
        module.re = fast if enabled else re


@lru_cache(maxsize=1)
def sastrawi_stemmer():
    """PySastrawi's stemmer as ``StemmerFactory().create_stemmer()`` builds it (cached), with
    its modules' ``re`` replaced by the identical, faster :class:`_FastRe`."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    use_fast_re(True)
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


def _default_processes() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _stem_in_workers(words: list[str], workers: int) -> list[str] | None:
    """Stem ``words`` (one per line, [a-z0-9-]) in ``workers`` fresh ``python -m
    monitoring.stemming`` processes; None when a worker fails.

    Plain subprocesses rather than multiprocessing: no fork of a multi-threaded server
    (Streamlit), no re-import of the caller's ``__main__``, start-up ~0.1 s of CPU.
    """
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (package_root, env.get("PYTHONPATH"))))
    chunks = [words[i::workers] for i in range(workers)]  # interleaved: similar work each

    def run(chunk: list[str]) -> list[str] | None:
        try:
            proc = subprocess.run([sys.executable, "-m", "monitoring.stemming"], input="\n".join(chunk),
                                  capture_output=True, text=True, encoding="utf-8", env=env,
                                  check=False, timeout=3600)
        except (OSError, subprocess.SubprocessError):
            return None
        stems = proc.stdout.split("\n")
        return stems if proc.returncode == 0 and len(stems) == len(chunk) else None

    with ThreadPoolExecutor(max_workers=workers) as threads:
        results = list(threads.map(run, chunks))
    if any(r is None for r in results):
        return None
    stems = dict(zip((w for c in chunks for w in c), (s for r in results for s in r)))
    return [stems[w] for w in words]


def stem_vocabulary(
    words: Iterable[str],
    known: Mapping[str, str] | None = None,
    *,
    processes: int | None = None,
) -> dict[str, str]:
    """Stem the distinct ``words`` that are not in ``known``; return these new entries.

    Args:
        words: tokens in any order, repeats allowed (each distinct word is stemmed once).
        known: cached ``word -> stem`` entries (from the store); these words are skipped.
        processes: worker processes; default all usable cores. Workers are started only when
            each gets at least :data:`MIN_WORDS_PER_PROCESS` new words.

    Returns:
        ``word -> stem`` for every new word (``stem == word`` for most of them), exactly as
        ``StemmerFactory().create_stemmer().stem(word)`` gives it.
    """
    known = known or {}
    todo = sorted({w for w in words if w not in known})
    plain = [w for w in todo if _SASTRAWI_WORD_RE.fullmatch(w)]  # safe to send one per line
    workers = min(processes or _default_processes(), len(plain) // MIN_WORDS_PER_PROCESS)
    stems = _stem_in_workers(plain, workers) if workers > 1 else None
    result = dict(zip(plain, stems)) if stems is not None else {}
    for word in todo:
        if word not in result:
            result[word] = stem(word)
    return result


def _serve_worker() -> None:
    """Worker entry point: words on stdin (one per line), stems on stdout, same order."""
    words = sys.stdin.read().split("\n")
    sys.stdout.write("\n".join(stem(w) for w in words))


if __name__ == "__main__":
    _serve_worker()
