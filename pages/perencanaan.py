"""Perencanaan Diseminasi: per region, which issue to address first, when, where, with what."""
from __future__ import annotations

import streamlit as st

from monitoring import schema as S
from monitoring.report.exports import to_safe_csv, to_safe_xlsx
from monitoring.signals import emerging, plan
from monitoring.signals import scores as signals
from monitoring.store import queries
from ui import common, page

filters = page.page_start(":material/campaign: Perencanaan Diseminasi")
config = common.app_settings()
table = common.cached_query(emerging.plan_table, filters, recent_hours=config["recent_hours"],
                            baseline_days=config["baseline_days"])
if table.empty:
    st.info("Belum ada isu untuk direncanakan pada filter ini. Pastikan data sudah dianalisis (halaman Data).")
    st.stop()

weights = ", ".join(f"{plan.COMPONENT_LABELS[k]} {int(v * 100)}%" for k, v in plan.PRIORITY_WEIGHTS.items())
st.caption(f"Prioritas 0–100 = jumlah kontribusi: {weights}. Jam aktif = tiga jam tersibuk audiens wilayah "
           "dalam waktu setempat (WIB/WITA/WIT).")

table = table.assign(isu=table["issue_headline"].fillna(table[S.ISSUE_ID]))
regions = table[[plan.REGION_CODE, plan.REGION_NAME]].drop_duplicates()
region_names = dict(zip(regions[plan.REGION_CODE], regions[plan.REGION_NAME]))
region = st.selectbox("Wilayah", list(region_names), format_func=region_names.get, key="plan_region")
rows = table[table[plan.REGION_CODE] == region]
# the example posts of every row of the region in one lookup (a scan of the fact table's keys)
example_keys = tuple(dict.fromkeys(k for keys in rows[plan.EXAMPLE_POST_IDS] for k in keys))
examples = common.cached_query(queries.sample_posts, queries.Filters(post_keys=example_keys),
                               limit=len(example_keys)) if example_keys else None

for row in rows.itertuples():
    with st.container(border=True, key=f"plan_{region}_{row.rank}"):
        left, right = st.columns([3, 1])
        left.markdown(f"**{int(row.rank)}.** ")
        # names come from post words: literal text, the headline first
        left.text(f"{row.isu}\nKata kunci: {row.issue_label}"
                  + (f"\nNarasi naik: {row.rising_narrative}" if isinstance(row.rising_narrative, str) else ""))
        left.caption(f"Status {row.status}{' · ' + signals.BADGE_WORSE if row.negative_shift else ''} · {common.fmt_int(row.posts)} unggahan · negatif "
                     f"{common.fmt_pct(row.negative_share)} · jam aktif {row.peak_hours_label} · "
                     f"platform {row.platforms_label}")
        left.text(row.explanation)
        right.metric("Prioritas", f"{row.priority:.0f}", help="Jumlah kontribusi komponen di bawah (0–100).")
        contributions = {plan.COMPONENT_LABELS[k]: round(getattr(row, plan.CONTRIBUTION_PREFIX + k), 1)
                         for k in plan.PRIORITY_WEIGHTS}
        right.caption(" · ".join(f"{k} {common.fmt_number(v)}" for k, v in contributions.items()))
        keys = row.example_post_ids
        if keys:
            with st.expander("Contoh unggahan untuk ditanggapi"):
                common.show_posts(examples[examples[S.POST_KEY].isin(keys)], key=f"examples_{region}_{row.rank}",
                                  limit=3, timezone=config["display_timezone"])

export = table.drop(columns=[plan.PEAK_HOURS_LOCAL, plan.PLATFORMS, plan.EXAMPLE_POST_IDS], errors="ignore")
left, right = st.columns(2)
# files are written when a button is clicked, not on every rerun
left.download_button("Unduh rencana (XLSX)", lambda: to_safe_xlsx({"Rencana Diseminasi": export}),
                     file_name="rencana_diseminasi.xlsx", key="plan_xlsx", on_click="ignore",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
right.download_button("Unduh rencana (CSV)", lambda: to_safe_csv(export), file_name="rencana_diseminasi.csv",
                      mime="text/csv", key="plan_csv", on_click="ignore")
