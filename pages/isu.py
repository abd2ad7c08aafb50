"""Isu: the issues discussed in the selected window, as cards the analyst can steer."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from monitoring.issues import cards as issue_cards
from ui import common, issue_editing, page

FACETS = (("provinces", "province", "Provinsi teratas", "{}"), ("hashtags", "tag", "Tagar", "#{}"),
          ("accounts", "author", "Akun", "@{}"))


def _by_issue(frame, value) -> dict[str, list]:
    """``value(row)`` of every row, grouped by issue in row order (one pass, no per-card filtering)."""
    grouped: dict[str, list] = {}
    for row in frame.itertuples(index=False):
        grouped.setdefault(row.issue_id, []).append(value(row))
    return grouped


def _facet_lines(cards: issue_cards.IssueCards) -> dict[str, str]:
    """'Provinsi teratas: …', 'Tagar: …', 'Akun: …' lines per issue (post data: shown as literal text)."""
    values = {facet: _by_issue(getattr(cards, facet), lambda r, c=column, f=fmt: f"{f.format(getattr(r, c))} "
                                                                                 f"({common.fmt_int(r.posts)})")
              for facet, column, _, fmt in FACETS}
    return {issue: "\n".join(f"{name}: {', '.join(values[facet].get(issue, [])) or '–'}"
                             for facet, _, name, _ in FACETS) for issue in cards.summary["issue_id"]}


def _change(row) -> str | None:
    if row.previous is None or str(row.previous) == "<NA>":
        return None
    return f"{'+' if row.posts >= row.previous else ''}{common.fmt_int(row.posts - row.previous)} vs sebelumnya"


def _trend_help(days: list, tz: str) -> str:
    if not days:
        return "Tidak ada unggahan harian."
    peak = max(days, key=lambda d: d[1])
    return (f"Garis: unggahan per hari ({tz}), {common.fmt_date_range(days[0][0], days[-1][0])}. "
            f"Puncak {common.fmt_date(peak[0])}: {common.fmt_int(peak[1])} unggahan.")


filters = page.page_start(":material/topic: Isu")
tz = common.app_settings()["display_timezone"]
cards = common.cached_query(issue_cards.issue_cards, filters, limit=12, timezone=tz)
if cards.summary.empty:
    st.info("Belum ada isu pada filter ini. Pastikan data sudah dianalisis (halaman Data), atau longgarkan filter.")
    st.stop()
st.caption("Isu ditemukan otomatis dengan pengelompokan TF-IDF: judul dari frasa yang sering ditulis, kata kunci dari "
           "kata paling khas, narasi = cara orang membingkai isu itu. Perubahan dibanding jendela sebelumnya.")

# every facet split by issue once, not filtered again for every card; few elements per card
days = _by_issue(cards.series, lambda r: (r.bucket, int(r.posts)))
facets = _facet_lines(cards)
narratives = _by_issue(cards.narratives, lambda r: r)
for row in cards.summary.itertuples():
    with st.container(border=True, key=f"card_{row.issue_id}"):
        head, trend = st.columns([3, 2])
        head.markdown(f"**{row.issue_id}**{' :blue-badge[:material/fiber_new: Baru]' if row.is_new else ''}")
        # names come from post words or an analyst: literal text, the headline first
        head.text(f"{row.headline}\nKata kunci: {row.label}")
        head.caption(f"Negatif {common.fmt_pct(row.negative / row.posts)} · netral "
                     f"{common.fmt_pct(row.neutral / row.posts)} · positif {common.fmt_pct(row.positive / row.posts)}"
                     f" · salin-tempel terkoordinasi {common.fmt_pct(row.coordinated_share)}")
        series = days.get(row.issue_id, [])
        trend.metric("Unggahan", common.fmt_int(row.posts), delta=_change(row), delta_color="off",
                     chart_data=[n for _, n in series] or None, chart_type="area", help=_trend_help(series, tz))
        st.text(facets[row.issue_id])
        issue_editing.narrative_panel(narratives.get(row.issue_id, []), key=f"narr_{row.issue_id}")
        # read only when opened (the expander reruns the page): most cards are never opened
        with st.expander("Unggahan representatif", key=f"rep_{row.issue_id}", on_change="rerun") as listed:
            if listed.open:
                common.show_posts(common.cached_query(issue_cards.top_posts_per_issue,
                                                      replace(filters, issue_ids=(row.issue_id,))),
                                  key=f"rep_{row.issue_id}_post", limit=5, timezone=tz)

issue_editing.edit_panel(common.connection(), cards.summary)
issue_editing.watchlist_panel(common.connection(), filters)
