"""Ingest: uploaded files into canonical posts in the store.

Takes: a file (CSV/TSV, XLSX, JSON, JSON Lines, Parquet) and the import options. Gives: one
transaction per file of canonical posts (:mod:`monitoring.schema`), duplicates skipped, rejected
rows kept with their reason, and an :class:`imports.ImportSummary`. Flow: :mod:`readers`
(format, encoding, delimiter) ▸ :mod:`mapping` (columns ▸ canonical fields) + :mod:`dates`
▸ :mod:`imports` (store). :mod:`quality` reports on what was imported.

Read first: :mod:`monitoring.ingest.imports`.
"""
