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
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache

from monitoring.processes import start_python

# Worker processes start once this many new words wait for stemming: below it, one process is
# as fast as starting workers (measured on the 2-core machine, benchmarks/bench_text.py).
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
    junk = {"", "ng", "ny", "pe", "n", "p", "g", "y", "e"} | _CONSONANTS  # recoding leftovers
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
    """Usable cores not already busy: on a loaded machine extra processes only add start-up."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        busy = max(0.0, os.getloadavg()[0] - 1.0)  # the load includes this process
    except OSError:
        busy = 0.0
    return max(1, min(cores, round(cores - busy)))


class _Worker:
    """One ``python -m monitoring.text.stemming`` process fed through its stdin while it works.

    Plain subprocesses rather than multiprocessing: no fork of a multi-threaded server
    (Streamlit), no re-import of the caller's ``__main__``, start-up ~0.1 s of CPU. A writer
    and a reader thread keep both pipes moving, so neither side can block the other.
    """

    def __init__(self):
        self.proc = start_python(["-m", "monitoring.text.stemming"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        self.words: list[str] = []
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._output: list[str] = []
        self._threads = [threading.Thread(target=self._write, daemon=True),
                         threading.Thread(target=self._read, daemon=True)]
        for thread in self._threads:
            thread.start()

    def send(self, words: list[str]) -> None:
        self.words.extend(words)
        self._queue.put("".join(w + "\n" for w in words))

    def _write(self) -> None:
        try:
            while (data := self._queue.get()) is not None:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            self.proc.stdin.close()
        except OSError:  # the worker died; finish() notices
            pass

    def _read(self) -> None:
        self._output.append(self.proc.stdout.read())

    def finish(self) -> dict[str, str] | None:
        """Stems of every word sent, or None when the worker failed."""
        self._queue.put(None)
        for thread in self._threads:
            thread.join()
        stems = "".join(self._output).split("\n")[:-1]
        if self.proc.wait() != 0 or len(stems) != len(self.words):
            return None
        return dict(zip(self.words, stems))


class BackgroundStemmer:
    """Stems new words in worker processes while the caller goes on working.

    :meth:`submit` words as they are found (known and repeated ones are ignored). Once
    :data:`MIN_WORDS_PER_PROCESS` are waiting, ``processes`` workers start and get the words in
    batches; :meth:`result` waits and returns the stem of every submitted word. With fewer
    words, one core, or a failing worker, the work is done in this process: same result.

    Args:
        known: cached ``word -> stem`` entries; these words are not stemmed again.
        processes: worker processes (default: usable cores not busy with other work, from the
            1-minute load average; 1 = never start workers).
    """

    def __init__(self, known: Mapping[str, str] | None = None, *, processes: int | None = None):
        self.known = known or {}
        self.processes = processes or _default_processes()
        self._seen: set[str] = set()
        self._waiting: list[str] = []
        self._local: list[str] = []  # words that cannot be sent one per line
        self._workers: list[_Worker] = []

    def submit(self, words: Iterable[str]) -> None:
        for word in words:
            if word not in self._seen and word not in self.known:
                self._seen.add(word)
                (self._waiting if _SASTRAWI_WORD_RE.fullmatch(word) else self._local).append(word)
        if not self._workers and self.processes > 1 and len(self._waiting) >= MIN_WORDS_PER_PROCESS:
            self._start_workers()
        if self._workers:
            waiting, self._waiting = self._waiting, []
            for i, worker in enumerate(self._workers):
                worker.send(waiting[i::len(self._workers)])  # interleaved: similar work each

    def _start_workers(self) -> None:
        try:
            for _ in range(self.processes):
                self._workers.append(_Worker())
        except OSError:  # no subprocesses here (sandbox): stay in this process
            for worker in self._workers:
                worker.finish()
            self._workers, self.processes = [], 1

    def result(self) -> dict[str, str]:
        """``word -> stem`` for every submitted new word; waits for the workers."""
        stems: dict[str, str] = {}
        for worker in self._workers:
            done = worker.finish()
            if done is None:
                self._local.extend(worker.words)
            else:
                stems.update(done)
        self._workers = []
        for word in self._waiting + self._local:
            stems[word] = stem(word)
        self._waiting, self._local = [], []
        return stems


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
        processes: worker processes; default all usable cores, started only for at least
            :data:`MIN_WORDS_PER_PROCESS` new words (see :class:`BackgroundStemmer`).

    Returns:
        ``word -> stem`` for every new word (``stem == word`` for most of them), exactly as
        ``StemmerFactory().create_stemmer().stem(word)`` gives it.
    """
    stemmer = BackgroundStemmer(known, processes=processes)
    stemmer.submit(words)
    return stemmer.result()


def _serve_worker() -> None:
    """Worker entry point: words on stdin (one per line), stems on stdout, same order."""
    for line in sys.stdin:
        sys.stdout.write(stem(line.rstrip("\n")) + "\n")


if __name__ == "__main__":
    _serve_worker()
