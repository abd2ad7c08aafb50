"""Briefing Harian: one screen to screenshot and send to leadership every morning, plus downloads."""
from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from monitoring.report import briefing, render
from monitoring.signals import scores as sg
from monitoring.store import queries
from ui import common, page


def _briefing(con, filters, **kwargs) -> briefing.Briefing:
    return briefing.build_briefing(con, filters=filters, **kwargs)


filters = page.page_start(":material/newspaper: Briefing Harian")

config = common.app_settings()
tz = config["display_timezone"]
first, last = (briefing.local_time(t, tz).date() for t in queries.data_bounds(common.connection()))
provinces = common.province_names()
pick_date, pick_region = st.columns([1, 2])
day = pick_date.date_input("Tanggal", value=last, min_value=first, max_value=last, key="briefing_date",
                           format=common.DATE_FORMAT,
                           help=f"Briefing memuat {config['recent_hours']} jam sampai akhir tanggal ini ({tz}) "
                                "atau sampai unggahan terakhir.")
region = pick_region.selectbox("Wilayah", [None, *provinces], key="briefing_region",
                               format_func=lambda c: "Nasional" if c is None else provinces.get(c, c))
st.caption("Filter dataset, platform, isu, sentimen dan kata di panel kiri ikut berlaku; "
           "rentang tanggal dan provinsi diatur di sini.")

b = common.run_safely(lambda: common.cached_query(
    _briefing, filters, date=day, region=region, timezone=tz,
    recent_hours=config["recent_hours"], baseline_days=config["baseline_days"]))
if b is None:
    st.stop()
b = dataclasses.replace(b, generated_at=pd.Timestamp.now(tz="UTC"))  # the cache may be older than now

st.header(b.title)
st.caption(f"{b.date_label} · {b.window_label}")
cols = st.columns(5)
change_pct = f" ({common.fmt_pct(abs(b.change_share))})" if b.change_share is not None else ""
cols[0].metric(f"Unggahan {b.recent_hours} jam", common.fmt_int(b.posts),
               delta=f"{'+' if b.change >= 0 else '-'}{common.fmt_int(abs(b.change))}{change_pct}",
               help=f"Dibanding {common.fmt_int(b.previous_posts)} unggahan pada {b.recent_hours} jam sebelumnya.")
shift = None
if b.negative_share is not None and b.previous_negative_share is not None:
    points = 100 * (b.negative_share - b.previous_negative_share)
    shift = f"{'+' if points >= 0 else '-'}{abs(points):.1f} poin".replace(".", ",")
cols[1].metric("Sentimen negatif", common.fmt_pct(b.negative_share), delta=shift, delta_color="inverse",
               help="Bagian unggahan bersentimen negatif; perubahan dibanding periode sebelumnya.")
cols[2].metric("Akun", common.fmt_int(b.accounts), help="Jumlah akun berbeda yang mengunggah.")
cols[3].metric("Isu baru/naik", common.fmt_int(b.rising_issues),
               help=f"Isu berstatus Baru atau Naik di antara {len(b.emerging)} isu teratas.")
cols[4].metric(sg.BADGE_WORSE, common.fmt_int(len(b.worsening)),
               help="Isu teratas yang porsi sentimen negatifnya naik tajam: " + render.worsening_text(b) + ".")

left, right = st.columns(2)
with left:
    st.subheader(f"Isu naik teratas — {b.region_name}")
    if b.emerging.empty:
        st.info("Tidak ada isu dengan unggahan dalam jendela ini.")
    for row in b.emerging.to_dict("records"):
        with st.container(border=True, key=f"briefing_issue_{row[briefing.RANK]}"):
            st.text(render.issue_heading(row))
            if render.narrative_line(row):
                st.text(render.narrative_line(row))  # narrative names come from post words: literal text
            st.text(row[sg.EXPLANATION])
with right:
    st.subheader(render.regional_title(b))
    widths = {"Wilayah": 150, "Unggahan": 70, "Isu teratas": 140, "Status": 60, "Skor": 50}
    st.dataframe(render.regional_table(b), hide_index=True, key="briefing_regional",
                 column_config={name: st.column_config.Column(name, width=w) for name, w in widths.items()})
    if b.regional.empty:
        st.info("Kabupaten/kota belum diketahui untuk unggahan wilayah ini." if b.region
                else "Belum ada unggahan berlokasi dalam jendela ini.")

left, right = st.columns([2, 1])
left.plotly_chart(render.briefing_map(b), key="briefing_map")
right.plotly_chart(render.sentiment_figure(b), key="briefing_sentiment")
with st.expander("Contoh unggahan dengan interaksi tertinggi per isu teratas", expanded=False):
    common.show_posts(b.examples, key="briefing_examples", limit=len(b.examples))
for line in b.coverage_lines():
    st.text(line)

st.subheader("Unduh briefing")
slug = f"briefing-{b.region or 'nasional'}-{briefing.local_time(b.now, tz):%Y%m%d}"
downloads = st.columns(4)
downloads[0].download_button("HTML", data=lambda: render.briefing_html(b).encode("utf-8"), file_name=f"{slug}.html",
                             mime="text/html", key="dl_briefing_html", on_click="ignore")
downloads[1].download_button("Excel (XLSX)", data=lambda: render.briefing_xlsx(b), file_name=f"{slug}.xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             key="dl_briefing_xlsx", on_click="ignore")
if render.image_export_available():
    downloads[2].download_button("Gambar (PNG)", data=lambda: render.briefing_image(b, "png"),
                                 file_name=f"{slug}.png", mime="image/png", key="dl_briefing_png", on_click="ignore")
    downloads[3].download_button("PDF", data=lambda: render.briefing_image(b, "pdf"), file_name=f"{slug}.pdf",
                                 mime="application/pdf", key="dl_briefing_pdf", on_click="ignore")
else:
    downloads[2].caption("PNG/PDF membutuhkan Chromium di server; gunakan HTML atau tangkapan layar.")
