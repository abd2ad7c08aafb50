"""PantauIsu entry point: ``streamlit run dashboard.py``.

Every session runs ``navigation.py`` (page config, login gate, sidebar filters, navigation).
This file only starts the server with a lifespan hook: at server start a background thread
imports what the first page needs (pandas, DuckDB, Plotly, the dashboard modules), so the first
visitor does not wait for those imports (~0.4 s of the first page), and the delivery scheduler starts
(every minute: the daily briefing when due, alerts after an analysis, retries); it stops at shutdown.
"""
from __future__ import annotations

import threading
from contextlib import asynccontextmanager

import streamlit as st


def _warm_up() -> None:
    """Import the first page's modules; the first script run finds them in ``sys.modules``."""
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401

    from monitoring.report import charts, maps  # noqa: F401
    from monitoring.signals import overview  # noqa: F401
    from ui import common  # noqa: F401


@asynccontextmanager
async def lifespan(app):
    from monitoring.delivery.scheduler import Scheduler
    from monitoring.store import settings

    threading.Thread(target=_warm_up, name="pantauisu-warm-up", daemon=True).start()
    scheduler = Scheduler(settings.default_db_path()).start()
    yield
    scheduler.stop()


app = st.App("navigation.py", lifespan=lifespan)
