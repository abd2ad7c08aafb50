"""Describe issues to people: distinctive terms (class-based TF-IDF), labels, issue cards.

Terms are token unigrams and bigrams (``"harga bbm"``). A cluster's distinctive terms are
ranked by class-based TF-IDF, BERTopic style but on document frequencies so one spammer cannot
push a word up: ``w(t, c) = df(t, c) / sum_t df(t, c) * log(1 + A / df(t))`` with ``df(t, c)`` the
number of documents of class ``c`` holding ``t``, ``df(t)`` its total over classes, and ``A`` the
average number of term occurrences per class. Noise is one more class, so words every class
uses (``rakyat``, ``pemerintah``) rank low everywhere.

A label is the best bigram plus the best unigrams not already in it, joined by " · ", shown in
their most frequent surface form when the original texts are given ("kenaikan" for the stem
"naik" if posts mostly write that; "BBM" when posts mostly write it in capitals).

Issue cards: :func:`issue_summary` (one row per issue) and :func:`representative_posts`.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from monitoring import schema
from monitoring.issues.tfidf import document_terms


class _Registry(Protocol):
    """What :func:`issue_summary` reads of an ``issues.identity.IssueRegistry``."""

    issues: Mapping[str, Any]

LABEL_SEPARATOR = " · "

# Chatter that survives stopword lists in social-media text, and the negations the text stage
# keeps for sentiment; never shown in a label.
CHATTER_WORDS = frozenset(
    "tidak bukan belum jangan wkwk wkwkwk wkwkwkwk haha hahaha hehe anjir anjay njir gan sis min bro guys nih sih dong deh kok "
    "lho loh kan yah ya yg aja udah udh gak ga nggak enggak tdk bgt banget amp rt via cc fyi btw "
    "duh hadeh astaga aduh woy woi lah kah pun tuh gitu gini kayak kek".split()
)

_PREFIXES = ("", "di", "ke", "se", "ter", "ber", "be", "per", "pe", "me", "mem", "men", "meng", "meny",
             "pem", "pen", "peng", "peny", "memper", "diper")
_SUFFIXES = ("", "kan", "an", "i", "nya", "lah", "kah", "pun", "kannya", "annya")
_NASAL = {"meny": "s", "peny": "s", "mem": "p", "pem": "p", "men": "t", "pen": "t", "meng": "k", "peng": "k"}
_WORD = re.compile(r"\w+")



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
    weights: np.ndarray, terms: Sequence[str], *, n: int = 10, stopwords: Iterable[str] = (),
    allowed: np.ndarray | None = None,
) -> list[list[str]]:
    """The ``n`` highest-weighted terms per row, skipping terms holding a stopword or chatter
    (``allowed``: :func:`showable_terms` of ``terms``, when the caller has it)."""
    allowed = showable_terms(terms, stopwords) if allowed is None else allowed
    result = []
    for row in weights:
        candidates = np.flatnonzero(allowed & (row > 0))  # in column order, as a stable sort of all would keep them
        order = candidates[np.argsort(-row[candidates], kind="stable")[:n]]
        result.append([terms[i] for i in order])
    return result


def showable_terms(terms: Sequence[str], stopwords: Iterable[str] = ()) -> np.ndarray:
    """Per term: True when it may name an issue (no stopword, chatter word, link or handle in it)."""
    banned = set(stopwords) | CHATTER_WORDS
    return np.array([_showable(term, banned) for term in terms], dtype=bool)


def term_profile(row: np.ndarray, terms: np.ndarray, size: int = 50) -> dict[str, float]:
    """Top ``size`` terms of a class-TF-IDF row as an L2-normalised {term: weight} dict (an issue's profile)."""
    order = np.argsort(-row, kind="stable")[:size]
    order = order[row[order] > 0]
    norm = float(np.linalg.norm(row[order])) or 1.0
    return {str(terms[i]): round(float(row[i]) / norm, 6) for i in order}


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


def surface_forms(texts: Iterable[str], token_lists: Iterable[Sequence[str]], stems: Iterable[str], *,
                  enough: int = 200) -> dict[str, str]:
    """Map each stem to the word posts most often write for it.

    A word counts as a form of a stem when the stem is also a token of the same post and the
    word is the stem with Indonesian affixes (``ke-an``, ``me-kan``, nasal ``meN-``, ``-nya``...).
    Capitals are kept for words mostly written in capitals (acronyms: BBM, PPN, UKT).

    Args:
        texts: original post texts.
        token_lists: the tokens of the same posts, in the same order.
        stems: the stems to map (e.g. every word of a label).
        enough: a stem seen in this many posts is settled: later posts are not read for it
            (the most common form is clear long before; label words are common words).

    Returns:
        ``{stem: display word}`` for the stems seen; unseen stems are absent.
    """
    open_stems = set(stems)
    counts: dict[str, Counter] = {s: Counter() for s in open_stems}
    seen: Counter = Counter()
    for text, tokens in zip(texts, token_lists):
        present = open_stems.intersection(tokens)
        if not present or not isinstance(text, str):
            continue
        for word in _WORD.findall(text):
            for stem in _candidate_stems(word.lower()) & present:
                counts[stem][word] += 1
        seen.update(present)
        open_stems.difference_update(s for s in present if seen[s] >= enough)
        if not open_stems:
            break
    return {stem: _best_form(c) for stem, c in counts.items() if c}


@lru_cache(maxsize=100_000)
def _candidate_stems(word: str) -> frozenset[str]:
    """Every stem ``word`` could be: itself minus any known prefix / suffix pair."""
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
    return frozenset(found)


def _best_form(counts: Counter) -> str:
    lower = Counter()
    for word, n in counts.items():
        lower[word.lower()] += n
    best = lower.most_common(1)[0][0]
    upper = sum(n for w, n in counts.items() if w.lower() == best and w.isupper())
    return best.upper() if upper * 2 > lower[best] and len(best) <= 6 else best


# -- issue cards ---------------------------------------------------------------------------
SUMMARY_COLUMNS = (schema.ISSUE_ID, "label", "top_terms", "posts", "unique_posts", "authors", "first_seen",
                   "last_seen", "negative_share", "coordinated_share", "is_new")


def issue_summary(posts: pd.DataFrame, registry: _Registry | None = None, *,
                  stopwords: Iterable[str] = ()) -> pd.DataFrame:
    """One row per issue for the issue cards, biggest first (noise and hidden issues excluded).

    Args:
        posts: posts with :data:`schema.ISSUE_ID` and :data:`schema.CREATED_AT`; uses
            :data:`schema.SENTIMENT`, :data:`schema.IS_COORDINATED`, :data:`schema.DUP_GROUP`,
            :data:`schema.AUTHOR` and :data:`schema.TOKENS` when present.
        registry: an ``IssueRegistry`` (labels, terms, New flags); without it labels are
            computed from the posts' tokens by class-based TF-IDF.
        stopwords: words never shown when labels are computed here.

    Returns:
        Columns :data:`SUMMARY_COLUMNS`; ``negative_share`` is NaN without sentiment.
    """
    known = posts[posts[schema.ISSUE_ID].notna()]
    if known.empty:
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    grouped = known.groupby(schema.ISSUE_ID, sort=False)
    frame = pd.DataFrame({"posts": grouped.size()})
    frame["unique_posts"] = grouped[schema.DUP_GROUP].nunique() if schema.DUP_GROUP in known else frame["posts"]
    frame["authors"] = grouped[schema.AUTHOR].nunique() if schema.AUTHOR in known else np.nan
    frame["first_seen"] = grouped[schema.CREATED_AT].min()
    frame["last_seen"] = grouped[schema.CREATED_AT].max()
    frame["negative_share"] = (
        known[schema.SENTIMENT].eq("negative").groupby(known[schema.ISSUE_ID]).mean().astype(float)
        if schema.SENTIMENT in known else np.nan
    )
    frame["coordinated_share"] = (
        grouped[schema.IS_COORDINATED].mean().astype(float) if schema.IS_COORDINATED in known else 0.0
    )
    if registry is not None:
        issues = registry.issues
        frame["label"] = [issues[i].display_label if i in issues else i for i in frame.index]
        frame["top_terms"] = [list(issues[i].top_terms) if i in issues else [] for i in frame.index]
        frame["is_new"] = [bool(issues[i].is_new) if i in issues else False for i in frame.index]
    else:
        terms = _terms_from_posts(known, frame.index, stopwords)
        frame["top_terms"] = terms
        frame["label"] = [readable_label(t) for t in terms]
        frame["is_new"] = False
    frame = frame.rename_axis(schema.ISSUE_ID).reset_index()
    return frame.sort_values(["posts", schema.ISSUE_ID], ascending=[False, True], ignore_index=True)[
        list(SUMMARY_COLUMNS)
    ]


def _terms_from_posts(posts: pd.DataFrame, issue_ids: pd.Index, stopwords: Iterable[str]) -> list[list[str]]:
    if schema.TOKENS not in posts:
        return [[] for _ in issue_ids]
    if schema.DUP_GROUP in posts:
        posts = posts.drop_duplicates(schema.DUP_GROUP)
    vectorizer = CountVectorizer(analyzer=document_terms, binary=True)
    matrix = vectorizer.fit_transform(posts[schema.TOKENS].map(_as_list))
    classes = pd.Index(issue_ids).get_indexer(posts[schema.ISSUE_ID])
    weights = class_tfidf(matrix, classes, len(issue_ids))
    return top_terms(weights, vectorizer.get_feature_names_out(), stopwords=stopwords)


def representative_posts(posts: pd.DataFrame, issue_id: str, n: int = 5, *, sample: int = 5_000,
                         random_state: int = 0) -> pd.DataFrame:
    """The ``n`` posts closest to the issue's centroid, one per duplicate group, original text.

    The centroid is the normalised mean of sublinear term-frequency vectors (unigrams +
    bigrams) of the issue's posts (a random ``sample`` of its duplicate groups for big issues),
    so the chosen posts use the issue's typical vocabulary. Computed from the posts alone, it
    follows merges and splits made by analysts.

    Returns:
        The chosen rows of ``posts`` (all columns) plus ``similarity``, most typical first.
    """
    members = posts[posts[schema.ISSUE_ID] == issue_id]
    if schema.DUP_GROUP in members:
        members = members.drop_duplicates(schema.DUP_GROUP)
    if len(members) > sample:
        members = members.sample(sample, random_state=random_state)
    tokens = members[schema.TOKENS].map(_as_list) if schema.TOKENS in members else None
    if members.empty or tokens is None or not tokens.map(len).any():
        return members.head(n).assign(similarity=np.nan)
    matrix = TfidfVectorizer(analyzer=document_terms, use_idf=False, sublinear_tf=True).fit_transform(tokens)
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    similarity = matrix @ (centroid / (np.linalg.norm(centroid) or 1.0))
    chosen = members.assign(similarity=similarity)
    return chosen.sort_values("similarity", ascending=False, kind="stable").head(n)


def _as_list(tokens) -> list[str]:
    return list(tokens) if isinstance(tokens, (list, tuple, np.ndarray)) else []
