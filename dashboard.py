"""PantauIsu entry point: ``streamlit run dashboard.py``.

Every session runs ``navigation.py`` (page config, login gate, sidebar filters, navigation).
This file starts the server: its lifespan opens the store (this process is then its only writer,
:mod:`monitoring.server.runtime`), writes the credential file commands on this machine use to
find it, starts the background services (the inbox folder; add more to ``SERVICES``), and warms
up the first page's imports in a background thread (~0.4 s of the first page). The HTTP API
(:mod:`monitoring.server.api`) is mounted under ``/api/v1/`` on the same port.
"""
from __future__ import annotations

import threading
from contextlib import asynccontextmanager

import streamlit as st

from monitoring.server import api
from monitoring.server.runtime import DEFAULT_SERVICES, Server

SERVICES = DEFAULT_SERVICES  # background services started with the store (e.g. scheduled delivery)
server = Server(services=SERVICES)  # opens nothing until the lifespan starts


def _warm_up() -> None:
    """Import the first page's modules; the first script run finds them in ``sys.modules``."""
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401

    from monitoring.report import charts, maps  # noqa: F401
    from monitoring.signals import overview  # noqa: F401
    from ui import common  # noqa: F401


def _own_url() -> str | None:
    """Where this server answers, for commands on the same machine (None on a Unix socket)."""
    address = st.config.get_option("server.address") or ""
    if address.startswith("unix:"):
        return None
    host = "127.0.0.1" if address in ("", "0.0.0.0", "::", "localhost") else address
    host = f"[{host}]" if ":" in host else host
    scheme = "https" if st.config.get_option("server.sslCertFile") else "http"
    return f"{scheme}://{host}:{st.config.get_option('server.port')}"


@asynccontextmanager
async def lifespan(app):
    threading.Thread(target=_warm_up, name="pantauisu-warm-up", daemon=True).start()
    with server.running(_own_url()):
        yield


app = st.App("navigation.py", lifespan=lifespan, routes=api.routes(server))
