"""Delivery jobs: plain functions for the CLI, an HTTP API and the scheduler alike.

- :func:`deliver_briefing` — the daily briefing of a day, national and per chosen province, by e-mail;
- :func:`deliver_alerts` — new emerging issues and spikes to every alert channel;
- :func:`run_due` — what is due at ``now`` (the briefing after its hour, alerts after a new analysis,
  retries whose time has come): what the :class:`~monitoring.delivery.scheduler.Scheduler` runs each minute;
- :func:`send_test` — the "Kirim uji" of Pengaturan.

Each returns the :class:`~monitoring.delivery.outbox.Delivery` rows it attempted. Every message is first
written to the outbox (:mod:`monitoring.delivery.outbox`) and then sent, so a failure is retried later
and a message already in the log is never queued again. Network I/O happens outside the store's write lock.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import uuid

import duckdb
import lokal
import pandas as pd

from monitoring import schema as S
from monitoring.clock import as_utc
from monitoring.delivery import outbox
from monitoring.delivery._base import Answer, Channel, Message
from monitoring.delivery.alerts import IssueAlert, alert_candidates
from monitoring.delivery.briefing_mail import (
    attachments_of,
    briefing_message,
    briefing_subject,
    briefings_folder,
    file_stem,
    write_files,
)
from monitoring.delivery.config import (
    CHANNEL_LABELS,
    ChannelNotConfiguredError,
    DeliveryConfig,
    load_config,
)
from monitoring.errors import UserError
from monitoring.report.briefing import (
    NoBriefingDataError,
    build_briefing,
    local_time,
    long_date,
    short_time,
)
from monitoring.store import database as storage

DELIVERY_LOCK = threading.RLock()  # one delivery run at a time in this process: a due row is sent once
ALERTS_STATE = "delivery_alerts"   # {"version": store version last looked at, "waiting": alerts in a quiet period}


def _now(now: pd.Timestamp | None) -> pd.Timestamp:
    return as_utc(now) if now is not None else pd.Timestamp.now(tz="UTC")


def due_briefing_date(now: pd.Timestamp, config: DeliveryConfig) -> dt.date | None:
    """Yesterday (local) once today's ``briefing_time`` has passed; None before it."""
    local = local_time(now, config.timezone)
    hour, minute = map(int, config.values["briefing_time"].split(":"))
    return local.date() - dt.timedelta(days=1) if (local.hour, local.minute) >= (hour, minute) else None


# --- the daily briefing ----------------------------------------------------------------------------
def deliver_briefing(con: duckdb.DuckDBPyConnection, *, date: dt.date | None = None, region: str | None = None,
                     now: pd.Timestamp | None = None) -> list[outbox.Delivery]:
    """E-mail the briefing of ``date`` (default: the local day before ``now``) to every briefing recipient.

    ``region``: a province code, or ``"ID"`` for the national briefing only; default: national plus every
    province of ``briefing_provinces``. Recipients who already have it (or are waiting for a retry that is
    not due yet) are skipped. Raises :class:`ChannelNotConfiguredError` without e-mail settings.
    """
    now, config = _now(now), load_config(con)
    channel = config.channel("email", "briefing")
    today = local_time(now, config.timezone).date()
    date = date or today - dt.timedelta(days=1)
    if date >= today:
        raise UserError(f"Hari {date.isoformat()} belum selesai; briefing dibuat untuk hari yang sudah lewat "
                        f"(paling akhir {(today - dt.timedelta(days=1)).isoformat()}).")
    if region is not None and region != S.NATIONAL_CODE and region not in lokal.PROVINCES:
        raise UserError(f"Kode wilayah '{region}' tidak dikenal. Gunakan kode provinsi dua digit (mis. 53) atau ID.")
    areas = [region] if region else [S.NATIONAL_CODE, *config.values["briefing_provinces"]]
    with DELIVERY_LOCK:
        return [d for area in areas for d in _briefing_area(con, config, channel, date, area, now)]


def _briefing_area(con: duckdb.DuckDBPyConnection, config: DeliveryConfig, channel: Channel, date: dt.date,
                   area: str, now: pd.Timestamp) -> list[outbox.Delivery]:
    key, subject = f"briefing:{date.isoformat()}:{area}", briefing_subject(date, area, config.timezone)
    for recipient in channel.recipients("briefing"):
        if not outbox.queued(con, key, channel.name, recipient):
            outbox.enqueue(con, kind="briefing", what=subject, channel=channel.name, recipient=recipient,
                           dedup_key=key, now=now, payload=json.dumps({"date": date.isoformat(), "region": area}))
    rows = outbox.due(con, "briefing", now, dedup_key=key)
    if not rows:
        return []
    try:
        message = _briefing_email(con, config, date, area, subject, now)
    except UserError as err:  # no data for that day yet, a full disk: retried later, shown on Pengaturan
        return [outbox.record_attempt(con, row, Answer(False, str(err)), now) for row in rows]
    return [outbox.record_attempt(con, row, channel.send(message, row.recipient), now) for row in rows]


def _briefing_email(con: duckdb.DuckDBPyConnection, config: DeliveryConfig, date: dt.date, area: str,
                    subject: str, now: pd.Timestamp) -> Message:
    """Build the briefing, write its files, and make the e-mail (raises UserError when there is no data)."""
    values, timezone = config.values, config.timezone
    b = build_briefing(con, date=date, region=None if area == S.NATIONAL_CODE else area, timezone=timezone,
                       recent_hours=values["recent_hours"], baseline_days=values["baseline_days"], generated_at=now)
    if local_time(b.now, timezone).date() != date:  # the data ends before that day: nothing to brief on
        raise NoBriefingDataError(f"Belum ada unggahan untuk {long_date(b.now + pd.Timedelta(days=1), timezone)} "
                                  f"atau sesudahnya: data terakhir {short_time(b.now, timezone)} {timezone}. "
                                  "Unggah data hari itu; briefing dicoba lagi otomatis.")
    written, skipped = write_files(b, briefings_folder(con), file_stem(date, area))
    link = f"{values['dashboard_url'].rstrip('/')}/briefing"
    return briefing_message(b, subject, attachments_of(written), skipped, link)


# --- alerts ------------------------------------------------------------------------------------------
def deliver_alerts(con: duckdb.DuckDBPyConnection, *, now: pd.Timestamp | None = None,
                   find_new: bool = True) -> list[outbox.Delivery]:
    """Queue the alerts not yet told to each alert channel and recipient, then send what is due.

    ``find_new=False`` only retries queued messages. Raises :class:`ChannelNotConfiguredError` when no
    alert channel is configured.
    """
    now, config = _now(now), load_config(con)
    channels = config.alert_channels()
    if not channels:
        raise ChannelNotConfiguredError(
            "Belum ada kanal peringatan yang dikonfigurasi: atur e-mail (PANTAUISU_SMTP_HOST, PANTAUISU_MAIL_FROM, "
            "PANTAUISU_BRIEFING_RECIPIENTS), PANTAUISU_ALERT_WEBHOOK_URL, atau PANTAUISU_TELEGRAM_BOT_TOKEN dan "
            "PANTAUISU_TELEGRAM_CHAT_ID, dan pilih kanalnya di alert_channels.")
    with DELIVERY_LOCK:
        if find_new:
            version = storage.store_version(con)
            alerts = alert_candidates(con, config.values, now)
            waiting = [_queue_alerts(con, config, c.name, r, alerts, now) for c in channels for r in c.recipients("alert")]
            with storage.transaction(con):
                storage.set_state(con, ALERTS_STATE, {"version": version, "waiting": any(waiting)})
        return _send_due(con, "alert", channels, now)


def _queue_alerts(con: duckdb.DuckDBPyConnection, config: DeliveryConfig, channel: str, recipient: str,
                  alerts: list[IssueAlert], now: pd.Timestamp) -> bool:
    """Queue what this recipient has not been told; True when an alert waits for a quiet period to end.

    Quiet period: no second message about an issue within ``alert_quiet_minutes``. Daily cap: beyond
    ``alert_daily_cap`` messages since local midnight, alerts are recorded as held and never sent.
    """
    values = config.values
    told = outbox.known_keys(con, "alert", channel, recipient)
    quiet = outbox.recent_keys(con, "alert", channel, recipient, now - pd.Timedelta(minutes=values["alert_quiet_minutes"]))
    quiet_issues = {key.split(":")[1] for joined in quiet for key in joined.split()}
    local = local_time(now, config.timezone)
    today = len(outbox.recent_keys(con, "alert", channel, recipient, now - (local - local.normalize())))
    waiting = False
    for alert in alerts:
        if alert.keys <= told:
            continue
        if alert.issue_id in quiet_issues:
            waiting = True
            continue
        held = today >= values["alert_daily_cap"]
        outbox.enqueue(con, kind="alert", what=alert.subject, channel=channel, recipient=recipient,
                       dedup_key=alert.dedup_key, now=now, payload=alert.message(config.timezone).to_payload(),
                       status=outbox.HELD if held else outbox.PENDING,
                       note=f"Batas harian {values['alert_daily_cap']} peringatan tercapai; tidak dikirim." if held else None)
        today += 1
    return waiting


def _send_due(con: duckdb.DuckDBPyConnection, kind: str, channels: list[Channel], now: pd.Timestamp
              ) -> list[outbox.Delivery]:
    """Send every due row of ``kind`` through its channel (rows of unconfigured channels wait)."""
    by_name, results = {c.name: c for c in channels}, []
    for row in outbox.due(con, kind, now):
        channel = by_name.get(row.channel)
        if channel is not None and row.payload:
            answer = channel.send(Message.from_payload(row.payload), row.recipient)
            results.append(outbox.record_attempt(con, row, answer, now))
    return results


# --- what is due, and the test message ---------------------------------------------------------------
def run_due(con: duckdb.DuckDBPyConnection, now: pd.Timestamp | None = None) -> list[outbox.Delivery]:
    """Deliver what is due at ``now``: the latest due briefing (when e-mail is configured), new alerts
    after the store changed (or when some waited for a quiet period), and retries whose time has come."""
    now, config = _now(now), load_config(con)
    results = []
    if not config.missing("email", "briefing"):
        results += _due_briefings(con, config, now)
    if config.alert_channels():
        state = storage.get_state(con, ALERTS_STATE) or {}
        find_new = state.get("version") != storage.store_version(con) or bool(state.get("waiting"))
        results += deliver_alerts(con, now=now, find_new=find_new)
    return results


def _due_briefings(con: duckdb.DuckDBPyConnection, config: DeliveryConfig, now: pd.Timestamp
                   ) -> list[outbox.Delivery]:
    """Yesterday's briefings once their hour has passed, and retries of earlier ones whose time has come."""
    retries = {tuple(json.loads(row.payload).values()) for row in outbox.due(con, "briefing", now) if row.payload}
    day = due_briefing_date(now, config)
    todo = retries | ({(day.isoformat(), area) for area in (S.NATIONAL_CODE, *config.values["briefing_provinces"])}
                      if day else set())
    channel = config.channel("email", "briefing")
    with DELIVERY_LOCK:
        return [d for date, area in sorted(todo)
                for d in _briefing_area(con, config, channel, dt.date.fromisoformat(date), area, now)]


def send_test(con: duckdb.DuckDBPyConnection, channel_name: str, *, now: pd.Timestamp | None = None
              ) -> list[outbox.Delivery]:
    """Send a short test message to every recipient of one channel; the server's answers, recorded."""
    now, config = _now(now), load_config(con)
    channel = config.channel(channel_name)
    label = CHANNEL_LABELS[channel_name]
    when = f"{short_time(now, config.timezone)} {config.timezone}"
    subject = f"PantauIsu: pesan uji {label}"
    text = (f"Ini pesan uji dari PantauIsu, dikirim {when}. Jika pesan ini sampai, kanal {label} siap mengirim "
            "briefing harian dan peringatan.")
    message = Message(subject=subject, text=text, html=f"<p>{text}</p>",
                      document={"source": "pantauisu", "type": "test", "subject": subject, "text": text})
    results = []
    with DELIVERY_LOCK:
        for recipient in channel.recipients("uji"):
            row = outbox.enqueue(con, kind="uji", what=subject, channel=channel_name, recipient=recipient,
                                 dedup_key=f"uji:{uuid.uuid4().hex}", now=now)
            results.append(outbox.record_attempt(con, row, channel.send(message, recipient), now, final=True))
    return results
