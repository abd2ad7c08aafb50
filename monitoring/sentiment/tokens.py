"""Tokenising a batch of posts for the lexicon model, without a per-post Python loop.

The batch is joined into one string (URLs marked, clause marks padded), split on whitespace and
factorised; only whitespace chunks never seen before are resolved in Python (case, hashtags,
emoji, slang, elongation ``bangettt`` -> ``banget``, reduplication ``bener2``, particles and
affixes ``ngeselin`` -> ``kesal``, see :mod:`monitoring.sentiment.affixes`) and kept in a table
for later batches. Phrases are matched on the token arrays::

    "Pelayanan gak ramah, tapi cepat"  ->  tokens  pelayanan tidak ramah . tapi cepat
    roles                                 -         NEG   -     B  CONTRAST -
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from monitoring.sentiment import affixes
from monitoring.sentiment.vocabulary import role_words, sentiment_slang

# role bits
(SEP, BOUNDARY, NEG, PRE, POST, DIM, CONTRAST, CONCESSIVE, SARC, CUE, QUESTION, EXCLAIM, PROHIBIT,
 SOFT_SARC, PERSONAL, ASK, RHETORIC, CAPS, EMOJI) = (1 << i for i in range(19))
ROLE_BITS = {"negator": NEG, "prohibitive": PROHIBIT, "pre_intensifier": PRE, "post_intensifier": POST,
             "diminisher": DIM, "contrast": CONTRAST, "concessive": CONCESSIVE, "sarcasm": SARC,
             "neutral_cue": CUE, "soft_sarcasm": SOFT_SARC, "personal": PERSONAL, "info_question": ASK,
             "rhetorical": RHETORIC}

DOC_SEP = "\x02"   # not whitespace for str.split (\x1c-\x1f are)
URL_TOKEN, QUOTE_TOKEN = "xurlx", "xquotex"
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s\x02]+")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_QUOTED_WORD_RE = re.compile(r"[\"“”']([a-z]{2,15})[\"“”']")
_MAX_TABLE = 400_000
# Plain chunks (most of them) are one token; others go through _TOKEN_RE once per distinct chunk.
_PLAIN_RE = re.compile(r"[a-z0-9_]+(?:['-][a-z0-9]+)*")
_EMOJI = "\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2B55\u2190-\u21FF"
_TOKEN_RE = re.compile(
    rf"[a-z0-9_]+(?:['-][a-z0-9]+)*|[:;=]'?-?[()dp](?![a-z])|<3|-_-|[.!?,;]+|[{_EMOJI}]"
    r"|[\U0001F1E6-\U0001F1FF]{2}")
_PADDING = (".", ",", "!", "?", ";", DOC_SEP)
_ELONGATED_RE = re.compile(r"(.)\1{2,}")
_DOUBLED_RE = re.compile(r"(.)\1+")
_DOUBLED_SEARCH = re.compile(r"(.)\1").search
_REDUPLICATED_RE = re.compile(r"^([a-z]{2,})2([a-z]{0,3})$")
_LAUGH_RE = re.compile(r"^(?:w?k?wk(?:wk)+w?k?|(?:ha){2,}h?|(?:he){2,}h?|(?:hi){2,}h?)$")
_SHOUT_RE = re.compile(r"[A-Z]{5,}")
_PUNCTUATION_ROLES = {".": BOUNDARY, "?": BOUNDARY | QUESTION, "!": BOUNDARY | EXCLAIM}


def _punctuation_canon(token: str) -> str:
    if "?" in token:
        return "??" if token.count("?") > 1 or "!" in token else "?"
    return "!" if "!" in token else "."


@dataclass
class TokenBatch:
    """Token arrays of a batch: one entry per token, documents separated by ``SEP`` tokens."""

    doc: np.ndarray      # document index of each token
    feature: np.ndarray  # lexicon term index, or -1
    role: np.ndarray     # role bits
    canon: np.ndarray    # canonical token text (object array)
    n_docs: int


_Token = tuple[int, int, int, str]   # term index, role bits, phrase word id, canonical text


class TokenResolver:
    """Maps distinct surface tokens to (term index, role bits, phrase word id, canonical text).

    Built once from a lexicon. Resolved whitespace chunks are kept in a table (not pickled) that is
    looked up for a whole batch at once with ``pd.Index.get_indexer``; only unseen chunks cost Python.

    Args:
        terms: the lexicon's terms (words and phrases of 2-3 words), in feature order.
        targets: term -> weight of the terms an affixed word may be read as (default: every
            term, as if neutral).
        base_slang: also try the text stage's slang list (nahiarhdNLP + the team's overrides) on
            words the lexicon does not know; the team's ``sentiment_slang.csv`` is always applied first.
    """

    def __init__(self, terms: Iterable[str], targets: Mapping[str, float] | None = None,
                 base_slang: bool = True):
        terms = list(terms)
        self.term_index = {term: i for i, term in enumerate(terms)}
        self.slang = sentiment_slang()
        self.use_base_slang = base_slang
        self.roles: dict[str, int] = {}
        for role, words in role_words().items():
            for word in words:
                self.roles[word] = self.roles.get(word, 0) | ROLE_BITS[role]
        words = sorted({w for t in [*terms, *self.roles] if " " in t for w in t.split()})
        self.word_id = {w: i for i, w in enumerate(words)}
        self.known = set(self.term_index) | set(self.roles) | set(self.word_id)
        self.targets = dict(targets) if targets is not None else dict.fromkeys(terms, 0.0)
        self.phrases = self._phrase_tables(terms)
        self._lock = threading.Lock()
        self._reset_table()

    def _phrase_tables(self, terms: list[str]) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per phrase length: sorted integer keys of the word-id sequence, term index and role bits."""
        base = len(self.word_id) + 1
        tables: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        phrases = [t for t in dict.fromkeys([*terms, *self.roles]) if " " in t]
        for length in (3, 2):
            keys, index, roles = [], [], []
            for term in phrases:
                words = term.split()
                if len(words) == length:
                    key = 0
                    for word in words:
                        key = key * base + self.word_id[word]
                    keys.append(key)
                    index.append(self.term_index.get(term, -1))
                    roles.append(self.roles.get(term, 0))
            order = np.argsort(keys)
            tables[length] = tuple(np.asarray(values, dtype=np.int64)[order] for values in (keys, index, roles))
        return tables

    def _reset_table(self) -> None:
        self._dictionaries: tuple[dict[str, str], frozenset[str]] | None = None
        self._chunks = pd.Index([], dtype=object)
        self._first = self._length = np.zeros(0, dtype=np.int64)
        self._tokens: tuple[np.ndarray, ...] = (np.zeros(0, dtype=np.int64),) * 3 + (np.zeros(0, dtype=object),)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("slang", sentiment_slang())
        self.__dict__.setdefault("use_base_slang", False)
        if not isinstance(self.__dict__.get("targets"), dict):
            self.targets = dict.fromkeys(self.term_index, 0.0)
        self._lock = threading.Lock()
        self._reset_table()

    # --- one token -------------------------------------------------------------------------------

    def _spelled(self, form: str) -> str:
        return self.slang.get(form, form)

    def _lookups(self) -> tuple[dict[str, str], frozenset[str]]:
        """(the text stage's slang list, Indonesian root words), loaded on first use (not pickled)."""
        if self._dictionaries is None:
            from monitoring.text.lexicons import default_slang, root_words

            self._dictionaries = (default_slang() if self.use_base_slang else {}, root_words())
        return self._dictionaries

    def _affixed(self, forms: list[str]) -> str | None:
        """The target term these forms are an affixed or glued spelling of, if any.

        Readings that are Indonesian root words decide first, in the order of
        :func:`affixes.readings`: "ngeselin" -> kesel, "menaikkan" -> naik (not a target, so not a
        sentiment word, never the target "taik"); a slang target that is no root word comes last
        ("betenya" -> bete). A word that is itself a root word is not read as affixed ("besok").
        Nominalisations count only where they keep the base's meaning (:func:`affixes.keeps_polarity`).
        """
        roots = (self._dictionaries or self._lookups())[1]
        for form in forms:
            if form in roots or not affixes.may_be_affixed(form):
                continue
            options = [(reading, self._spelled(reading.base)) for reading in affixes.readings(form)]
            for reading, spelled in options:
                if reading.base in roots or spelled in roots:
                    weight = self.targets.get(spelled)
                    if weight is None:
                        return None
                    return spelled if affixes.keeps_polarity(reading, weight) else None
            for reading, spelled in options:
                weight = self.targets.get(spelled)
                if weight is not None and affixes.keeps_polarity(reading, weight):
                    return spelled
        return None

    def canonical(self, token: str) -> str:
        """Canonical form of one lower-cased token (the token itself when nothing matches).

        A canonical form may be several words (``mager`` -> ``malas gerak``) when the slang list
        spells it so and the lexicon knows the words.
        """
        token = self._spelled(token)
        if token in self.known:
            return token
        if token[0] in ".!?,;":
            return _punctuation_canon(token)
        if token[0] in "whk" and _LAUGH_RE.match(token):
            return "wkwk"
        candidates = []
        if "2" in token and (doubled := _REDUPLICATED_RE.match(token)):   # bener2 -> bener-bener,
            word, suffix = doubled.groups()                                # gila2an -> gila-gilaan
            candidates += [f"{word}-{word}{suffix}", word]
        head, _, tail = token.partition("-")
        if tail and head == tail:                                          # hati-hati -> hati
            candidates.append(head)
        elif tail and (tail in self.targets or head in self.targets):      # di-php, ke-ghosting
            candidates.append(tail if tail in self.targets else head)
        reduced = token
        if _DOUBLED_SEARCH(token):                                         # bangettt -> bangett
            reduced = _ELONGATED_RE.sub(r"\1\1", token)                    # -> banget
            candidates += [reduced, _DOUBLED_RE.sub(r"\1", reduced)]
        for form in candidates:
            form = self._spelled(form)
            if form in self.known:
                return form
        return self._unknown(token, candidates, reduced)

    def _unknown(self, token: str, candidates: list[str], reduced: str) -> str:
        """Readings of a word the lexicon does not list: affixes and particles, then the slang list."""
        forms = [token] + [c for c in candidates if c != token]
        found = self._affixed(forms)                                       # kecewanya, ngeselin
        if found is not None:
            return found
        base_slang = (self._dictionaries or self._lookups())[0]
        for form in forms:                                                 # kzl, mager, gercep
            spelled = base_slang.get(form)
            if spelled is None:
                continue
            spelled = self._spelled(spelled)
            if spelled in self.known or all(w in self.known for w in spelled.split()):
                return spelled
            found = self._affixed([spelled]) if " " not in spelled else None
            if found is not None:
                return found
        return reduced

    def _resolve_token(self, token: str) -> tuple[_Token, ...]:
        if token == DOC_SEP:
            return ((-1, SEP | BOUNDARY, -1, ""),)
        canon = self.canonical(token)
        if " " in canon and canon not in self.term_index and canon not in self.roles:
            return tuple(self._known_token(word) for word in canon.split())
        return (self._known_token(canon),)

    def _known_token(self, canon: str) -> _Token:
        role = self.roles.get(canon, 0) | _PUNCTUATION_ROLES.get(canon, 0)
        if canon and not canon[0].isalnum() and canon[0] not in ".!?,;":
            role |= EMOJI                                         # emoji and emoticons are never negated
        if canon == "??":
            role = BOUNDARY | QUESTION | RHETORIC
        return self.term_index.get(canon, -1), role, self.word_id.get(canon, -1), canon

    def _resolve_chunk(self, chunk: str) -> tuple[_Token, ...]:
        """Tokens of one whitespace chunk in its original case (a hashtag, a mention, "mantap👍", ...)."""
        if chunk == DOC_SEP:
            return ((-1, SEP | BOUNDARY, -1, ""),)
        if chunk[0] == "@":                                         # mention: no sentiment
            return ()
        shout = CAPS if chunk[0].isupper() and _SHOUT_RE.fullmatch(chunk.strip(".,!?")) else 0
        if chunk[0] == "#" and _CAMEL_RE.search(chunk):            # #TolakKenaikanBBM -> tolak kenaikan bbm
            chunk = _CAMEL_RE.sub(" ", chunk[1:])
        chunk = chunk.lower()
        if _PLAIN_RE.fullmatch(chunk):
            tokens = self._resolve_token(chunk)
            return tuple((f, r | shout, w, c) for f, r, w, c in tokens) if shout else tokens
        quoted = _QUOTED_WORD_RE.fullmatch(chunk)                   # "prestasi" in quotes: irony
        tokens = [quoted.group(1), QUOTE_TOKEN] if quoted else _TOKEN_RE.findall(chunk)
        return tuple(t for token in tokens for t in self._resolve_token(token))

    # --- a table of chunks ---------------------------------------------------------------------------

    def _add_chunks(self, chunks: np.ndarray) -> None:
        """Resolve unseen chunks in Python and append them to the table."""
        lengths, parts = [], []
        for chunk in chunks:
            tokens = self._resolve_chunk(chunk)
            lengths.append(len(tokens))
            parts.extend(tokens)
        length = np.asarray(lengths, dtype=np.int64)
        first = np.cumsum(length) - length + len(self._tokens[0])
        columns = list(zip(*parts)) if parts else [(), (), (), ()]
        self._tokens = tuple(np.concatenate([old, np.asarray(new, dtype=old.dtype)])
                             for old, new in zip(self._tokens, columns))
        self._chunks = pd.Index(np.concatenate([self._chunks.to_numpy(dtype=object), chunks]), dtype=object)
        self._first = np.concatenate([self._first, first])
        self._length = np.concatenate([self._length, length])

    def resolve(self, chunks: np.ndarray) -> tuple[np.ndarray, ...]:
        """Look up distinct whitespace chunks.

        Returns, per chunk, the position of its first token and its number of tokens, then the
        table's per-token arrays: term index, role bits, phrase word id, canonical text.
        """
        with self._lock:
            position = self._chunks.get_indexer(chunks)
            missing = position < 0
            if missing.any():
                if len(self._chunks) + missing.sum() > _MAX_TABLE:   # bounded memory (~100 MB)
                    self._reset_table()
                    missing[:] = True
                self._add_chunks(chunks[missing])
                position = self._chunks.get_indexer(chunks)
            return (self._first[position], self._length[position]) + self._tokens


def join_batch(texts: list[str]) -> str:
    """One string for the batch: documents separated, URLs marked, clause marks padded with spaces."""
    big = DOC_SEP.join(texts)
    if big.count(DOC_SEP) != len(texts) - 1:
        big = DOC_SEP.join(t.replace(DOC_SEP, " ") for t in texts)
    big = _URL_RE.sub(f" {URL_TOKEN} ", big)
    for mark in _PADDING:
        big = big.replace(mark, f" {mark} ")
    return big


def tokenize_batch(texts: Iterable[object], resolver: TokenResolver) -> TokenBatch:
    """Tokenise and resolve a batch of raw post texts (None/NaN count as empty posts)."""
    texts = ["" if not isinstance(t, str) else t for t in texts]
    codes, chunks = pd.factorize(np.asarray(join_batch(texts).split(), dtype=object))
    first, length, u_feature, u_role, u_word, u_canon = resolver.resolve(np.asarray(chunks, dtype=object))
    if len(length) and (length == 1).all():
        flat = first[codes]
    else:                                   # expand chunks of 0 or several tokens ("mantap👍👍")
        n_tokens = length[codes]
        flat = np.repeat(first[codes] - (np.cumsum(n_tokens) - n_tokens), n_tokens) + np.arange(n_tokens.sum())
    feature, role, word = u_feature[flat], u_role[flat], u_word[flat]
    match_phrases(feature, role, word, resolver.phrases, len(resolver.word_id) + 1)
    doc = np.cumsum(role & SEP != 0)
    return TokenBatch(doc=doc, feature=feature, role=role, canon=u_canon[flat], n_docs=len(texts))


def match_phrases(feature: np.ndarray, role: np.ndarray, word: np.ndarray,
                  tables: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]], base: int) -> None:
    """Replace 3- then 2-word phrases in place: first token takes the phrase, the rest go silent."""
    consumed = np.zeros(len(word), dtype=bool)
    candidates = np.flatnonzero(word >= 0)
    for length, (keys, index, roles) in tables.items():
        start = candidates[candidates <= len(word) - length]
        if len(keys) == 0 or len(start) == 0:
            continue
        valid = np.ones(len(start), dtype=bool)
        key = np.zeros(len(start), dtype=np.int64)
        for offset in range(length):
            part = word[start + offset]
            valid &= (part >= 0) & ~consumed[start + offset]
            key = key * base + np.maximum(part, 0)
        start, key = start[valid], key[valid]
        pos = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        hit = keys[pos] == key
        start, pos = start[hit], pos[hit]
        if len(start) > 1:                                    # overlapping matches: keep the first
            keep = np.insert(np.diff(start) >= length, 0, True)
            start, pos = start[keep], pos[keep]
        feature[start] = index[pos]
        role[start] = roles[pos]
        consumed[start] = True
        for offset in range(1, length):
            feature[start + offset] = -1
            role[start + offset] = 0
            consumed[start + offset] = True
