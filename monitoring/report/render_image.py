"""The briefing as one Plotly figure, drawn to PNG/PDF offline by kaleido with the system Chromium.

Plotly tables do not grow, so the figure's rows are sized from their content. kaleido uses a
system Chromium (Debian ``/usr/bin/chromium``; ``BROWSER_PATH`` overrides), never a download,
and MathJax is off (it would load from a CDN).
"""
from __future__ import annotations

import logging
import os
import shutil
import textwrap
from pathlib import Path

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from monitoring import schema as S
from monitoring.errors import UserError
from monitoring.formatting import fmt_int, fmt_pct, fmt_score
from monitoring.report import charts
from monitoring.report.briefing import (
    LABEL,
    NARRATIVE,
    RANK,
    REGION_NAME,
    REGION_POSTS,
    SHARE,
    TOP_REGIONS,
    Briefing,
)
from monitoring.report.briefing_content import (
    briefing_map,
    key_numbers,
    map_title,
    regional_title,
    status_color,
)
from monitoring.report.briefing_content import escaped as _e
from monitoring.signals import scores as sg

log = logging.getLogger(__name__)

IMAGE_FORMATS = ("png", "pdf")
IMAGE_WIDTH = 1400
# Figure layout in pixels: Plotly tables do not grow, so rows are sized from their content.
_LINE_PX, _CELL_PAD_PX, _HEADER_PX, _GAP_PX, _NUMBERS_PX, _CHARTS_PX = 19, 12, 34, 85, 120, 500
_MARGIN = dict(l=30, r=30, t=110, b=150)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
_FIGURE_FONT = dict(family="Inter, Segoe UI, Arial, sans-serif", size=14)


class ImageExportError(UserError):
    """PNG/PDF cannot be made here (no Chromium, or the browser failed)."""


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
    names = [f"{label} — narasi: {narrative}" if narrative else label
             for label, narrative in zip(rows[LABEL], rows[NARRATIVE])]
    columns = [[str(v) for v in rows[RANK]], [_wrap(v, 28) for v in names], [_e(v) for v in rows[sg.STATUS]],
               [fmt_int(v) for v in rows[sg.POSTS]], [fmt_pct(v) for v in rows[sg.NEGATIVE_SHARE]],
               [fmt_score(v) for v in rows[sg.SCORE]], [_wrap(v, 95) for v in rows[sg.EXPLANATION]]]
    fills = [[status_color(s, "white") if i == 2 else "white" for s in rows[sg.STATUS]]
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
