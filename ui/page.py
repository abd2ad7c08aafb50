"""Every page's opening (title, empty state with the demo dataset, the global filters)."""
from __future__ import annotations

import streamlit as st

from monitoring.store.queries import Filters
from ui import common
from ui.upload import load_demo_with_progress


def empty_state() -> None:
    """Say what to do on an empty store, and offer the demo dataset right here."""
    st.info(common.EMPTY_MESSAGE)
    left, right = st.columns(2)
    left.page_link("pages/data.py", label="Buka halaman Data", icon=":material/database:")
    if right.button("Muat data contoh", key="empty_load_demo", type="primary",
                    help="Membuat ±6.000 unggahan contoh (beberapa minggu, banyak provinsi) dan menganalisisnya."):
        if common.run_safely(lambda: load_demo_with_progress(common.connection())) is not None:
            st.rerun()


def page_start(title: str, *, needs_data: bool = True) -> Filters:
    """Every page's opening: run inside the frame, title, empty state, and the global filters."""
    common.ensure_frame()
    st.title(title)
    if needs_data and not common.has_data():
        empty_state()
        st.stop()
    return common.current_filters()
