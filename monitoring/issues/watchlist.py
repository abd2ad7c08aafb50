"""Watchlists: analyst-defined issues as keyword queries, for share of voice.

Query syntax (Google-like, case-insensitive)::

    bbm OR pertalite -motor "harga naik"

- words separated by spaces must all match (AND);
- ``OR`` (capitals) or ``|`` between two keywords: either may match;
- ``-kata`` / ``-"frasa"`` excludes posts that contain it;
- ``"frasa"`` matches consecutive words (punctuation between them is allowed);
- ``kata*`` matches words starting with ``kata``.

A keyword matches a post when it occurs as whole word(s) in the lower-cased original text, or -
when a ``normaliser`` is given (e.g. ``monitoring.text.cleaning.tokenize_query``) and the post has
:data:`schema.TOKENS` - when its normalised tokens occur consecutively in the post's tokens,
so ``kenaikan`` also finds posts whose tokens hold the stem ``naik``. Matching is vectorised
(one regex scan per clause over the text column, one substring scan per keyword over the
joined tokens), with every keyword passed through ``re.escape``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitoring import schema
from monitoring.errors import UserError

Normaliser = Callable[[str], list[str]]
MAX_KEYWORDS = 50
_ITEM = re.compile(r'-?"[^"]*"|[^\s"]+')


class InvalidQueryError(UserError):
    """A watchlist or search query cannot be parsed; the message says how to fix it."""


@dataclass(frozen=True)
class Keyword:
    """One keyword or phrase: its lower-case words, and whether the last word is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def text(self) -> str:
        """The keyword as the analyst wrote it (lower-case)."""
        return " ".join(self.words) + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    """A parsed query: every clause must match (AND) and no exclusion may match.

    A clause is a tuple of alternatives (OR).
    """

    clauses: tuple[tuple[Keyword, ...], ...]
    excluded: tuple[Keyword, ...] = ()


def parse_query(text: str) -> Query:
    """Parse a query string (see the module docstring).

    Raises:
        InvalidQueryError: empty query, unpaired quote, misplaced OR, only exclusions, too long.
    """
    text = (text or "").strip()
    if not text:
        raise InvalidQueryError("Kueri kosong. Tulis minimal satu kata kunci, mis. bbm OR pertalite.")
    if text.count('"') % 2:
        raise InvalidQueryError('Tanda kutip (") tidak berpasangan. Tutup frasa dengan tanda kutip, '
                                'mis. "harga naik".')
    items = _ITEM.findall(text)
    if len(items) > MAX_KEYWORDS:
        raise InvalidQueryError(f"Kueri terlalu panjang: maksimal {MAX_KEYWORDS} kata kunci.")
    clauses: list[list[Keyword]] = []
    excluded: list[Keyword] = []
    join_next = False
    for position, item in enumerate(items):
        if item in ("OR", "|"):
            if join_next or not clauses or position == len(items) - 1 or items[position - 1].startswith("-"):
                raise InvalidQueryError("OR harus berada di antara dua kata kunci, mis. bbm OR pertalite.")
            join_next = True
            continue
        keyword = _keyword(item.removeprefix("-"))
        if item.startswith("-"):
            if join_next:
                raise InvalidQueryError("Pengecualian (-kata) tidak bisa digabung dengan OR. "
                                        "Tulis pengecualian terpisah, mis. bbm -motor.")
            excluded.append(keyword)
        elif join_next:
            clauses[-1].append(keyword)
        else:
            clauses.append([keyword])
        join_next = False
    if not clauses:
        raise InvalidQueryError("Kueri hanya berisi pengecualian (-kata). Tambahkan minimal satu kata kunci "
                                "yang dicari.")
    return Query(tuple(tuple(c) for c in clauses), tuple(excluded))


def _keyword(item: str) -> Keyword:
    raw = item.strip('"') if item.startswith('"') else item
    prefix = raw.endswith("*") and not item.startswith('"')
    words = tuple(w for w in re.split(r"\s+", raw.lower().rstrip("*").strip()) if w)
    if not words:
        raise InvalidQueryError("Ada kata kunci kosong (tanda '-' atau tanda kutip tanpa isi). "
                                "Hapus atau isi kata kuncinya.")
    return Keyword(words, prefix)


def match_watchlist(
    posts: pd.DataFrame, query: Query | str, *, normaliser: Normaliser | None = None
) -> pd.Series:
    """Boolean Series (aligned with ``posts``): which posts match the query.

    Args:
        posts: frame with :data:`schema.TEXT`; :data:`schema.TOKENS` is used with ``normaliser``.
        query: a :class:`Query` or a query string (parsed with :func:`parse_query`).
        normaliser: text -> tokens function applied to each keyword, normally
            ``monitoring.text.cleaning.tokenize_query``, so keywords also match stemmed tokens.

    Raises:
        InvalidQueryError: the query string is invalid.
    """
    return _Matcher(posts, normaliser).match(parse_query(query) if isinstance(query, str) else query)


def watchlist_matches(
    posts: pd.DataFrame, watchlists: Mapping[str, Query | str], *, normaliser: Normaliser | None = None
) -> pd.DataFrame:
    """One boolean column per watchlist name, aligned with ``posts`` (text prepared once)."""
    matcher = _Matcher(posts, normaliser)
    columns = {
        name: matcher.match(parse_query(q) if isinstance(q, str) else q) for name, q in watchlists.items()
    }
    return pd.DataFrame(columns, index=posts.index, dtype=bool)


def share_of_voice(
    posts: pd.DataFrame, watchlists: Mapping[str, Query | str], *, normaliser: Normaliser | None = None
) -> pd.DataFrame:
    """Posts per watchlist and their share of all posts matching any watchlist.

    A post matching two watchlists counts for both, so shares can add up to more than 1.

    Returns:
        Columns ``watchlist``, ``posts``, ``share``, biggest first.
    """
    matches = watchlist_matches(posts, watchlists, normaliser=normaliser)
    counts = matches.sum().astype(np.int64)
    total = int(matches.any(axis=1).sum()) if len(matches.columns) else 0
    frame = pd.DataFrame({"watchlist": counts.index, "posts": counts.to_numpy()})
    frame["share"] = frame["posts"] / total if total else 0.0
    return frame.sort_values(["posts", "watchlist"], ascending=[False, True], ignore_index=True)


class _Matcher:
    """Prepares the lower-cased text and the joined tokens of a frame once, then matches."""

    def __init__(self, posts: pd.DataFrame, normaliser: Normaliser | None):
        self.index = posts.index
        self.text = posts[schema.TEXT].fillna("").astype(str).str.lower()
        self.normaliser = normaliser
        self.tokens = None
        if normaliser is not None and schema.TOKENS in posts:
            joined = [" ".join(t) if isinstance(t, (list, tuple, np.ndarray)) else "" for t in posts[schema.TOKENS]]
            self.tokens = pd.Series(joined, index=posts.index, dtype="str").radd(" ") + " "

    def match(self, query: Query) -> pd.Series:
        result = pd.Series(True, index=self.index)
        for clause in query.clauses:
            result &= self._any(clause)
        if query.excluded:
            result &= ~self._any(query.excluded)
        return result

    def _any(self, keywords: tuple[Keyword, ...]) -> pd.Series:
        # A plain alternation of first words is fast in pyarrow's RE2; word boundaries are not
        # (they force its slow path on non-ASCII text), so they only run on the candidates.
        quick = "|".join(re.escape(k.words[0]) for k in keywords)
        candidate = self.text.str.contains(quick, regex=True).fillna(False).to_numpy(bool)
        pattern = "|".join(_keyword_pattern(k) for k in keywords)
        found = pd.Series(False, index=self.index)
        if candidate.any():
            exact = self.text[candidate].str.contains(f"(?:^|\\W)(?:{pattern})", regex=True)
            found[candidate] = exact.fillna(False).to_numpy(bool)
        if self.tokens is not None:
            for keyword in keywords:
                tokens = [t for t in self.normaliser(keyword.text.rstrip("*")) if t]
                if tokens:
                    needle = " " + " ".join(tokens) + ("" if keyword.prefix else " ")
                    found |= self.tokens.str.contains(needle, regex=False).fillna(False).astype(bool)
        return found


def _keyword_pattern(keyword: Keyword) -> str:
    body = r"\W+".join(re.escape(w) for w in keyword.words)
    return body + (r"\w*" if keyword.prefix else r"(?:\W|$)")  # no lookaround: pyarrow's RE2 runs it
