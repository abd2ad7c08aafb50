"""Ingest: uploaded files into canonical posts in the store.

Takes: a file (CSV/TSV, XLSX, JSON, JSON Lines, Parquet) and the import options. Gives: one
transaction per file of canonical posts (:mod:`monitoring.schema`), duplicates skipped, rejected
rows kept with their reason, and an :class:`imports.ImportSummary`. Flow: :mod:`readers`
(format; text via :mod:`decoding` and :mod:`delimited` or :mod:`json_records`, else :mod:`xlsx`,
:mod:`parquet`) ▸ :mod:`detection` (which column is which field, which platform; known exports in
:mod:`export_profiles`) ▸ :mod:`mapping` (columns ▸ canonical fields, with :mod:`dates` and
:mod:`cell_values`) ▸ :mod:`imports` (store). :mod:`quality` reports on what was imported.

Read first: :mod:`monitoring.ingest.imports`.
"""
