"""Brand-new issues that surge in the last hours: bursty terms ▸ seeded groups ▸ novelty test.

The global clustering of :mod:`monitoring.issues.model` looks at the whole period: a topic that is small
overall but concentrated in the last day (a market fire in one city, lay-offs at one factory) is
absorbed into a big neighbour issue, and on a large store it is hardly in the fit sample at all.
This stage looks at every recent document and gives a new, coherent topic an issue of its own:

1. Window (:func:`split_window`): documents created less than ``hours`` before the latest one
   are *recent*; earlier ones (a random sample of at most ``baseline_sample``) are the
   *baseline*, what was said before the topic existed.
2. Bursty terms (:func:`bursty_terms`): per token, recent documents holding it against the
   number expected from its baseline share (+1 smoothing), with the Poisson surprise. Tokens held
   by ``min_docs`` recent documents from ``min_authors`` authors and ``ratio`` times more common
   than before seed groups, strongest first.
3. Seeded group (:func:`grow_burst`, :func:`member_threshold`): the centroid of the recent
   documents holding the seed; for a similarity cut ``t``, ``m(t)`` recent documents are that
   similar and ``e(t)`` would be if the recent window spoke like the baseline. The cut maximises
   ``m - margin * e``: documents join while they are ``margin`` times more common than before and
   stop where the group runs into an older topic. The centroid moves to the members' mean and the
   cut is chosen again until the members stop changing.
4. Novelty test (:func:`find_bursts`): the group is a new issue when ``m / e >= ratio`` at its
   cut, it holds ``min_docs`` documents standing for ``min_posts`` posts from ``min_authors``
   authors, and it is coherent (mean pairwise similarity of members at least ``min_coherence``).
   An existing issue that only grows is not new: its baseline documents are as close to the
   centroid as the recent ones, so ``m / e`` stays near the growth factor. Seeds mostly covered by
   a promoted group seed nothing more; members of one group cannot join another.

:func:`recentre` then removes the new issues' documents from the global centroids (dropping a
global issue that was mostly the new topic) and :func:`assign` gives a document to a new issue
when it is at least as similar as the group's cut. Everything works on L2-normalised TF-IDF rows;
the caller decides what a document is (one per duplicate group in :mod:`monitoring.issues.identity`).

Defaults were chosen on ``benchmarks/evaluate_emerging.py`` (its dev scenarios).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from scipy import sparse, stats

from monitoring.store.token_codes import TokenCodes

RECENT_HOURS = 24.0
MIN_DOCS = 5          # distinct documents (duplicate groups) a new issue needs
MIN_POSTS = 15        # posts (documents weighted by their duplicate-group size) a new issue needs
MIN_AUTHORS = 5       # distinct authors among its documents
MIN_RATIO = 10.0      # how much more common than in the baseline a term / group must be
MARGIN = 5.0          # a document joins a group while such documents are this much more common than before
MIN_SURPRISE = 4.0    # -log10 p of a bursty term's recent count under its baseline rate
MIN_SIMILARITY = 0.1  # members are at least this similar to the group's centroid
SMOOTHING = 1.0       # pseudo-documents added to every baseline count
MAX_SEEDS = 40        # bursty terms tried, strongest first
COVERED = 0.5         # a term whose recent documents are this much inside promoted groups seeds nothing
BASELINE_SAMPLE = 100_000  # baseline documents compared with the recent ones, at most
SPLIT_SIMILARITY = 0.2  # halves of a group less similar than this are two topics (one topic's: 0.4-0.55)


@dataclass(frozen=True)
class BurstSettings:
    """Parameters of the stage (``IssueModel``'s ``burst_*`` arguments)."""

    hours: float | None = RECENT_HOURS
    min_docs: int = MIN_DOCS
    min_posts: int = MIN_POSTS
    min_authors: int = MIN_AUTHORS
    ratio: float = MIN_RATIO
    min_similarity: float = MIN_SIMILARITY
    baseline_sample: int = BASELINE_SAMPLE

    @classmethod
    def of(cls, estimator) -> BurstSettings:
        """The ``burst_<name>`` attributes of an estimator."""
        return cls(**{f.name: getattr(estimator, f"burst_{f.name}") for f in fields(cls)})


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
    def of(cls, n: int, created_at=None, authors=None, post_counts=None) -> DocumentInfo:
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


@dataclass
class Burst:
    """A group of recent documents that is new: ``members`` index rows of the recent matrix."""

    seed: str
    members: np.ndarray
    centroid: np.ndarray
    threshold: float
    baseline_docs: int
    ratio: float
    coherence: float
    authors: int = 0
    posts: int = 0
    terms: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """JSON-ready description (kept as ``IssueModel.bursts_``)."""
        return {"seed": self.seed, "terms": list(self.terms), "docs": int(len(self.members)), "posts": int(self.posts),
                "authors": int(self.authors), "baseline_docs": int(self.baseline_docs),
                "ratio": round(float(self.ratio), 2), "threshold": round(float(self.threshold), 4),
                "coherence": round(float(self.coherence), 4)}


def member_threshold(recent_sims: np.ndarray, baseline_sims: np.ndarray, *, min_ratio: float = MIN_RATIO,
                     margin: float = MARGIN, min_similarity: float = MIN_SIMILARITY,
                     smoothing: float = SMOOTHING) -> float | None:
    """Similarity cut for the members of a group, or None when the group is not new.

    For a cut ``t``, ``m(t)`` recent documents are at least ``t`` similar and ``e(t)`` =
    (baseline documents at least ``t`` similar + ``smoothing``) x recent size / baseline size of
    them would be expected if the recent window spoke like the baseline. The cut maximises
    ``m - margin * e``: documents keep joining while they are at least ``margin`` times more
    common than before, and stop where the group runs into an older topic. The group is new
    when ``m / e`` is at least ``min_ratio`` at that cut.

    The cut returned lies halfway between the least similar member and the most similar recent
    document left out, so a later post a little less similar than every member still joins, but
    never admits a baseline document the members' cut left out (nor goes below ``min_similarity``).
    """
    n_recent, n_base = len(recent_sims), max(len(baseline_sims), 1)
    candidates = np.sort(recent_sims[recent_sims >= min_similarity])[::-1]  # only these can be cuts
    if not len(candidates):
        return None
    base_high = np.sort(baseline_sims[baseline_sims >= min_similarity])
    members = np.arange(1, len(candidates) + 1)  # documents at least candidates[i] similar (ties aside)
    expected = (len(base_high) - np.searchsorted(base_high, candidates, side="left") + smoothing
                ) * n_recent / n_base
    best = len(candidates) - 1 - int(np.argmax((members - margin * expected)[::-1]))  # lowest cut among ties
    if members[best] / expected[best] < min_ratio:
        return None
    last = float(candidates[best])
    below = recent_sims[recent_sims < last]
    cut = max(min_similarity, (last + (float(below.max()) if len(below) else 0.0)) / 2)
    # ... but no lower than a baseline document the members' cut left out
    left_out = baseline_sims[baseline_sims < last]
    return max(cut, float(np.nextafter(left_out.max(), 1.0))) if len(left_out) else cut


def grow_burst(X_recent: sparse.csr_matrix, X_baseline: sparse.csr_matrix, seed_rows: np.ndarray, *,
               available: np.ndarray | None = None, min_ratio: float = MIN_RATIO,
               min_similarity: float = MIN_SIMILARITY, smoothing: float = SMOOTHING,
               max_iter: int = 8) -> tuple[np.ndarray, np.ndarray, float] | None:
    """(members, centroid, threshold) of the group grown from ``seed_rows``, or None.

    ``available`` masks recent rows that may join (rows of earlier groups may not).
    """
    available = np.ones(X_recent.shape[0], dtype=bool) if available is None else available
    members = seed_rows[available[seed_rows]]
    threshold = None
    for _ in range(max_iter):
        if not len(members):
            return None
        centroid = _unit(np.asarray(X_recent[members].mean(axis=0)).ravel())
        recent_sims = np.where(available, X_recent @ centroid, 0.0)
        baseline_sims = X_baseline @ centroid
        threshold = member_threshold(recent_sims, baseline_sims, min_ratio=min_ratio,
                                     min_similarity=min_similarity, smoothing=smoothing)
        if threshold is None:
            return None
        new = np.flatnonzero(recent_sims >= threshold)
        if np.array_equal(new, members):
            break
        members = new
    return members, centroid, float(threshold)


def grow_distinct(X_recent: sparse.csr_matrix, X_baseline: sparse.csr_matrix, seed_rows: np.ndarray, *,
                  available: np.ndarray, min_docs: int = MIN_DOCS, split_similarity: float = SPLIT_SIMILARITY,
                  max_splits: int = 3, **grow) -> tuple[np.ndarray, np.ndarray, float] | None:
    """:func:`grow_burst`, then split off other new topics the group swallowed.

    Two topics that are both new and share a word ("sopir" in a truck-driver extortion video and an
    angkot drivers' strike) grow into one group: the baseline cannot tell them apart. While a
    two-way split of the members gives halves whose centroids are less than ``split_similarity``
    similar, each of ``min_docs`` documents, the group grows again from the half holding more seed
    rows with the other half barred (it stays free for later seeds).
    """
    allowed = available.copy()
    grown = grow_burst(X_recent, X_baseline, seed_rows, available=allowed, **grow)
    for _ in range(max_splits):
        if grown is None:
            return None
        members = grown[0]
        split = _two_way_split(X_recent[members])
        if split is None or split[1] >= split_similarity or np.bincount(split[0]).min() < min_docs:
            break
        labels = split[0]
        seeded = np.isin(members, seed_rows)
        keep = max((0, 1), key=lambda k: (seeded[labels == k].sum(), (labels == k).sum()))
        allowed[members[labels != keep]] = False
        grown = grow_burst(X_recent, X_baseline, members[labels == keep], available=allowed, **grow)
    return grown


def find_bursts(X_recent: sparse.csr_matrix, X_baseline: sparse.csr_matrix,
                seeds: Sequence[tuple[str, np.ndarray]], authors: Sequence | None = None,
                post_counts: Sequence[int] | None = None, *, min_docs: int = MIN_DOCS, min_posts: int = MIN_POSTS,
                min_authors: int = MIN_AUTHORS, min_ratio: float = MIN_RATIO,
                min_similarity: float = MIN_SIMILARITY, min_coherence: float = 0.0,
                smoothing: float = SMOOTHING, max_seeds: int = MAX_SEEDS) -> list[Burst]:
    """New issues among the recent documents, grown from seed terms in order (see module docstring).

    Args:
        X_recent: L2-normalised TF-IDF rows of the recent documents.
        X_baseline: the same for baseline documents (a random sample is enough).
        seeds: (term, recent rows holding it), strongest first (:func:`bursty_terms`).
        authors: author per recent row.
        post_counts: posts per recent row (duplicate-group size); 1 each by default.
        min_docs, min_posts, min_authors, min_ratio, min_similarity, smoothing: see the module docstring.
        min_coherence: minimal mean pairwise cosine similarity between members.
        max_seeds: seeds tried at most.
    """
    who = None if authors is None else pd.factorize(pd.Series(authors).astype(str))[0]
    weight = np.ones(X_recent.shape[0], dtype=np.int64) if post_counts is None else np.asarray(post_counts)
    available = np.ones(X_recent.shape[0], dtype=bool)
    bursts: list[Burst] = []
    for term, rows in list(seeds)[:max_seeds]:
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0 or (~available[rows]).mean() >= COVERED:
            _attach_term(bursts, term, rows)
            continue
        grown = grow_distinct(X_recent, X_baseline, rows, available=available, min_docs=min_docs,
                              min_ratio=min_ratio, min_similarity=min_similarity, smoothing=smoothing)
        if grown is None:
            continue
        members, centroid, threshold = grown
        n_authors = len(members) if who is None else len(np.unique(who[members]))
        coherence = _mean_pairwise(X_recent[members])
        posts = int(weight[members].sum())
        if len(members) < min_docs or posts < min_posts or n_authors < min_authors or coherence < min_coherence:
            continue
        baseline = int((X_baseline @ centroid >= threshold).sum())
        ratio = (len(members) / X_recent.shape[0]) / ((baseline + smoothing) / max(X_baseline.shape[0], 1))
        bursts.append(Burst(term, members, centroid, threshold, baseline, float(ratio), coherence,
                            n_authors, posts, [term]))
        available[members] = False
    return bursts


def recentre(centroids: np.ndarray, X: sparse.csr_matrix, bursts: Sequence[Burst], threshold: float, *,
             drop_share: float = 0.5) -> np.ndarray:
    """Global centroids without the documents the new issues take.

    Rows of ``X`` are the fit documents; each goes to its nearest centroid if at least ``threshold``
    similar. A centroid that loses at least ``drop_share`` of its documents to new issues was mostly
    the new issue and is dropped; one that loses some is re-centred on the rest.
    """
    new = np.array([b.centroid for b in bursts])
    taken = (np.asarray(X @ new.T) >= np.array([b.threshold for b in bursts])).any(axis=1)
    similarity = np.asarray(X @ centroids.T)
    best = similarity.argmax(axis=1)
    near = similarity[np.arange(len(best)), best] >= threshold
    out = []
    for issue, centroid in enumerate(centroids):
        mine = near & (best == issue)
        lost = int((mine & taken).sum())
        if lost == 0:
            out.append(centroid)
        elif lost < drop_share * mine.sum():
            out.append(_unit(np.asarray(X[mine & ~taken].mean(axis=0)).ravel()))
    return np.array(out, dtype=np.float32).reshape(len(out), centroids.shape[1])


def recent_seeds(tokens: TokenCodes | pd.Series, usable: np.ndarray, info: DocumentInfo, settings: BurstSettings, *,
                 rng: np.random.Generator | None = None) -> tuple[Window | None, pd.DataFrame | None]:
    """Steps 1-2: the window and its bursty terms; (None, None) without times or when disabled."""
    if info.created_at is None or not settings.hours:
        return None, None
    window = split_window(info.created_at, settings.hours, usable=usable, max_baseline=settings.baseline_sample,
                          rng=rng)
    seeds = bursty_terms(tokens, window, info.authors, min_docs=settings.min_docs, min_authors=settings.min_authors,
                         min_ratio=settings.ratio)
    return window, seeds


def new_issues(rows, window: Window | None, seeds: pd.DataFrame | None, info: DocumentInfo,
               settings: BurstSettings, *, min_coherence: float = 0.0) -> list[Burst]:
    """Steps 3-4 on the documents of :func:`recent_seeds`; ``rows(positions)`` gives their TF-IDF rows."""
    if window is None or seeds is None or seeds.empty:
        return []
    return find_bursts(
        rows(window.recent), rows(window.baseline),
        list(zip(seeds["term"], seeds["rows"])), *info.recent(window), min_docs=settings.min_docs,
        min_posts=settings.min_posts, min_authors=settings.min_authors, min_ratio=settings.ratio,
        min_similarity=settings.min_similarity, min_coherence=min_coherence,
    )


def assign(similarity: np.ndarray, threshold: float, burst_thresholds: np.ndarray) -> np.ndarray:
    """Issue per row of (documents x centroids) similarities, the new issues' columns last; -1 = noise.

    A row at least ``burst_thresholds[j]`` similar to new issue ``j`` goes to the most similar such
    issue; other rows go to the nearest global issue if at least ``threshold`` similar.
    """
    n_global = similarity.shape[1] - len(burst_thresholds)
    out = np.full(similarity.shape[0], -1, dtype=np.int64)
    if n_global:
        best = similarity[:, :n_global].argmax(axis=1)
        out = np.where(similarity[np.arange(len(best)), best] >= threshold, best, -1)
    if len(burst_thresholds):
        new = similarity[:, n_global:]
        eligible = new >= burst_thresholds
        chosen = np.where(eligible, new, -np.inf).argmax(axis=1)
        out = np.where(eligible.any(axis=1), n_global + chosen, out)
    return out


def _attach_term(bursts: list[Burst], term: str, rows: np.ndarray) -> None:
    """Credit a covered seed term to the group holding most of its documents."""
    if not bursts or not len(rows):
        return
    overlap = [np.isin(rows, b.members).sum() for b in bursts]
    bursts[int(np.argmax(overlap))].terms.append(term)


def _two_way_split(X: sparse.csr_matrix, n_iter: int = 10) -> tuple[np.ndarray, float] | None:
    """(half 0/1 per row, cosine of the halves' centroids) by spherical 2-means, or None.

    Deterministic start: the row least similar to the centroid, and the row least similar to it.
    """
    if X.shape[0] < 4:
        return None
    first = int(np.argmin(X @ _unit(np.asarray(X.mean(axis=0)).ravel())))
    second = int(np.argmin(np.asarray((X @ X[first].T).todense()).ravel()))
    centres = np.asarray(X[[first, second]].todense(), dtype=np.float32)
    labels = np.zeros(X.shape[0], dtype=np.int64)
    for _ in range(n_iter):
        new = np.asarray(X @ centres.T).argmax(axis=1)
        if np.bincount(new, minlength=2).min() == 0:
            return None
        centres = np.array([_unit(np.asarray(X[new == k].mean(axis=0)).ravel()) for k in (0, 1)])
        if np.array_equal(new, labels):
            break
        labels = new
    return labels, float(centres[0] @ centres[1])


def _mean_pairwise(X: sparse.csr_matrix) -> float:
    """Mean cosine similarity between two different rows (unit rows): (|sum|^2 - n) / (n(n-1))."""
    n = X.shape[0]
    if n < 2:
        return 0.0
    total = np.asarray(X.sum(axis=0)).ravel()
    return float((total @ total - n) / (n * (n - 1)))


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)
