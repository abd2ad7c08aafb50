"""Isu Naik: which issue is rising where, against its own baseline, plus spike alerts."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitoring import schema as S
from monitoring.report import charts
from monitoring.signals import emerging
from monitoring.signals import scores as signals
from ui import common, page

filters = page.page_start(":material/trending_up: Isu Naik")
config = common.app_settings()
recent_hours, baseline_days = config["recent_hours"], config["baseline_days"]
scores = common.cached_query(emerging.emerging_table, filters, recent_hours=recent_hours,
                             baseline_days=baseline_days)
if scores.empty:
    st.info("Belum ada isu untuk dinilai pada filter ini. Pastikan data sudah dianalisis (halaman Data).")
    st.stop()
now = common.cached_query(emerging.reference_time, filters)
tz_hours = {"WIB": 7, "WITA": 8, "WIT": 9}[config["display_timezone"]]
local_now = now.tz_convert(None) + pd.Timedelta(hours=tz_hours)
st.caption(f"Jendela: {recent_hours} jam terakhir sampai {common.fmt_datetime(local_now)} {config['display_timezone']} "
           f"dibanding {baseline_days} hari sebelumnya (berakhir pada unggahan terakhir data terpilih).")
st.info(signals.SCORE_EXPLANATION, icon=":material/info:")

scores = scores.assign(status=signals.status_labels(scores))      # "Stabil · Memburuk"
national = scores[scores[S.PROVINCE_CODE] == S.NATIONAL_CODE]
regional = scores[scores[S.PROVINCE_CODE] != S.NATIONAL_CODE]
columns = {"issue_headline": "Isu", "issue_label": "Kata kunci", "rising_narrative": "Narasi naik",
           "province": "Wilayah", "posts": "Unggahan (terbaru)",
           "baseline": st.column_config.NumberColumn("Dasar (per jendela)", format="%.1f"),
           "score": st.column_config.NumberColumn("Skor", format="%.1f"),
           "status": st.column_config.TextColumn(
               "Status", help=f"Baru/Naik/Stabil/Turun menurut volume; {signals.BADGE_WORSE} bila porsi negatif naik "
               "tajam (untuk baris nasional: tidak hanya di satu provinsi)."), "negative_share": st.column_config.ProgressColumn(
               "Negatif", format="percent", min_value=0, max_value=1), "explanation": "Penjelasan"}
shown = list(columns)

st.subheader("Peringkat nasional")
common.show_table(national[shown].head(10), hide_index=True, column_config=columns, key="national_emerging")

st.subheader("Peringkat per provinsi")
top_regional = regional[regional["status"].isin(["Baru", "Naik"]) | regional[signals.NEGATIVE_SHIFT].fillna(False)]
common.show_table((top_regional if not top_regional.empty else regional)[shown].head(30), hide_index=True,
                  column_config=columns, key="regional_emerging")

st.subheader("Peta panas provinsi × isu")
top_issues = national.head(12)[S.ISSUE_ID].tolist()
heat = regional[regional[S.ISSUE_ID].isin(top_issues) & (regional["posts"] > 0)]
names = dict(zip(scores[S.ISSUE_ID], scores["issue_headline"]))
st.plotly_chart(charts.heat_table(heat, rows=S.PROVINCE_CODE, columns=S.ISSUE_ID, values="score",
                                  row_names=dict(zip(scores[S.PROVINCE_CODE], scores[S.PROVINCE])),
                                  column_names=names, title="Skor kemunculan per provinsi dan isu"),
                key="emerging_heat")

st.subheader("Unggahan di balik satu sel")
cells = heat.sort_values("score", ascending=False)
if not cells.empty:
    options = list(zip(cells[S.ISSUE_ID], cells[S.PROVINCE_CODE]))
    issue_id, province_code = st.selectbox(
        "Pilih sel", options, key="emerging_cell",
        format_func=lambda c: f"{names.get(c[0], c[0])} — {signals.region_name(c[1])}")
    posts = common.cached_query(emerging.cell_posts, filters, issue_id=issue_id, province_code=province_code,
                                recent_hours=recent_hours)
    common.show_posts(posts, key="cell_posts", limit=10)

st.subheader("Peringatan lonjakan")
st.caption(f"Aturan: unggahan 24 jam terakhir > rata-rata harian 7 hari + {common.fmt_number(config['alert_k'])} × "
           "simpangan baku. "
           "Peringatan berulang untuk isu dan wilayah yang sama digabung menjadi satu baris.")
alerts = common.cached_query(emerging.stored_alerts, filters)
if alerts.empty:
    st.caption("Tidak ada lonjakan.")
else:
    alerts = alerts.assign(wilayah=alerts[S.PROVINCE_CODE].map(signals.region_name),
                           isu=alerts[S.ISSUE_ID].map(names).fillna(alerts[S.ISSUE_ID]))
    common.show_table(alerts[["isu", "wilayah", "posts", "recent_mean", "baseline_mean", "threshold", "first_seen",
                              "last_seen", "count", "explanation"]], hide_index=True, key="alerts_table",
                      column_config={"isu": "Isu", "wilayah": "Wilayah", "posts": "Unggahan 24 jam", "recent_mean": "Rata-rata terbaru",
                                     "baseline_mean": "Rata-rata 7 hari", "threshold": "Ambang",
                                     "first_seen": "Pertama", "last_seen": "Terakhir", "count": "Berulang",
                                     "explanation": "Bukti"})
