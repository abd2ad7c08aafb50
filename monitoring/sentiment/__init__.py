"""Sentiment: every post gets positive / neutral / negative and a calibrated confidence.

Takes: canonical posts (raw text). Gives: ``sentiment`` and ``sentiment_score``
(:func:`model.add_sentiment`). The default is the offline lexicon model (:mod:`lexicon`): word lists
in ``data/`` read by :mod:`vocabulary`, tokens with affixes and slang seen through by :mod:`tokens`
and :mod:`affixes`, scope rules in :mod:`rules`, confidence curves in :mod:`calibration`, and
Indonesian explanations in :mod:`explain`. Analysts can train their own (:mod:`features`, blended
with the default by :mod:`training` so it is never worse) or adapt the default to their corrections
(:mod:`adaptation`); model versions, corrections and activation live in :mod:`store`, aggregations for
the Sentimen page in :mod:`queries`.

Read first: :mod:`monitoring.sentiment.model`, then :mod:`monitoring.sentiment.lexicon`.
"""
