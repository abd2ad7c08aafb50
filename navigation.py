"""The app every session runs (started by ``dashboard.py``, see there).

Page config, optional login gate, global filters in the sidebar, and navigation.
"""
from __future__ import annotations

import logging

import streamlit as st

from ui import common, jobs

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="PantauIsu", page_icon=":material/radar:", layout="wide",
                   initial_sidebar_state="expanded")

if common.login_configured() and not getattr(st.user, "is_logged_in", False):
    # the only page before login, without any navigation (no page is reachable by URL)
    st.navigation([st.Page(common.login_screen, title="Masuk", url_path="masuk")], position="hidden").run()
    st.stop()

# Icons: Streamlit's bundled Material Symbols (emoji need an emoji font the analyst's PC may lack).
# The overview is the root URL; every other page has a fixed url_path (links and bookmarks stay valid).
HOME = st.Page("pages/ringkasan.py", title="Ringkasan", icon=":material/home:", url_path="beranda", default=True)


def _old_overview_link() -> None:
    """/ringkasan (the overview's URL in older links) opens the overview at the root, not "Page not found"."""
    st.switch_page(HOME, query_params=st.query_params.to_dict())


OLD_HOME = st.Page(_old_overview_link, title="Ringkasan", url_path="ringkasan", visibility="hidden")
PAGES = {
    "Pantauan": [
        HOME, OLD_HOME,
        st.Page("pages/isu.py", title="Isu", icon=":material/topic:", url_path="isu"),
        st.Page("pages/isu_naik.py", title="Isu Naik", icon=":material/trending_up:", url_path="isu_naik"),
        st.Page("pages/wilayah.py", title="Wilayah", icon=":material/map:", url_path="wilayah"),
        st.Page("pages/sentimen.py", title="Sentimen", icon=":material/mood:", url_path="sentimen"),
        st.Page("pages/akun_tagar.py", title="Akun & Tagar", icon=":material/group:", url_path="akun_tagar"),
    ],
    "Tindak lanjut": [
        st.Page("pages/perencanaan.py", title="Perencanaan Diseminasi", icon=":material/campaign:",
                url_path="perencanaan"),
        st.Page("pages/briefing.py", title="Briefing Harian", icon=":material/newspaper:", url_path="briefing"),
    ],
    "Kelola": [
        st.Page("pages/data.py", title="Data", icon=":material/database:", url_path="data"),
        st.Page("pages/pengaturan.py", title="Pengaturan", icon=":material/settings:", url_path="pengaturan"),
    ],
}

page = st.navigation(PAGES)
if page is OLD_HOME:
    page.run()  # switches to the overview before anything is drawn
with st.sidebar:
    st.markdown("**:material/radar: PantauIsu**")
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
