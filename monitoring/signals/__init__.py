"""Signals: which issues are emerging where, spikes, and what to disseminate first.

Takes: counts per issue × province × hour from :mod:`monitoring.store.queries`. Gives: emerging
scores and status per issue and province (:mod:`scores`, pure statistics), spike alerts
(:mod:`spikes`), the dissemination plan (:mod:`plan`), what changed since yesterday
(:mod:`overview`); :mod:`emerging` gathers them from the store.

Read first: :mod:`monitoring.signals.emerging`.
"""
