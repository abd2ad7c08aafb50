"""Seeing through the ways Indonesians bend a word, for lexicon lookups (pure, fast).

The lexicon lists base words (``kesal``, ``kecewa``, ``bangga``); posts write them affixed or
glued to particles::

    ngeselin   -> ng- + kesel + -in            (colloquial nasal prefix, k dropped)
    kecewanya  -> kecewa + -nya                (particle glued on)
    dipingpong -> di- + pingpong
    ketipu     -> ke- (colloquial passive) + tipu
    kebanjiran -> ke- + banjir + -an           (adversative: something happened to someone)

:func:`readings` lists the readings of one word with the kind of affix removed; the resolver keeps
the first that reaches its lexicon and is allowed for that kind (:func:`keeps_polarity`). Only a
reading that reaches a known word is used, so a name or a topic word that merely looks affixed is
left alone. This is not a stemmer (PySastrawi walks every prefix rule of every unseen word, a few
thousand words per second): it tries a handful of slices per word, and the lexicon decides.
"""
from __future__ import annotations

from typing import NamedTuple

# Particles and clitics glued to the end of a word ("kecewanya", "mantaplah", "kenapasih").
PARTICLES = ("nya", "lah", "kah", "pun", "ku", "mu", "dong", "sih", "deh", "tuh", "nih")
# Derivational suffixes (colloquial -in stands for -kan/-i: "nyusahin").
SUFFIXES = ("kan", "in", "an", "i")
# Prefix -> initial letters it may have replaced (nasal assimilation: me+tipu -> menipu).
_NASAL = {"meng": ("k", ""), "meny": ("s",), "mem": ("p", ""), "men": ("t", ""), "me": ("",),
          "peng": ("k", ""), "peny": ("s",), "pem": ("p", ""), "pen": ("t", ""), "pe": ("",),
          "nge": ("",), "ng": ("k", ""), "ny": ("s", "c"), "m": ("p",), "n": ("t",)}
_PLAIN = ("di", "ter", "ber", "ke", "se", "per")
PREFIXES = tuple(sorted(set(_NASAL) | set(_PLAIN), key=len, reverse=True))
NOMINAL_PREFIXES = frozenset({"pe", "pem", "pen", "peng", "peny", "per"})
_ENDINGS = PARTICLES + SUFFIXES
_VOWELS = frozenset("aeiou")
MIN_BASE = 4          # a shorter reading ("sok" in "besok") is too often an accident
MIN_GLUED_BASE = 3    # a word with only a particle off ("gilanya") may be shorter


class Reading(NamedTuple):
    """One way to read a word: its base and the affixes taken off ('' when none)."""

    base: str
    prefix: str
    suffix: str


def _without_particle(word: str) -> list[str]:
    return [word[: -len(p)] for p in PARTICLES if word.endswith(p) and len(word) - len(p) >= MIN_GLUED_BASE]


def _prefix_readings(body: str, suffix: str) -> list[Reading]:
    out = []
    for prefix in PREFIXES:
        if not body.startswith(prefix) or len(body) - len(prefix) < MIN_BASE - 1:
            continue
        rest = body[len(prefix):]
        letters = _NASAL.get(prefix, ("",))
        for letter in letters:
            # a dropped consonant only before a vowel: me-nipu = tipu, but men-dukung = dukung
            if letter and rest[0] not in _VOWELS:
                continue
            if len(letter + rest) >= MIN_BASE:
                out.append(Reading(letter + rest, prefix, suffix))
    return out


def may_be_affixed(word: str) -> bool:
    """Cheap test (in C) that ``word`` starts with a prefix or ends with a suffix or particle."""
    return len(word) >= MIN_GLUED_BASE + 2 and (word.startswith(PREFIXES) or word.endswith(_ENDINGS))


def readings(word: str) -> list[Reading]:
    """Readings of ``word`` without particles, suffixes and prefixes: particle or suffix only
    first, then with a prefix off, longest prefix first. ``word`` itself is not included."""
    if not may_be_affixed(word) or not word.isalpha():   # most unknown words (names, typos) stop here
        return []
    out = [Reading(base, "", "") for base in _without_particle(word)]
    bodies = [(word, "")] + [(r.base, "") for r in out]
    for form, _ in list(bodies):
        for suffix in SUFFIXES:
            if form.endswith(suffix) and len(form) - len(suffix) >= MIN_BASE - 1:
                body = form[: -len(suffix)]
                bodies.append((body, suffix))
                if len(body) >= MIN_BASE:
                    out.append(Reading(body, "", suffix))
    for body, suffix in bodies:
        out += _prefix_readings(body, suffix)
    seen, unique = {word}, []
    for reading in out:
        if reading.base not in seen:
            seen.add(reading.base)
            unique.append(reading)
    return unique


def keeps_polarity(reading: Reading, weight: float) -> bool:
    """Whether a word made by these affixes says what its base says.

    Verbs and colloquial forms keep it (mengecewakan, dibohongi, ngeselin, ketipu, terbaik);
    nominalisations often name a topic instead (kesehatan, keamanan, kebijakan, pencairan,
    perbaikan) and are kept only for harm words: ke-...-an of harm is adversative (kebanjiran,
    kemalingan), pe- of harm is the one who does it (penipu, pemalas).
    """
    if reading.prefix in NOMINAL_PREFIXES:
        return reading.suffix == "" and weight < 0
    if reading.prefix == "ke" and reading.suffix == "an":
        return weight < 0
    return True
