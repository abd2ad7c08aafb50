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

"First" is always in the order of the exact groups' sizes (most copies first: a campaign's
template) and then sequence hashes, and shingles are hashed
from the words' text: the groups are a function of the posts' tokens alone, the same in any
order, however the store's chunks numbered the words, and however the signatures were split
over threads or cluster workers (:func:`minhash_signatures`).

A group is *coordinated* when, inside one time window of ``window`` (default 30 minutes), it
has at least ``min_copies`` original posts (retweets do not count: amplifying a post is not
copy-paste) by at least ``min_authors`` distinct authors, and its text has at least
:data:`MIN_COORDINATED_TOKENS` tokens (one-word replies such as "setuju" or "mantap" repeat
organically). Defaults N = 5 copies, M = 3 authors, 30 minutes: five pastes by three or more
accounts within half an hour is the smallest pattern worth showing an analyst, while a phrase
that many people write over days (a slogan, a headline) is grouped for clustering but not
flagged. On the demo corpus (``benchmarks/evaluate_issues.py --corpus demo``) a 60-minute
window also flagged such organic repeats (precision 0.49-0.70); 30 minutes gave precision 1.0
(recall 0.60 while groups depended on the order of the posts; with the template as root, on 20k
demo posts: precision 0.97, recall 0.85).
Posts without an author never count as a distinct author; posts without a time count only
when the frame has no ``created_at`` column at all. Every post of a flagged group is flagged.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from monitoring import schema
from monitoring.executors import ChunkTask, Executor, default_executor
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
    executor: Executor | None = None,
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
        executor: where MinHash signatures are computed (default: threads of this process).

    Returns:
        A new frame. ``dup_group`` is an int64 id: the hash of the normalised token sequence
        of the group's most copied text, so exact copies get the same id in separate calls (incremental
        imports); a post without tokens gets the hash of its ``post_key`` (or its row number).
        Groups and ids depend on the posts' tokens only, not on their order or on how the
        vocabulary was numbered. ``is_coordinated`` is a bool, judged on the posts of this call.
    """
    keys = posts[schema.POST_KEY] if schema.POST_KEY in posts else None
    groups, lengths = _groups_and_lengths(codes if codes is not None else posts[schema.TOKENS], min_tokens,
                                          threshold, seed, keys, executor)
    out = posts.copy()
    out[schema.DUP_GROUP] = groups
    out[schema.IS_COORDINATED] = _coordinated(out, lengths, min_copies, min_authors, pd.Timedelta(window))
    return out


def duplicate_groups(
    tokens: TokenCodes | pd.Series, *, min_tokens: int = MIN_TOKENS, threshold: float = THRESHOLD, seed: int = 0,
    executor: Executor | None = None,
) -> np.ndarray:
    """Group id per document (int64 content hash, see :func:`add_duplicate_groups`)."""
    return _groups_and_lengths(tokens, min_tokens, threshold, seed, executor=executor)[0]


def _groups_and_lengths(
    tokens: TokenCodes | pd.Series, min_tokens: int, threshold: float, seed: int,
    post_keys: pd.Series | None = None, executor: Executor | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    min_tokens = max(min_tokens, 2)  # MinHash below needs at least one bigram per document
    tokens = TokenCodes.of(tokens)
    if not len(tokens):
        return np.zeros(0, dtype=np.int64), tokens.lengths
    codes, lengths = _drop_chatter(tokens.codes, tokens.vocabulary, tokens.lengths)
    # token hashes from the strings, not the call's codes: ids and signatures are the same in
    # separate calls, in any order of the posts and however the vocabulary was numbered
    word_hashes = word_hashes_of(tokens.vocabulary)
    keys = _sequence_keys(codes, lengths, word_hashes)
    empty = lengths == 0
    keys[empty] = (_mix(np.flatnonzero(empty)) if post_keys is None
                   else pd.util.hash_array(post_keys.to_numpy(object)[empty].astype(str).astype(object)))
    # 1. exact groups, most copied first, then by sequence hash: every choice below (bucket
    #    leader, component root, group id) is made in that order, so it depends on the posts'
    #    content only, never on the order they come in; the most copied text of a campaign is
    #    its template, the one its variants are compared with (empty documents stay singletons)
    first_of_exact, exact = _exact_groups(keys)
    # 2. near-duplicate links between exact-group representatives
    reps = first_of_exact[lengths[first_of_exact] >= min_tokens]
    component = np.arange(len(first_of_exact))
    if len(reps) > 1:
        signatures = minhash_signatures(codes, lengths, reps, word_hashes, seed, executor=executor)
        pairs = _linked_pairs(signatures, threshold)
        slots = exact[reps]
        graph = coo_matrix(
            (np.ones(len(pairs), dtype=np.int8), (slots[pairs[:, 0]], slots[pairs[:, 1]])),
            shape=(len(first_of_exact),) * 2,
        )
        component = connected_components(graph, directed=False)[1]
        component = _break_chains(component, slots, signatures, threshold)
    # the id of a group is the sequence hash of its first exact group
    root = np.full(component.max() + 1, len(component), dtype=np.int64)
    np.minimum.at(root, component, np.arange(len(component)))
    group_key = keys[first_of_exact][root[component]]
    return group_key[exact].view(np.int64), lengths


def _exact_groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a post of each exact group, exact group of each post); groups numbered by copies
    (descending), then by sequence hash."""
    unique_keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.lexsort((unique_keys, -np.bincount(inverse)))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[inverse]


def word_hashes_of(vocabulary: np.ndarray) -> np.ndarray:
    """64-bit hash of each word (from its text, so the same in every call and process)."""
    return pd.util.hash_array(np.asarray(vocabulary, dtype=object).astype(str).astype(object))


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
    nonempty = lengths > 0
    starts = _starts(lengths)[nonempty]

    def per_post(flags: np.ndarray) -> np.ndarray:  # flags per token -> count per post
        counts = np.zeros(len(lengths), dtype=np.int64)
        counts[nonempty] = np.add.reduceat(flags, starts, dtype=np.int64)
        return counts

    saying = per_post(~(never | reaction)[codes]) > 0
    keep = ~never[codes] & (~reaction[codes] | ~np.repeat(saying, lengths))
    return codes[keep], per_post(keep)


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: spreads small integer codes over all 64 bits."""
    z = values.astype(np.uint64) + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _starts(lengths: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)


def _sequence_keys(codes: np.ndarray, lengths: np.ndarray, word_hashes: np.ndarray,
                   part: int = 100_000) -> np.ndarray:
    """Order-sensitive 64-bit hash of each document's token sequence (wrapping arithmetic), from
    its words' hashes; ``part`` documents at a time, so the temporary arrays stay small (a few
    per token of 1M posts would be ~1 GB)."""
    keys = np.zeros(len(lengths), dtype=np.uint64)
    starts = np.append(_starts(lengths), len(codes))
    for lo in range(0, len(lengths), part):
        hi = min(lo + part, len(lengths))
        keys[lo:hi] = _part_keys(word_hashes[codes[starts[lo]:starts[hi]]], lengths[lo:hi])
    return keys


def _part_keys(hashes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    keys = np.zeros(len(lengths), dtype=np.uint64)
    nonempty = lengths > 0
    if not nonempty.any():
        return keys
    starts = _starts(lengths)
    position = np.arange(len(hashes)) - np.repeat(starts, lengths)
    powers = np.cumprod(np.full(int(lengths.max()), _GOLDEN, dtype=np.uint64))
    with np.errstate(over="ignore"):
        terms = _mix(hashes) * powers[position]
        keys[nonempty] = np.add.reduceat(terms, starts[nonempty])
    return _mix(keys ^ lengths.astype(np.uint64))


def minhash_signatures(codes: np.ndarray, lengths: np.ndarray, docs: np.ndarray, word_hashes: np.ndarray,
                       seed: int, *, executor: Executor | None = None) -> np.ndarray:
    """(len(docs), NUM_PERM) uint32 MinHash of each document's unigram + bigram shingle set.

    Args:
        codes, lengths: every document's word numbers (flat) and token counts.
        docs: the documents to sign (each with at least two tokens).
        word_hashes: 64-bit hash of each word number (:func:`word_hashes_of`).
        seed: seed of the hash functions.
        executor: where the chunks of documents are signed (default: threads of this process;
            NumPy releases the GIL, so on 2 cores the 32 passes over 1M posts' ~45M shingles
            take half the time). A document's signature depends only on its words' hashes, so
            any chunking gives the same signatures.
    """
    executor = executor or default_executor()
    tokens = TokenCodes(codes, lengths, np.zeros(0, dtype=object))
    shared = executor.share((word_hashes, seed))
    signatures = np.empty((len(docs), NUM_PERM), dtype=np.uint32)

    def chunk(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        part = tokens.take(docs[lo:hi])
        return part.codes, part.lengths

    for (lo, hi), signed in executor.run(MINHASH, len(docs), chunk, shared):
        signatures[lo:hi] = signed
    executor.release(shared)
    return signatures


def minhash_chunk(chunk: tuple[np.ndarray, np.ndarray], shared: tuple[np.ndarray, int]) -> np.ndarray:
    """MinHash signatures of one chunk ``(codes, lengths)`` given ``(word_hashes, seed)`` (a task)."""
    codes, lengths = chunk
    word_hashes, seed = shared
    starts = _starts(lengths)
    unigrams = word_hashes[codes]
    # bigram (i, i + 1) exists unless i is the last token of its document
    inner = np.ones(len(codes), dtype=bool)
    inner[starts + lengths - 1] = False
    with np.errstate(over="ignore"):
        bigrams = _mix(unigrams[:-1][inner[:-1]] ^ (unigrams[1:][inner[:-1]] * _GOLDEN))
    bigram_starts = starts - np.arange(len(lengths))  # each earlier document has one bigram fewer
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
    signatures = np.empty((len(lengths), NUM_PERM), dtype=np.uint32)
    shingles = np.concatenate((unigrams, bigrams))
    del unigrams, bigrams
    hashed = np.empty_like(shingles)
    split = len(codes)
    with np.errstate(over="ignore"):
        for j in range(NUM_PERM):  # multiply-shift hashing: the high 32 bits of a * x + b
            np.multiply(shingles, a[j], out=hashed)
            hashed += b[j]
            hashed >>= np.uint64(32)
            signatures[:, j] = np.minimum(np.minimum.reduceat(hashed[:split], starts),
                                          np.minimum.reduceat(hashed[split:], bigram_starts))
    return signatures


# NumPy work: threads locally; chunks of 250k documents (~0.2 GB of shingles each)
MINHASH = ChunkTask("minhash", minhash_chunk, holds_gil=False, max_chunk=250_000, min_per_worker=50_000)


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
