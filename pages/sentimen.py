"""Sentimen: positif/netral/negatif over time, per issue, province and platform; correct labels and
train, check and switch the sentiment model."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitoring import schema as S
from monitoring.report import charts
from monitoring.sentiment import queries as sentiment_queries
from monitoring.store import queries
from ui import common, page
from ui import sentiment_training as training

filters = page.page_start(":material/mood: Sentimen")
con = common.connection()
tz = common.app_settings()["display_timezone"]
training.show_flash()
training.active_model_caption(con)
stats = common.cached_query(queries.overview, filters, authors=False)

if not stats["posts"]:
    st.info("Tidak ada unggahan untuk filter ini. Longgarkan filter di panel kiri.")
else:
    offset = pd.Timedelta(hours=queries.TZ_OFFSETS[tz])
    first, last = pd.Timestamp(stats["first_post"]) + offset, pd.Timestamp(stats["last_post"]) + offset
    period = common.fmt_date_range(first, last)
    totals = common.cached_query(sentiment_queries.sentiment_totals, filters)
    cols = st.columns(4)
    cols[0].metric("Unggahan", common.fmt_int(stats["posts"]), help="Jumlah unggahan sesuai filter.")
    for col, sentiment in zip(cols[1:], S.SENTIMENTS):
        col.metric(f"Sentimen {S.SENTIMENT_LABELS[sentiment]}", common.fmt_pct(totals[sentiment] / stats["posts"]),
                   help=f"Bagian unggahan berlabel {S.SENTIMENT_LABELS[sentiment]} menurut model sentimen aktif.")

    left, right = st.columns([1, 2])
    left.plotly_chart(charts.sentiment_donut(totals, f"Komposisi sentimen<br><sup>{period}</sup>"), key="sentiment_donut")
    bucket = "hour" if (last - first) < pd.Timedelta(days=7) else "day"
    volume = common.cached_query(queries.volume_over_time, filters, bucket=bucket, timezone=tz)
    unit = "jam" if bucket == "hour" else "hari"
    right.plotly_chart(charts.volume_chart(volume, f"Unggahan per {unit} menurut sentimen<br><sup>{period} ({tz})</sup>"),
                       key="sentiment_volume_chart")

    splits = {"isu": (S.ISSUE_ID, common.issue_labels()),
              "provinsi": (S.PROVINCE_CODE, common.province_names()),
              "platform": (S.PLATFORM, S.PLATFORM_LABELS)}
    for tab, (what, (column, names)) in zip(st.tabs([f"Per {w}" for w in splits]), splits.items()):
        split = common.cached_query(sentiment_queries.sentiment_by, filters, by=column)
        tab.plotly_chart(charts.sentiment_bars(split, names, f"Sentimen per {what} (15 terbanyak unggahan), {period}"),
                         key=f"sentiment_by_{column}")
    if stats["located_share"] is not None and stats["located_share"] < 1:
        st.caption(f"Grafik per provinsi hanya memuat unggahan berlokasi ({common.fmt_pct(stats['located_share'])}).")

st.header("Koreksi label & latih model")
review, upload, train = st.tabs(["Tinjau & koreksi label", "Unggah contoh berlabel", "Latih & versi model"])
with review:
    training.review_section(con, filters)
with upload:
    training.upload_section(con)
with train:
    training.training_section(con)
