"""The job queue: one worker runs jobs in order; progress, results and errors are kept per job."""
from __future__ import annotations

import threading
import time

import pytest

from monitoring.errors import UserError
from monitoring.server.jobs import DONE, FAILED, QUEUED, JobQueue, QueueClosedError


@pytest.fixture
def queue():
    jobs = JobQueue(name="test-jobs")
    yield jobs
    jobs.close(5)


def test_jobs_run_one_at_a_time_in_the_order_they_came(queue):
    running, order, overlap = [], [], []
    gate = threading.Event()

    def work(name):
        def run(job):
            running.append(name)
            overlap.append(len(running))
            gate.wait(5) if name == "a" else None
            order.append(name)
            running.remove(name)
            return name.upper()
        return run

    jobs = [queue.submit("test", name, work(name)) for name in "abc"]
    time.sleep(0.2)
    assert [j.status for j in jobs[1:]] == [QUEUED, QUEUED] and queue.position(jobs[2]) == 2
    assert queue.running() is jobs[0] and queue.waiting() == jobs[1:]
    gate.set()
    assert all(j.finished.wait(5) for j in jobs)
    assert order == ["a", "b", "c"] and max(overlap) == 1
    assert [j.result for j in jobs] == ["A", "B", "C"] and all(j.status == DONE for j in jobs)


def test_progress_is_visible_while_the_job_runs(queue):
    seen, gate = threading.Event(), threading.Event()

    def work(job):
        job.report(0.4, "Memproses teks 4/10…")
        seen.set()
        gate.wait(5)
        return {"ok": True}

    job = queue.submit("analysis", "Analisis", work, source="api")
    assert seen.wait(5)
    assert (job.progress, job.message) == (0.4, "Memproses teks 4/10…")
    view = job.to_dict()
    assert view["status"] == "running" and view["started_at"].endswith("Z") and view["finished_at"] is None
    gate.set()
    job.finished.wait(5)
    assert job.to_dict()["result"] == {"ok": True} and job.progress == 1.0


def test_a_user_error_is_the_job_error_and_a_bug_gets_a_reference(queue):
    def refused(job):
        raise UserError("Berkas kosong.csv kosong.\nPilih berkas lain.")

    def bug(job):
        raise KeyError("kolom")

    first, second = queue.submit("import", "Impor", refused), queue.submit("import", "Impor", bug)
    after = queue.submit("import", "Impor", lambda job: 1)
    assert after.finished.wait(5)
    assert (first.status, first.error) == (FAILED, "Berkas kosong.csv kosong. Pilih berkas lain.")
    assert second.status == FAILED and "kode referensi" in second.error and "kolom" not in second.error
    assert after.status == DONE  # a failed job does not stop the queue
    assert first.work is None  # the upload the work held is let go


def test_a_closed_queue_lets_the_running_job_finish_and_takes_no_new_work():
    queue = JobQueue(name="test-close")
    job = queue.submit("analysis", "Analisis", lambda job: time.sleep(0.3) or "selesai")
    time.sleep(0.05)
    assert queue.close(5)
    assert job.status == DONE and job.result == "selesai"
    with pytest.raises(QueueClosedError, match="sedang berhenti"):
        queue.submit("import", "Impor", lambda job: None)


def test_only_the_latest_finished_jobs_keep_their_output_files(queue, tmp_path):
    folders = []
    for number in range(5):
        folders.append(tmp_path / f"job{number}")
        folders[-1].mkdir()
        (folders[-1] / "issues.csv").write_text("x")
        job = queue.submit("analysis", "Analisis", lambda job: None, output_dir=folders[-1])
        assert job.finished.wait(5)
    queue.submit("analysis", "Analisis", lambda job: None).finished.wait(5)  # pruning happens on submit
    assert [f.exists() for f in folders] == [False, False, True, True, True]
    assert [j.output_files() for j in queue.jobs()][:5] == [[], [], ["issues.csv"], ["issues.csv"], ["issues.csv"]]
