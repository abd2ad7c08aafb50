"""Pengaturan's delivery section: channels (non-secret parts), "Kirim uji", the delivery log and failures.

Secrets are shown only as set / not set. Servers' answers and subjects come from outside (or from post
text) and are shown as literal text (``st.code``, ``st.dataframe``), never as Markdown.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitoring.delivery import outbox
from monitoring.delivery.config import CHANNEL_LABELS, DeliveryConfig, load_config
from monitoring.delivery.jobs import send_test
from monitoring.store.queries import TZ_OFFSETS
from ui import common

SECRETS = {"smtp_password": "PANTAUISU_SMTP_PASSWORD", "alert_webhook_url": "PANTAUISU_ALERT_WEBHOOK_URL",
           "telegram_bot_token": "PANTAUISU_TELEGRAM_BOT_TOKEN"}
LOG_COLUMNS = {"created_at": "Dibuat", "kind": "Jenis", "what": "Pesan", "channel": "Kanal", "recipient": "Penerima",
               "status": "Status", "attempts": "Percobaan", "last_attempt_at": "Terakhir dicoba",
               "next_attempt_at": "Dicoba lagi", "answer": "Jawaban server", "last_error": "Kesalahan terakhir"}


def _channel_lines(config: DeliveryConfig) -> list[str]:
    lines = []
    for name, label in CHANNEL_LABELS.items():
        missing = config.missing(name)
        lines.append(f"{label}: siap" if not missing else f"{label}: belum dikonfigurasi (perlu {', '.join(missing)})")
    for name, env in SECRETS.items():
        is_set = bool({"smtp_password": config.smtp_password, "alert_webhook_url": config.webhook_url,
                       "telegram_bot_token": config.telegram_token}[name])
        lines.append(f"Rahasia {name}: {'diatur' if is_set else 'belum diatur'} ({env} atau [pantauisu] {name} "
                     "di .streamlit/secrets.toml)")
    return lines


def _schedule_line(config: DeliveryConfig) -> str:
    values = config.values
    provinces = ", ".join(values["briefing_provinces"]) or "tidak ada"
    return (f"Briefing harian (hari sebelumnya) dikirim setiap hari pukul {values['briefing_time']} {config.timezone}"
            f" ke {len(values['briefing_recipients'])} penerima (nasional; provinsi: {provinces}); yang gagal dicoba "
            f"lagi sampai 24 jam. Peringatan: skor minimal {values['alert_min_score']}, jeda "
            f"{values['alert_quiet_minutes']} menit per isu, maksimum {values['alert_daily_cap']} per penerima per hari.")


def _local(frame: pd.DataFrame, timezone: str) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("created_at", "last_attempt_at", "next_attempt_at"):
        stamps = pd.to_datetime(frame[column], utc=True)
        frame[column] = (stamps.dt.tz_localize(None) + pd.Timedelta(hours=TZ_OFFSETS[timezone])).dt.strftime(
            "%d/%m/%Y %H:%M").fillna("")
    return frame.rename(columns=LOG_COLUMNS)


def _test_buttons(config: DeliveryConfig) -> None:
    ready = config.configured()
    if not ready:
        st.caption("Belum ada kanal yang siap; atur variabel lingkungan atau pengaturan di atas.")
        return
    columns = st.columns(len(ready))
    for column, name in zip(columns, ready):
        if column.button(f"Kirim uji {CHANNEL_LABELS[name]}", key=f"delivery_test_{name}"):
            results = common.run_safely(lambda name=name: send_test(common.connection(), name))
            for result in results or []:
                shown = st.success if result.status == outbox.SENT else st.error
                shown(f"{CHANNEL_LABELS[name]} → {result.recipient}: {result.status}")
                st.code(result.answer if result.status == outbox.SENT else result.last_error, language=None)


def delivery_section(con, *, admin: bool) -> None:
    """Pengaturan's "Pengiriman" section (admins only beyond the heading)."""
    st.header("Pengiriman briefing dan peringatan")
    if not admin:
        st.caption("Konfigurasi pengiriman dan log pengiriman hanya untuk admin.")
        return
    config = common.run_safely(lambda: load_config(con))
    if config is None:
        return
    st.text("\n".join(_channel_lines(config)))
    st.caption(_schedule_line(config))
    common.settings_form("pengiriman", admin=admin, key="delivery_settings_form")
    st.subheader("Kirim uji")
    _test_buttons(config)
    st.subheader("Gagal atau menunggu dikirim ulang")
    problems = outbox.log_frame(con, limit=50, problems_only=True)
    if problems.empty:
        st.caption("Tidak ada pengiriman yang gagal.")
    else:
        st.dataframe(_local(problems, config.timezone), hide_index=True, key="delivery_failures")
    st.subheader("Log pengiriman")
    log = outbox.log_frame(con, limit=100)
    if log.empty:
        st.caption("Belum ada pesan yang dikirim.")
    else:
        st.dataframe(_local(log, config.timezone), hide_index=True, key="delivery_log")
