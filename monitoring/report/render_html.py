"""The briefing as one self-contained HTML page: inline CSS and plotly.js, nothing from the network.

Tables, numbers and the sentiment bar are plain HTML/CSS; the map is a Plotly figure with
plotly.js inlined from the installed ``plotly`` package. Every piece of text is escaped.
"""
from __future__ import annotations

from monitoring import schema as S
from monitoring.formatting import fmt_int, fmt_pct, fmt_score
from monitoring.report import charts
from monitoring.report.briefing import (
    LABEL,
    REGION_NAME,
    REGION_POSTS,
    SHARE,
    TOP_REGIONS,
    Briefing,
)
from monitoring.report.briefing_content import (
    briefing_map,
    example_text,
    key_numbers,
    narrative_line,
    regional_title,
    status_color,
)
from monitoring.report.briefing_content import escaped as _e
from monitoring.signals import scores as sg

_CSS = """
body{margin:0;background:#f4f6f9;color:#1d2733;font:15px/1.45 Inter,'Segoe UI',Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px}
h1{margin:0;font-size:28px}h2{font-size:18px;margin:0 0 10px}
.when{margin:4px 0 18px;color:#44515f}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin-bottom:16px}
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
    color = status_color(status, "#5f6368")
    return f'<span class="badge" style="background:{color}">{_e(status)}</span>'


def _html_emerging(b: Briefing) -> str:
    items = []
    for r in b.emerging.to_dict("records"):
        example = example_text(b, r[S.ISSUE_ID])
        items.append(
            f"<li><b>{_e(r[LABEL])}</b> {_html_badge(r[sg.STATUS])} <span class=\"meta\">"
            f"{_e(fmt_int(r[sg.POSTS]))} unggahan · negatif {_e(fmt_pct(r[sg.NEGATIVE_SHARE]))} · skor "
            f"{_e(fmt_score(r[sg.SCORE]))}</span>"
            + (f'<br><span class="meta">{_e(narrative_line(r))}</span>' if narrative_line(r) else "")
            + f"<br>{_e(r[sg.EXPLANATION])}"
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
