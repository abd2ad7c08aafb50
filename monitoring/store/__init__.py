"""The store: one DuckDB file holding posts, enrichment, issues and the analyst's settings.

Takes: frames of canonical posts and derived rows from the stages above. Gives: connections
(:func:`database.connect`, one writer per process (:mod:`transactions`), readers on their own
cursors), schema migrations (:mod:`migrations`),
settings (:mod:`settings`), the per-post fact table pages aggregate (:mod:`facts`), SQL
aggregations for charts (:mod:`queries`) and every post's tokens as integer codes
(:mod:`token_codes`). The bottom layer: it imports no stage.

Read first: :mod:`monitoring.store.database`.
"""
