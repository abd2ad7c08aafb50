"""Steps 1-2 of the burst stage: the recent window and its bursty terms, the seeds of new issues.

Documents created less than ``hours`` before the latest one are *recent*; earlier ones (a random
sample) are the *baseline*. A token is bursty when it is held by many more recent documents than
its baseline share predicts (+1 smoothing), from enough authors, with a large Poisson surprise.
See :mod:`monitoring.issues.bursts` for the whole stage.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from monitoring.issues.burst_settings import (
    MIN_AUTHORS,
    MIN_DOCS,
    MIN_RATIO,
    MIN_SURPRISE,
    RECENT_HOURS,
    SMOOTHING,
)
from monitoring.store.token_codes import TokenCodes


@dataclass
class Window:
    """Positions (into the caller's documents) of the recent and baseline documents."""

    recent: np.ndarray
    baseline: np.ndarray
    end: pd.Timestamp | None = None   # time of the latest document


def split_window(created_at: Sequence | pd.Series, hours: float = RECENT_HOURS, *, usable: np.ndarray | None = None,
                 max_baseline: int | None = None, rng: np.random.Generator | None = None) -> Window:
    """Recent = created less than ``hours`` before the latest document; baseline = earlier.

    Args:
        created_at: time per document; documents without one are in neither part.
        hours: length of the recent window.
        usable: positions of the documents that may take part (default: all).
        max_baseline: keep a random sample of at most this many baseline documents.
        rng: random generator for that sample.
    """
    times = pd.to_datetime(pd.Series(created_at).reset_index(drop=True), utc=True, errors="coerce")
    allowed = np.ones(len(times), dtype=bool)
    if usable is not None:
        allowed[:] = False
        allowed[usable] = True
    latest = times[allowed].max()
    if pd.isna(latest):
        return Window(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    start = latest - pd.Timedelta(hours=hours)
    recent = np.flatnonzero(allowed & (times > start).to_numpy(dtype=bool))
    baseline = np.flatnonzero(allowed & (times <= start).to_numpy(dtype=bool))
    if max_baseline is not None and len(baseline) > max_baseline:
        rng = rng if rng is not None else np.random.default_rng(0)
        baseline = np.sort(rng.choice(baseline, max_baseline, replace=False))
    return Window(recent, baseline, latest)


@dataclass
class DocumentInfo:
    """What the burst stage knows about each document besides its tokens (all optional)."""

    created_at: np.ndarray | None = None
    authors: np.ndarray | None = None
    post_counts: np.ndarray | None = None

    @classmethod
    def of(cls, n: int, created_at: Sequence | None = None, authors: Sequence | None = None,
           post_counts: Sequence[int] | None = None) -> DocumentInfo:
        """Checked arrays of ``n`` values each (``ValueError`` on a length mismatch)."""
        arrays = {}
        for name, values in (("created_at", created_at), ("authors", authors), ("post_counts", post_counts)):
            if values is None:
                arrays[name] = None
                continue
            array = pd.Series(values).reset_index(drop=True)
            if len(array) != n:
                raise ValueError(f"{name} has {len(array)} values for {n} documents")
            if name == "created_at":  # naive UTC datetime64: an array of tz-aware times is one of objects
                array = pd.to_datetime(array, utc=True, errors="coerce").dt.tz_convert(None)
            elif name == "authors":
                array = array.astype(object).where(array.notna(), "").astype(str)
            elif name == "post_counts":
                array = array.fillna(1).astype(np.int64)
            arrays[name] = array.to_numpy()
        return cls(**arrays)

    def recent(self, window: Window) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(authors, post counts) of the recent documents."""
        return tuple(None if a is None else a[window.recent] for a in (self.authors, self.post_counts))


def holding_documents(window: Window, seeds: pd.DataFrame, *, limit: int,
                      rng: np.random.Generator | None = None) -> np.ndarray:
    """Positions of the recent documents holding a bursty term (a random ``limit`` of them at most)."""
    if seeds is None or seeds.empty:
        return np.zeros(0, dtype=np.int64)
    holding = window.recent[np.unique(np.concatenate(list(seeds["rows"])))]
    if len(holding) > limit:
        rng = rng if rng is not None else np.random.default_rng(0)
        holding = np.sort(rng.choice(holding, limit, replace=False))
    return holding


def bursty_terms(tokens: TokenCodes | pd.Series, window: Window, authors: Sequence | None = None, *,
                 min_docs: int = MIN_DOCS, min_authors: int = MIN_AUTHORS, min_ratio: float = MIN_RATIO,
                 min_surprise: float = MIN_SURPRISE, smoothing: float = SMOOTHING) -> pd.DataFrame:
    """Tokens much more common in the recent window than in the baseline, strongest first.

    Args:
        tokens: token list per document (the positions ``window`` refers to).
        window: recent and baseline positions (the baseline may be a random sample).
        authors: author per document; without it every document counts as its own author.
        min_docs: recent documents a term needs.
        min_authors: distinct authors among them.
        min_ratio: recent share / smoothed baseline share.
        min_surprise: ``-log10`` of the Poisson tail probability of the recent count.
        smoothing: pseudo-documents added to the baseline count.

    Returns:
        Columns term, recent_docs, baseline_docs, authors, ratio, surprise and rows (the positions
        in ``window.recent`` of the recent documents holding the term).
    """
    columns = ["term", "recent_docs", "baseline_docs", "authors", "ratio", "surprise", "rows"]
    n_recent, n_base = len(window.recent), len(window.baseline)
    if n_recent < min_docs or n_base == 0:
        return pd.DataFrame(columns=columns)
    documents = TokenCodes.of(tokens).take(np.concatenate([window.recent, window.baseline]))
    codes, terms = documents.local()
    lengths = documents.lengths
    holds = sparse.csr_matrix((np.ones(len(codes), dtype=np.float32),
                               (np.repeat(np.arange(len(lengths)), lengths), codes)),
                              shape=(len(lengths), len(terms)))  # duplicates summed: term counts
    holds.data[:] = 1.0
    recent_docs = np.asarray(holds[:n_recent].sum(axis=0)).ravel().astype(np.int64)
    base_docs = np.asarray(holds[n_recent:].sum(axis=0)).ravel().astype(np.int64)
    expected = n_recent * (base_docs + smoothing) / (n_base + smoothing)
    ratio = recent_docs / expected
    candidate = np.flatnonzero((recent_docs >= min_docs) & (ratio >= min_ratio))
    with np.errstate(divide="ignore"):
        surprise = -stats.poisson.logsf(recent_docs[candidate] - 1, expected[candidate]) / np.log(10)
    by_term = holds[:n_recent][:, candidate].tocsc()
    rows = [by_term.indices[by_term.indptr[i]:by_term.indptr[i + 1]] for i in range(len(candidate))]
    who = None if authors is None else pd.factorize(
        pd.Series(authors).reset_index(drop=True).iloc[window.recent].astype(str))[0]
    n_authors = [len(r) if who is None else len(np.unique(who[r])) for r in rows]
    frame = pd.DataFrame({"term": np.asarray(terms, dtype=object)[candidate],
                          "recent_docs": recent_docs[candidate], "baseline_docs": base_docs[candidate],
                          "authors": np.asarray(n_authors, dtype=np.int64), "ratio": ratio[candidate],
                          "surprise": surprise, "rows": pd.Series(rows, dtype=object)})
    frame = frame[(frame["authors"] >= min_authors) & (frame["surprise"] >= min_surprise)]
    return frame.sort_values(["surprise", "term"], ascending=[False, True], ignore_index=True)[columns]
