"""Render a :class:`~monitoring.report.briefing.Briefing`: self-contained HTML, XLSX, and one figure as PNG/PDF.

Every piece of text that reaches HTML or a Plotly label is escaped (issue labels come from post text).
The HTML loads nothing from the network: tables, numbers and the sentiment bar are plain HTML/CSS, the
map is a Plotly figure with plotly.js inlined from the installed ``plotly`` package. PNG/PDF are drawn by
kaleido with a system Chromium (Debian ``/usr/bin/chromium``; ``BROWSER_PATH`` overrides), never a download.
"""
from __future__ import annotations

import html
import logging
import os
import shutil
import textwrap
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from monitoring import schema as S
from monitoring.errors import UserError
from monitoring.formatting import fmt_int, fmt_pct, fmt_score
from monitoring.report import charts, exports
from monitoring.report.briefing import (
    LABEL,
    NAME,
    RANK,
    REGION_CODE,
    REGION_NAME,
    REGION_POSTS,
    SHARE,
    TOP_REGIONS,
    VALUE,
    Briefing,
)
from monitoring.signals import scores as sg

log = logging.getLogger(__name__)

IMAGE_FORMATS = ("png", "pdf")
IMAGE_WIDTH = 1400
# Figure layout in pixels: Plotly tables do not grow, so rows are sized from their content.
_LINE_PX, _CELL_PAD_PX, _HEADER_PX, _GAP_PX, _NUMBERS_PX, _CHARTS_PX = 19, 12, 34, 85, 120, 500
_MARGIN = dict(l=30, r=30, t=110, b=150)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
STATUS_COLORS = {sg.STATUS_NEW: "#b3261e", sg.STATUS_UP: "#d9822b", sg.STATUS_STABLE: "#5f6368",
                 sg.STATUS_DOWN: "#1f5fa8"}
_FIGURE_FONT = dict(family="Inter, Segoe UI, Arial, sans-serif", size=14)


class ImageExportError(UserError):
    """PNG/PDF cannot be made here (no Chromium, or the browser failed)."""


def _e(value: object) -> str:
    return html.escape("" if value is None or value is pd.NA else str(value), quote=True)


def _number(value: object) -> str:
    return "–" if pd.isna(value) else fmt_int(round(float(value)))


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
        ("Isu baru/naik", fmt_int(b.rising_issues), f"dari {fmt_int(len(b.emerging))} isu teratas"),
    ]


def map_title(b: Briefing) -> str:
    scope = " (nasional, sebagai konteks)" if b.region else ""
    return f"Unggahan per provinsi, {b.recent_hours} jam terakhir{scope}"


def regional_title(b: Briefing) -> str:
    return ("Isu teratas per kabupaten/kota" if b.region else "Isu teratas per provinsi") + \
        f", {b.recent_hours} jam terakhir"


def issue_heading(row: dict) -> str:
    """'1. label · Baru · 53 unggahan · negatif 54,7% · skor 53,8' for a row of ``b.emerging`` (plain text)."""
    return (f"{row[RANK]}. {row[LABEL]} · {row[sg.STATUS]} · {fmt_int(row[sg.POSTS])} unggahan · "
            f"negatif {fmt_pct(row[sg.NEGATIVE_SHARE])} · skor {fmt_score(row[sg.SCORE])}")


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


# --- HTML -------------------------------------------------------------------------------------------
_CSS = """
body{margin:0;background:#f4f6f9;color:#1d2733;font:15px/1.45 Inter,'Segoe UI',Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px}
h1{margin:0;font-size:28px}h2{font-size:18px;margin:0 0 10px}
.when{margin:4px 0 18px;color:#44515f}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-bottom:16px}
.card,.panel{background:#fff;border:1px solid #dde3ea;border-radius:10px;padding:14px 16px}
.card .v{font-size:30px;font-weight:700}.card .t,.card .n{color:#5b6773;font-size:13px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin-bottom:16px;align-items:start}
.grid.wide{grid-template-columns:2fr 1fr}
ol{margin:0;padding-left:22px}li{margin-bottom:10px}
.badge{display:inline-block;border-radius:8px;padding:0 8px;color:#fff;font-size:12px;font-weight:600}
.meta{color:#5b6773;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:5px 6px;border-bottom:1px solid #e6eaef;vertical-align:top}
td.num,th.num{text-align:right}
.bar{display:flex;height:26px;border-radius:6px;overflow:hidden;margin:8px 0}
.legend span{margin-right:14px}.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
footer{color:#5b6773;font-size:12.5px}footer p{margin:3px 0}
@media (max-width:800px){.cards{grid-template-columns:1fr 1fr}.grid,.grid.wide{grid-template-columns:1fr}}
"""


def _html_cards(b: Briefing) -> str:
    cards = "".join(f'<div class="card"><div class="t">{_e(t)}</div><div class="v">{_e(v)}</div>'
                    f'<div class="n">{_e(n)}</div></div>' for t, v, n in key_numbers(b))
    return f'<section class="cards">{cards}</section>'


def _html_badge(status: object) -> str:
    color = STATUS_COLORS.get(str(status), "#5f6368")
    return f'<span class="badge" style="background:{color}">{_e(status)}</span>'


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


def _html_emerging(b: Briefing) -> str:
    items = []
    for r in b.emerging.to_dict("records"):
        example = example_text(b, r[S.ISSUE_ID])
        items.append(
            f"<li><b>{_e(r[LABEL])}</b> {_html_badge(r[sg.STATUS])} <span class=\"meta\">"
            f"{_e(fmt_int(r[sg.POSTS]))} unggahan · negatif {_e(fmt_pct(r[sg.NEGATIVE_SHARE]))} · skor "
            f"{_e(fmt_score(r[sg.SCORE]))}</span><br>{_e(r[sg.EXPLANATION])}"
            + (f'<br><span class="meta">Contoh: {_e(example)}</span>' if example else "") + "</li>")
    body = f"<ol>{''.join(items)}</ol>" if items else "<p>Tidak ada isu dengan unggahan dalam jendela ini.</p>"
    return f'<div class="panel"><h2>Isu naik teratas — {_e(b.region_name)}</h2>{body}</div>'


def _html_sentiment(b: Briefing) -> str:
    rows = b.sentiment.to_dict("records")
    bar = "".join(f'<span style="width:{100 * float(r[SHARE]):.2f}%;background:{S.SENTIMENT_COLORS[r[S.SENTIMENT]]}">'
                  "</span>" for r in rows)
    legend = "".join(f'<span><i class="dot" style="background:{S.SENTIMENT_COLORS[r[S.SENTIMENT]]}"></i>'
                     f"{_e(r[LABEL])} {_e(fmt_pct(r[SHARE]))} ({_e(fmt_int(r[sg.POSTS]))})</span>" for r in rows)
    return (f'<div class="panel"><h2>Sentimen, {b.recent_hours} jam terakhir</h2>'
            f'<div class="bar">{bar}</div><div class="legend">{legend}</div></div>')


def _html_regional(b: Briefing) -> str:
    head = ("<tr><th>Wilayah</th><th class=num>Unggahan</th><th>Isu teratas</th><th>Status</th>"
            "<th class=num>Skor</th></tr>")
    rows = "".join(
        f"<tr><td>{_e(r[REGION_NAME])}</td><td class=num>{_e(fmt_int(r[REGION_POSTS]))}</td>"
        f"<td>{_e(r[LABEL] if isinstance(r[LABEL], str) else '–')}</td>"
        f"<td>{_html_badge(r[sg.STATUS]) if isinstance(r[sg.STATUS], str) else ''}</td>"
        f"<td class=num>{_e(fmt_score(r[sg.SCORE]))}</td></tr>"
        for r in b.regional.head(TOP_REGIONS).to_dict("records"))
    empty = ("Kabupaten/kota belum diketahui untuk unggahan wilayah ini." if b.region
             else "Belum ada unggahan berlokasi dalam jendela ini.")
    body = f"<table>{head}{rows}</table>" if rows else f"<p>{_e(empty)}</p>"
    return f'<div class="panel"><h2>{_e(regional_title(b))}</h2>{body}</div>'


def briefing_html(b: Briefing) -> str:
    """A self-contained HTML page (inline CSS and plotly.js; no network), all text escaped."""
    # the template pinned: the process's default differs (Streamlit's server sets its own theme)
    map_html = charts.with_template(briefing_map(b)).to_html(
        include_plotlyjs=True, full_html=False, default_width="100%", config={"displaylogo": False, "responsive": True})
    footer = "".join(f"<p>{_e(line)}</p>" for line in b.coverage_lines())
    return (
        f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(b.title)} · {_e(b.date_label)}</title><style>{_CSS}</style></head><body><main>"
        f"<header><h1>{_e(b.title)}</h1><p class=\"when\">{_e(b.date_label)} · {_e(b.window_label)}</p></header>"
        f"{_html_cards(b)}<section class=\"grid\">{_html_emerging(b)}{_html_regional(b)}</section>"
        f"<section class=\"grid wide\"><div class=\"panel\">{map_html}</div>{_html_sentiment(b)}</section>"
        f"<footer>{footer}</footer></main></body></html>"
    )


# --- XLSX -------------------------------------------------------------------------------------------
def _summary_rows(b: Briefing) -> pd.DataFrame:
    rows = [("Judul", b.title), ("Tanggal", b.date_label), ("Jendela", b.window_label),
            ("Zona waktu", b.timezone), (f"Unggahan {b.recent_hours} jam", b.posts),
            (f"Unggahan {b.recent_hours} jam sebelumnya", b.previous_posts), ("Perubahan", b.change),
            ("Perubahan (%)", b.change_share), ("Porsi sentimen negatif", b.negative_share),
            ("Porsi negatif sebelumnya", b.previous_negative_share), ("Akun", b.accounts),
            ("Isu baru/naik di daftar teratas", b.rising_issues),
            (f"Porsi unggahan dengan {b.located_label}", b.located_share)]
    rows += [(f"Sentimen {r[LABEL]}", r[sg.POSTS]) for r in b.sentiment.to_dict("records")]
    rows += [("Penjelasan skor", sg.SCORE_EXPLANATION), ("Dibuat", b.generated_label)]
    return pd.DataFrame(rows, columns=["Butir", "Nilai"])


def briefing_xlsx(b: Briefing) -> bytes:
    """XLSX (sheets Ringkasan, Isu Naik, Per Provinsi, Cakupan) with every cell neutralised."""
    issues = b.emerging.rename(columns={
        RANK: "Peringkat", S.ISSUE_ID: "ID isu", LABEL: "Isu", sg.STATUS: "Status",
        sg.POSTS: f"Unggahan {b.recent_hours} jam", sg.BASELINE: f"Rata-rata per {b.recent_hours} jam sebelumnya",
        sg.NEGATIVE_SHARE: "Porsi negatif", sg.SCORE: "Skor", sg.EXPLANATION: "Penjelasan"})
    issues["Contoh unggahan"] = [example_text(b, i, limit=2000) for i in b.emerging[S.ISSUE_ID]]
    regional = b.regional.rename(columns={
        REGION_CODE: "Kode wilayah", REGION_NAME: "Wilayah", REGION_POSTS: f"Unggahan {b.recent_hours} jam",
        S.ISSUE_ID: "ID isu teratas", LABEL: "Isu teratas", sg.STATUS: "Status",
        sg.POSTS: "Unggahan isu", sg.SCORE: "Skor", sg.EXPLANATION: "Penjelasan"})
    coverage = pd.concat([
        pd.DataFrame({"Jenis": "Platform", "Nama": b.platforms[LABEL], "Unggahan": b.platforms[sg.POSTS]}),
        pd.DataFrame({"Jenis": "Dataset", "Nama": b.datasets[NAME], "Unggahan": b.datasets[sg.POSTS]}),
        pd.DataFrame({"Jenis": ["Catatan"] * 3, "Nama": b.coverage_lines()[2:], "Unggahan": None}),
    ], ignore_index=True)
    return exports.to_safe_xlsx({"Ringkasan": _summary_rows(b), "Isu Naik": issues,
                                 "Per Provinsi": regional, "Cakupan": coverage})


# --- one figure for PNG/PDF -------------------------------------------------------------------------
def _wrap(text: object, width: int) -> str:
    """Escaped text with <br> line breaks (Plotly draws no automatic wrap)."""
    return "<br>".join(_e(line) for line in textwrap.wrap(str(text), width)) or "–"


def _place(source: go.Figure, target: go.Figure, row: int, col: int) -> None:
    """Copy a cartesian figure's traces, axes, shapes and annotations into one subplot cell.

    Colour bars are dropped (the tile map writes each value in its tile); the source's title is not copied
    (the cell has a subplot title).
    """
    axes = target.get_subplot(row, col)
    x_name, y_name = axes.xaxis.plotly_name, axes.yaxis.plotly_name
    for trace in source.data:
        if "showscale" in trace:  # a colour bar sits in paper coordinates, over the next cell: drop it
            trace = go.Figure(trace).update_traces(showscale=False).data[0]
        target.add_trace(trace, row=row, col=col)
    x_ref, y_ref = x_name.replace("axis", ""), y_name.replace("axis", "")
    skip = {"domain", "anchor", "scaleanchor", "overlaying", "position"}
    for own, theirs in ((source.layout.xaxis, x_name), (source.layout.yaxis, y_name)):
        settings = {k: v for k, v in own.to_plotly_json().items() if k not in skip}
        target.layout[theirs].update(settings)
    if source.layout.yaxis.scaleanchor:
        target.layout[y_name].update(scaleanchor=x_ref)
    for kind in ("shapes", "annotations"):
        for item in source.layout[kind] or ():
            spec = item.to_plotly_json()
            for axis, own_ref in (("x", x_ref), ("y", y_ref)):
                ref = spec.get(f"{axis}ref", axis)  # Plotly's default is the first axis
                spec[f"{axis}ref"] = f"{own_ref} domain" if ref in ("paper", f"{axis} domain") else own_ref
            getattr(target, "add_shape" if kind == "shapes" else "add_annotation")(**spec)


def _lines(cell: str) -> int:
    return str(cell).count("<br>") + 1


def _table(headers: list[str], columns: list[list[str]], widths: list[float],
           fills: list[list[str]] | None = None) -> tuple[go.Table, int]:
    """A Plotly table of pre-escaped cells, and its height in pixels (Plotly needs row heights up front)."""
    rows = max((len(c) for c in columns), default=0)
    height = _HEADER_PX + sum(_CELL_PAD_PX + _LINE_PX * max(_lines(c[i]) for c in columns) for i in range(rows))
    cells = dict(values=columns, align="left", height=_LINE_PX + _CELL_PAD_PX, font=dict(size=13))
    if fills:
        cells.update(fill_color=fills, font_color=[["white" if f != "white" else "#1d2733" for f in col]
                                                   for col in fills])
    return go.Table(columnwidth=widths, cells=cells, header=dict(
        values=headers, fill_color="#1f5fa8", font=dict(color="white", size=14), align="left")), height


def _issue_table(b: Briefing) -> tuple[go.Table, int]:
    rows = b.emerging
    if rows.empty:
        return _table(["Isu naik teratas"], [["Tidak ada isu dengan unggahan dalam jendela ini."]], [1.0])
    columns = [[str(v) for v in rows[RANK]], [_wrap(v, 28) for v in rows[LABEL]], [_e(v) for v in rows[sg.STATUS]],
               [fmt_int(v) for v in rows[sg.POSTS]], [fmt_pct(v) for v in rows[sg.NEGATIVE_SHARE]],
               [fmt_score(v) for v in rows[sg.SCORE]], [_wrap(v, 95) for v in rows[sg.EXPLANATION]]]
    fills = [[STATUS_COLORS.get(s, "white") if i == 2 else "white" for s in rows[sg.STATUS]]
             for i in range(len(columns))]
    return _table(["#", "Isu", "Status", "Unggahan", "Negatif", "Skor", "Penjelasan"], columns,
                  [0.4, 2.2, 0.8, 0.9, 0.8, 0.7, 6.0], fills)


def _regional_table(b: Briefing) -> tuple[go.Table, int]:
    rows = b.regional.head(TOP_REGIONS)
    if rows.empty:
        message = ("Kabupaten/kota belum diketahui untuk unggahan wilayah ini." if b.region
                   else "Belum ada unggahan berlokasi dalam jendela ini.")
        return _table(["Wilayah"], [[message]], [1.0])
    columns = [[_e(v) for v in rows[REGION_NAME]], [fmt_int(v) for v in rows[REGION_POSTS]],
               [_wrap(v, 30) if isinstance(v, str) else "–" for v in rows[LABEL]],
               [_e(v) if isinstance(v, str) else "" for v in rows[sg.STATUS]], [fmt_score(v) for v in rows[sg.SCORE]]]
    return _table(["Wilayah", "Unggahan", "Isu teratas", "Status", "Skor"], columns, [2.0, 0.8, 2.0, 0.8, 0.6])


def _sentiment_bars(b: Briefing) -> go.Figure:
    fig = go.Figure()
    for r in b.sentiment.to_dict("records"):
        fig.add_bar(x=[r[LABEL]], y=[r[SHARE]], marker_color=S.SENTIMENT_COLORS[r[S.SENTIMENT]],
                    text=[f"{fmt_pct(r[SHARE])}<br>({fmt_int(r[sg.POSTS])})"], textposition="outside",
                    showlegend=False)
    fig.update_layout(yaxis=dict(tickformat=".0%", range=[0, 1.15]))
    return fig


def _add_numbers(fig: go.Figure, b: Briefing) -> None:
    values = [b.posts, b.negative_share or 0.0, b.accounts, b.rising_issues]
    for col, ((title, _, note), value) in enumerate(zip(key_numbers(b), values), start=1):
        fig.add_trace(go.Indicator(
            mode="number", value=value, number=dict(valueformat=".1%" if col == 2 else ",d", font=dict(size=40)),
            title=dict(text=f"{_e(title)}<br><span style='font-size:12px;color:#5b6773'>{_e(note)}</span>",
                       font=dict(size=15))), row=1, col=col)


def briefing_figure(b: Briefing) -> go.Figure:
    """The whole briefing as one Plotly figure (key numbers, top issues, map, sentiment, per region).

    The height follows the content (table rows and wrapped lines), so nothing is cut off or left blank.
    """
    issues, issues_px = _issue_table(b)
    regional, regional_px = _regional_table(b)
    rows_px = [_NUMBERS_PX, issues_px, _CHARTS_PX, regional_px]
    plot_px = sum(rows_px) + 3 * _GAP_PX
    fig = make_subplots(
        rows=4, cols=4, row_heights=rows_px, vertical_spacing=_GAP_PX / plot_px, horizontal_spacing=0.06,
        specs=[[{"type": "indicator"}] * 4, [{"type": "table", "colspan": 4}, None, None, None],
               [{"type": "xy", "colspan": 3}, None, None, {"type": "xy"}],
               [{"type": "table", "colspan": 4}, None, None, None]],
        subplot_titles=["", "", "", "", f"Isu naik teratas — {_e(b.region_name)}", _e(map_title(b)),
                        f"Sentimen, {b.recent_hours} jam terakhir", _e(regional_title(b))])
    _add_numbers(fig, b)
    fig.add_trace(issues, row=2, col=1)
    _place(briefing_map(b), fig, row=3, col=1)
    _place(_sentiment_bars(b), fig, row=3, col=4)
    fig.add_trace(regional, row=4, col=1)
    footer = "<br>".join(_wrap(line, 190) for line in b.coverage_lines())
    fig.add_annotation(text=footer, x=0, y=-20 / plot_px, xref="paper", yref="paper", xanchor="left",
                       yanchor="top", align="left", showarrow=False, font=dict(size=11, color="#5b6773"))
    fig.update_layout(
        title=dict(text=f"<b>{_e(b.title)}</b> · {_e(b.date_label)}<br><sup>{_e(b.window_label)}</sup>",
                   x=0.01, font=dict(size=24)),
        width=IMAGE_WIDTH, height=plot_px + _MARGIN["t"] + _MARGIN["b"], font=_FIGURE_FONT,
        separators=charts.SEPARATORS, template="plotly_white", showlegend=False, margin=_MARGIN)
    return fig


# --- PNG / PDF via kaleido --------------------------------------------------------------------------
def chromium_path() -> str | None:
    """A Chromium/Chrome executable: ``BROWSER_PATH`` if it exists, else one on PATH or in /usr/bin."""
    override = os.environ.get("BROWSER_PATH")
    if override:
        return override if Path(override).is_file() else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in BROWSER_PATHS if Path(p).is_file() and os.access(p, os.X_OK)), None)


def image_export_available() -> bool:
    """True when PNG/PDF export can run (kaleido installed and a Chromium found)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return chromium_path() is not None


def briefing_image(b: Briefing, fmt: str = "png") -> bytes:
    """The briefing figure as PNG or PDF bytes, drawn offline by kaleido with the system Chromium.

    Raises:
        ImageExportError: no Chromium/kaleido here, or the browser failed.
    """
    if fmt not in IMAGE_FORMATS:
        raise UserError(f"Format gambar '{fmt}' tidak didukung. Pilih png atau pdf.")
    path = chromium_path() if image_export_available() else None
    if path is None:
        raise ImageExportError("Ekspor PNG/PDF membutuhkan Chromium atau Chrome di server. Pasang Chromium "
                               "(mis. apt-get install chromium) atau atur BROWSER_PATH, atau unduh briefing "
                               "sebagai HTML.")
    import kaleido
    from kaleido import errors as kaleido_errors

    fig = briefing_figure(b)
    opts = {"format": fmt, "width": IMAGE_WIDTH, "height": fig.layout.height, "scale": 2 if fmt == "png" else 1}
    try:  # mathjax=False: kaleido would otherwise load MathJax from a CDN
        return kaleido.calc_fig_sync(fig, opts=opts, kopts={"mathjax": False, "path": path})
    except (kaleido_errors.ChromeNotFoundError, kaleido_errors.BrowserFailedError,
            kaleido_errors.BrowserClosedError, kaleido_errors.KaleidoError, TimeoutError, OSError) as err:
        log.warning("Image export failed: %s", err)
        raise ImageExportError(f"Gagal membuat {fmt.upper()} dengan Chromium ({path}). Coba lagi, atau unduh "
                               "briefing sebagai HTML.") from err
