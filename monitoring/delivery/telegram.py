"""Telegram Bot API: ``sendMessage`` to one chat, as plain text.

No ``parse_mode`` is sent, so Telegram renders nothing of the text as Markdown or HTML: a post holding
``<script>`` or ``[klik](http://…)`` arrives exactly as written. Link previews are off. The API base URL
is a setting (``telegram_api_url``), so tests and self-hosted Bot API servers can take Telegram's place.
"""
from __future__ import annotations

import json

from monitoring.delivery._base import Answer, Channel, Message
from monitoring.delivery.webhook import post_json

TEXT_LIMIT = 4096  # Telegram's limit for one message


class TelegramChannel(Channel):
    """Sends the message's plain text to ``chat_id`` through the bot ``token`` (a secret)."""

    name = "telegram"

    def __init__(self, *, api_url: str, token: str, chat_id: str, **options) -> None:
        super().__init__(**options)
        self.api_url = api_url.rstrip("/")
        self._token = token
        self.chat_id = str(chat_id)

    def __repr__(self) -> str:
        return f"TelegramChannel({self.api_url}, chat={self.chat_id})"

    def recipients(self, kind: str) -> tuple[str, ...]:
        return (self.chat_id,)

    def secrets(self) -> tuple[str, ...]:
        return (self._token,)

    def _send_once(self, message: Message, recipient: str) -> Answer:
        text = message.text if len(message.text) <= TEXT_LIMIT else message.text[:TEXT_LIMIT - 1] + "…"
        document = {"chat_id": recipient, "text": text, "link_preview_options": {"is_disabled": True}}
        answer, status, body = post_json(f"{self.api_url}/bot{self._token}/sendMessage", document,
                                         timeout=self.timeout)
        try:
            reply = json.loads(body) if body else {}
        except json.JSONDecodeError:
            reply = {}
        if not isinstance(reply, dict) or status is None:
            return answer
        if reply.get("ok") is True:
            message_id = (reply.get("result") or {}).get("message_id")
            return Answer(True, f"ok, message_id {message_id}")
        description = reply.get("description") or answer.text
        return Answer(False, f"Telegram {reply.get('error_code', status)}: {description}", answer.transient)
