"""The app every session runs (started by ``dashboard.py``, see there).

Page config, optional login gate, global filters in the sidebar, and navigation.
"""
from __future__ import annotations

import logging

import streamlit as st

from ui import common, jobs

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="PantauIsu", page_icon="📡", layout="wide",
                   initial_sidebar_state="expanded")

if common.login_configured() and not getattr(st.user, "is_logged_in", False):
    st.title("PantauIsu")
    st.write("Masuk dengan akun instansi Anda untuk melihat dasbor.")
    if st.button("Masuk", key="login", type="primary"):
        st.login()
    st.stop()

PAGES = {
    "Pantauan": [
        st.Page("pages/ringkasan.py", title="Ringkasan", icon="🏠", default=True),
        st.Page("pages/isu.py", title="Isu", icon="🗂️"),
        st.Page("pages/isu_naik.py", title="Isu Naik", icon="📈"),
        st.Page("pages/wilayah.py", title="Wilayah", icon="🗺️"),
        st.Page("pages/sentimen.py", title="Sentimen", icon="💬"),
        st.Page("pages/akun_tagar.py", title="Akun & Tagar", icon="👥"),
    ],
    "Tindak lanjut": [
        st.Page("pages/perencanaan.py", title="Perencanaan Diseminasi", icon="🎯"),
        st.Page("pages/briefing.py", title="Briefing Harian", icon="📰"),
    ],
    "Kelola": [
        st.Page("pages/data.py", title="Data", icon="📥"),
        st.Page("pages/pengaturan.py", title="Pengaturan", icon="⚙️"),
    ],
}

page = st.navigation(PAGES)
with st.sidebar:
    st.markdown("**📡 PantauIsu**")
    if common.login_configured():
        st.caption(f"Masuk sebagai {st.user.get('email', '')}")
        if st.button("Keluar", key="logout"):
            st.logout()
    else:
        st.caption("Mode lokal: login tidak dikonfigurasi.")
common.run_safely(jobs.mark_drawn)
jobs.sidebar_status()
common.run_safely(common.sidebar_filters)
common.run_in_frame(page)
