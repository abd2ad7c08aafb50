"""Report: what the analyst and leadership read — charts, maps, the briefing and exports.

Takes: frames from the store and the signals. Gives: Plotly figures (:mod:`charts`,
:mod:`sentiment_charts`, :mod:`maps`; builders return figures and never display), the daily
briefing (:mod:`briefing` gathers, :mod:`render` writes HTML/XLSX/PNG/PDF through
:mod:`render_html`, :mod:`render_xlsx` and :mod:`render_image`, worded alike by
:mod:`briefing_content`), safe CSV/XLSX (:mod:`exports`) and the files of ``analyze --out``
(:mod:`outputs`).

Read first: :mod:`monitoring.report.briefing`.
"""
