"""Ringkasan: volume, sentiment, top issues, top provinces, and what changed since yesterday."""
from __future__ import annotations

import streamlit as st

from monitoring import schema as S
from monitoring.report import charts, maps
from monitoring.signals.overview import change_since_yesterday
from monitoring.store import queries
from ui import common, page

filters = page.page_start(":material/home: Ringkasan")
tz = common.app_settings()["display_timezone"]
stats = common.cached_query(queries.overview, filters)
if not stats["posts"]:
    st.info("Tidak ada unggahan untuk filter ini. Longgarkan filter di panel kiri.")
    st.stop()

period = common.fmt_date_range(common.local_time(stats["first_post"], tz), common.local_time(stats["last_post"], tz))
st.caption(f"Periode data terpilih: {period} · zona waktu {tz}")
cols = st.columns(5)
cols[0].metric("Unggahan", common.fmt_int(stats["posts"]), help="Jumlah unggahan sesuai filter.")
cols[1].metric("Akun", common.fmt_int(stats["authors"]), help="Jumlah akun berbeda yang mengunggah.")
cols[2].metric("Isu", common.fmt_int(stats["issues"]), help="Jumlah isu yang dibicarakan dalam filter ini.")
cols[3].metric("Sentimen negatif", common.fmt_pct(stats["negative_share"]),
               help="Bagian unggahan bersentimen negatif menurut model sentimen aktif.")
cols[4].metric("Lokasi diketahui", common.fmt_pct(stats["located_share"]),
               help="Bagian unggahan yang provinsinya diketahui (lokasi profil, teks, atau wilayah bawaan).")

change = common.cached_query(change_since_yesterday, filters, latest=stats["last_post"])
if change["recent_posts"]:
    delta = change["recent_posts"] - change["previous_posts"]
    st.subheader("Yang berubah sejak kemarin")
    st.write(f"24 jam terakhir: **{common.fmt_int(change['recent_posts'])}** unggahan "
             f"({'+' if delta >= 0 else ''}{common.fmt_int(delta)} dibanding 24 jam sebelumnya).")
    if not change["rising"].empty:
        common.show_table(change["rising"], hide_index=True, key="rising_table",
                          column_config={"label": "Isu", "recent": "24 jam terakhir", "previous": "24 jam sebelumnya",
                                         "change": "Perubahan"})

span_days = (stats["last_post"] - stats["first_post"]).total_seconds() / 86400
bucket = "hour" if span_days < 7 else "day"
volume = common.cached_query(queries.volume_over_time, filters, bucket=bucket, timezone=tz)
unit = "jam" if bucket == "hour" else "hari"
st.plotly_chart(charts.volume_chart(volume, f"Volume unggahan per {unit} menurut sentimen ({tz}), {period}"),
                key="volume_chart")

issues = common.cached_query(queries.counts_by, filters, column=S.ISSUE_ID, limit=10)
labels = common.issue_labels()
issues = issues[issues["key"].notna()].assign(label=lambda f: f["key"].map(labels).fillna(f["key"]))
st.plotly_chart(charts.ranked_bars(issues, label="label", value="posts", title=f"Isu teratas, {period}"),
                key="top_issues_chart")
regions = common.cached_query(queries.region_counts, filters)
st.plotly_chart(
    maps.tile_grid_map(regions.rename(columns={"code": S.PROVINCE_CODE, "posts": "value"}),
                       title=f"Unggahan per provinsi, {period}", coverage=stats["located_share"]),
    key="province_tiles")

st.subheader("Unggahan dengan interaksi tertinggi")
top_posts = common.cached_query(queries.sample_posts, filters, limit=8, order="engagement")
common.show_posts(top_posts, key="top_posts")
