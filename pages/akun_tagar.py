"""Akun & Tagar: top accounts by reach and activity, hashtags, and who replies to whom."""
from __future__ import annotations

import streamlit as st

from monitoring.report import charts
from monitoring.store import queries
from ui import common, page

filters = page.page_start(":material/group: Akun & Tagar")
st.caption("Mengikuti filter di panel kiri. Pilih satu isu di filter 'Isu' untuk melihat jaringan balasannya.")

accounts = common.cached_query(queries.top_accounts, filters, limit=25)
left, right = st.columns(2)
left.plotly_chart(charts.ranked_bars(accounts.assign(name="@" + accounts["author"].astype(str)), label="name",
                                     value="engagement", value_name="Interaksi",
                                     title="Akun dengan jangkauan terbesar (suka + balasan + bagikan)"),
                  key="accounts_reach")
left.plotly_chart(charts.ranked_bars(accounts.assign(name="@" + accounts["author"].astype(str)), label="name",
                                     value="posts", title="Akun paling aktif (jumlah unggahan)", color="#6b8fc2"),
                  key="accounts_activity")
tags = common.cached_query(queries.top_hashtags, filters, limit=20)
right.plotly_chart(charts.ranked_bars(tags.assign(name="#" + tags["tag"].astype(str)), label="name",
                                      value="posts", title="Tagar teratas", color="#8e5bb5"),
                   key="hashtags_chart")

st.subheader("Tabel akun")
common.show_table(accounts, hide_index=True, key="accounts_table", column_config={
    "author": "Akun", "posts": "Unggahan", "engagement": "Interaksi", "views": "Dilihat",
    "negative_share": st.column_config.ProgressColumn("Negatif", format="percent", min_value=0, max_value=1),
    "coordinated_share": st.column_config.ProgressColumn("Salin-tempel terkoordinasi", format="percent",
                                                         min_value=0, max_value=1)})

st.subheader("Siapa membalas siapa")
edges = common.cached_query(queries.reply_edges, filters, limit=60)
st.plotly_chart(charts.reply_network(edges, "Jaringan balasan antar-akun (60 pasangan teramai)"),
                key="reply_network")
