"""The inbox watcher on a real store and job queue (no HTTP): what is taken, when, and where it goes."""
from __future__ import annotations

import pandas as pd
import pytest

from monitoring.demo.generator import write_demo_csv
from monitoring.server.inbox import InboxWatcher, is_candidate, move_aside
from monitoring.server.runtime import StoreService
from monitoring.server.services import ServerContext
from monitoring.store import database as storage


@pytest.fixture
def watched(tmp_path, monkeypatch):
    db = tmp_path / "store.duckdb"
    monkeypatch.setenv("PANTAUISU_INBOX_DIR", str(tmp_path / "masuk"))
    service = StoreService(db)
    watcher = InboxWatcher()
    watcher.attach(ServerContext(db_path=db, con=service.con, jobs=service.jobs, url=None))
    yield watcher, service, tmp_path / "masuk"
    service.close(60)


@pytest.mark.parametrize("name,taken", [("data.csv", True), ("laporan harian.xlsx", True), (".data.csv", False),
                                        ("~$data.xlsx", False), ("data.csv.part", False), ("data.CRDOWNLOAD", False)])
def test_hidden_and_temporary_names_are_left_alone(tmp_path, name, taken):
    (tmp_path / name).write_bytes(b"x")
    assert is_candidate(tmp_path / name) is taken


def test_a_name_already_taken_in_the_target_gets_the_time_appended(tmp_path):
    for _ in range(2):
        (tmp_path / "a.csv").write_text("x")
        move_aside(tmp_path / "a.csv", tmp_path / "selesai")
    names = {p.name for p in (tmp_path / "selesai").iterdir()}
    assert len(names) == 2 and "a.csv" in names
    assert all(n.startswith("a.") and n.endswith(".csv") for n in names)


def test_a_file_is_taken_only_after_two_polls_see_it_unchanged(watched, tmp_path):
    watcher, service, inbox = watched
    write_demo_csv(tmp_path / "harian.csv", n_posts=1500, seed=4)
    data = (tmp_path / "harian.csv").read_bytes()
    rows = len(pd.read_csv(tmp_path / "harian.csv"))
    (inbox / "harian.csv").write_bytes(data[:len(data) // 2])
    assert watcher.poll() is None  # first sight
    with (inbox / "harian.csv").open("ab") as out:
        out.write(data[len(data) // 2:])
    assert watcher.poll() is None  # it grew
    job = watcher.poll()
    assert job is not None and job.source == "inbox" and watcher.poll() is None  # not taken twice
    assert job.finished.wait(120) and job.status == "done", job.error
    imported = job.result["files"][0]
    assert imported["rows_read"] == rows and imported["rows_imported"] > 0.9 * rows  # the whole file, not half
    assert job.result["analysis"]["enriched"] == imported["rows_imported"]
    assert (inbox / "selesai" / "harian.csv").exists() and not (inbox / "harian.csv").exists()
    assert storage.query_value(service.con, "SELECT count(*) FROM enrichment") == imported["rows_imported"]


def test_refused_files_go_to_gagal_with_a_reason_and_good_ones_of_the_same_poll_still_land(watched):
    watcher, service, inbox = watched
    (inbox / "kosong.csv").write_bytes(b"")
    (inbox / "baik.json").write_text(pd.DataFrame({"text": ["harga beras naik lagi"] * 3, "id": [1, 2, 3],
                                                   "created_at": ["2026-11-20T01:00:00Z"] * 3}).to_json(orient="records"))
    watcher.poll()
    job = watcher.poll()
    assert job.finished.wait(120) and job.status == "done", job.error
    outcome = {r["file"]: r for r in job.result["files"]}
    assert "error" in outcome["kosong.csv"] and outcome["baik.json"]["rows_imported"] == 3
    assert "Terlalu sedikit unggahan" in job.result["analysis"]["error"]  # stored; analysed once there is more
    reason = (inbox / "gagal" / "kosong.csv.txt").read_text(encoding="utf-8")
    assert "Alasan:" in reason and outcome["kosong.csv"]["error"] in reason
    assert (inbox / "gagal" / "kosong.csv").exists() and (inbox / "selesai" / "baik.json").exists()
    assert storage.query_value(service.con, "SELECT count(*) FROM posts") == 3
