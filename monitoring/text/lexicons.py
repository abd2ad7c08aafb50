"""Lexical resources for Indonesian social-media text (slang map, stopwords, negations, emoji
names, root words) and the word-level operations built on them (hashtag splitting, undoing
elongation, recognising laughter).

Everything is loaded lazily (first use) and cached; nothing happens at import time.

Sources, by priority (highest first):

- slang: user additions (``extra_slang``, stored by the UI) > ``data/slang_overrides.csv``
  (team-written corrections) > nahiarhdNLP's bundled ``slang.csv`` (read from the installed
  package, never copied into this repository).
- stopwords: stopwordsiso ``id`` + ``data/stopwords_extra.txt`` (social-media fillers, English and
  Javanese particles) + user additions, MINUS :data:`NEGATIONS` (sentiment needs them) and
  :data:`CONTENT_WORDS` (words the base list drops although issues are about them: "naik").
- root words: PySastrawi's dictionary ``kata-dasar.txt`` (used to pick the right de-elongation
  and to split hashtags).

``STOPWORDS`` and ``SLANG`` are module attributes computed on first access (PEP 562).
"""
from __future__ import annotations

import csv
import importlib.resources
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from monitoring.data_files import DATA_DIR

SLANG_OVERRIDES_PATH = DATA_DIR / "slang_overrides.csv"
STOPWORDS_EXTRA_PATH = DATA_DIR / "stopwords_extra.txt"

# Negators are never stopwords: "tidak setuju" and "setuju" must not look alike to sentiment.
NEGATIONS = frozenset({
    "tidak", "tak", "bukan", "belum", "jangan", "tiada", "tanpa",
    "enggak", "engga", "nggak", "ngga", "gak", "ga", "gk", "kagak", "kaga", "ndak", "nda",
    "tdk", "bkn", "blm", "jgn", "ora", "mboten",
})
# In stopwordsiso's list, but the very words issues are about ("BBM naik", "kasus korupsi").
CONTENT_WORDS = frozenset({"naik", "kasus", "kurang"})

_RUN_RE = re.compile(r"(.)\1+")


def collapse_runs(word: str) -> str:
    """Collapse every run of a repeated character to one character (``gakk`` -> ``gak``)."""
    return _RUN_RE.sub(r"\1", word)


@lru_cache(maxsize=1)
def root_words() -> frozenset[str]:
    """PySastrawi's dictionary of Indonesian root words (about 30k, some hyphenated)."""
    text = importlib.resources.files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text(
        encoding="utf-8")
    return frozenset(w for w in text.split("\n") if w.strip())


def _read_pairs(text: str) -> dict[str, str]:
    """``slang,formal`` rows -> dict; keys/values lower-cased and stripped, '#' lines skipped."""
    pairs: dict[str, str] = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 2 or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        slang, formal = row[0].strip().lower(), " ".join(row[1].lower().split())
        if slang == "slang" and formal == "formal":
            continue  # header
        if formal:
            pairs[slang] = formal
    return pairs


@lru_cache(maxsize=1)
def base_slang() -> dict[str, str]:
    """nahiarhdNLP's slang dictionary (about 15.7k entries), read from the installed package."""
    text = importlib.resources.files("nahiarhdNLP.datasets").joinpath("slang.csv").read_text(
        encoding="utf-8")
    return _read_pairs(text)


@lru_cache(maxsize=1)
def slang_overrides() -> dict[str, str]:
    """The team's corrections in ``data/slang_overrides.csv``; ``x,x`` means "keep x as is"."""
    return _read_pairs(SLANG_OVERRIDES_PATH.read_text(encoding="utf-8"))


def _resolve_chains(mapping: dict[str, str], fixed: Mapping[str, str]) -> dict[str, str]:
    """Follow one step further where the base maps to another slang form (``nggak`` -> enggak ->
    tidak).

    A single-word value is looked up in the whole map; the words of a multi-word value only in
    ``fixed`` (the overrides), because the base's entries for common short words are unreliable
    ("si goblok" must not become "sih goblok"). Overrides are final; cycles keep the first value.
    """
    resolved = {}
    for key, value in mapping.items():
        if key in fixed:
            resolved[key] = value
            continue
        words = value.split()
        lookup = mapping if len(words) == 1 else fixed
        out = []
        for word in words:
            target = lookup.get(word, word)
            if key in target.split() or mapping.get(target) == word:
                target = word  # cycle (cape <-> capek): keep the value as written
            out.append(target)
        resolved[key] = " ".join(out)
    return resolved


@lru_cache(maxsize=1)
def default_slang() -> dict[str, str]:
    """Base slang corrected by the overrides, with chains resolved. Do not mutate the result.

    An override also covers the base's elongated spellings of its key: with ``lho,lho`` in the
    overrides, the base entries ``lhoo -> lo`` and ``lohh -> lo`` (``lo`` is "kamu") are fixed too.
    """
    overrides = slang_overrides()
    merged = dict(base_slang())
    for key in list(merged):
        collapsed = collapse_runs(key)
        if collapsed != key and collapsed in overrides and key not in overrides:
            merged[key] = overrides[collapsed]
    kept = {key: key for key, value in merged.items() if key not in overrides and spells_out(key, value)}
    merged.update(kept)
    merged.update(overrides)
    _contract_kept_acronyms(merged, {**kept, **overrides})
    resolved = _resolve_chains(merged, overrides)
    # Identity entries carry no information at run time (a word maps to itself anyway).
    return {k: v for k, v in resolved.items() if k != v}


# Words skipped when reading an acronym off its expansion ("fakultas ilmu sosial dan ilmu politik").
_ACRONYM_FILLERS = frozenset({"dan", "di", "ke", "dari", "untuk", "atas", "of", "for", "the", "and"})


def spells_out(key: str, value: str) -> bool:
    """Whether a base entry expands an acronym (``kpu -> komisi pemilihan umum``).

    The acronym is what analysts write and search for, and a single distinctive token clusters
    and labels better than common words (the base also has typos there: "komisi pemelihan
    umum"), so :func:`default_slang` keeps acronyms as written, as the overrides do for bbm or kpk.
    Abbreviations that should still expand (``dll``) are listed in the overrides.
    """
    words = value.split()
    if len(words) < 2 or len(key) < 2 or not key.isalpha():
        return False
    initials = "".join(w[0] for w in words)
    content = "".join(w[0] for w in words if w not in _ACRONYM_FILLERS)
    return key in (initials, content) or (len(key) >= 3 and initials.startswith(key))


def _contract_kept_acronyms(merged: dict[str, str], kept: Mapping[str, str]) -> None:
    """Where the base spells out an acronym that is kept (``kpk,kpk``; 3+ letters, 3+ words),
    put the acronym back into the other values too: base ``savekpk -> save komisi
    pemberantasan korupsi`` becomes ``save kpk``."""
    base, overrides = base_slang(), slang_overrides()
    expansions: dict[str, str] = {}
    for key in sorted((k for k, v in kept.items() if k == v), key=len, reverse=True):  # shortest wins
        words = base.get(key, "").split()
        if len(words) >= 2 and (key in overrides or (len(key) >= 3 and len(words) >= 3)):
            expansions[" ".join(words)] = key
    if not expansions:
        return
    pattern = re.compile(r"\b(?:" + "|".join(
        map(re.escape, sorted(expansions, key=len, reverse=True))) + r")\b")
    for key, value in merged.items():
        if key not in kept and " " in value:
            merged[key] = pattern.sub(lambda m: expansions[m.group()], value)


def build_slang(extra_slang: Mapping[str, str] | None = None) -> dict[str, str]:
    """The effective slang map: :func:`default_slang` updated with the user's additions.

    Args:
        extra_slang: ``{"slang": "formal"}`` pairs from the UI; they win over everything.
            Keys and values are lower-cased; an empty value or ``x -> x`` disables normalising x.
    """
    slang = dict(default_slang())
    for key, value in (extra_slang or {}).items():
        key, value = str(key).strip().lower(), " ".join(str(value).lower().split())
        if not key:
            continue
        if not value or value == key:
            slang.pop(key, None)
        else:
            slang[key] = value
    return slang


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Words the normaliser trusts as spelled: roots, stopwords, negations, slang keys and the
    words of slang values (used to undo elongation and to split hashtags)."""
    slang = {**base_slang(), **slang_overrides()}
    words = set(root_words()) | default_stopwords() | NEGATIONS | set(slang)
    for value in slang.values():
        words.update(value.split())
    return frozenset(w for w in words if w.isalnum())


def _read_word_lines(path: Path) -> set[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
    return words


@lru_cache(maxsize=1)
def default_stopwords() -> frozenset[str]:
    """stopwordsiso ``id`` + ``data/stopwords_extra.txt`` - NEGATIONS - CONTENT_WORDS."""
    import stopwordsiso  # imported here: loading its JSON is the slow part

    words = set(stopwordsiso.stopwords("id")) | _read_word_lines(STOPWORDS_EXTRA_PATH)
    return frozenset(words - NEGATIONS - CONTENT_WORDS)


def build_stopwords(extra_stopwords: Iterable[str] | None = None) -> frozenset[str]:
    """Default stopwords plus the user's, never including a negation."""
    if not extra_stopwords:
        return default_stopwords()
    extra = {str(w).strip().lower() for w in extra_stopwords} - {""}
    return default_stopwords() | frozenset(extra - NEGATIONS)


def is_slang(word: str) -> bool:
    """True when ``word`` is a non-standard spelling the default slang map rewrites (``yg``)."""
    return word.strip().lower() in default_slang()


def is_stopword(word: str) -> bool:
    """True when ``word`` carries no topic: a stopword, a negation, or slang for one of these.

    Meant for issue labels and keyword lists ("yg", "gak", "wkwk", "tidak" are all True). Note the
    difference with :data:`STOPWORDS`, which excludes negations because tokens keep them.
    """
    word = word.strip().lower()
    stopwords = default_stopwords()
    formal = default_slang().get(word, word).split()
    return bool(formal) and all(w in stopwords or w in NEGATIONS for w in formal)


def _emoji_slug(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


# Variation selector and skin-tone modifiers: dropped so that 👍🏽 and 👍 are the same feature.
EMOJI_MODIFIERS = "\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"
_MODIFIER_TABLE = str.maketrans("", "", EMOJI_MODIFIERS)


def strip_emoji_modifiers(text: str) -> str:
    """Remove variation selectors and skin tones (``❤️`` -> ``❤``, ``👍🏽`` -> ``👍``)."""
    return text.translate(_MODIFIER_TABLE)


@lru_cache(maxsize=1)
def emoji_tokens() -> dict[str, str]:
    """Emoji (without modifiers) -> single token from its Indonesian name (``😡`` ->
    ``emoji_wajah_sangat_marah``); English name when no Indonesian one exists."""
    import emoji

    emoji.config.load_language("id")
    tokens: dict[str, str] = {}
    # Plain emoji first, so that 👍🏽 (stripped to 👍) gets the name of 👍, not "..._warna_kulit_..".
    entries = sorted(emoji.EMOJI_DATA.items(),
                     key=lambda item: strip_emoji_modifiers(item[0]) != item[0])
    for char, data in entries:
        key = strip_emoji_modifiers(char)
        slug = _emoji_slug(data.get("id") or data.get("en") or "")
        if key and slug and key not in tokens:
            tokens[key] = "emoji_" + slug
    return tokens


# --- word-level operations on these resources ---------------------------------------------
_CAMEL_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_LETTER_RUN_RE = re.compile(r"([a-z])\1+")
_LAUGHTER = (  # (canonical, pattern): wkwkwk, awokawok, hahaha, ...
    ("wkwk", re.compile(r"(?:a?w+k+)+w*|k+(?:w+k+)+w*|(?:a?wo+k+)+|wa(?:k+a+)+k*")),
    ("haha", re.compile(r"a?h*a+(?:h+a+)+h*")),
    ("hehe", re.compile(r"h+e+(?:h+e+)+h*")),
    ("hihi", re.compile(r"h+i+(?:h+i+)+h*")),
    ("xixi", re.compile(r"x+i+(?:x+i+)+x*")),
    ("huhu", re.compile(r"h+u+(?:h+u+)+h*")),
)
_TWO_LETTER_PIECES = frozenset({"di", "ke", "ya", "ga", "yg", "uu", "ri", "tv", "hp", "sd", "mk",
                                "ui"})
_PIECE_PREFIXES = ("memper", "diper", "member", "ber", "ter", "mem", "men", "meng", "meny", "pem",
                   "pen", "peng", "peny", "per", "me", "pe", "di", "ke", "se", "")
_PIECE_SUFFIXES = ("kannya", "annya", "kan", "an", "i", "nya", "lah", "")
_RECODINGS = {"men": "t", "pen": "t", "mem": "p", "pem": "p", "meng": "k", "peng": "k",
              "meny": "s", "peny": "s"}


def laughter(word: str) -> str | None:
    """Canonical laughter (``wkwkwk``/``awokwok`` -> ``wkwk``, ``hahaha`` -> ``haha``) or None."""
    if word[:1] in ("w", "k", "a", "h", "x") and (len(word) >= 3 or word in ("wk", "kw")):
        for canonical, pattern in _LAUGHTER:
            if pattern.fullmatch(word):
                return canonical
    return None


def _affixed_known(piece: str, roots: frozenset[str]) -> bool:
    """Rough check that a hashtag piece is an affixed root (``kenaikan`` = ke+naik+an)."""
    for prefix in _PIECE_PREFIXES:
        if not piece.startswith(prefix):
            continue
        rest = piece[len(prefix):]
        for suffix in _PIECE_SUFFIXES:
            if prefix in ("di", "ke") and not suffix:
                continue  # "dirumah" reads better as the preposition and a word: di rumah
            if rest.endswith(suffix) and len(rest) - len(suffix) >= 3:
                root = rest[:len(rest) - len(suffix)]
                if root in roots or _RECODINGS.get(prefix, "?") + root in roots:
                    return True
    return False


def _segment(word: str, known: frozenset[str], roots: frozenset[str]) -> list[str] | None:
    """Split a lower-case run of letters into the fewest known words, or None."""
    def is_piece(piece: str) -> bool:
        if len(piece) == 2:
            return piece in _TWO_LETTER_PIECES
        if len(piece) < 3:
            return False
        return piece in known or (len(piece) >= 5 and _affixed_known(piece, roots))

    n = len(word)
    best: list[list[str] | None] = [[]] + [None] * n
    for end in range(2, n + 1):
        for start in range(max(0, end - 24), end - 1):
            head = best[start]
            if head is not None and (best[end] is None or len(head) + 1 < len(best[end])) \
                    and is_piece(word[start:end]):
                best[end] = head + [word[start:end]]
    return best[n]


def split_hashtag(tag: str) -> list[str]:
    """Words of a hashtag (without ``#``), lower-case.

    CamelCase decides when present (``TolakKenaikanBBM`` -> tolak kenaikan bbm); otherwise a
    run of letters that is not itself a known word is split into the fewest known words
    (``hapuspajak`` -> hapus pajak) and kept whole when no split exists.
    """
    words: list[str] = []
    for part in re.split(r"_+", tag):
        if part and not part.islower() and not part.isupper():
            words.extend(p.lower() for p in _CAMEL_RE.findall(part))
            continue
        for piece in re.findall(r"[^\W\d_]+|\d+", part.lower()):
            known = known_words()
            split = None
            if piece not in known and 6 <= len(piece) <= 40 and piece.isascii():
                split = _segment(piece, known, root_words())
            words.extend(split or [piece])
    return words


def deelongations(token: str) -> list[str]:
    """Spellings with runs shortened to one or two letters (only runs of 3+, or a doubled last
    letter), fewest letters first; at most 16."""
    runs = [m for m in _LETTER_RUN_RE.finditer(token)
            if len(m.group()) >= 3 or m.end() == len(token)][:4]
    candidates = []
    for mask in range(1 << len(runs)):
        pieces, pos = [], 0
        for k, run in enumerate(runs):
            pieces.append(token[pos:run.start()] + run.group(1) * (2 if mask >> k & 1 else 1))
            pos = run.end()
        candidate = "".join(pieces) + token[pos:]
        if candidate != token:
            candidates.append(candidate)
    return sorted(candidates, key=len)


def __getattr__(name: str):
    if name == "STOPWORDS":
        return default_stopwords()
    if name == "SLANG":
        return default_slang()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
