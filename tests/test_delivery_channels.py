"""Delivery channels against real servers on loopback: SMTP (aiosmtpd, plain, STARTTLS, TLS), webhook and
Telegram (a stdlib HTTP server); retries and backoff, timeouts, refusals; escaping; secrets."""
from __future__ import annotations

import time

import pytest
from loopback_servers import (
    HttpReceiver,
    SmtpServer,
    free_port,
    self_signed_certificate,
)

from monitoring.delivery._base import Attachment, Message, plain, redact
from monitoring.delivery.mail import EmailChannel
from monitoring.delivery.telegram import TelegramChannel
from monitoring.delivery.webhook import WebhookChannel
from monitoring.errors import SettingError
from monitoring.store import settings

SENDER, TO = "pantauisu@kominfo.example.go.id", "pimpinan@example.go.id"
PASSWORD, TOKEN = "sandi-RAHASIA-99", "123456:AAH-token-rahasia"
HOSTILE = '<script>alert(1)</script> [klik](http://jahat.example) *tebal* \u202eKEBALIK'
FAST = dict(retries=3, backoff=0.05, timeout=2.0)


def email_channel(port: int, *, tls: str = "none", user: str = "", **options) -> EmailChannel:
    return EmailChannel(host="127.0.0.1", port=port, tls=tls, user=user, password=PASSWORD if user else "",
                        sender=SENDER, briefing_recipients=(TO,), **{**FAST, **options})


def message(**fields) -> Message:
    return Message(**{"subject": "Uji", "text": "isi", "html": "<p>isi</p>", "document": {"text": "isi"}, **fields})


# --- e-mail -------------------------------------------------------------------------------------------
def test_email_arrives_with_text_html_and_attachments():
    pdf = Attachment("2026-11-20.pdf", "application/pdf", b"%PDF-1.4 contoh")
    with SmtpServer() as smtp:
        answer = email_channel(smtp.port).send(message(attachments=(pdf,)), TO)
    assert answer.ok and answer.text.startswith("250")
    [received] = smtp.messages
    assert (received["Subject"], received["From"], received["To"]) == ("Uji", SENDER, TO)
    assert received.get_body(("plain",)).get_content().strip() == "isi"
    assert received.get_body(("html",)).get_content().strip() == "<p>isi</p>"
    [attached] = list(received.iter_attachments())
    assert (attached.get_filename(), attached.get_content()) == ("2026-11-20.pdf", b"%PDF-1.4 contoh")
    assert smtp.inbox.envelopes == [(SENDER, [TO])]


def test_data_cannot_add_a_header_or_a_recipient():
    with SmtpServer() as smtp:
        answer = email_channel(smtp.port).send(message(subject="Isu\r\nBcc: korban@example.com\n\nbody"), TO)
    assert answer.ok
    [received] = smtp.messages
    assert received["Bcc"] is None and received["Subject"] == "Isu Bcc: korban@example.com body"
    assert smtp.inbox.envelopes == [(SENDER, [TO])]


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_tls_and_login_work_and_the_password_stays_secret(tls, tmp_path, monkeypatch):
    cert = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # trust the test certificate like a real CA's
    with SmtpServer(tls=tls, cert=cert, login=("pantauisu", PASSWORD)) as smtp:
        ok = email_channel(smtp.port, tls=tls, user="pantauisu").send(message(), TO)
        refused = EmailChannel(host="127.0.0.1", port=smtp.port, tls=tls, user="pantauisu", password="salah",
                               sender=SENDER, briefing_recipients=(TO,), **FAST).send(message(), TO)
    assert ok.ok and len(smtp.messages) == 1
    assert smtp.logins[0] == ("pantauisu", PASSWORD)
    assert not refused.ok and refused.text.startswith("535") and "salah" not in refused.text


def test_a_permanent_refusal_is_not_retried_a_temporary_one_is():
    with SmtpServer() as smtp:
        smtp.inbox.refuse = ["550 5.7.1 Ditolak oleh kebijakan"]
        refused = email_channel(smtp.port).send(message(), TO)
        calls_after_refusal = smtp.inbox.data_calls
        smtp.inbox.refuse = ["451 4.3.0 Coba lagi nanti"]
        retried = email_channel(smtp.port).send(message(), TO)
    assert (refused.ok, refused.transient, refused.text) == (False, False, "550 5.7.1 Ditolak oleh kebijakan")
    assert calls_after_refusal == 1
    assert retried.ok and smtp.inbox.data_calls == 3 and len(smtp.messages) == 1


def test_a_server_that_is_down_is_tried_a_bounded_number_of_times():
    start = time.monotonic()
    answer = email_channel(free_port(), retries=3, backoff=0.1).send(message(), TO)
    elapsed = time.monotonic() - start
    assert not answer.ok and answer.transient
    assert "ditolak" in answer.text and "3 percobaan" in answer.text
    assert 0.3 <= elapsed < 5  # backoff 0.1 + 0.2 between the three attempts


# --- webhook ------------------------------------------------------------------------------------------
def test_webhook_posts_the_json_document_and_retries_a_busy_server():
    with HttpReceiver() as http:
        http.script = [(503, "sibuk", 0.0)]
        answer = WebhookChannel(url=f"{http.url}/hook/{TOKEN}", **FAST).send(
            message(document={"text": HOSTILE, "posts": 41}), "127.0.0.1")
    assert answer.ok and answer.text.startswith("HTTP 200")
    assert [r["json"] for r in http.requests] == [{"text": HOSTILE, "posts": 41}] * 2
    assert http.requests[0]["headers"]["Content-Type"] == "application/json; charset=utf-8"


def test_webhook_timeouts_are_retried_with_backoff_and_bounded():
    with HttpReceiver() as http:
        http.script = [(200, "{}", 1.5)] * 3
        start = time.monotonic()
        answer = WebhookChannel(url=f"{http.url}/hook", retries=3, backoff=0.2, timeout=0.3).send(message(), "x")
        elapsed = time.monotonic() - start
    assert not answer.ok and answer.transient and "timeout" in answer.text
    assert len(http.requests) == 3
    gaps = [b["at"] - a["at"] for a, b in zip(http.requests, http.requests[1:])]
    # each gap is a timeout (0.3 s) and the backoff before the next attempt: 0.2 s, then 0.4 s
    assert gaps[0] >= 0.45 and gaps[1] >= 0.65 and gaps[1] - gaps[0] >= 0.15
    # without the timeout each attempt would wait for the 1.5 s answer: 3 x 1.5 + 0.6 = 5.1 s
    assert elapsed < 4.4


def test_webhook_never_follows_a_redirect_and_hides_its_token():
    with HttpReceiver() as http:
        http.script = [(302, TOKEN, 0.0)]
        channel = WebhookChannel(url=f"{http.url}/hook/{TOKEN}", **FAST)
        answer = channel.send(message(), "127.0.0.1")
    assert not answer.ok and answer.text.startswith("HTTP 302")
    assert [r["path"] for r in http.requests] == [f"/hook/{TOKEN}"]
    assert TOKEN not in answer.text and TOKEN not in repr(channel)
    assert channel.recipients("alert") == ("127.0.0.1",)


# --- Telegram -----------------------------------------------------------------------------------------
def test_telegram_gets_plain_text_without_markup_and_the_token_stays_secret():
    with HttpReceiver() as http:
        channel = TelegramChannel(api_url=http.url, token=TOKEN, chat_id="-1001", **FAST)
        sent = channel.send(message(text=HOSTILE), "-1001")
        http.script = [(400, '{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}', 0)]
        refused = channel.send(message(text="x"), "-1001")
    assert sent.ok and sent.text == "ok, message_id 1"
    first = http.requests[0]
    assert first["path"] == f"/bot{TOKEN}/sendMessage"
    assert first["json"] == {"chat_id": "-1001", "text": HOSTILE, "link_preview_options": {"is_disabled": True}}
    assert not refused.ok and not refused.transient
    assert refused.text == "Telegram 400: Bad Request: chat not found"


def test_telegram_errors_never_show_the_token():
    channel = TelegramChannel(api_url=f"http://127.0.0.1:{free_port()}/{TOKEN}", token=TOKEN, chat_id="1", **FAST)
    answer = channel.send(message(), "1")
    assert not answer.ok and TOKEN not in answer.text and "ditolak" in answer.text


# --- text and secrets ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("baris\r\nBcc: x", "baris Bcc: x"), ("a\x00b\x1bc", "a b c"), ("\u202eKEBALIK", "KEBALIK"),
    (None, ""), (float("nan"), ""), ("x" * 20, "x" * 11 + "…"),
])
def test_plain_text_drops_controls_and_line_breaks(raw, expected):
    assert plain(raw, 12) == expected


def test_redact_replaces_raw_and_quoted_secrets():
    assert redact(f"gagal: /bot{TOKEN}/x dan {TOKEN.replace(':', '%3A')}", (TOKEN,)) == "gagal: /bot***/x dan ***"


def test_secrets_come_from_the_environment_or_secrets_toml_only(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[pantauisu]\nsmtp_password = "{PASSWORD}"\nadmins = ["a@b.go.id"]\n', encoding="utf-8")
    monkeypatch.delenv("PANTAUISU_SMTP_PASSWORD", raising=False)
    assert settings.secret("smtp_password", files=(tmp_path / "tidak-ada.toml", secrets)) == PASSWORD
    monkeypatch.setenv("PANTAUISU_SMTP_PASSWORD", "dari-lingkungan")
    assert settings.secret("smtp_password", files=(secrets,)) == "dari-lingkungan"
    values = settings.load_settings({"smtp_password": "tersimpan", "smtp_host": "smtp.example.go.id"})
    assert "smtp_password" not in values and values["smtp_host"] == "smtp.example.go.id"
    assert settings.is_secret("telegram_bot_token") and not settings.is_secret("telegram_chat_id")


def test_secret_errors_never_echo_the_value(tmp_path, monkeypatch):
    monkeypatch.setenv("PANTAUISU_ALERT_WEBHOOK_URL", f"ftp://hooks.example/{TOKEN}")
    with pytest.raises(SettingError) as bad_value:
        settings.secret("alert_webhook_url", files=())
    monkeypatch.delenv("PANTAUISU_ALERT_WEBHOOK_URL")
    broken = tmp_path / "secrets.toml"
    broken.write_text(f'[pantauisu]\ntelegram_bot_token = "{TOKEN}\n', encoding="utf-8")
    with pytest.raises(SettingError, match="tidak dapat dibaca") as bad_file:
        settings.secret("telegram_bot_token", files=(broken,))
    assert TOKEN not in str(bad_value.value) and TOKEN not in str(bad_file.value)


@pytest.mark.parametrize("name, raw, shown", [
    ("briefing_recipients", "a@b.go.id,  c@d.go.id, a@b.go.id", "a@b.go.id, c@d.go.id"),
    ("alert_min_score", "8; 53=4;ID=12", "8; 53=4; ID=12"), ("briefing_time", "6.30", "06:30"),
    ("alert_channels", "telegram", "telegram"),
])
def test_delivery_settings_parse_and_print_back_the_same(name, raw, shown):
    value = settings.parse_setting(name, raw)
    assert str(value) == shown and str(settings.parse_setting(name, str(value))) == shown


@pytest.mark.parametrize("name, raw", [("briefing_recipients", "bukan-alamat"), ("smtp_tls", "tls"),
                                      ("alert_min_score", "53=4"), ("briefing_time", "25:00"),
                                      ("alert_regions", "Jakarta"), ("dashboard_url", "javascript:alert(1)")])
def test_bad_delivery_settings_are_refused_in_indonesian(name, raw):
    with pytest.raises(SettingError, match="tidak valid"):
        settings.parse_setting(name, raw)


def test_thresholds_per_region():
    thresholds = settings.parse_setting("alert_min_score", "8; 53=4")
    assert (thresholds.for_region("53"), thresholds.for_region("31"), thresholds.for_region("ID")) == (4, 8, 8)
