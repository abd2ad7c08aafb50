"""Lexical resources for Indonesian social-media text: slang map, stopwords, negations, emoji names.

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

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
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
    """Follow one more step where the base maps to another slang form (``nggak`` -> enggak -> tidak).

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
    merged.update(overrides)
    _contract_kept_acronyms(merged, overrides)
    resolved = _resolve_chains(merged, overrides)
    # Identity entries carry no information at run time (a word maps to itself anyway).
    return {k: v for k, v in resolved.items() if k != v}


def _contract_kept_acronyms(merged: dict[str, str], overrides: Mapping[str, str]) -> None:
    """Where the base spells out an acronym the overrides keep (``kpk,kpk``), put the acronym
    back into the other values too: base ``savekpk -> save komisi pemberantasan korupsi``
    becomes ``save kpk``."""
    base = base_slang()
    expansions = {base[k]: k for k, v in overrides.items()
                  if k == v and " " in base.get(k, "")}
    if not expansions:
        return
    pattern = re.compile(r"\b(?:" + "|".join(
        map(re.escape, sorted(expansions, key=len, reverse=True))) + r")\b")
    for key, value in merged.items():
        if key not in overrides and " " in value:
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
    entries = sorted(emoji.EMOJI_DATA.items(), key=lambda item: strip_emoji_modifiers(item[0]) != item[0])
    for char, data in entries:
        key = strip_emoji_modifiers(char)
        slug = _emoji_slug(data.get("id") or data.get("en") or "")
        if key and slug and key not in tokens:
            tokens[key] = "emoji_" + slug
    return tokens


def __getattr__(name: str):
    if name == "STOPWORDS":
        return default_stopwords()
    if name == "SLANG":
        return default_slang()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
