"""The sentiment model's word lists, read from the team's files in ``data/``.

- ``sentiment_lexicon.csv``: ``term,weight[,negated]`` — words and phrases of up to three canonical
  words with a weight in [-5, 5]; ``negated`` (optional) is the weight inside a negation's scope
  when it is not the default share of ``weight``.
- ``sentiment_roles.csv``: ``role,term`` — negators, intensifiers, contrast words, sarcasm and
  neutral cues (see :data:`ROLES`).
- ``sentiment_slang.csv``: ``surface,canonical`` — spellings mapped before any other lookup.

Loaded on first use and cached; nothing is read at import time.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from monitoring.data_files import data_path, read_csv_rows
from monitoring.errors import ModelError

LEXICON_FILE, ROLES_FILE, SLANG_FILE = "sentiment_lexicon.csv", "sentiment_roles.csv", "sentiment_slang.csv"
# The shipped lexicon: single words and short phrases, then longer-lived phrase lists
# (complaints about a service, rhetorical questions, praise of an experience).
LEXICON_FILES = (LEXICON_FILE, "sentiment_phrases.csv")
ROLES = ("negator", "prohibitive", "pre_intensifier", "post_intensifier", "diminisher", "contrast",
         "concessive", "sarcasm", "neutral_cue", "soft_sarcasm", "personal", "info_question", "rhetorical")


def _check_terms(terms: pd.Series, weights: pd.Series, name: str) -> None:
    bad = terms[(terms == "") | weights.isna() | (weights.abs() > 5)]
    if len(bad):
        raise ModelError(f"Leksikon {name}: istilah/bobot tidak valid pada baris {bad.index[0] + 2}.")
    too_long = terms[terms.str.count(" ") > 2]
    if len(too_long):
        raise ModelError(f"Leksikon {name}: frasa '{too_long.iloc[0]}' lebih dari tiga kata.")
    duplicated = terms[terms.duplicated()]
    if len(duplicated):
        raise ModelError(f"Leksikon {name}: istilah '{duplicated.iloc[0]}' tercantum lebih dari sekali.")


def load_lexicon_table(path: str | Path | None = None) -> pd.DataFrame:
    """The lexicon as a frame: term, weight, negated (NaN where the file gives none).

    Args:
        path: one ``term,weight[,negated]`` CSV; None = the shipped files (:data:`LEXICON_FILES`),
            which together must not list a term twice.

    Raises:
        ModelError: the file is missing, malformed, has duplicate terms or weights outside [-5, 5].
    """
    if path is None:
        table = pd.concat([_read_lexicon(data_path(name)) for name in LEXICON_FILES], ignore_index=True)
        _check_terms(table["term"], table["weight"], " + ".join(LEXICON_FILES))
        return table
    return _read_lexicon(Path(path))


def _read_lexicon(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ModelError(f"Berkas leksikon sentimen {path} tidak ditemukan.")
    table = pd.read_csv(path, comment="#", dtype={"term": str}, keep_default_na=False, encoding="utf-8")
    if list(table.columns[:2]) != ["term", "weight"]:
        raise ModelError(f"Leksikon {path.name} harus berkolom 'term,weight'.")
    terms = table["term"].str.replace("\ufe0f", "", regex=False).str.strip().str.lower()
    terms = terms.str.replace(r"\s+", " ", regex=True)
    weights = pd.to_numeric(table["weight"], errors="coerce")
    negated = (pd.to_numeric(table["negated"].replace("", None), errors="coerce") if "negated" in table
               else pd.Series(float("nan"), index=table.index))
    _check_terms(terms, weights, path.name)
    if (negated.abs() > 5).any():
        raise ModelError(f"Leksikon {path.name}: bobot negasi di luar [-5, 5].")
    return pd.DataFrame({"term": terms, "weight": weights.astype(float), "negated": negated.astype(float)})


def load_lexicon(path: str | Path | None = None) -> dict[str, float]:
    """Read a ``term,weight`` lexicon CSV (lines starting with ``#`` are comments).

    Multi-word terms (``terima kasih``) are phrases of two or three canonical words.

    Raises:
        ModelError: the file is missing, malformed, has duplicate terms or weights outside [-5, 5].
    """
    table = load_lexicon_table(path)
    return dict(zip(table["term"], table["weight"]))


@lru_cache(maxsize=1)
def role_words() -> dict[str, frozenset[str]]:
    """Role name -> canonical words (and phrases) with that role, from ``data/sentiment_roles.csv``."""
    found: dict[str, set[str]] = {role: set() for role in ROLES}
    for row in read_csv_rows(ROLES_FILE):
        role = (row.get("role") or "").strip()
        if role.startswith("#") or not role:
            continue
        if role not in found:
            raise ModelError(f"{ROLES_FILE}: peran '{role}' tidak dikenal.")
        found[role].add(" ".join(row["term"].replace("\ufe0f", "").lower().split()))
    return {role: frozenset(words) for role, words in found.items()}


@lru_cache(maxsize=1)
def sentiment_slang() -> dict[str, str]:
    """Surface form -> canonical form, from ``data/sentiment_slang.csv`` (the team's list)."""
    pairs = {}
    for row in read_csv_rows(SLANG_FILE):
        surface = (row.get("surface") or "").strip().lower()
        if surface and not surface.startswith("#"):
            pairs[surface] = " ".join(row["canonical"].lower().split())
    return pairs
