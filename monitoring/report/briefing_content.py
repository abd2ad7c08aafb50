"""What the briefing says, whatever the format: headline numbers, titles, headings and shared figures.

The Briefing page, the HTML page, the XLSX workbook and the PNG/PDF figure all word the briefing
the same way from these pieces. They return plain text (the caller escapes it with :func:`escaped`
where it reaches HTML or a Plotly label: issue labels come from post text) or Plotly figures.
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from monitoring import schema as S
from monitoring.formatting import fmt_int, fmt_pct, fmt_score
from monitoring.report import charts
from monitoring.report.briefing import (
    LABEL,
    NAME,
    NARRATIVE,
    RANK,
    REGION_NAME,
    REGION_POSTS,
    TERMS,
    TOP_REGIONS,
    VALUE,
    Briefing,
)
from monitoring.signals import scores as sg

WORSE_COLOR = "#7b1fa2"
STATUS_COLORS = {sg.STATUS_NEW: "#b3261e", sg.STATUS_UP: "#d9822b", sg.STATUS_STABLE: "#5f6368",
                 sg.STATUS_DOWN: "#1f5fa8"}


def escaped(value: object) -> str:
    """``value`` as HTML-escaped text (quotes included); ``None``/``pd.NA`` -> ''."""
    return html.escape("" if value is None or value is pd.NA else str(value), quote=True)


def _change_text(b: Briefing) -> str:
    sign = "+" if b.change >= 0 else "-"
    relative = f" ({fmt_pct(b.change_share, signed=True)})" if b.change_share is not None else ""
    return f"{sign}{fmt_int(abs(b.change))}{relative} dibanding {b.recent_hours} jam sebelumnya"


def key_numbers(b: Briefing) -> list[tuple[str, str, str]]:
    """(title, value, note) of the headline numbers, plain text."""
    return [
        (f"Unggahan {b.recent_hours} jam", fmt_int(b.posts), _change_text(b)),
        ("Sentimen negatif", fmt_pct(b.negative_share),
         f"sebelumnya {fmt_pct(b.previous_negative_share)}"),
        ("Akun", fmt_int(b.accounts), "akun berbeda yang mengunggah"),
        ("Isu baru/naik", fmt_int(b.rising_issues),
         f"dari {fmt_int(len(b.emerging))} isu teratas; {worsening_text(b)}"),
        (sg.BADGE_WORSE, fmt_int(len(b.worsening)), "porsi sentimen negatif naik tajam"),
    ]


def worsening_text(b: Briefing) -> str:
    """'memburuk: 2 (Tarif KRL, Bansos)' or 'tidak ada yang memburuk' (plain text)."""
    if not b.worsening:
        return f"tidak ada yang {sg.BADGE_WORSE.lower()}"
    return f"{sg.BADGE_WORSE.lower()}: {fmt_int(len(b.worsening))} ({', '.join(b.worsening)})"


def status_color(status: object, default: str) -> str:
    """Fill of a status badge: *Memburuk* wins over the volume status."""
    return WORSE_COLOR if sg.BADGE_WORSE in str(status) else STATUS_COLORS.get(str(status), default)


def map_title(b: Briefing) -> str:
    """Title of the posts-per-province map (national context when the briefing is for one region)."""
    scope = " (nasional, sebagai konteks)" if b.region else ""
    return f"Unggahan per provinsi, {b.recent_hours} jam terakhir{scope}"


def regional_title(b: Briefing) -> str:
    """Title of the top-issue-per-region table (kabupaten/kota inside a province, else provinces)."""
    return ("Isu teratas per kabupaten/kota" if b.region else "Isu teratas per provinsi") + \
        f", {b.recent_hours} jam terakhir"


def issue_heading(row: dict) -> str:
    """'1. label · Baru · 53 unggahan · negatif 54,7% · skor 53,8' for a row of ``b.emerging`` (plain text)."""
    return (f"{row[RANK]}. {row[LABEL]} · {row[sg.STATUS]} · {fmt_int(row[sg.POSTS])} unggahan · "
            f"negatif {fmt_pct(row[sg.NEGATIVE_SHARE])} · skor {fmt_score(row[sg.SCORE])}")


def narrative_line(row: dict) -> str:
    """'Narasi utama: jual negara · kata kunci: tapera · potongan' for a row of ``b.emerging`` (plain text)."""
    parts = []
    if row.get(NARRATIVE):
        parts.append(f"Narasi utama: {row[NARRATIVE]}")
    if row.get(TERMS) and row.get(TERMS) != row.get(LABEL):
        parts.append(f"kata kunci: {row[TERMS]}")
    return " · ".join(parts)


def regional_table(b: Briefing) -> pd.DataFrame:
    """The top regions as a display table with Indonesian headers and formatted score (plain text)."""
    rows = b.regional.head(TOP_REGIONS)
    return pd.DataFrame({"Wilayah": rows[REGION_NAME], "Unggahan": rows[REGION_POSTS],
                         "Isu teratas": rows[LABEL].fillna("–"), "Status": rows[sg.STATUS].fillna(""),
                         "Skor": rows[sg.SCORE].map(fmt_score)}).reset_index(drop=True)


def briefing_map(b: Briefing) -> go.Figure:
    """Tile-grid map of posts per province in the window (bars when the map module is missing)."""
    title, coverage = map_title(b), b.located_share if b.region is None else None
    try:
        from monitoring.report import maps
    except ImportError:  # the map module is optional; a ranked bar chart says the same
        frame = b.map_values.assign(**{NAME: b.map_values[S.PROVINCE_CODE].map(sg.region_name)})
        return charts.ranked_bars(frame, label=NAME, value=VALUE, title=title)
    return maps.tile_grid_map(b.map_values, title=title, coverage=coverage)


def sentiment_figure(b: Briefing) -> go.Figure:
    """Share of positif/netral/negatif in the window."""
    counts = dict(zip(b.sentiment[S.SENTIMENT], b.sentiment[sg.POSTS]))
    return charts.sentiment_donut(counts, f"Sentimen, {b.recent_hours} jam terakhir")


def example_text(b: Briefing, issue_id: object, limit: int = 280) -> str:
    """'"text…" — @author, X (Twitter)' for an issue's example post, plain text ('' when none)."""
    rows = b.examples[b.examples[S.ISSUE_ID] == issue_id].to_dict("records")
    if not rows:
        return ""
    row = rows[0]
    text = " ".join(str(row[S.TEXT] or "").split())
    text = text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
    author = f"@{row[S.AUTHOR]}" if isinstance(row[S.AUTHOR], str) and row[S.AUTHOR] else "(tanpa akun)"
    return f"“{text}” — {author}, {S.PLATFORM_LABELS.get(row[S.PLATFORM], str(row[S.PLATFORM]))}"
