"""Isu: the issues discussed in the selected window, as cards the analyst can steer."""
from __future__ import annotations

import streamlit as st

from monitoring import charts, issue_cards
from pages import common, issue_editing

filters = common.page_start("🗂️ Isu")
cards = common.cached_query(issue_cards.issue_cards, filters, limit=12)
if cards.summary.empty:
    st.info("Belum ada isu pada filter ini. Pastikan data sudah dianalisis (halaman Data), atau longgarkan filter.")
    st.stop()
st.caption("Isu ditemukan otomatis dengan pengelompokan TF-IDF; label dari kata paling khas tiap isu. "
           "Perubahan dibanding jendela sebelumnya yang sama panjang.")

tz = common.app_settings()["display_timezone"]
# each facet split by issue once, not filtered again for every card
by_issue = {name: dict(tuple(frame.groupby("issue_id", sort=False))) for name, frame in (
    ("series", cards.series), ("provinces", cards.provinces), ("hashtags", cards.hashtags),
    ("accounts", cards.accounts), ("posts", cards.posts))}
for i, row in enumerate(cards.summary.itertuples()):
    with st.container(border=True, key=f"card_{row.issue_id}"):
        head, spark = st.columns([3, 2])
        badge = " 🆕 Baru" if row.is_new else ""
        head.markdown(f"**{row.issue_id}**{badge}")
        head.text(row.label)
        change = "" if row.previous is None or str(row.previous) == "<NA>" else \
            f" · {'+' if row.posts >= row.previous else ''}{common.fmt_int(row.posts - row.previous)} vs sebelumnya"
        head.caption(f"{common.fmt_int(row.posts)} unggahan{change} · negatif "
                     f"{common.fmt_pct(row.negative / row.posts)} · netral {common.fmt_pct(row.neutral / row.posts)}"
                     f" · positif {common.fmt_pct(row.positive / row.posts)} · salin-tempel terkoordinasi "
                     f"{common.fmt_pct(row.coordinated_share)}")
        head.caption("Kata kunci: " + str(row.top_terms))
        series = by_issue["series"].get(row.issue_id, cards.series.iloc[:0])
        spark.plotly_chart(charts.sparkline(series), key=f"spark_{row.issue_id}",
                           config={"displayModeBar": False})
        facets = st.columns(3)
        for col, facet, name, fmt in ((facets[0], "provinces", "Provinsi teratas", "{province} ({posts})"),
                                      (facets[1], "hashtags", "Tagar", "#{tag} ({posts})"),
                                      (facets[2], "accounts", "Akun", "@{author} ({posts})")):
            rows = by_issue[facet].get(row.issue_id)
            col.caption(name)
            col.text(", ".join(fmt.format(**r) for r in rows.to_dict("records")) if rows is not None else "–")
        with st.expander("Unggahan representatif"):
            common.show_posts(by_issue["posts"].get(row.issue_id, cards.posts.iloc[:0]), key=f"rep_{row.issue_id}",
                              limit=5, timezone=tz)

issue_editing.edit_panel(common.connection(), cards.summary)
issue_editing.watchlist_panel(common.connection(), filters)
