"""Headlines: a short phrase in the words posts use ("kenaikan PPN jadi 12 persen").

A term label (``PPN persen · naik · kena``) says which stems are distinctive; an analyst, and the
leadership reading the briefing, wants words people actually wrote. :func:`headline` picks, from a
sample of an issue's (or a narrative's) post texts, the phrase of ``MIN_WORDS``-``MAX_WORDS`` words
that best combines being frequent and naming the issue:

1. Texts are cut into clauses (at ``. , ! ? ; :`` and line breaks); links, ``@handles``,
   ``#hashtags``, emoji and ``RT`` are removed first, so a headline never holds them.
2. Candidates are the word n-grams of the clauses that start and end with a content word (not a
   stopword, particle or number-only word at the end) and hold no reaction (laughter, cheers:
   :func:`monitoring.issues.chatter.is_reaction`).
3. A candidate is written in at least ``MIN_SHARE`` of the texts (and ``MIN_TEXTS`` texts). The
   headline names the best distinctive term that such a candidate holds (a surface form of its
   stems: ``kenaikan`` for ``naik``), so it names the issue's subject rather than one of its
   framings; among those candidates the score is ``texts holding it x term weight it covers x
   words ** LENGTH_WEIGHT`` (the k-th best term weighs ``1 / k**2``): frequent, on topic, and as
   long as people keep writing it.
4. Each word is shown in the form posts mostly write it (acronyms in capitals: ``PPN``, ``KIP``).

No candidate (too few texts, only single words) gives ``""``: callers then show the term label.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from monitoring.issues.chatter import is_reaction
from monitoring.issues.labels import _best_form, _candidate_stems
from monitoring.text.lexicons import is_stopword

MIN_WORDS, MAX_WORDS = 2, 6
MIN_SHARE = 0.03   # of the texts must hold a headline
MIN_TEXTS = 3
LENGTH_WEIGHT = 0.6
SAMPLE = 150       # texts read per issue (the most typical ones)

_DROP = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:com|co\.id|id|ly|net|org)(?:/\S*)?|[@#]\w+|\bRT\b",
                   re.IGNORECASE)
_CLAUSE = re.compile(r"[.,!?;:\n\r\t…\"“”()\[\]|/]+|\s-\s")
_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_][\w-]*", re.UNICODE)


def headline(texts: Iterable[str], terms: Sequence[str], *, min_share: float = MIN_SHARE,
             min_texts: int = MIN_TEXTS) -> str:
    """The most typical phrase of ``texts`` naming ``terms`` (best first), or ``""``.

    Args:
        texts: original post texts of one issue or narrative (a sample is enough).
        terms: its distinctive terms, best first (stems; unigrams and bigrams).
        min_share: share of the texts that must hold the phrase.
        min_texts: texts that must hold the phrase, at least.

    >>> headline(["Kenaikan PPN jadi 12 persen, berat", "kenaikan PPN jadi 12 persen!! 😭", "tolak kenaikan PPN",
    ...           "wkwk kenaikan PPN jadi 12 persen @menkeu"], ["ppn", "naik"])
    'kenaikan PPN jadi 12 persen'
    """
    weights = _term_weights(terms)
    counts: Counter = Counter()
    forms: dict[str, Counter] = defaultdict(Counter)
    n_texts = 0
    for text in texts:
        if not isinstance(text, str):
            continue
        n_texts += 1
        counts.update(set(_phrases(text, forms)))
    needed = max(min_texts, min_share * n_texts)
    frequent = [(phrase, df) for phrase, df in counts.items() if df >= needed]
    for term in terms[:10]:  # the best term people write in a frequent phrase names the issue
        stems = set(term.split(" "))
        scored = [(df * _coverage(p, weights) * len(p) ** LENGTH_WEIGHT, p) for p, df in frequent
                  if stems <= _stems_of(p)]
        if scored:
            best = max(scored, key=lambda item: (item[0], [-ord(c) for c in " ".join(item[1])]))[1]
            return " ".join(_best_form(forms[w]) for w in best)
    return ""


def _term_weights(terms: Sequence[str]) -> dict[str, float]:
    """Stem -> weight (1 for the best term, 1/4 for the second, 1/9 for the third...); a bigram's
    words share its weight. Steep: the headline should name what the issue is about first."""
    weights: dict[str, float] = {}
    for rank, term in enumerate(terms[:10]):
        for word in term.split(" "):
            weights[word] = max(weights.get(word, 0.0), 1.0 / (1 + rank) ** 2)
    return weights


def _stems_of(phrase: tuple[str, ...]) -> set[str]:
    """Every stem the phrase's words can be (each word itself included)."""
    stems: set[str] = set()
    for word in phrase:
        stems |= _candidate_stems(word) | {word}
    return stems


def _coverage(phrase: tuple[str, ...], weights: dict[str, float]) -> float:
    """Sum of the term weights of the distinct stems the phrase's words can be."""
    return sum(weights[s] for s in _stems_of(phrase) if s in weights)


def _phrases(text: str, forms: dict[str, Counter]) -> Iterable[tuple[str, ...]]:
    """Word n-grams of ``text`` that may be headlines (lower case); records each word's written forms."""
    for clause in _CLAUSE.split(_DROP.sub(" ", text)):
        words = _WORD.findall(clause)
        lowered = [w.lower() for w in words]
        for word, low in zip(words, lowered):
            forms[low][word] += 1
        usable = [not is_reaction(w) for w in lowered]
        for start in range(len(lowered)):
            if not _edge(lowered[start], first=True):
                continue
            for end in range(start + MIN_WORDS, min(start + MAX_WORDS, len(lowered)) + 1):
                if not usable[end - 1]:
                    break
                if all(usable[start:end]) and _edge(lowered[end - 1], first=False):
                    yield tuple(lowered[start:end])


@lru_cache(maxsize=100_000)
def _edge(word: str, *, first: bool) -> bool:
    """A word a headline may start (``first``) or end with: content, not a reaction; a number may
    only start one ("12 persen")."""
    if is_reaction(word) or len(word) < 2 and not word.isdigit():
        return False
    if word[0].isdigit():
        return first
    return not is_stopword(word)
