"""Issues: what posts talk about, with stable ids and the analyst's edits.

Takes: enriched posts (tokens) from the store. Gives: an issue per post (``issue_id``), issue
rows with labels and terms, duplicate groups and coordination flags. Flow: :mod:`dedup`
(copies grouped) ▸ :mod:`tfidf` + :mod:`model` (``IssueModel``: micro-clusters merged into
issues) with :mod:`bursts` (brand-new issues of the last day: :mod:`burst_terms` seeds,
:mod:`burst_groups` grows and tests them, :mod:`burst_settings` holds the defaults) ▸
:mod:`labels` (names) ▸ :mod:`identity` (stable ids) ▸ :mod:`edits` (the analyst's edits), strung
together by :mod:`detection` ▸ :mod:`store` (against the DuckDB store); :mod:`refresh` finds new
issues of a newer day without a re-fit; :mod:`cards` and :mod:`watchlist` serve pages.

Read first: :mod:`monitoring.issues.store`.
"""
