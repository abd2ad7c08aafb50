"""Issues: what posts talk about, with stable ids and the analyst's edits.

Takes: enriched posts (tokens) from the store. Gives: an issue per post (``issue_id``) and a
narrative inside it (``narrative_id``: the framings of the issue), issue and narrative rows with
headlines, labels and terms, duplicate groups and coordination flags. Flow: :mod:`chatter`
(reactions are not topics) ▸ :mod:`dedup` (copies grouped) ▸ :mod:`tfidf` + :mod:`model`
(``IssueModel``: micro-clusters from :mod:`clusterers` merged into issues where :mod:`cuts` says,
geometry in :mod:`vectors`; :mod:`narratives` inside each issue) with :mod:`bursts` (brand-new
issues of the last day: :mod:`burst_terms` seeds, :mod:`burst_groups` grows and tests them,
:mod:`burst_settings` holds the defaults) ▸ :mod:`labels` and :mod:`headlines` (names) ▸
:mod:`identity` (stable ids of issues and narratives) ▸ :mod:`edits` (the analyst's edits at both
levels), strung together by :mod:`detection` ▸ :mod:`store` (against the DuckDB store);
:mod:`refresh` finds new issues of a newer day without a re-fit; :mod:`cards` (including
``narratives_frame``) and :mod:`watchlist` serve pages, outputs and the API.

Read first: :mod:`monitoring.issues.store`.
"""
