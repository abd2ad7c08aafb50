"""Near-duplicate and copy-paste collapse: one group per retweet / campaign copy / repost.

Issue detection fits on one document per group, so a message pasted by 500 accounts is one
document, not 500; every copy still counts for volume. Groups are found in near-linear time:

1. Exact groups: hash of the normalised token sequence (``rt``, ``@mentions`` and links
   dropped, and reactions (:mod:`monitoring.issues.chatter`) in posts that say anything else, so
   ``RT @x: teks 😭`` joins ``teks``).
2. Near-duplicate groups, on one representative per exact group with at least ``min_tokens``
   tokens (two three-word posts sharing two words are not copies): MinHash signatures
   (:data:`NUM_PERM` hash functions) over each document's set of unigram + bigram shingles;
   banded LSH (:data:`BANDS` bands) buckets documents whose band is identical; each bucket
   member is compared with the bucket's first member and linked when the estimated Jaccard
   similarity is at least ``threshold``; connected components of the links are the groups,
   and a member not within ``threshold`` of its component's first member is split off again
   (components chain: A~B and B~C would otherwise put C with A).

A group is *coordinated* when, inside one time window of ``window`` (default 30 minutes), it
has at least ``min_copies`` original posts (retweets do not count: amplifying a post is not
copy-paste) by at least ``min_authors`` distinct authors, and its text has at least
:data:`MIN_COORDINATED_TOKENS` tokens (one-word replies such as "setuju" or "mantap" repeat
organically). Defaults N = 5 copies, M = 3 authors, 30 minutes: five pastes by three or more
accounts within half an hour is the smallest pattern worth showing an analyst, while a phrase
that many people write over days (a slogan, a headline) is grouped for clustering but not
flagged. On the demo corpus (``benchmarks/evaluate_issues.py --corpus demo``) a 60-minute
window also flagged such organic repeats (precision 0.49-0.70); 30 minutes gave precision 1.0.
Posts without an author never count as a distinct author; posts without a time count only
when the frame has no ``created_at`` column at all. Every post of a flagged group is flagged.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from monitoring import schema
from monitoring.issues.chatter import is_reaction
from monitoring.store.token_codes import TokenCodes

MIN_COPIES = 5       # N: original posts in a group before it counts as coordinated
MIN_AUTHORS = 3      # M: distinct authors among those originals
MIN_TOKENS = 5       # shorter documents are grouped by exact token sequence only
MIN_COORDINATED_TOKENS = 4
WINDOW = "30min"     # copies of a campaign land within this time; organic repeats spread out
THRESHOLD = 0.7      # estimated Jaccard similarity of shingle sets for near-duplicates
NUM_PERM = 32        # MinHash signature length
BANDS = 8            # 8 bands x 4 rows: P(candidate) ~0.9 at Jaccard 0.7, ~0.03 at 0.3

_RETWEET = r"^\s*[Rr][Tt]\s+@"
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def add_duplicate_groups(
    posts: pd.DataFrame,
    *,
    min_copies: int = MIN_COPIES,
    min_authors: int = MIN_AUTHORS,
    min_tokens: int = MIN_TOKENS,
    threshold: float = THRESHOLD,
    window: str | pd.Timedelta = WINDOW,
    seed: int = 0,
    codes: TokenCodes | None = None,
) -> pd.DataFrame:
    """Add :data:`schema.DUP_GROUP` and :data:`schema.IS_COORDINATED` to a posts frame.

    Args:
        posts: Frame with :data:`schema.TOKENS`; :data:`schema.TEXT` (to recognise retweets)
            and :data:`schema.AUTHOR` are used when present.
        min_copies: N, original (non-retweet) posts a group needs to be coordinated.
        min_authors: M, distinct authors among those originals.
        min_tokens: documents shorter than this only join exact copies.
        threshold: minimum estimated Jaccard similarity for near-duplicates, in (0, 1].
        window: the N copies and M authors must fall inside one window of this length.
        seed: seed of the MinHash functions.
        codes: the posts' tokens as :class:`TokenCodes` when the caller has them (else read
            from :data:`schema.TOKENS`).

    Returns:
        A new frame. ``dup_group`` is an int64 id: the hash of the normalised token sequence of
        the group's first post, so exact copies get the same id in separate calls (incremental
        imports); a post without tokens gets the hash of its ``post_key`` (or its row number).
        ``is_coordinated`` is a bool, judged on the posts of this call.
    """
    keys = posts[schema.POST_KEY] if schema.POST_KEY in posts else None
    groups, lengths = _groups_and_lengths(codes if codes is not None else posts[schema.TOKENS], min_tokens,
                                          threshold, seed, keys)
    out = posts.copy()
    out[schema.DUP_GROUP] = groups
    out[schema.IS_COORDINATED] = _coordinated(out, lengths, min_copies, min_authors, pd.Timedelta(window))
    return out


def duplicate_groups(
    tokens: TokenCodes | pd.Series, *, min_tokens: int = MIN_TOKENS, threshold: float = THRESHOLD, seed: int = 0
) -> np.ndarray:
    """Group id per document (int64 content hash, see :func:`add_duplicate_groups`)."""
    return _groups_and_lengths(tokens, min_tokens, threshold, seed)[0]


def _groups_and_lengths(
    tokens: TokenCodes | pd.Series, min_tokens: int, threshold: float, seed: int,
    post_keys: pd.Series | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    min_tokens = max(min_tokens, 2)  # MinHash below needs at least one bigram per document
    tokens = TokenCodes.of(tokens)
    if not len(tokens):
        return np.zeros(0, dtype=np.int64), tokens.lengths
    uniques = tokens.vocabulary
    codes, lengths = _drop_chatter(tokens.codes, uniques, tokens.lengths)
    # 1. exact groups; empty documents (emoji only, links only) stay singletons
    # token hashes from the strings (not the call's codes) so ids agree between calls
    stable = pd.util.hash_array(np.asarray(uniques, dtype=object).astype(str).astype(object))
    keys = _sequence_keys(stable[codes], lengths)
    empty = lengths == 0
    keys[empty] = (_mix(np.flatnonzero(empty)) if post_keys is None
                   else pd.util.hash_array(post_keys.to_numpy(object)[empty].astype(str).astype(object)))
    exact, _ = pd.factorize(keys)
    _, first_of_exact = np.unique(exact, return_index=True)
    # 2. near-duplicate links between exact-group representatives
    reps = first_of_exact[lengths[first_of_exact] >= min_tokens]
    component = np.arange(len(first_of_exact))
    if len(reps) > 1:
        signatures = _minhash(codes, lengths, reps, seed)
        pairs = _linked_pairs(signatures, threshold)
        slots = exact[reps]
        graph = coo_matrix(
            (np.ones(len(pairs), dtype=np.int8), (slots[pairs[:, 0]], slots[pairs[:, 1]])),
            shape=(len(first_of_exact),) * 2,
        )
        component = connected_components(graph, directed=False)[1]
        component = _break_chains(component, slots, signatures, threshold)
    # the id of a group is the sequence hash of its first post
    components, first_of_component = np.unique(component[exact], return_index=True)
    group_key = np.empty(components.max() + 1, dtype=np.uint64)
    group_key[components] = keys[first_of_component]
    return group_key[component[exact]].view(np.int64), lengths


def _drop_chatter(
    codes: np.ndarray, uniques: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Remove tokens that never make two posts different: 'rt', @mentions, links, and reactions
    (emoji, laughter, cheers: ``kiamat sudah dekat 😭`` and ``Kiamat dah dekat 🤣`` say the same)
    in posts that say anything else (``mantap 🔥`` is still a copy of ``mantap 🔥``, not of ``mantap``)."""
    words = list(map(str, uniques))
    never = np.array([u == "rt" or u.startswith(("@", "http", "www.")) for u in words], dtype=bool)
    reaction = np.array([is_reaction(u) for u in words], dtype=bool)
    if not (never.any() or reaction.any()):
        return codes, lengths
    doc = np.repeat(np.arange(len(lengths)), lengths)
    saying = np.bincount(doc[~(never | reaction)[codes]], minlength=len(lengths)) > 0
    keep = ~never[codes] & (~reaction[codes] | ~saying[doc])
    return codes[keep], np.bincount(doc[keep], minlength=len(lengths)).astype(np.int64)


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: spreads small integer codes over all 64 bits."""
    z = values.astype(np.uint64) + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _starts(lengths: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)


def _sequence_keys(codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Order-sensitive 64-bit hash of each document's token sequence (wrapping arithmetic)."""
    keys = np.zeros(len(lengths), dtype=np.uint64)
    nonempty = lengths > 0
    if not nonempty.any():
        return keys
    starts = _starts(lengths)
    position = np.arange(len(codes)) - np.repeat(starts, lengths)
    powers = np.cumprod(np.full(int(lengths.max()), _GOLDEN, dtype=np.uint64))
    with np.errstate(over="ignore"):
        terms = _mix(codes) * powers[position]
        keys[nonempty] = np.add.reduceat(terms, starts[nonempty])
    return _mix(keys ^ lengths.astype(np.uint64))


def _minhash(codes: np.ndarray, lengths: np.ndarray, docs: np.ndarray, seed: int) -> np.ndarray:
    """(len(docs), NUM_PERM) uint32 MinHash of each document's unigram + bigram shingle set.

    The documents are hashed in parts, one thread each: NumPy releases the GIL in these loops,
    so on 2 cores the 32 passes over 1M posts' ~45M shingles take half the time, in the same memory.
    """
    chosen = np.zeros(len(lengths), dtype=bool)
    chosen[docs] = True
    doc_codes = codes[np.repeat(chosen, lengths)]
    doc_lengths = lengths[docs]
    starts = _starts(doc_lengths)
    unigrams = _mix(doc_codes)
    # bigram (i, i + 1) exists unless i is the last token of its document
    last = starts + doc_lengths - 1
    inner = np.ones(len(doc_codes), dtype=bool)
    inner[last] = False
    with np.errstate(over="ignore"):
        bigrams = _mix(unigrams[:-1][inner[:-1]] ^ (doc_codes[1:][inner[:-1]].astype(np.uint64) * _GOLDEN))
    bigram_starts = starts - np.arange(len(docs))  # each earlier document has one bigram fewer
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
    signatures = np.empty((len(docs), NUM_PERM), dtype=np.uint32)

    def fill(first: int, stop: int) -> None:
        """Signatures of documents first..stop-1, from their unigrams then bigrams in one array."""
        u0, u1 = starts[first], starts[stop] if stop < len(docs) else len(unigrams)
        b0, b1 = bigram_starts[first], bigram_starts[stop] if stop < len(docs) else len(bigrams)
        shingles = np.concatenate((unigrams[u0:u1], bigrams[b0:b1]))
        hashed = np.empty_like(shingles)
        split, uni_at, bi_at = u1 - u0, starts[first:stop] - u0, bigram_starts[first:stop] - b0
        with np.errstate(over="ignore"):
            for j in range(NUM_PERM):  # multiply-shift hashing: the high 32 bits of a * x + b
                np.multiply(shingles, a[j], out=hashed)
                hashed += b[j]
                hashed >>= np.uint64(32)
                signatures[first:stop, j] = np.minimum(
                    np.minimum.reduceat(hashed[:split], uni_at), np.minimum.reduceat(hashed[split:], bi_at))

    parts = _hashing_threads() if len(docs) >= MIN_DOCS_PER_THREAD * 2 else 1
    bounds = np.linspace(0, len(docs), parts + 1).astype(np.int64)
    if parts == 1:
        fill(0, len(docs))
    else:
        with ThreadPoolExecutor(parts) as pool:
            list(pool.map(fill, bounds[:-1], bounds[1:]))
    return signatures


MIN_DOCS_PER_THREAD = 50_000


def _hashing_threads() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _linked_pairs(signatures: np.ndarray, threshold: float) -> np.ndarray:
    """(n_pairs, 2) row indices of LSH candidates whose estimated Jaccard >= threshold."""
    rows = NUM_PERM // BANDS
    found = []
    for band in range(BANDS):
        block = signatures[:, band * rows:(band + 1) * rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            key = _mix(block[:, 0] | (block[:, 1] << np.uint64(32)))
            key = _mix(key ^ (block[:, 2] | (block[:, 3] << np.uint64(32))))
        bucket, _ = pd.factorize(key)
        leader = np.empty(bucket.max() + 1, dtype=np.int64)
        leader[bucket[::-1]] = np.arange(len(bucket))[::-1]  # last write wins: first member
        member = np.flatnonzero(leader[bucket] != np.arange(len(bucket)))
        head = leader[bucket[member]]
        similar = (signatures[member] == signatures[head]).mean(axis=1) >= threshold
        found.append(np.column_stack((member[similar], head[similar])))
    return np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)


def _break_chains(
    component: np.ndarray, slots: np.ndarray, signatures: np.ndarray, threshold: float
) -> np.ndarray:
    """Detach members that are not similar to their component's first member.

    Connected components chain: A~B and B~C puts C with A even when C is unlike A. Every kept
    member is within ``threshold`` of the component root; the others stay alone (with their
    exact copies).
    """
    rep_component = component[slots]
    root_of = np.empty(component.max() + 1, dtype=np.int64)
    root_of[rep_component[::-1]] = np.arange(len(slots))[::-1]
    root = root_of[rep_component]
    far = (signatures == signatures[root]).mean(axis=1) < threshold
    out = component.copy()
    out[slots[far]] = component.max() + 1 + np.arange(int(far.sum()))
    return out


def _coordinated(
    posts: pd.DataFrame, lengths: np.ndarray, min_copies: int, min_authors: int, window: pd.Timedelta
) -> np.ndarray:
    group = pd.factorize(posts[schema.DUP_GROUP])[0]
    candidate = (np.bincount(group)[group] >= min_copies) & (lengths >= MIN_COORDINATED_TOKENS)
    flags = np.zeros(len(posts), dtype=bool)
    if not candidate.any():
        return flags
    sub = posts.loc[candidate]
    events = pd.DataFrame({
        "group": group[candidate],
        "second": _seconds(sub[schema.CREATED_AT]) if schema.CREATED_AT in sub else 0,
        "author": sub[schema.AUTHOR].to_numpy(object) if schema.AUTHOR in sub else None,
    })
    if schema.TEXT in sub:  # retweets amplify; they are not copies
        events = events[~sub[schema.TEXT].astype("string").str.match(_RETWEET).fillna(False).to_numpy(bool)]
    events = events.dropna(subset=["second"])
    seconds = int(window.total_seconds())
    copies = _max_in_window(events, seconds)
    first_by_author = events.dropna(subset=["author"]).sort_values("second").drop_duplicates(["group", "author"])
    authors = _max_in_window(first_by_author, seconds)
    flagged = copies.index[copies >= min_copies].intersection(authors.index[authors >= min_authors])
    flags[candidate] = np.isin(group[candidate], flagged.to_numpy())
    return flags


def _seconds(created_at: pd.Series) -> np.ndarray:
    """Epoch seconds as float (NaN for missing times)."""
    stamps = pd.to_datetime(created_at, utc=True, errors="coerce")
    return ((stamps - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)).to_numpy(float, na_value=np.nan)


def _max_in_window(events: pd.DataFrame, seconds: int) -> pd.Series:
    """Per group, the largest number of events inside any window of ``seconds``."""
    if events.empty:
        return pd.Series(dtype=np.int64)
    ordered = events.sort_values(["group", "second"])
    second = ordered["second"].to_numpy() - ordered["second"].min()
    key = ordered["group"].to_numpy(np.float64) * (second.max() + seconds + 1) + second
    count = np.searchsorted(key, key + seconds, side="right") - np.arange(len(key))
    return pd.Series(count, index=ordered["group"].to_numpy()).groupby(level=0).max()
