"""Render a :class:`~monitoring.report.briefing.Briefing`: self-contained HTML, XLSX, and one figure as PNG/PDF.

Every piece of text that reaches HTML or a Plotly label is escaped (issue labels come from post text).
The HTML loads nothing from the network: tables, numbers and the sentiment bar are plain HTML/CSS, the
map is a Plotly figure with plotly.js inlined from the installed ``plotly`` package. PNG/PDF are drawn by
kaleido with a system Chromium (Debian ``/usr/bin/chromium``; ``BROWSER_PATH`` overrides), never a download.

The one place callers (the Briefing page, ``briefing`` CLI) get a rendering from. The wording every
format shares is in :mod:`briefing_content`; each format has its module: :mod:`render_html`,
:mod:`render_xlsx` and :mod:`render_image` (the one-figure layout and kaleido).
"""
from __future__ import annotations

from monitoring.report.briefing_content import (
    STATUS_COLORS,
    WORSE_COLOR,
    briefing_map,
    example_text,
    issue_heading,
    key_numbers,
    map_title,
    narrative_line,
    regional_table,
    regional_title,
    sentiment_figure,
    status_color,
    worsening_text,
)
from monitoring.report.render_html import briefing_html
from monitoring.report.render_image import (
    BROWSER_NAMES,
    BROWSER_PATHS,
    IMAGE_FORMATS,
    IMAGE_WIDTH,
    ImageExportError,
    briefing_figure,
    briefing_image,
    chromium_path,
    image_export_available,
)
from monitoring.report.render_xlsx import briefing_xlsx

__all__ = [
    "BROWSER_NAMES", "BROWSER_PATHS", "IMAGE_FORMATS", "IMAGE_WIDTH", "STATUS_COLORS", "WORSE_COLOR", "ImageExportError",
    "briefing_figure", "briefing_html", "briefing_image", "briefing_map", "briefing_xlsx", "chromium_path",
    "example_text", "image_export_available", "issue_heading", "key_numbers", "map_title", "narrative_line",
    "regional_table", "regional_title", "sentiment_figure", "status_color", "worsening_text",
]
