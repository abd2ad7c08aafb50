"""The delivery configuration: settings from the store and the environment, secrets from the environment
or ``.streamlit/secrets.toml``, and the channels they make.

A channel counts as configured when the parts it cannot work without are set; :func:`missing` says,
in Indonesian, which are not. Secrets live only in :class:`DeliveryConfig` fields that ``repr`` hides.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from monitoring.delivery._base import Channel
from monitoring.delivery.mail import EmailChannel
from monitoring.delivery.telegram import TelegramChannel
from monitoring.delivery.webhook import WebhookChannel
from monitoring.errors import UserError
from monitoring.store import database as storage
from monitoring.store import settings

CHANNEL_LABELS = {"email": "E-mail", "webhook": "Webhook", "telegram": "Telegram"}


class ChannelNotConfiguredError(UserError):
    """A channel is needed but the settings it cannot work without are not set."""


@dataclass(frozen=True)
class DeliveryConfig:
    """Non-secret settings (``values``, as :func:`settings.load_settings` gives them) and the three secrets."""

    values: dict[str, Any]
    smtp_password: str = field(default="", repr=False)
    webhook_url: str = field(default="", repr=False)
    telegram_token: str = field(default="", repr=False)

    @property
    def timezone(self) -> str:
        return self.values["display_timezone"]

    def missing(self, name: str, kind: str = "alert") -> list[str]:
        """Environment variables (or settings) still needed for channel ``name``; [] when it is ready."""
        v = self.values
        needs = {
            "email": [("PANTAUISU_SMTP_HOST", v["smtp_host"]), ("PANTAUISU_MAIL_FROM", v["mail_from"]),
                      ("PANTAUISU_BRIEFING_RECIPIENTS", v["briefing_recipients"] or
                       (v["alert_recipients"] if kind != "briefing" else ()))],
            "webhook": [("PANTAUISU_ALERT_WEBHOOK_URL", self.webhook_url)],
            "telegram": [("PANTAUISU_TELEGRAM_BOT_TOKEN", self.telegram_token),
                         ("PANTAUISU_TELEGRAM_CHAT_ID", v["telegram_chat_id"])],
        }[name]
        return [env for env, value in needs if not value]

    def channel(self, name: str, kind: str = "alert") -> Channel:
        """The channel ``name``; raises :class:`ChannelNotConfiguredError` when it is not configured."""
        missing = self.missing(name, kind)
        if missing:
            raise ChannelNotConfiguredError(
                f"{CHANNEL_LABELS[name]} belum dikonfigurasi: atur {', '.join(missing)} (variabel lingkungan, "
                "Pengaturan, atau secrets.toml untuk rahasia).")
        v = self.values
        options = dict(retries=v["delivery_retries"], backoff=v["delivery_backoff_seconds"],
                       timeout=v["delivery_timeout_seconds"])
        if name == "email":
            return EmailChannel(host=v["smtp_host"], port=v["smtp_port"], tls=v["smtp_tls"], user=v["smtp_user"],
                                password=self.smtp_password, sender=v["mail_from"],
                                briefing_recipients=v["briefing_recipients"],
                                alert_recipients=v["alert_recipients"], **options)
        if name == "webhook":
            return WebhookChannel(url=self.webhook_url, **options)
        return TelegramChannel(api_url=v["telegram_api_url"], token=self.telegram_token,
                               chat_id=v["telegram_chat_id"], **options)

    def configured(self) -> list[str]:
        """Names of the channels that are configured (in the order e-mail, webhook, Telegram)."""
        return [name for name in settings.CHANNELS if not self.missing(name)]

    def alert_channels(self) -> list[Channel]:
        """The channels alerts go to: those chosen in ``alert_channels`` that are configured."""
        return [self.channel(name) for name in settings.CHANNELS
                if name in self.values["alert_channels"] and not self.missing(name)]


def load_config(con: duckdb.DuckDBPyConnection) -> DeliveryConfig:
    """Read the delivery configuration (stored settings, environment, secrets)."""
    return DeliveryConfig(values=settings.load_settings(storage.stored_settings(con)),
                          smtp_password=settings.secret("smtp_password"),
                          webhook_url=settings.secret("alert_webhook_url"),
                          telegram_token=settings.secret("telegram_bot_token"))
