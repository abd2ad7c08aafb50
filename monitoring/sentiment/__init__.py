"""Sentiment: every post gets positive / neutral / negative and a confidence.

Takes: canonical posts (raw text). Gives: ``sentiment`` and ``sentiment_score``
(:func:`model.add_sentiment`). The default is the offline lexicon model (:mod:`lexicon`, word
list in ``data/sentiment_lexicon.csv``); analysts can train their own (:mod:`features`,
:func:`model.train_model`); model versions, corrections and activation live in :mod:`store`,
aggregations for the Sentimen page in :mod:`queries`.

Read first: :mod:`monitoring.sentiment.model`.
"""
