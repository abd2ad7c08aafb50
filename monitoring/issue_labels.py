"""Describe issues to people: distinctive terms (class-based TF-IDF), readable labels.

Terms are token unigrams and bigrams (``"harga bbm"``). A cluster's distinctive terms are
ranked by class-based TF-IDF, BERTopic style but on document frequencies so one spammer cannot
push a word up: ``w(t, c) = df(t, c) / sum_t df(t, c) * log(1 + A / df(t))`` with ``df(t, c)`` the
number of documents of class ``c`` holding ``t``, ``df(t)`` its total over classes, and ``A`` the
average number of term occurrences per class. Noise is one more class, so words every class
uses (``rakyat``, ``pemerintah``) rank low everywhere.

A label is the best bigram plus the best unigrams not already in it, joined by " · ", shown in
their most frequent surface form when the original texts are given ("kenaikan" for the stem
"naik" if posts mostly write that; "BBM" when posts mostly write it in capitals).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

LABEL_SEPARATOR = " · "

# Chatter that survives stopword lists in social-media text; never shown in a label.
CHATTER_WORDS = frozenset(
    "wkwk wkwkwk wkwkwkwk haha hahaha hehe anjir anjay njir gan sis min bro guys nih sih dong deh kok "
    "lho loh kan yah ya yg aja udah udh gak ga nggak enggak tdk bgt banget amp rt via cc fyi btw "
    "duh hadeh astaga aduh woy woi lah kah pun tuh gitu gini kayak kek".split()
)

_PREFIXES = ("", "di", "ke", "se", "ter", "ber", "be", "per", "pe", "me", "mem", "men", "meng", "meny",
             "pem", "pen", "peng", "peny", "memper", "diper")
_SUFFIXES = ("", "kan", "an", "i", "nya", "lah", "kah", "pun", "kannya", "annya")
_NASAL = {"meny": "s", "peny": "s", "mem": "p", "pem": "p", "men": "t", "pen": "t", "meng": "k", "peng": "k"}
_WORD = re.compile(r"\w+")


def document_terms(tokens: Sequence[str]) -> list[str]:
    """Unigrams and bigrams of one token list: the analyzer of every issue vectorizer.

    >>> document_terms(["harga", "bbm", "naik"])
    ['harga', 'bbm', 'naik', 'harga bbm', 'bbm naik']
    """
    tokens = list(tokens)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def class_tfidf(doc_terms: sparse.spmatrix, classes: np.ndarray, n_classes: int) -> np.ndarray:
    """Class-based TF-IDF weights, shape ``(n_classes, n_terms)``.

    Args:
        doc_terms: (n_docs, n_terms) matrix; any non-zero counts as "document holds term".
        classes: class per document in ``[0, n_classes)``; use ``n_classes - 1`` (or any extra
            class) for noise so it acts as background.
        n_classes: number of classes, including the background class.
    """
    binary = (sparse.csr_matrix(doc_terms) != 0).astype(np.float64)
    one_hot = sparse.csr_matrix(
        (np.ones(len(classes)), (classes, np.arange(len(classes)))), shape=(n_classes, len(classes))
    )
    df = np.asarray((one_hot @ binary).todense())
    total = df.sum(axis=0)
    average = df.sum() / max(n_classes, 1)
    idf = np.log1p(average / np.maximum(total, 1))
    tf = df / np.maximum(df.sum(axis=1, keepdims=True), 1)
    return tf * idf


def top_terms(
    weights: np.ndarray, terms: Sequence[str], *, n: int = 10, stopwords: Iterable[str] = ()
) -> list[list[str]]:
    """The ``n`` highest-weighted terms per row, skipping terms holding a stopword or chatter."""
    banned = set(stopwords) | CHATTER_WORDS
    allowed = np.array([_showable(term, banned) for term in terms], dtype=bool)
    result = []
    for row in weights:
        order = np.argsort(-row, kind="stable")
        result.append([terms[i] for i in order if allowed[i] and row[i] > 0][:n])
    return result


def _showable(term: str, banned: set[str]) -> bool:
    words = term.split(" ")
    return all(len(w) > 1 and w not in banned and not w.startswith(("@", "http")) for w in words)


def readable_label(terms: Sequence[str], surface: Mapping[str, str] | None = None, *, parts: int = 3) -> str:
    """A short label: the best bigram plus the best unigrams it does not contain.

    Args:
        terms: distinctive terms, best first (from :func:`top_terms`).
        surface: optional stem -> display word map (from :func:`surface_forms`).
        parts: number of " · "-separated parts.

    >>> readable_label(["pertalite", "bbm", "harga bbm", "naik"])
    'harga bbm · pertalite · naik'
    """
    surface = surface or {}
    bigram = next((t for t in terms[:10] if " " in t), None)
    chosen = [bigram] if bigram else []
    used = set(bigram.split(" ")) if bigram else set()
    for term in terms:
        if len(chosen) >= parts:
            break
        if " " not in term and term not in used:
            chosen.append(term)
            used.add(term)
    return LABEL_SEPARATOR.join(" ".join(surface.get(w, w) for w in t.split(" ")) for t in chosen)


def surface_forms(texts: Iterable[str], token_lists: Iterable[Sequence[str]], stems: Iterable[str]) -> dict[str, str]:
    """Map each stem to the word posts most often write for it.

    A word counts as a form of a stem when the stem is also a token of the same post and the
    word is the stem with Indonesian affixes (``ke-an``, ``me-kan``, nasal ``meN-``, ``-nya``...).
    Capitals are kept for words mostly written in capitals (acronyms: BBM, PPN, UKT).

    Args:
        texts: original post texts.
        token_lists: the tokens of the same posts, in the same order.
        stems: the stems to map (e.g. every word of a label).

    Returns:
        ``{stem: display word}`` for the stems seen; unseen stems are absent.
    """
    wanted = set(stems)
    counts: dict[str, Counter] = {s: Counter() for s in wanted}
    for text, tokens in zip(texts, token_lists):
        present = wanted.intersection(tokens)
        if not present or not isinstance(text, str):
            continue
        for word in _WORD.findall(text):
            for stem in _candidate_stems(word.lower()) & present:
                counts[stem][word] += 1
    return {stem: _best_form(c) for stem, c in counts.items() if c}


def _candidate_stems(word: str) -> set[str]:
    found = set()
    for prefix in _PREFIXES:
        if not word.startswith(prefix):
            continue
        for suffix in _SUFFIXES:
            if suffix and not word.endswith(suffix):
                continue
            core = word[len(prefix):len(word) - len(suffix)]
            if len(core) >= 2:
                found.add(core)
                if prefix in _NASAL:
                    found.add(_NASAL[prefix] + core)
    return found


def _best_form(counts: Counter) -> str:
    lower = Counter()
    for word, n in counts.items():
        lower[word.lower()] += n
    best = lower.most_common(1)[0][0]
    upper = sum(n for w, n in counts.items() if w.lower() == best and w.isupper())
    return best.upper() if upper * 2 > lower[best] and len(best) <= 6 else best
