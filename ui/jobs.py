"""Writes from the pages go through the store's job queue; every page shows the running job.

:func:`run_as_job` queues a write (an upload, the demo data, an analysis, a delete) on the server's
one writer thread and shows its progress where the button was; the analyst may leave the page, the
job goes on. :func:`sidebar_status` is a fragment in every page's sidebar that shows the running
job and how many wait, tells this session when its own job finished, and reloads the page once a
job changed the data, so pages keep answering instead of freezing while the store is written.
"""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from monitoring.errors import UserError
from monitoring.server.jobs import FAILED, RUNNING, Job, JobQueue
from ui import common

OWN_JOBS = "_pantauisu_own_jobs"  # ids of jobs this session started and has not been told about
DRAWN_VERSION = "_pantauisu_drawn_version"  # store version the page on screen was drawn with
STATUS_EVERY = 2.0  # seconds between sidebar status refreshes


def _waiting_text(jobs: JobQueue, job: Job) -> str:
    ahead = jobs.position(job)
    return f"{job.label}: menunggu {ahead} tugas lain selesai…" if ahead else f"{job.label}: dimulai…"


def run_as_job(kind: str, label: str, work: Callable[[Any, Job], Any]) -> Any:
    """Queue ``work(con, job)``, show its progress here until it finishes and return its result.

    Raises:
        UserError: the job failed; its Indonesian message (pages show it with ``run_safely``).
    """
    store = common.store()
    job = store.jobs.submit(kind, label, lambda j: work(store.con, j), source="dasbor")
    st.session_state.setdefault(OWN_JOBS, []).append(job.id)
    bar = st.progress(0.0, text=_waiting_text(store.jobs, job))
    while not job.finished.wait(0.25):
        text = job.message if job.status == RUNNING else _waiting_text(store.jobs, job)
        bar.progress(job.progress, text=text)
    bar.empty()
    _forget(job.id)
    mark_drawn()
    if job.status == FAILED:
        raise UserError(job.error or "Tugas gagal.")
    return job.result


def _forget(job_id: str) -> None:
    own = st.session_state.get(OWN_JOBS, [])
    if job_id in own:
        own.remove(job_id)


def mark_drawn() -> None:
    """Remember the store version the page is drawn with (call at the start of every full run)."""
    st.session_state[DRAWN_VERSION] = common.version()


def _report_own(jobs: JobQueue) -> None:
    """Tell this session about its jobs that finished while it was on another page."""
    for job_id in list(st.session_state.get(OWN_JOBS, [])):
        job = jobs.get(job_id)
        if job is None or not job.done:
            continue
        _forget(job_id)
        if job.status == FAILED:
            st.error(f"{job.label}: {job.error}")
        else:
            st.success(f"{job.label}: {job.message}")


@st.fragment(run_every=STATUS_EVERY)
def _status() -> None:
    jobs = common.store().jobs
    running, waiting = jobs.running(), jobs.waiting()
    if running is not None:
        st.caption(f"⏳ Tugas berjalan: {running.label}")
        st.progress(running.progress, text=running.message)
        st.caption("Halaman tetap dapat dipakai; data diperbarui setelah tugas selesai.")
    if waiting:
        st.caption(f"{len(waiting)} tugas menunggu giliran.")
    _report_own(jobs)
    if running is None and not waiting and st.session_state.get(DRAWN_VERSION) != common.version():
        st.rerun(scope="app")  # a job (another analyst's upload, the inbox, the API) changed the data


def sidebar_status() -> None:
    """The running job's progress in the sidebar of every page (refreshed every few seconds)."""
    with st.sidebar:
        common.run_safely(_status)
