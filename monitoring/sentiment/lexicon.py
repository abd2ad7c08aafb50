"""Offline lexicon sentiment for Indonesian social-media posts, vectorised over a whole batch.

No per-post Python loop: the batch is joined into one string (URLs marked, clause marks padded),
split on whitespace and factorised; only whitespace chunks never seen before are resolved in
Python (case, hashtags, emoji, slang, elongation ``bangettt`` -> ``banget``, reduplication
``bener2``, ``-nya`` suffixes) and kept in a table for later batches. Phrases, negation scope,
intensifiers and contrast are numpy operations on the token arrays, and the model is a
fixed-vocabulary sparse matrix (terms + ``NEG_`` terms + cue counts) times a weight vector::

    "Pelayanan gak ramah, tapi cepat"  ->  tokens  pelayanan tidak ramah . tapi cepat
    roles                                 -         NEG   -     B  CONTRAST -
    features (value = multiplier)         NEG_ramah:0.5  cepat:1.5
"""
from __future__ import annotations

import inspect
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
from scipy import sparse

from monitoring.errors import ModelError
from monitoring.schema import SENTIMENTS
from monitoring.store.settings import DATA_DIR

LEXICON_PATH = DATA_DIR / "sentiment_lexicon.csv"

# --- role words (canonical forms, after slang mapping) ------------------------------------
NEGATORS = frozenset("tidak bukan belum tanpa kurang ora ra teu henteu moal not no never dont".split())
# "jangan X" negates praise ("jangan senang dulu") but a plea against something bad stays negative.
PROHIBITIVES = frozenset("jangan ulah".split())
PRE_INTENSIFIERS = frozenset(
    "sangat amat sungguh terlalu paling makin semakin kian tambah super teramat benar-benar "
    "bener-bener sangat-sangat".split()) | {"bukan main"}
POST_INTENSIFIERS = frozenset("banget sekali pisan tenan pol parah gila abis bener".split()) | {"sama sekali"}
DIMINISHERS = frozenset("agak sedikit dikit rada".split())
CONTRASTS = frozenset(
    "tapi tetapi namun padahal sayangnya malah malahan justru nyatanya faktanya kenyataannya "
    "realitanya sedangkan sementara giliran but however".split())
CONCESSIVES = frozenset("walaupun walau meskipun meski biarpun kendati although though".split())
SARCASM_MARKERS = frozenset(["🙃", "🤡", "🙄", "😏", "🤣", "katanya", "pura-pura", "sok", "xquotex"])
# Tokens typical of news, announcements and promotions: they pull a post towards neutral.
NEUTRAL_CUES = frozenset(
    "xurlx info pengumuman jadwal simak berikut selengkapnya rinciannya terlampir juknis pendaftaran fyi "
    "promo diskon klik link breaking update live giveaway order dm wa cod ready ongkir jual 📢 📌 👇 ➡ tips "
    "syarat dugaan tersangka terdakwa saksi sidang".split())

# Surface forms -> canonical form. Only forms that matter for sentiment are listed here.
_SLANG_GROUPS = {
    "tidak": "gak ga gk g nggak ngga nggk ngak enggak engga enggk kagak kaga gag gaa tdk tak ndak nda ndk "
             "tida tidaak gaada gada gakada gabisa gbisa gabs gamau gmau gausah gaperlu gapernah gamungkin "
             "nggada gx mboten",
    "bukan": "bkn bukn", "belum": "blm blom blum lom durung", "jangan": "jgn jngn jgan ojo",
    "lagi": "lg lgi", "juga": "jg jga", "sama": "sm sma", "gimana": "gmn gmna bgmn",
    "banget": "bgt bngt bnget bgtt bangget bet bgd", "sangat": "sgt sngt sangad", "tolong": "tlg tolongin",
    "benar-benar": "bnr2 bnr-bnr bener2 benar2 beneran", "sekali": "skali sekalii",
    "tapi": "tp tpi", "tetapi": "ttp", "walaupun": "walopun walo", "padahal": "pdhl padahl",
    "terima kasih": "makasih makasi mksh mkasih maksih trims trimakasih terimakasih thx tq tengkyu thanks "
                    "ty tks trmksh",
    "tidak apa-apa": "gapapa gpp gapp nggapapa gakpapa ngapapa",
    "tidak jelas": "gajelas gjelas gaje", "tidak becus": "gabecus",
    "kesal": "kesel kzl kesell", "capek": "cape", "mantap": "mantab mantep mantabs mantul",
    "bagus": "bgs", "keren": "kern kren", "anjing": "anjg ajg anjink", "bangsat": "bangsad bgst",
    "goblok": "gblk goblk", "kontol": "kntl", "sedih": "sdih", "kecewa": "kcewa kecewaa", "jelek": "jlek",
    "mahal": "mahel",
    "sudah": "udah udh sdh dah", "parah": "prh", "bodoh": "bodo", "hoaks": "hoax hoaxs hoak",
    "wkwk": "wkwkwk wkwkw wkwkwkwk", "pol": "poll pool",
}
SLANG = {surface: canon for canon, forms in _SLANG_GROUPS.items() for surface in forms.split()}

# role bits
SEP, BOUNDARY, NEG, PRE, POST, DIM, CONTRAST, CONCESSIVE, SARC, CUE, QUESTION, EXCLAIM, PROHIBIT = (
    1 << i for i in range(13))
_ROLE_SETS = ((NEGATORS, NEG), (PROHIBITIVES, PROHIBIT), (PRE_INTENSIFIERS, PRE), (POST_INTENSIFIERS, POST),
              (DIMINISHERS, DIM), (CONTRASTS, CONTRAST), (CONCESSIVES, CONCESSIVE), (SARCASM_MARKERS, SARC),
              (NEUTRAL_CUES, CUE))
EXTRA_FEATURES = ("_sarcasm", "_neutral_cue", "_question", "_exclamation")

_DOC_SEP = "\x02"   # not whitespace for str.split (\x1c-\x1f are)
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s\x02]+")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_QUOTED_WORD_RE = re.compile(r"[\"“”]([a-z]{2,15})[\"“”]")
_MAX_TABLE = 400_000
# Plain chunks (most of them) are one token; others go through _TOKEN_RE once per distinct chunk.
_PLAIN_RE = re.compile(r"[a-z0-9_]+(?:['-][a-z0-9]+)*")
_EMOJI = "\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2B55\u2190-\u21FF"
_TOKEN_RE = re.compile(
    rf"[a-z0-9_]+(?:['-][a-z0-9]+)*|[:;=]'?-?[()dp](?![a-z])|<3|-_-|[.!?,;]+|[{_EMOJI}]"
    r"|[\U0001F1E6-\U0001F1FF]{2}")
_PADDING = (".", ",", "!", "?", ";", _DOC_SEP)
_ELONGATED_RE = re.compile(r"(.)\1{2,}")
_DOUBLED_RE = re.compile(r"(.)\1+")
_DOUBLED_SEARCH = re.compile(r"(.)\1").search
_REDUPLICATED_RE = re.compile(r"^([a-z]{2,})2([a-z]{0,3})$")
_LAUGH_RE = re.compile(r"^(?:w?k?wk(?:wk)+w?k?|(?:ha){2,}h?|(?:he){2,}h?|(?:hi){2,}h?)$")
_SUFFIXES = ("nya", "lah", "kah", "pun", "ku", "mu", "in")
_CHUNK = 50_000


def load_lexicon(path: str | Path | None = None) -> dict[str, float]:
    """Read a ``term,weight`` lexicon CSV (lines starting with ``#`` are comments).

    Multi-word terms (``terima kasih``) are phrases of two or three canonical words.

    Raises:
        ModelError: the file is missing, malformed, has duplicate terms or weights outside [-5, 5].
    """
    path = Path(path) if path is not None else LEXICON_PATH
    if not path.is_file():
        raise ModelError(f"Berkas leksikon sentimen {path} tidak ditemukan.")
    table = pd.read_csv(path, comment="#", dtype={"term": str}, keep_default_na=False, encoding="utf-8")
    if list(table.columns[:2]) != ["term", "weight"]:
        raise ModelError(f"Leksikon {path.name} harus berkolom 'term,weight'.")
    terms = table["term"].str.replace("\ufe0f", "", regex=False).str.strip().str.lower()
    weights = pd.to_numeric(table["weight"], errors="coerce")
    bad = terms[(terms == "") | weights.isna() | (weights.abs() > 5)]
    if len(bad):
        raise ModelError(f"Leksikon {path.name}: istilah/bobot tidak valid pada baris {bad.index[0] + 2}.")
    terms = terms.str.replace(r"\s+", " ", regex=True)
    too_long = terms[terms.str.count(" ") > 2]
    if len(too_long):
        raise ModelError(f"Leksikon {path.name}: frasa '{too_long.iloc[0]}' lebih dari tiga kata.")
    duplicated = terms[terms.duplicated()]
    if len(duplicated):
        raise ModelError(f"Leksikon {path.name}: istilah '{duplicated.iloc[0]}' tercantum lebih dari sekali.")
    return dict(zip(terms, weights.astype(float)))


_PUNCTUATION_ROLES = {".": BOUNDARY, "?": BOUNDARY | QUESTION, "!": BOUNDARY | EXCLAIM}


def _punctuation_canon(token: str) -> str:
    return "?" if "?" in token else "!" if "!" in token else "."


@dataclass
class TokenBatch:
    """Token arrays of a batch: one entry per token, documents separated by ``SEP`` tokens."""

    doc: np.ndarray      # document index of each token
    feature: np.ndarray  # lexicon term index, or -1
    role: np.ndarray     # role bits
    canon: np.ndarray    # canonical token text (object array)
    n_docs: int


class TokenResolver:
    """Maps distinct surface tokens to (term index, role bits, phrase word id, canonical text).

    Built once from a lexicon. Resolved whitespace chunks are kept in a table (not pickled) that is
    looked up for a whole batch at once with ``pd.Index.get_indexer``; only unseen chunks cost Python.
    """

    def __init__(self, terms: Iterable[str]):
        terms = list(terms)
        self.term_index = {term: i for i, term in enumerate(terms)}
        self.roles: dict[str, int] = {}
        for words, bit in _ROLE_SETS:
            for word in words:
                self.roles[word] = self.roles.get(word, 0) | bit
        words = sorted({w for t in terms if " " in t for w in t.split()})
        self.word_id = {w: i for i, w in enumerate(words)}
        self.known = set(self.term_index) | set(self.roles) | set(self.word_id)
        self.phrases = self._phrase_tables(terms)
        self._lock = threading.Lock()
        self._reset_table()

    def _phrase_tables(self, terms: list[str]) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per phrase length: sorted integer keys of the word-id sequence, term index and role bits."""
        base = len(self.word_id) + 1
        tables: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for length in (3, 2):
            keys, index, roles = [], [], []
            for term in terms:
                words = term.split()
                if len(words) == length:
                    key = 0
                    for word in words:
                        key = key * base + self.word_id[word]
                    keys.append(key)
                    index.append(self.term_index[term])
                    roles.append(self.roles.get(term, 0))
            order = np.argsort(keys)
            tables[length] = tuple(np.asarray(values, dtype=np.int64)[order] for values in (keys, index, roles))
        return tables

    def _reset_table(self) -> None:
        self._chunks = pd.Index([], dtype=object)
        self._first = self._length = np.zeros(0, dtype=np.int64)
        self._tokens: tuple[np.ndarray, ...] = (np.zeros(0, dtype=np.int64),) * 3 + (np.zeros(0, dtype=object),)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._reset_table()

    def canonical(self, token: str) -> str:
        """Canonical form of one lower-cased token (the token itself when nothing matches)."""
        token = SLANG.get(token, token)
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
        reduced = token
        if _DOUBLED_SEARCH(token):                                         # bangettt -> bangett
            reduced = _ELONGATED_RE.sub(r"\1\1", token)                    # -> banget
            candidates += [reduced, _DOUBLED_RE.sub(r"\1", reduced)]
        for form in candidates:
            form = SLANG.get(form, form)
            if form in self.known:
                return form
        for form in candidates + [token]:                                  # kecewanya -> kecewa; only
            if form.endswith(_SUFFIXES):                                   # weighted terms, so infonya
                for suffix in _SUFFIXES:                                   # does not become the cue info
                    base = SLANG.get(form[: -len(suffix)], form[: -len(suffix)])
                    if form.endswith(suffix) and len(base) >= 3 and base in self.term_index:
                        return base
        return reduced

    def _resolve_token(self, token: str) -> tuple[int, int, int, str]:
        if token == _DOC_SEP:
            return -1, SEP | BOUNDARY, -1, ""
        canon = self.canonical(token)
        role = self.roles.get(canon, 0) | _PUNCTUATION_ROLES.get(canon, 0)
        return self.term_index.get(canon, -1), role, self.word_id.get(canon, -1), canon

    def _resolve_chunk(self, chunk: str) -> tuple[tuple[int, int, int, str], ...]:
        """Tokens of one whitespace chunk in its original case (a hashtag, a mention, "mantap👍", ...)."""
        if chunk == _DOC_SEP:
            return ((-1, SEP | BOUNDARY, -1, ""),)
        if chunk[0] == "#" and _CAMEL_RE.search(chunk):            # #TolakKenaikanBBM -> tolak kenaikan bbm
            chunk = _CAMEL_RE.sub(" ", chunk[1:])
        chunk = chunk.lower()
        if _PLAIN_RE.fullmatch(chunk):
            return (self._resolve_token(chunk),)
        if chunk[0] == "@":                                         # mention: no sentiment
            return ()
        quoted = _QUOTED_WORD_RE.fullmatch(chunk)                   # "prestasi" in quotes: irony
        tokens = [quoted.group(1), "xquotex"] if quoted else _TOKEN_RE.findall(chunk)
        return tuple(self._resolve_token(t) for t in tokens)

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


def _join_batch(texts: list[str]) -> str:
    """One string for the batch: documents separated, URLs marked, clause marks padded with spaces."""
    big = _DOC_SEP.join(texts)
    if big.count(_DOC_SEP) != len(texts) - 1:
        big = _DOC_SEP.join(t.replace(_DOC_SEP, " ") for t in texts)
    big = _URL_RE.sub(" xurlx ", big)
    for mark in _PADDING:
        big = big.replace(mark, f" {mark} ")
    return big


def tokenize_batch(texts: Iterable[object], resolver: TokenResolver) -> TokenBatch:
    """Tokenise and resolve a batch of raw post texts (None/NaN count as empty posts)."""
    texts = ["" if not isinstance(t, str) else t for t in texts]
    codes, chunks = pd.factorize(np.asarray(_join_batch(texts).split(), dtype=object))
    first, length, u_feature, u_role, u_word, u_canon = resolver.resolve(np.asarray(chunks, dtype=object))
    if len(length) and (length == 1).all():
        flat = first[codes]
    else:                                   # expand chunks of 0 or several tokens ("mantap👍👍")
        n_tokens = length[codes]
        flat = np.repeat(first[codes] - (np.cumsum(n_tokens) - n_tokens), n_tokens) + np.arange(n_tokens.sum())
    feature, role, word = u_feature[flat], u_role[flat], u_word[flat]
    _match_phrases(feature, role, word, resolver.phrases, len(resolver.word_id) + 1)
    doc = np.cumsum(role & SEP != 0)
    return TokenBatch(doc=doc, feature=feature, role=role, canon=u_canon[flat], n_docs=len(texts))


def _match_phrases(feature: np.ndarray, role: np.ndarray, word: np.ndarray,
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


def scope_mask(marker: np.ndarray, boundary: np.ndarray, window: int) -> np.ndarray:
    """True for tokens within ``window`` tokens after a marker, not crossing a boundary."""
    idx = np.arange(len(marker))
    last_marker = np.maximum.accumulate(np.where(marker, idx, -1))
    last_boundary = np.maximum.accumulate(np.where(boundary, idx, -1))
    return (last_marker > last_boundary) & (idx - last_marker <= window) & (idx != last_marker)


def _next_target(role: np.ndarray, doc: np.ndarray, bit: int) -> np.ndarray:
    """Index of the word a pre-modifier acts on: the next token, skipping one negator."""
    pos = np.flatnonzero(role & bit)
    target = pos + 1
    keep = target < len(role)
    pos, target = pos[keep], target[keep]
    skip = (role[target] & (NEG | PROHIBIT)) != 0
    target = np.minimum(target + skip, len(role) - 1)
    return target[(doc[target] == doc[pos]) & ((role[target] & BOUNDARY) == 0)]


def token_multipliers(batch: TokenBatch, weights: np.ndarray, *, intensifier: float, diminisher: float,
                      contrast_before: float, contrast_after: float, concessive: float,
                      concessive_window: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-token multipliers (>= 0), the features that remain, and ironic praise to read as negated."""
    feature, role, doc = batch.feature.copy(), batch.role, batch.doc
    mult = np.ones(len(feature))
    base = np.where(feature >= 0, weights[np.maximum(feature, 0)], 0.0)
    # post-intensifier ("mahal banget", "keren parah"): boosts the previous sentiment word and goes silent
    hit = np.flatnonzero((role[1:] & POST != 0) & (base[:-1] != 0)) + 1
    mult[hit - 1] *= intensifier
    feature[hit] = -1
    base[hit] = 0.0
    # praise glued to a negative word ("juara korupsi", "cepat rusak") is ironic: read it as negated
    ironic = np.zeros(len(feature), dtype=bool)
    ironic[:-1] = (base[:-1] > 0) & (base[1:] < 0)
    mult[_next_target(role, doc, PRE)] *= intensifier
    mult[_next_target(role, doc, DIM)] *= diminisher
    # contrast ("bagus, tapi mahal"): the clause after the marker weighs more, the one before less
    contrast = (role & CONTRAST) != 0
    if contrast.any():
        seen = np.cumsum(contrast)
        start = np.concatenate([[0], seen[role & SEP != 0]])
        seen_in_doc = seen - start[doc] > 0
        doc_has = np.bincount(doc, weights=contrast, minlength=batch.n_docs)[doc] > 0
        mult *= np.where(seen_in_doc, contrast_after, np.where(doc_has, contrast_before, 1.0))
    boundary = (role & BOUNDARY) != 0
    conc = (role & CONCESSIVE) != 0
    if conc.any():
        mult[scope_mask(conc, boundary, concessive_window)] *= concessive
    return mult, feature, ironic


def negation_mask(batch: TokenBatch, window: int, weights: np.ndarray | None = None) -> np.ndarray:
    """True for tokens inside a negator's scope (up to ``window`` tokens, not past a clause break).

    With lexicon ``weights``, a prohibitive ("jangan") negates only positive terms.
    """
    role = batch.role
    stop = (role & (BOUNDARY | CONTRAST)) != 0
    negated = scope_mask((role & NEG) != 0, stop, window)
    prohibited = scope_mask((role & PROHIBIT) != 0, stop, window)
    if weights is not None:
        feature = batch.feature
        prohibited &= np.where(feature >= 0, weights[np.maximum(feature, 0)], 0.0) > 0
    return negated | prohibited


def normalized_texts(texts: Iterable[object], resolver: TokenResolver, window: int = 3) -> list[str]:
    """Canonical token text per post, ``NEG_`` prefixed inside negation scope (for TF-IDF models)."""
    texts = list(texts)
    batch = tokenize_batch(texts, resolver)
    negated = negation_mask(batch, window) & ((batch.role & (NEG | PROHIBIT | BOUNDARY)) == 0)
    words = [("NEG_" if neg else "") + c.replace(" ", "_") for c, neg in zip(batch.canon, negated)]
    starts = np.flatnonzero(batch.role & SEP)
    return [" ".join(words[a + 1 if a else 0: b]) for a, b in zip(np.r_[0, starts], np.r_[starts, len(words)])]


def as_text_list(texts: Iterable[object]) -> list[object]:
    """Raw documents as a list; a bare string is a programming error (as in scikit-learn)."""
    if isinstance(texts, str):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    return list(texts)


class _Parameters:
    """scikit-learn's ``get_params`` / ``set_params`` without importing scikit-learn (~1 s), so the
    enrichment workers that score posts start fast."""

    _estimator_type = "classifier"

    def get_params(self, deep: bool = True) -> dict:
        names = [n for n in inspect.signature(type(self).__init__).parameters if n != "self"]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params) -> "_Parameters":
        for name, value in params.items():
            if name not in self.get_params():
                raise ValueError(f"Invalid parameter {name!r} for {type(self).__name__}.")
            setattr(self, name, value)
        return self


class LexiconSentimentModel(_Parameters):
    """Rule-weighted lexicon classifier: positive / neutral / negative with a confidence.

    ``transform`` gives a sparse matrix over a fixed vocabulary (lexicon terms, ``NEG_`` terms and
    four cue counts); the score is ``X @ coef_`` with two doc-level rules: sarcasm markers flip the
    positive part, and news/announcement/promo cues damp the score towards neutral.

    Args:
        lexicon_path: ``term,weight`` CSV; default ``data/sentiment_lexicon.csv``.
        positive_threshold: score at or above which a post is positive.
        negative_threshold: score at or below minus this value is negative.
        negation_window: tokens after a negator that are negated.
        negated_positive: weight factor of a negated positive term ("tidak bagus").
        negated_negative: weight factor of a negated negative term ("tidak buruk").
        intensifier: multiplier from "sangat", "banget", ...; diminisher from "agak", "sedikit".
        contrast_before: multiplier of the clause before "tapi/namun/padahal"; contrast_after after it.
        concessive: multiplier of a "walaupun/meskipun" clause.
        ironic_praise: read a positive term directly followed by a negative one as negated ("juara korupsi").
        sarcasm_flip: share of the positive part turned negative when a sarcasm marker is present.
        cue_damping: score multiplier when a news/announcement/promo cue is present.
        question_damping: multiplier of the positive part of a question ("efektif gak?").
        negativity_bias: multiplier of negative contributions.
        temperature: slope of the confidence (higher = more confident away from the thresholds).
    """

    def __init__(self, lexicon_path: str | Path | None = None, positive_threshold: float = 1.0,
                 negative_threshold: float = 1.0, negation_window: int = 3, negated_positive: float = -0.8,
                 negated_negative: float = -0.3, intensifier: float = 1.5, diminisher: float = 0.5,
                 contrast_before: float = 0.5, contrast_after: float = 1.5, concessive: float = 0.5,
                 ironic_praise: bool = True, sarcasm_flip: float = 1.0, cue_damping: float = 0.6,
                 question_damping: float = 0.5, negativity_bias: float = 1.0, temperature: float = 2.0):
        self.lexicon_path = lexicon_path
        self.positive_threshold = positive_threshold
        self.negative_threshold = negative_threshold
        self.negation_window = negation_window
        self.negated_positive = negated_positive
        self.negated_negative = negated_negative
        self.intensifier = intensifier
        self.diminisher = diminisher
        self.contrast_before = contrast_before
        self.contrast_after = contrast_after
        self.concessive = concessive
        self.ironic_praise = ironic_praise
        self.sarcasm_flip = sarcasm_flip
        self.cue_damping = cue_damping
        self.question_damping = question_damping
        self.negativity_bias = negativity_bias
        self.temperature = temperature

    def fit(self, X: Iterable[object] | None = None, y: Iterable[object] | None = None):
        """Load the lexicon; with labelled texts, also tune the two thresholds for macro-F1."""
        lexicon = load_lexicon(self.lexicon_path)
        terms = list(lexicon)
        self.resolver_ = TokenResolver(terms)
        self.weights_ = np.array([lexicon[t] for t in terms], dtype=float)
        negated = np.where(self.weights_ > 0, self.negated_positive, self.negated_negative) * self.weights_
        coef = np.concatenate([self.weights_, negated, np.zeros(len(EXTRA_FEATURES))])
        self.coef_ = np.where(coef < 0, coef * self.negativity_bias, coef)
        self.feature_names_ = np.array(terms + ["NEG_" + t for t in terms] + list(EXTRA_FEATURES), dtype=object)
        self.classes_ = np.array(SENTIMENTS, dtype=object)
        self.thresholds_ = (float(self.positive_threshold), float(self.negative_threshold))
        if X is not None and y is not None:
            self.thresholds_ = tune_thresholds(self.decision_function(X), np.asarray(list(y), dtype=object))
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise ModelError("Model sentimen leksikon belum disiapkan: panggil fit() sebelum prediksi.")

    def transform(self, X: Iterable[object]) -> sparse.csr_matrix:
        """Sparse feature matrix (n_posts x len(feature_names_)), one chunk of posts at a time."""
        self._check_fitted()
        texts = as_text_list(X)
        rows, cols, vals = [], [], []
        for offset in range(0, len(texts), _CHUNK):
            r, c, v = self._chunk_entries(texts[offset: offset + _CHUNK])
            rows.append(r + offset)
            cols.append(c)
            vals.append(v)
        shape = (len(texts), len(self.feature_names_))
        if not rows:
            return sparse.csr_matrix(shape)
        return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape)

    def _chunk_entries(self, texts: list[object]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        batch = tokenize_batch(texts, self.resolver_)
        mult, feature, ironic = token_multipliers(
            batch, self.weights_, intensifier=self.intensifier, diminisher=self.diminisher,
            contrast_before=self.contrast_before, contrast_after=self.contrast_after, concessive=self.concessive)
        negated = negation_mask(batch, self.negation_window, self.weights_) | (ironic & self.ironic_praise)
        n_terms = len(self.weights_)
        keep = feature >= 0
        cols = feature[keep] + n_terms * negated[keep]
        rows, vals = [batch.doc[keep]], [mult[keep]]
        for i, bit in enumerate((SARC, CUE, QUESTION, EXCLAIM)):
            counts = np.bincount(batch.doc, weights=(batch.role & bit) != 0, minlength=batch.n_docs)
            has = np.flatnonzero(counts)
            rows.append(has)
            vals.append(counts[has])
            cols = np.concatenate([cols, np.full(len(has), 2 * n_terms + i)])
        return np.concatenate(rows), cols, np.concatenate(vals)

    def decision_function(self, X: Iterable[object]) -> np.ndarray:
        """Sentiment score per post: > 0 leans positive, < 0 leans negative."""
        return self.score_matrix(self.transform(X))

    def score_matrix(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """Score rows of a matrix made by :meth:`transform` (a sparse matrix-vector product)."""
        positive = matrix @ np.clip(self.coef_, 0, None)
        negative = matrix @ np.clip(self.coef_, None, 0)
        extra = len(self.coef_) - len(EXTRA_FEATURES)
        sarcasm, cue, question = (matrix[:, extra + i].toarray().ravel() > 0 for i in range(3))
        positive = positive * np.where(question, self.question_damping, 1.0)
        score = np.where(sarcasm, negative - self.sarcasm_flip * positive, positive + negative)
        return score * np.where(cue, self.cue_damping, 1.0)

    def predict_proba(self, X: Iterable[object]) -> np.ndarray:
        """Probabilities in ``classes_`` order (positive, neutral, negative)."""
        self._check_fitted()
        return self.proba_from_scores(self.decision_function(X))

    def proba_from_scores(self, score: np.ndarray) -> np.ndarray:
        """Soft-max of (score - positive threshold, 0, -score - negative threshold)."""
        t_pos, t_neg = self.thresholds_
        logits = self.temperature * np.stack([score - t_pos, np.zeros_like(score), -score - t_neg], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        expo = np.exp(logits)
        return expo / expo.sum(axis=1, keepdims=True)

    def predict(self, X: Iterable[object]) -> np.ndarray:
        """Label per post: positive, neutral or negative."""
        self._check_fitted()
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def explain(self, text: str) -> list[tuple[str, float]]:
        """Contributions of the features of one post, largest first (for analysts)."""
        row = self.transform([text]).tocoo()
        contrib = [(str(self.feature_names_[c]), float(v * self.coef_[c])) for c, v in zip(row.col, row.data)]
        return sorted(((n, c) for n, c in contrib if c != 0), key=lambda item: -abs(item[1]))


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, labels: Iterable[str] = SENTIMENTS) -> float:
    """Unweighted mean F1 over ``labels`` (fast, numpy only)."""
    scores = []
    for label in labels:
        tp = np.sum((y_pred == label) & (y_true == label))
        denom = np.sum(y_pred == label) + np.sum(y_true == label)
        scores.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(scores))


def tune_thresholds(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Grid-search the (positive, negative) thresholds that maximise macro-F1 on labelled scores."""
    grid = np.round(np.arange(0.25, 3.01, 0.125), 3)
    best = (-1.0, 1.0, 1.0)
    for t_pos in grid:
        for t_neg in grid:
            pred = np.where(score >= t_pos, "positive", np.where(score <= -t_neg, "negative", "neutral"))
            f1 = macro_f1(y, pred)
            if f1 > best[0] + 1e-9:
                best = (f1, float(t_pos), float(t_neg))
    return best[1], best[2]
