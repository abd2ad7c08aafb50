"""New issues of a newer window without re-fitting the issue model (the daily-scrape case).

A full fit (:meth:`monitoring.issues.model.IssueModel.fit`) reads every post; when a day of newer
posts arrives, only its brand-new issues are news. :func:`refresh_recent` finds them the way
the fit's step 5 does (:mod:`monitoring.issues.bursts`), on the new recent window against a sample of
earlier documents, and keeps everything else the fit learned:

1. The window and its bursty terms (:func:`monitoring.issues.bursts.recent_seeds`) over the recent
   documents and the baseline sample the caller gives (documents no later than the window start).
2. The vocabulary learns the terms of the recent documents holding a bursty term
   (:func:`monitoring.issues.tfidf.extend_vocabulary`): a new place or company name is what a new issue
   is about, and the fit would have learned it too. Known terms keep their columns and IDF; the
   centroids get zero weight on the new columns.
3. Seeded groups and the novelty test (:func:`monitoring.issues.bursts.new_issues`). A group at least
   ``SAME_ISSUE`` similar to a new issue of an earlier window is that issue still surging: its
   centroid and cut are replaced. Other groups are appended as new issues.
4. Class-based TF-IDF terms of the changed issues, over the recent and baseline documents.

Global issues are not re-centred: their documents are older than the new topic. A full re-fit
is still needed from time to time (``REFIT_AFTER``: the caller decides), because global issues
change slowly and the appended vocabulary and issues only grow.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from monitoring.issues import bursts as B
from monitoring.issues.tfidf import document_frequencies

SAME_ISSUE = 0.5  # a group this similar to an earlier new issue's centroid is that issue
REFIT_AFTER = pd.Timedelta(days=7)  # newer posts this long after the last full fit: re-fit instead


def refresh_recent(model, recent: pd.Series, baseline: pd.Series, *, created_at: Sequence,
                   authors: Sequence | None = None, post_counts: Sequence[int] | None = None) -> list[int]:
    """Find the new issues of the recent documents' window; returns the changed issue indices.

    Args:
        model: a fitted :class:`monitoring.issues.model.IssueModel` (changed in place).
        recent: token list per recent document (the ``burst_hours`` before the latest one; older
            ones count as baseline).
        baseline: token lists of a sample of earlier documents (one per duplicate group).
        created_at: time per recent document.
        authors: author per recent document.
        post_counts: posts each recent document stands for.

    Returns:
        Indices of the issues (rows of ``centroids_``) that are new or whose centroid moved,
        sorted; their ``top_terms_`` and ``term_weights_`` are up to date. ``window_end_`` is
        the latest document's time.
    """
    tokens = model.content(pd.concat([recent, baseline], ignore_index=True))  # reactions never seed
    times = pd.to_datetime(pd.Series(created_at), utc=True).reset_index(drop=True)
    before = times.max() - pd.Timedelta(hours=model.burst_hours or 0) - pd.Timedelta(hours=1)
    info = B.DocumentInfo.of(len(tokens), pd.concat([times, pd.Series(before, index=baseline.index)],
                                                    ignore_index=True),
                             None if authors is None else [*authors, *[""] * len(baseline)],
                             None if post_counts is None else [*post_counts, *[1] * len(baseline)])
    settings = B.BurstSettings.of(model)
    rng = np.random.default_rng(model.random_state)
    usable = np.flatnonzero(tokens.lengths >= model.min_tokens)
    window, seeds = B.recent_seeds(tokens, usable, info, settings, rng=rng)
    if window is None or not len(window.recent):
        return []
    model.window_end_ = window.end
    holding = B.holding_documents(window, seeds, limit=model.fit_sample, rng=rng)
    if len(holding):  # step 2
        min_df = model.min_df if isinstance(model.min_df, (int, np.integer)) else 2
        model.learn_terms(document_frequencies(tokens.take(holding), min_df=min_df))
    X = model.transform(tokens)  # once: the window's rows are looked up by position
    found = B.new_issues(lambda part: X[part], window, seeds, info, settings, min_coherence=model.burst_min_coherence_)
    changed = _merge_new_issues(model, found)
    if changed:  # step 4: every issue and noise are classes, over the recent and baseline documents
        model.describe(X[np.concatenate([window.recent, window.baseline])], changed)
    return changed


def _merge_new_issues(model, found: list[B.Burst]) -> list[int]:
    """Step 3: replace the earlier new issue each group continues, append the others."""
    thresholds = list(getattr(model, "burst_thresholds_", np.zeros(0)))
    summaries = list(getattr(model, "bursts_", []))
    windows = list(getattr(model, "burst_windows_", [None] * len(thresholds)))
    first_new = model.centroids_.shape[0] - len(thresholds)
    centroids = [row for row in model.centroids_]
    changed: list[int] = []
    for burst in found:
        earlier = np.array(centroids[first_new:], dtype=np.float32)  # every new issue so far, this run's too
        similarity = earlier @ burst.centroid if len(earlier) else np.zeros(0)
        similarity[[i - first_new for i in changed]] = -1.0  # one group per issue and run
        if len(similarity) and similarity.max() >= SAME_ISSUE:
            index = first_new + int(similarity.argmax())
            centroids[index] = burst.centroid
            thresholds[index - first_new], summaries[index - first_new] = burst.threshold, burst.summary()
            windows[index - first_new] = model.window_end_
        else:
            index = len(centroids)
            centroids.append(burst.centroid)
            thresholds.append(burst.threshold)
            summaries.append(burst.summary())
            windows.append(model.window_end_)
            model.top_terms_.append([])  # set in step 4
            model.term_weights_.append({})
        changed.append(index)
    model.centroids_ = np.array(centroids, dtype=np.float32)
    model.burst_thresholds_ = np.array(thresholds, dtype=np.float64)
    model.bursts_ = summaries
    model.burst_windows_ = windows
    model.n_issues_ = model.centroids_.shape[0]
    return sorted(changed)
