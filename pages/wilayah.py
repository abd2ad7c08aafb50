"""Wilayah: map of the 38 provinces with coverage, and a drill-down to kabupaten/kota."""
from __future__ import annotations

import streamlit as st

from monitoring import schema as S
from monitoring.report import charts, maps
from monitoring.store import queries
from ui import common, page

filters = page.page_start(":material/map: Wilayah")
stats = common.cached_query(queries.overview, filters, authors=False)
coverage = stats["located_share"] or 0.0
st.caption(f"Lokasi diketahui untuk {common.fmt_pct(coverage)} unggahan pada filter ini. "
           "Unggahan tanpa lokasi tidak tampil di peta.")
regions = common.cached_query(queries.region_counts, filters).rename(columns={"code": S.PROVINCE_CODE})
metric = st.radio("Tampilkan", ["Jumlah unggahan", "Bagian negatif"], horizontal=True, key="map_metric")
values = regions.assign(value=regions["posts"] if metric == "Jumlah unggahan" else regions["negative_share"])
style = st.radio("Jenis peta", ["Kotak provinsi", "Gelembung", "Choropleth (GeoJSON Anda)"], horizontal=True,
                 key="map_style")
title = f"{metric} per provinsi"
if style == "Kotak provinsi":
    fig = maps.tile_grid_map(values, title=title, value_label=metric, coverage=coverage)
elif style == "Gelembung":
    fig = maps.bubble_map(values, title=title, value_label=metric, coverage=coverage)
else:
    config = common.app_settings()
    if not config["geojson_path"]:
        st.info("Atur lokasi berkas GeoJSON batas provinsi di Pengaturan (geojson_path) untuk peta choropleth.")
        st.stop()
    geojson = common.run_safely(lambda: maps.load_geojson(config["geojson_path"]))
    if geojson is None:
        st.stop()
    fig = maps.choropleth_map(values, geojson, config["geojson_feature_key"], title=title, value_label=metric,
                              coverage=coverage)
st.plotly_chart(fig, key="province_map")

st.subheader("Rincian kabupaten/kota")
names = common.province_names()
present = [c for c in regions[S.PROVINCE_CODE] if c in names]
if not present:
    st.info("Belum ada unggahan berlokasi pada filter ini.")
    st.stop()
province = st.selectbox("Provinsi", present, format_func=names.get, key="drill_province")
kabkota = common.cached_query(queries.region_counts, filters, province_code=province)
st.caption("Hanya unggahan yang kabupaten/kotanya diketahui; sisanya hanya diketahui provinsinya.")
st.plotly_chart(charts.ranked_bars(kabkota, label="name", value="posts",
                                   title=f"Unggahan per kabupaten/kota di {names[province]}"), key="kabkota_chart")
common.show_table(regions.rename(columns={S.PROVINCE_CODE: "Kode", "name": "Provinsi", "posts": "Unggahan"})
                  .drop(columns=["value"], errors="ignore"), hide_index=True, key="province_table", column_config={
                      "negative_share": st.column_config.ProgressColumn("Bagian negatif", format="percent",
                                                                        min_value=0, max_value=1)})
