"""Pages keep answering while the store is being written, and show the running job in the sidebar."""
from __future__ import annotations

import threading
import time

from streamlit.testing.v1 import AppTest
from test_pages import ROOT, truth_store  # noqa: F401 - the fixture

from monitoring.server import runtime
from monitoring.store import database as storage


def test_a_page_reads_and_shows_the_running_job_while_a_write_holds_the_store(truth_store):  # noqa: F811
    service = runtime.store_service(truth_store)
    holding, release = threading.Event(), threading.Event()

    def long_write(job):
        job.report(0.5, "Memproses teks 5.000/10.000 unggahan…")
        with storage.transaction(service.con):  # an import's transaction, open for as long as the test needs
            service.con.execute("UPDATE settings SET value = value")
            holding.set()
            release.wait(60)

    job = service.jobs.submit("analysis", "Analisis uji", long_write)
    try:
        assert holding.wait(30)
        started = time.monotonic()
        at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=90)
        at.run()  # Ringkasan; one run: AppTest drops sidebar elements from its tree on reruns under st.navigation
        assert time.monotonic() - started < 50 and not at.exception and not at.error
        assert at.metric and "⏳ Tugas berjalan: Analisis uji" in [c.value for c in at.sidebar.caption]
        assert "Memproses teks 5.000/10.000" in str(at.sidebar.get("progress")[0].proto)
        assert job.status == "running"  # the page did not wait for the write
    finally:
        release.set()
        assert job.finished.wait(30)
