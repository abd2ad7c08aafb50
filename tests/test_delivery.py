"""Delivery jobs on the demo store against real loopback servers: the issue's "done when" (CLI and scheduler),
the briefing's hour, hostile text, faults (refusal, an hour down, timeouts), storm control and Pengaturan."""
from __future__ import annotations

import email.policy
import io
import json
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fixtures_issues import inject_issue
from loopback_servers import HttpReceiver, SmtpServer, free_port

from monitoring.cli import main as cli
from monitoring.delivery import jobs, outbox
from monitoring.delivery.alerts import alert_candidates
from monitoring.delivery.scheduler import Scheduler
from monitoring.errors import UserError
from monitoring.report.render import image_export_available
from monitoring.signals import emerging
from monitoring.store import database as storage
from monitoring.store import settings
from monitoring.store.queries import Filters

NOW = "2026-11-21T07:00+07:00"                # the morning after the demo's last day (20 Nov, WIB)
T0 = pd.Timestamp(NOW)
BRIEFING_SUBJECT = "Briefing Harian PantauIsu — Jumat, 20 November 2026 — Nasional"
LEADER, TOKEN, CHAT = "pimpinan@example.go.id", "123456:AAH-token-rahasia", "-100200300"
SCRIPT = "<script>alert(1)</script>"
HEADLINE = "Warga <b>marah</b> [klik](http://jahat.example) air mati"


@pytest.fixture(autouse=True)
def no_secrets_file(monkeypatch):
    monkeypatch.setattr(settings, "secrets_files", lambda: ())


@pytest.fixture
def servers():
    with SmtpServer() as smtp, HttpReceiver() as http:
        yield smtp, http


def configure(monkeypatch, smtp_port: int, http_url: str, **extra: str) -> None:
    """Every channel configured through the environment, with fast retries; PDF skipped unless re-enabled."""
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_TLS": "none",
           "MAIL_FROM": "pantauisu@kominfo.example.go.id", "BRIEFING_RECIPIENTS": LEADER,
           "ALERT_WEBHOOK_URL": f"{http_url}/hooks/{TOKEN}", "TELEGRAM_API_URL": http_url,
           "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_CHAT_ID": CHAT, "DELIVERY_BACKOFF_SECONDS": "0.02",
           "DELIVERY_TIMEOUT_SECONDS": "2", **extra}
    for name, value in env.items():
        monkeypatch.setenv(f"PANTAUISU_{name}", value)
    monkeypatch.setenv("BROWSER_PATH", "/tidak/ada/chromium")


@pytest.fixture
def demo(copy_of, demo_db_path, tmp_path):
    con = copy_of(demo_db_path, "demo.duckdb")
    return con, str(tmp_path / "demo.duckdb")


def deliver(capsys, db: str, *args: str) -> tuple[int, list[dict], str]:
    code = cli.main(["deliver", *args, "--db", db])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def webhook_docs(http: HttpReceiver) -> list[dict]:
    return [r["json"] for r in http.posts_to("/hooks/")]


def new_emerging_issues(con, minimum: float = 8.0) -> set[str]:
    scores = emerging.emerging_table(con, Filters(), now=T0)
    return set(scores.loc[(scores["status"] == "Baru") & (scores["score"] >= minimum), "issue_id"])


# --- done when --------------------------------------------------------------------------------------
def test_done_when_cli_sends_one_briefing_and_one_alert_per_new_issue_and_nothing_twice(
        servers, demo, capsys, monkeypatch):
    smtp, http = servers
    con, db = demo
    configure(monkeypatch, smtp.port, http.url)
    monkeypatch.delenv("BROWSER_PATH")  # the PDF too, when this machine has Chromium
    assert deliver(capsys, db, "briefing", "--now", NOW)[:2] == (
        0, [{"channel": "email", "recipient": LEADER, "status": "terkirim", "what": BRIEFING_SUBJECT,
             "answer": "250 2.0.0 Pesan diterima untuk dikirim"}])
    code, alerts, _ = deliver(capsys, db, "alerts", "--now", NOW)
    expected = new_emerging_issues(con)
    assert code == 0 and len(expected) == 1  # the demo's one issue emerging in one province
    assert sorted((a["channel"], a["recipient"], a["status"]) for a in alerts) == [
        ("email", LEADER, "terkirim"), ("telegram", CHAT, "terkirim"), ("webhook", "127.0.0.1", "terkirim")]
    assert [d["issue"]["id"] for d in webhook_docs(http)] == sorted(expected)
    assert len(http.posts_to(f"/bot{TOKEN}/sendMessage")) == len(expected)
    briefing_mail, alert_mail = smtp.messages
    assert briefing_mail["Subject"] == BRIEFING_SUBJECT and alert_mail["Subject"].startswith("PantauIsu: isu baru")
    files = {p.get_filename(): p.get_content() for p in briefing_mail.iter_attachments()}
    assert "Isu Naik" in openpyxl.load_workbook(io.BytesIO(files.pop("2026-11-20.xlsx"))).sheetnames
    if image_export_available():
        assert files.pop("2026-11-20.pdf").startswith(b"%PDF")
    assert files == {}
    body = briefing_mail.get_body(("html",)).get_content()
    assert "<script" not in body and "Isu naik teratas — Nasional" in body and "Unggahan 24 jam" in body
    folder = Path(db).parent / "briefings"
    assert {"2026-11-20.html", "2026-11-20.xlsx"} <= {p.name for p in folder.iterdir()}
    for what in ("briefing", "alerts"):  # a second run sends nothing new
        assert deliver(capsys, db, what, "--now", "2026-11-21T07:30+07:00")[:2] == (0, [])
    assert len(smtp.messages) == 2 and len(http.requests) == 2


def test_the_scheduler_does_the_same_without_a_command(servers, demo, monkeypatch):
    smtp, http = servers
    con, db = demo
    configure(monkeypatch, smtp.port, http.url)
    scheduler = Scheduler(db, clock=lambda: T0, interval=0.05).start()
    try:
        deadline = time.monotonic() + 60
        while (len(smtp.messages) < 2 or len(http.requests) < 2) and time.monotonic() < deadline:
            time.sleep(0.05)
        settled = scheduler.ticks
        while scheduler.ticks < settled + 5 and time.monotonic() < deadline:  # a few more ticks: nothing new
            time.sleep(0.05)
    finally:
        scheduler.stop()
    assert not scheduler.running and scheduler.last_error is None and scheduler.ticks >= settled + 5
    assert sorted(m["Subject"].split(":")[0] for m in smtp.messages) == [BRIEFING_SUBJECT, "PantauIsu"]
    assert [d["issue"]["id"] for d in webhook_docs(http)] == sorted(new_emerging_issues(con))
    assert len(http.requests) == 2
    briefing_mail = next(m for m in smtp.messages if m["Subject"] == BRIEFING_SUBJECT)
    assert [p.get_filename() for p in briefing_mail.iter_attachments()] == ["2026-11-20.xlsx"]
    assert "Tidak dilampirkan — PDF" in briefing_mail.get_body(("plain",)).get_content()


def test_the_briefing_waits_for_its_hour_in_the_display_time_zone(servers, demo, monkeypatch):
    smtp, http = servers
    con, _ = demo
    configure(monkeypatch, smtp.port, http.url, BRIEFING_TIME="06:30", DISPLAY_TIMEZONE="WITA")
    before = jobs.run_due(con, pd.Timestamp("2026-11-21T06:29+08:00"))
    assert [d.kind for d in before] == ["alert"] * 3  # alerts do not wait; the briefing does
    after = jobs.run_due(con, pd.Timestamp("2026-11-21T06:30+08:00"))
    assert [(d.kind, d.status) for d in after] == [("briefing", "terkirim")]
    assert smtp.messages[-1]["Subject"] == BRIEFING_SUBJECT
    assert jobs.run_due(con, pd.Timestamp("2026-11-21T09:00+08:00")) == []


# --- hostile text -----------------------------------------------------------------------------------
def test_hostile_labels_and_headlines_arrive_as_plain_text_in_every_channel(servers, demo, monkeypatch):
    smtp, http = servers
    con, _ = demo
    configure(monkeypatch, smtp.port, http.url)
    texts = [f"air mati lagi di Menteng {SCRIPT} hari ke-{i} [klik](http://jahat.example)" for i in range(25)]
    inject_issue(con, issue_id="I0999", label=f"{SCRIPT} air menteng", province_code="31", province="DKI Jakarta",
                 texts=texts, dataset="Serangan", minutes_apart=30)
    with storage.transaction(con):  # a hostile headline too
        con.execute("UPDATE issues SET headline = ? WHERE issue_id = 'I0999'", [HEADLINE])
    jobs.deliver_briefing(con, now=T0)
    sent = jobs.deliver_alerts(con, now=T0)
    assert {d.status for d in sent} == {"terkirim"}
    briefing_html = smtp.messages[0].get_body(("html",)).get_content()
    assert "Warga &lt;b&gt;marah&lt;/b&gt; [klik](http://jahat.example)" in briefing_html  # the headline first
    assert "<script" not in briefing_html and "<b>marah" not in briefing_html
    alert_mail = next(m for m in smtp.messages[1:] if HEADLINE in m["Subject"])
    alert_html = alert_mail.get_body(("html",)).get_content()
    assert "Warga &lt;b&gt;marah&lt;/b&gt; [klik](http://jahat.example)" in alert_html and "<b>marah" not in alert_html
    telegram = next(r["json"] for r in http.posts_to("/sendMessage") if HEADLINE in r["json"]["text"])
    assert "parse_mode" not in telegram and "Warga <b>marah</b>" in telegram["text"]  # plain text, as written
    document = next(d for d in webhook_docs(http) if d["issue"]["id"] == "I0999")
    assert document["issue"]["label"] == HEADLINE and document["region"] == {"code": "31", "name": "Daerah Khusus Ibukota Jakarta"}


# --- faults ------------------------------------------------------------------------------------------
def test_a_refusing_smtp_server_is_retried_later_and_the_failure_is_visible(servers, demo, capsys, monkeypatch):
    smtp, http = servers
    con, db = demo
    configure(monkeypatch, smtp.port, http.url)
    smtp.inbox.refuse = ["550 5.7.1 Relay ditolak"]
    code, lines, err = deliver(capsys, db, "briefing", "--now", NOW)
    assert code == 1 and [(x["status"], x["answer"]) for x in lines] == [("menunggu", "550 5.7.1 Relay ditolak")]
    assert err.count("\n") == 1 and "550 5.7.1 Relay ditolak" in err and "Dicoba lagi" in err
    problems = outbox.log_frame(con, problems_only=True)
    assert problems[["status", "attempts", "last_error"]].values.tolist() == [["menunggu", 1, "550 5.7.1 Relay ditolak"]]
    assert deliver(capsys, db, "briefing", "--now", "2026-11-21T07:04+07:00")[:2] == (0, [])  # not due yet
    code, lines, _ = deliver(capsys, db, "briefing", "--now", "2026-11-21T07:06+07:00")
    assert code == 0 and [x["status"] for x in lines] == ["terkirim"]
    assert len(smtp.messages) == 1 and outbox.log_frame(con, problems_only=True).empty
    row = outbox.log_frame(con).iloc[0]
    assert (row["attempts"], row["last_error"]) == (2, "550 5.7.1 Relay ditolak")  # the history stays visible


def test_a_channel_down_for_an_hour_is_retried_later_and_never_sent_twice(demo, capsys, monkeypatch):
    con, db = demo
    port = free_port()
    with HttpReceiver() as http:
        configure(monkeypatch, port, http.url)
        down = [deliver(capsys, db, "briefing", "--now", f"2026-11-21T{t}+07:00")[:2] for t in ("07:00", "07:10")]
        assert [code for code, _ in down] == [1, 1] and all(lines[0]["status"] == "menunggu" for _, lines in down)
        assert "ditolak" in outbox.log_frame(con).iloc[0]["last_error"]
        assert deliver(capsys, db, "briefing", "--now", "2026-11-21T07:15+07:00")[:2] == (0, [])  # next at 07:20
        with SmtpServer(port) as smtp:  # back after an hour: the scheduler's tick retries it
            sent = jobs.run_due(con, pd.Timestamp("2026-11-21T08:05+07:00"))
            again = jobs.run_due(con, pd.Timestamp("2026-11-21T08:30+07:00"))
        assert [(d.kind, d.status, d.attempts) for d in sent if d.kind == "briefing"] == [("briefing", "terkirim", 3)]
        assert [d for d in again if d.kind == "briefing"] == []
        assert [m["Subject"] for m in smtp.messages].count(BRIEFING_SUBJECT) == 1


def test_a_webhook_timing_out_is_retried_later_with_the_same_id(servers, demo, capsys, monkeypatch):
    smtp, http = servers
    con, db = demo
    configure(monkeypatch, smtp.port, http.url, DELIVERY_TIMEOUT_SECONDS="0.3", DELIVERY_RETRIES="2",
              ALERT_CHANNELS="webhook")
    http.script = [(200, "{}", 1.0)] * 2
    start = time.monotonic()
    code, lines, err = deliver(capsys, db, "alerts", "--now", NOW)
    assert time.monotonic() - start < 20
    assert code == 1 and [x["status"] for x in lines] == ["menunggu"] and "timeout" in err
    code, lines, _ = deliver(capsys, db, "alerts", "--now", "2026-11-21T07:06+07:00")
    assert code == 0 and [x["status"] for x in lines] == ["terkirim"]
    assert deliver(capsys, db, "alerts", "--now", "2026-11-21T08:00+07:00")[:2] == (0, [])
    ids = {d["id"] for d in webhook_docs(http)}
    assert len(webhook_docs(http)) == 3 and len(ids) == 1  # two timed out after arriving: same id to drop copies


# --- storm control, scope ---------------------------------------------------------------------------
def test_a_new_event_of_an_alerted_issue_waits_for_the_quiet_period(servers, demo, monkeypatch):
    smtp, http = servers
    con, _ = demo
    configure(monkeypatch, smtp.port, http.url, ALERT_CHANNELS="webhook", ALERT_QUIET_MINUTES="60")
    assert len(jobs.deliver_alerts(con, now=T0)) == 1
    (alerted,) = new_emerging_issues(con)
    texts = [f"sumur kering juga di Mataram, air PDAM mati hari ke-{i}" for i in range(30)]
    inject_issue(con, issue_id=alerted, label="-", province_code="52", province="Nusa Tenggara Barat",
                 texts=texts, dataset="Mataram", minutes_apart=40, prefix="ntb")

    def alerts_due(minutes: int) -> list[str]:
        return [d.status for d in jobs.run_due(con, T0 + pd.Timedelta(minutes=minutes)) if d.kind == "alert"]

    assert alerts_due(30) == []  # same issue, within the quiet period
    assert alerts_due(61) == ["terkirim"] and alerts_due(90) == []
    first, second = webhook_docs(http)
    assert {e["region"] for e in second["events"]} - {e["region"] for e in first["events"]} == {"52"}


def test_alerts_beyond_the_daily_cap_are_held_and_never_sent(servers, demo, monkeypatch):
    smtp, http = servers
    con, _ = demo
    configure(monkeypatch, smtp.port, http.url, ALERT_CHANNELS="telegram", ALERT_DAILY_CAP="1")
    inject_issue(con, issue_id="I0998", label="antrean BBM", province_code="12", province="Sumatera Utara",
                 texts=[f"antre solar di SPBU Medan sejak subuh, truk ke-{i}" for i in range(30)],
                 dataset="Medan", minutes_apart=40)
    assert [d.status for d in jobs.deliver_alerts(con, now=T0)] == ["terkirim"]
    log = outbox.log_frame(con)
    assert sorted(log["status"]) == ["ditahan", "terkirim"]
    assert "Batas harian 1" in log.loc[log["status"] == "ditahan", "last_error"].iloc[0]
    assert jobs.deliver_alerts(con, now=T0 + pd.Timedelta(hours=3)) == [] and len(http.requests) == 1


def test_thresholds_and_regions_choose_the_cells(demo, monkeypatch):
    con, _ = demo
    values = settings.load_settings()
    regions = lambda alerts: {(a.issue_id, e.kind, e.region) for a in alerts for e in a.events}  # noqa: E731
    (issue,) = new_emerging_issues(con)
    assert regions(alert_candidates(con, values, T0)) == {
        (issue, "baru", "53"), (issue, "lonjakan", "53"), (issue, "baru", "ID"), (issue, "lonjakan", "ID")}
    only_ntt = {**values, "alert_regions": settings.parse_setting("alert_regions", "53")}
    assert {r for _, _, r in regions(alert_candidates(con, only_ntt, T0))} == {"53"}
    strict = {**values, "alert_min_score": settings.parse_setting("alert_min_score", "54; 53=5")}
    assert {r for _, _, r in regions(alert_candidates(con, strict, T0))} == {"53"}
    assert alert_candidates(con, {**values, "alert_min_score": settings.parse_setting("alert_min_score", "60")},
                            T0) == []


# --- configuration errors ----------------------------------------------------------------------------
@pytest.mark.parametrize("what, message", [("briefing", "PANTAUISU_SMTP_HOST"), ("alerts", "kanal peringatan")])
def test_an_unconfigured_channel_exits_with_one_indonesian_line(demo, capsys, what, message):
    code, lines, err = deliver(capsys, demo[1], what, "--now", NOW)
    assert code == 1 and lines == [] and message in err and err.count("\n") == 1


@pytest.mark.parametrize("kwargs, message", [(dict(region="99"), "tidak dikenal"),
                                             (dict(date=pd.Timestamp("2026-11-21").date()), "belum selesai")])
def test_bad_briefing_requests_are_refused_before_anything_is_queued(servers, demo, monkeypatch, kwargs, message):
    con, _ = demo
    configure(monkeypatch, servers[0].port, servers[1].url)
    with pytest.raises(UserError, match=message):
        jobs.deliver_briefing(con, now=T0, **kwargs)
    assert outbox.log_frame(con).empty


def test_a_day_without_posts_fails_visibly_and_is_retried(servers, demo, monkeypatch):
    con, _ = demo
    configure(monkeypatch, servers[0].port, servers[1].url)
    [result] = jobs.deliver_briefing(con, now=pd.Timestamp("2026-11-23T07:00+07:00"))  # data ends on the 21st
    assert result.status == "menunggu" and "Belum ada unggahan untuk Minggu, 22 November 2026" in result.last_error
    assert servers[0].messages == []


# --- Pengaturan ----------------------------------------------------------------------------------------
def test_pengaturan_lists_failures_and_kirim_uji_shows_the_servers_answer(servers, demo, monkeypatch):
    from streamlit.testing.v1 import AppTest

    smtp, http = servers
    con, db = demo
    configure(monkeypatch, free_port(), http.url)
    monkeypatch.setenv("PANTAUISU_DB_PATH", db)
    jobs.deliver_briefing(con, now=T0)  # SMTP is down: a visible failure
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "navigation.py"), default_timeout=90).run()
    at.switch_page("pages/pengaturan.py").run()
    failures = next(d.value for d in at.dataframe if "Kesalahan terakhir" in d.value and (d.value["Status"] != "terkirim").all())
    assert failures[["Kanal", "Status"]].values.tolist() == [["email", "menunggu"]]
    assert "ditolak" in failures["Kesalahan terakhir"].iloc[0]
    at.button(key="delivery_test_webhook").click().run()
    assert not at.exception
    assert [c.value for c in at.code] == ['HTTP 200: {"ok": true, "result": {"message_id": 1}}']
    assert webhook_docs(http)[0]["type"] == "test"
    shown = "\n".join(str(e.value) for e in [*at.text, *at.code, *at.caption, *at.markdown, *at.success])
    assert "Rahasia alert_webhook_url: diatur" in shown and TOKEN not in shown and "hooks/" not in shown
    assert all(TOKEN not in str(w.value) for w in at.text_input)


def test_email_policy_round_trip_of_the_alert_subject():
    """The alert's subject survives the SMTP policy's folding (long Indonesian labels)."""
    subject = "PantauIsu: isu baru di Nusa Tenggara Timur — " + "kota kupang · air · PDAM " * 6
    msg = email.message_from_string(f"Subject: {subject}\n\nx", policy=email.policy.SMTP)
    assert msg["Subject"] == subject


def test_a_negative_shift_in_the_emerging_frame_reaches_the_alert(demo, monkeypatch):
    """The Isu Naik frame's ``negative_shift`` (*Memburuk*) reaches the alert."""
    con, _ = demo
    real = emerging.emerging_table

    def with_shift(*args, **kwargs):
        scores = real(*args, **kwargs)
        return scores.assign(negative_shift=scores["province_code"] == "53")

    monkeypatch.setattr(emerging, "emerging_table", with_shift)
    [alert] = alert_candidates(con, settings.load_settings(), T0)
    message = alert.message("WIB")
    assert message.document["negative_shift"] is True and "Sentimen: bergeser ke negatif" in message.text
    monkeypatch.setattr(emerging, "emerging_table",
                        lambda *args, **kwargs: real(*args, **kwargs).assign(negative_shift=False))
    [steady_alert] = alert_candidates(con, settings.load_settings(), T0)
    steady = steady_alert.message("WIB")
    assert steady.document["negative_shift"] is False and "bergeser ke negatif" not in steady.text


def test_the_dashboard_lifespan_starts_and_stops_the_scheduler(tmp_path, monkeypatch):
    import asyncio
    import importlib.util
    import threading

    monkeypatch.setenv("PANTAUISU_DB_PATH", str(tmp_path / "app.duckdb"))
    spec = importlib.util.spec_from_file_location("dashboard_under_test", Path(__file__).resolve().parent.parent
                                                  / "dashboard.py")
    dashboard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dashboard)

    def delivery_threads() -> int:
        return sum(t.name == "pantauisu-delivery" and t.is_alive() for t in threading.enumerate())

    async def serve() -> int:
        async with dashboard.lifespan(dashboard.app):
            return delivery_threads()

    before = delivery_threads()
    assert asyncio.run(serve()) == before + 1
    deadline = time.monotonic() + 10
    while delivery_threads() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert delivery_threads() == before
