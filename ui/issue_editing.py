"""Isu page glue: a card's narratives, analyst edits of issues and narratives (rename, merge, split,
hide), re-clustering, watchlists."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitoring import pipeline
from monitoring.issues import cards as narrative_queries
from monitoring.issues import store as issue_store
from monitoring.issues import watchlist_store
from monitoring.store.queries import Filters
from ui import common
from ui.jobs import run_as_job

ACTIONS = {"rename": "Ganti nama", "merge": "Gabungkan ke isu lain", "split": "Pisahkan dengan kata kunci",
           "hide": "Sembunyikan (bukan isu)"}
EDIT_COLUMNS = {"edit_id": "No.", "created_at": "Waktu", "action": "Tindakan", "issue_id": "Isu", "label": "Nama isu",
                "target_id": "Digabung ke", "query": "Kata kunci"}
NARRATIVE_ACTIONS = {"rename": "Ganti nama", "merge": "Gabungkan ke narasi lain", "split": "Pisahkan dengan kata kunci",
                     "hide": "Sembunyikan (bukan narasi)"}
NARRATIVES_SHOWN = 3


def narrative_panel(rows: list, *, key: str) -> None:
    """A card's narratives: the biggest ones in a line, all of them in a table (names are literal text)."""
    if not rows:
        return
    total = sum(int(r.posts) for r in rows)
    st.text("Narasi: " + " · ".join(f"{r.label} ({common.fmt_pct(r.posts / total)})" for r in rows[:NARRATIVES_SHOWN])
            + (f" · +{len(rows) - NARRATIVES_SHOWN} lainnya" if len(rows) > NARRATIVES_SHOWN else ""))
    with st.expander(f"Narasi dalam isu ini ({len(rows)})", key=key):
        st.dataframe(pd.DataFrame({"Narasi": [r.label for r in rows], "Kata kunci": [r.top_terms for r in rows],
                                   "Unggahan": [int(r.posts) for r in rows],
                                   "Negatif": [float(r.negative_share) for r in rows],
                                   "Pertama": [r.first_seen for r in rows], "Terakhir": [r.last_seen for r in rows]}),
                     hide_index=True, key=f"{key}_table", column_config={
                         "Negatif": st.column_config.ProgressColumn("Negatif", format="percent", min_value=0,
                                                                    max_value=1),
                         "Pertama": st.column_config.DatetimeColumn("Pertama", format="DD/MM/YYYY HH:mm"),
                         "Terakhir": st.column_config.DatetimeColumn("Terakhir", format="DD/MM/YYYY HH:mm")})


def edit_panel(con, summary: pd.DataFrame) -> None:
    """Edits are kept by issue id, so they survive re-analysis and new uploads."""
    st.header("Sunting isu")
    labels = common.issue_labels()
    if not labels:
        return
    c1, c2, c3 = st.columns(3)
    issue_id = c1.selectbox("Isu", list(labels), format_func=labels.get, key="edit_issue")
    stories = _narrative_names(con, issue_id)
    narrative_id = c2.selectbox("Narasi (kosong = seluruh isu)", list(stories), format_func=stories.get,
                                index=None, placeholder="Seluruh isu", key="edit_narrative")
    names = stories if narrative_id else labels
    actions = NARRATIVE_ACTIONS if narrative_id else ACTIONS
    action = c3.selectbox("Tindakan", list(actions), format_func=actions.get, key="edit_action")
    label = target = query = None
    if action in ("rename", "split"):
        label = st.text_input("Nama narasi" if narrative_id else "Nama isu", key="edit_label",
                              placeholder="mis. Kenaikan PPN 12%")
    if action == "merge":
        others = [i for i in names if i not in (issue_id, narrative_id)]
        target = st.selectbox("Gabungkan ke", others, format_func=names.get, key="edit_target")
    if action == "split":
        query = st.text_input("Kata kunci unggahan yang dipisah", key="edit_query",
                              placeholder='mis. pertalite OR "harga solar" -motor')
    if st.button("Terapkan", key="edit_apply", type="primary") and common.require_admin():
        edit = common.run_safely(lambda: issue_store.add_edit(con, action, issue_id, label=label, target_id=target,
                                                              query=query, narrative_id=narrative_id))
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


def _narrative_names(con, issue_id: str) -> dict[str, str]:
    """Narrative id -> 'I0001-N02 · name' of the issue's narratives."""
    frame = narrative_queries.issue_narratives(con, issue_id)
    return {r.narrative_id: f"{r.narrative_id} · {r.label}" for r in frame.itertuples()}


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
