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
        series = cards.series[cards.series["issue_id"] == row.issue_id]
        spark.plotly_chart(charts.sparkline(series), key=f"spark_{row.issue_id}",
                           config={"displayModeBar": False})
        facets = st.columns(3)
        for col, frame, name, fmt in ((facets[0], cards.provinces, "Provinsi teratas", "{province} ({posts})"),
                                      (facets[1], cards.hashtags, "Tagar", "#{tag} ({posts})"),
                                      (facets[2], cards.accounts, "Akun", "@{author} ({posts})")):
            rows = frame[frame["issue_id"] == row.issue_id]
            col.caption(name)
            col.text(", ".join(fmt.format(**r) for r in rows.to_dict("records")) or "–")
        with st.expander("Unggahan representatif"):
            common.show_posts(cards.posts[cards.posts["issue_id"] == row.issue_id], key=f"rep_{row.issue_id}",
                              limit=5)

issue_editing.edit_panel(common.connection(), cards.summary)
issue_editing.watchlist_panel(common.connection(), filters)
