"""Delivery while a dashboard holds the store: ``deliver`` goes through the server's job queue, prints the
same JSON lines, and a second run sends nothing new; the server runs the delivery scheduler itself."""
from __future__ import annotations

import json
import shutil

import pytest
from loopback_servers import HttpReceiver
from server_process import run_cli, start_server

NOW = "2026-11-21T07:00+07:00"   # the morning after the demo's last day
TOKEN = "123456:AAH-token-rahasia"


@pytest.fixture(scope="module")
def served(demo_db_path, tmp_path_factory):
    db = tmp_path_factory.mktemp("delivery") / "store.duckdb"
    shutil.copy(demo_db_path, db)
    with HttpReceiver() as http:
        env = {"PANTAUISU_ALERT_WEBHOOK_URL": f"{http.url}/hooks/{TOKEN}", "PANTAUISU_ALERT_CHANNELS": "webhook",
               "PANTAUISU_DELIVERY_BACKOFF_SECONDS": "0.02", "PANTAUISU_DELIVERY_TIMEOUT_SECONDS": "5"}
        server = start_server(db, env=env)
        try:
            yield server, http, env
        finally:
            server.stop()


def test_deliver_alerts_through_the_running_server_sends_each_alert_once(served):
    server, http, env = served
    first = run_cli("deliver", "alerts", "--now", NOW, db=server.db_path, env=env)
    assert first.returncode == 0, first.stderr
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert [(m["channel"], m["recipient"], m["status"]) for m in lines] == [("webhook", "127.0.0.1", "terkirim")]
    alerted = [r["json"]["issue"]["id"] for r in http.posts_to("/hooks/")]
    assert len(alerted) == 1 and alerted[0].startswith("I")  # the demo's one new issue, once
    jobs = [j for j in server.get("/jobs").json["data"] if j["source"] == "cli"]
    assert [j["kind"] for j in jobs] == ["delivery"]                  # it went through the server
    again = run_cli("deliver", "alerts", "--now", "2026-11-21T07:30+07:00", db=server.db_path, env=env)
    assert (again.returncode, again.stdout) == (0, "") and len(http.posts_to("/hooks/")) == 1


def test_a_test_message_without_a_channel_is_refused_in_indonesian(served):
    server, _, _ = served
    answer = server.post_json("/deliveries", {"what": "test"})
    assert answer.status == 400 and "kanal" in answer.json["error"]
