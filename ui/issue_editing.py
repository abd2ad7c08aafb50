"""Isu page glue: analyst edits (rename, merge, split, hide), re-clustering, watchlists."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitoring import pipeline
from monitoring.issues import store as issue_store
from monitoring.issues import watchlist_store
from monitoring.store.queries import Filters
from ui import common
from ui.jobs import run_as_job

ACTIONS = {"rename": "Ganti nama", "merge": "Gabungkan ke isu lain", "split": "Pisahkan dengan kata kunci",
           "hide": "Sembunyikan (bukan isu)"}
EDIT_COLUMNS = {"edit_id": "No.", "created_at": "Waktu", "action": "Tindakan", "issue_id": "Isu", "label": "Nama isu",
                "target_id": "Digabung ke", "query": "Kata kunci"}


def edit_panel(con, summary: pd.DataFrame) -> None:
    """Edits are kept by issue id, so they survive re-analysis and new uploads."""
    st.header("Sunting isu")
    labels = common.issue_labels()
    if not labels:
        return
    c1, c2 = st.columns(2)
    issue_id = c1.selectbox("Isu", list(labels), format_func=labels.get, key="edit_issue")
    action = c2.selectbox("Tindakan", list(ACTIONS), format_func=ACTIONS.get, key="edit_action")
    label = target = query = None
    if action in ("rename", "split"):
        label = st.text_input("Nama isu", key="edit_label", placeholder="mis. Kenaikan PPN 12%")
    if action == "merge":
        others = [i for i in labels if i != issue_id]
        target = st.selectbox("Gabungkan ke", others, format_func=labels.get, key="edit_target")
    if action == "split":
        query = st.text_input("Kata kunci unggahan yang dipisah", key="edit_query",
                              placeholder='mis. pertalite OR "harga solar" -motor')
    if st.button("Terapkan", key="edit_apply", type="primary") and common.require_admin():
        edit = common.run_safely(lambda: issue_store.add_edit(con, action, issue_id, label=label,
                                                              target_id=target, query=query))
        if edit is not None:
            st.success("Suntingan disimpan dan diterapkan.")
            st.rerun()
    edits = issue_store.list_edits(con)
    if not edits.empty:
        with st.expander(f"Riwayat suntingan ({len(edits)})"):
            common.show_table(edits.assign(action=edits["action"].map(lambda a: ACTIONS.get(a, a))), hide_index=True,
                              key="edits_table", column_config=EDIT_COLUMNS)
    with st.expander("Kelompokkan ulang semua unggahan"):
        k = st.number_input("Jumlah isu (0 = otomatis)", min_value=0, max_value=60, value=0, step=1,
                            key="refit_k", help="Otomatis: dipilih dengan skor silhouette pada sampel.")
        if st.button("Kelompokkan ulang", key="refit") and common.require_admin():
            report = common.run_safely(lambda: run_as_job("analysis", "Kelompokkan ulang isu", lambda c, job: pipeline.analyze(
                c, refit=True, n_issues=int(k) or None, progress=job.report)))
            if report is not None:
                st.rerun()


def watchlist_panel(con, filters: Filters) -> None:
    st.header("Watchlist & share of voice")
    if not watchlist_store.watchlists(con):
        st.caption("Belum ada watchlist. Tambahkan di halaman Pengaturan, mis. `bbm OR pertalite -motor`.")
        return
    if st.toggle("Hitung share of voice untuk filter ini", key="sov_toggle"):
        share = common.cached_query(watchlist_store.watchlist_share, filters)
        common.show_table(share, hide_index=True, key="sov_table", column_config={
            "watchlist": "Watchlist", "posts": "Unggahan",
            "share": st.column_config.ProgressColumn("Share of voice", format="percent", min_value=0, max_value=1)})
