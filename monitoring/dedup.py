"""Near-duplicate and copy-paste collapse: one group per retweet / campaign copy / repost.

Issue detection fits on one document per group, so a message pasted by 500 accounts is one
document, not 500; every copy still counts for volume. Groups are found in near-linear time:

1. Exact groups: hash of the normalised token sequence (``RT``, ``@mentions`` and links
   dropped, so ``RT @x: teks`` joins ``teks``).
2. Near-duplicate groups: MinHash signatures (:data:`NUM_PERM` hashes) over each document's
   unigram + bigram shingles, banded LSH (:data:`BANDS` bands) proposes candidate pairs, a
   candidate is kept when its estimated Jaccard similarity is at least ``threshold``, and the
   connected components of the kept pairs are the groups. Only documents with at least
   ``min_tokens`` tokens take part: two three-word posts that share two words are not copies.

A group is *coordinated* when it has at least ``min_copies`` original posts (retweets do not
count: amplifying a post is not copy-paste) written by at least ``min_authors`` distinct
authors. Defaults N = 5 copies, M = 3 authors: fewer copies are common organic repetition
(quotes, news headlines); five pastes by three or more accounts is the smallest pattern
analysts report as a campaign. Posts without an author never count as a distinct author.
"""
from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from monitoring import schema

MIN_COPIES = 5       # N: original posts in a group before it counts as coordinated
MIN_AUTHORS = 3      # M: distinct authors among those originals
MIN_TOKENS = 5       # shorter documents are grouped by exact token sequence only
THRESHOLD = 0.7      # estimated Jaccard similarity of shingle sets for near-duplicates
NUM_PERM = 32        # MinHash signature length
BANDS = 8            # LSH bands of NUM_PERM // BANDS rows: P(candidate | J=0.7) ~ 0.9

_RETWEET = r"^\s*(?:RT|rt)\s+@"
_MASK32 = np.uint64(0xFFFFFFFF)


def token_arrays(tokens: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Flatten a column of token lists into one object array and per-document lengths.

    Args:
        tokens: Series whose values are lists (or arrays / tuples) of str; other values
            (None, NaN) count as empty documents.

    Returns:
        ``(flat, lengths)``: all tokens in document order, and the token count per document.
    """
    values = [v if isinstance(v, (list, tuple, np.ndarray)) else () for v in tokens.to_numpy(object)]
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    flat = np.fromiter(chain.from_iterable(values), dtype=object, count=int(lengths.sum()))
    return flat, lengths


def add_duplicate_groups(
    posts: pd.DataFrame,
    *,
    min_copies: int = MIN_COPIES,
    min_authors: int = MIN_AUTHORS,
    min_tokens: int = MIN_TOKENS,
    threshold: float = THRESHOLD,
    seed: int = 0,
) -> pd.DataFrame:
    """Add :data:`schema.DUP_GROUP` and :data:`schema.IS_COORDINATED` to a posts frame.

    Args:
        posts: Frame with :data:`schema.TOKENS`; :data:`schema.TEXT` (retweet detection) and
            :data:`schema.AUTHOR` are used when present.
        min_copies: N, original posts a group needs to be coordinated.
        min_authors: M, distinct authors among those originals.
        min_tokens: documents shorter than this only join exact copies.
        threshold: minimum estimated Jaccard similarity for near-duplicates.
        seed: seed of the MinHash functions (groups are identical for any seed up to LSH chance).

    Returns:
        A new frame; ``dup_group`` is an int64 id valid within this result (numbered in order of
        first appearance), ``is_coordinated`` a bool.
    """
    groups = duplicate_groups(posts[schema.TOKENS], min_tokens=min_tokens, threshold=threshold, seed=seed)
    out = posts.copy()
    out[schema.DUP_GROUP] = groups
    out[schema.IS_COORDINATED] = _coordinated(out, min_copies, min_authors)
    return out


def duplicate_groups(
    tokens: pd.Series, *, min_tokens: int = MIN_TOKENS, threshold: float = THRESHOLD, seed: int = 0
) -> np.ndarray:
    """Group id per document (int64, numbered by first appearance); see the module docstring."""
    flat, lengths = token_arrays(tokens)
    codes, _ = pd.factorize(flat)
    keep = ~_is_chatter_token(flat)
    codes, lengths = _filter_tokens(codes, lengths, keep)
    exact = _exact_keys(codes, lengths)
    exact_group, first = np.unique(exact, return_inverse=False), None
    exact_group, rep_index = _first_index_groups(exact)
    # Near-duplicate linking runs on one representative per exact group.
    reps = rep_index[lengths[rep_index] >= min_tokens]
    parent = np.arange(len(rep_index))  # representative slot -> component
    if len(reps) > 1:
        signatures = _minhash(codes, lengths, reps, seed)
        pairs = _candidate_pairs(signatures, threshold)
        slot_of_rep = exact_group[reps]
        graph = coo_matrix(
            (np.ones(len(pairs), dtype=np.int8), (slot_of_rep[pairs[:, 0]], slot_of_rep[pairs[:, 1]])),
            shape=(len(rep_index), len(rep_index)),
        )
        _, parent = connected_components(graph, directed=False)
    component = parent[exact_group]
    # Renumber by first appearance so ids read naturally (0, 1, 2, ... down the frame).
    _, renumbered = _first_index_groups(component)
    return _first_index_groups(component)[0].astype(np.int64)


def _is_chatter_token(flat: np.ndarray) -> np.ndarray:
    """True for tokens that never make two posts different: 'rt', @mentions, links."""
    uniques, inverse = np.unique(flat.astype(str), return_inverse=True) if len(flat) else (flat, flat)
    drop = np.array(
        [u == "rt" or u.startswith("@") or u.startswith("http") for u in uniques], dtype=bool
    )
    return drop[inverse] if len(flat) else np.zeros(0, dtype=bool)
