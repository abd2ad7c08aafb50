"""What every channel shares: the message, the server's answer, retries with backoff, hostile text made plain.

A channel (:class:`Channel`) sends one :class:`Message` to one recipient and returns the :class:`Answer`
the server gave (or why none came). :meth:`Channel.send` retries transient failures (timeouts, refused
connections, SMTP 4xx, HTTP 5xx/429) a bounded number of times with exponential backoff; whatever is still
failing after that is retried later by :mod:`monitoring.delivery.outbox`. Answers never hold a secret:
every secret the channel knows is replaced by ``***`` before the answer leaves it.
"""
from __future__ import annotations

import json
import re
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

ANSWER_LIMIT = 600  # characters of a server's answer kept in the log
# control characters and bidirectional overrides (text that reorders itself on screen)
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(value: Any, limit: int | None = None, *, one_line: bool = True) -> str:
    """Untrusted ``value`` as plain text: '' for missing, control characters dropped, at most ``limit``
    characters; ``one_line`` also turns line breaks into spaces (headers, subjects, table cells)."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    text = _UNSAFE.sub(" ", str(value))
    text = " ".join(text.split()) if one_line else "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return text if limit is None or len(text) <= limit else text[:limit - 1].rstrip() + "…"


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret (and its URL-quoted form) replaced by ``***``, at most ANSWER_LIMIT long."""
    for value in sorted((s for s in secrets if s), key=len, reverse=True):
        for form in {value, urllib.parse.quote(value, safe=""), urllib.parse.quote(value)}:
            text = text.replace(form, "***")
    return plain(text, ANSWER_LIMIT)


@dataclass(frozen=True)
class Attachment:
    """A file attached to an e-mail."""

    filename: str
    content_type: str  # "application/pdf"
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Message:
    """One message in the form each channel needs; every value is already escaped for its format.

    ``subject`` is one line of plain text; ``text`` plain text (Telegram, the e-mail text part);
    ``html`` the e-mail's HTML body ('' = text only); ``document`` the webhook's JSON document.
    """

    subject: str
    text: str
    html: str = ""
    document: dict = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()

    def to_payload(self) -> str:
        """JSON of the message without its attachments (what the outbox keeps for a retry)."""
        data = asdict(self)
        data.pop("attachments")
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_payload(cls, payload: str) -> "Message":
        return cls(**json.loads(payload))


@dataclass(frozen=True)
class Answer:
    """What the server answered. ``transient``: worth retrying in a moment (no answer, or "try later")."""

    ok: bool
    text: str
    transient: bool = False


class Channel:
    """A delivery channel: ``name``, :meth:`recipients` and :meth:`_send_once`; :meth:`send` adds retries.

    Args:
        retries: attempts within one :meth:`send` (at least 1).
        backoff: seconds before the second attempt; doubles for each further one.
        timeout: seconds one attempt may take (connect + answer).
    """

    name = ""

    def __init__(self, *, retries: int = 3, backoff: float = 2.0, timeout: float = 10.0) -> None:
        self.retries = max(int(retries), 1)
        self.backoff = float(backoff)
        self.timeout = float(timeout)

    def recipients(self, kind: str) -> tuple[str, ...]:
        """Who receives messages of ``kind`` ("briefing", "alert", "uji"), as shown in the log."""
        raise NotImplementedError

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in an answer or the log."""
        return ()

    def _send_once(self, message: Message, recipient: str) -> Answer:
        raise NotImplementedError

    def send(self, message: Message, recipient: str) -> Answer:
        """Send, retrying transient failures with exponential backoff; the last answer, secrets removed."""
        answer = Answer(False, "belum dicoba", transient=True)
        for attempt in range(self.retries):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            answer = self._send_once(message, recipient)
            if answer.ok or not answer.transient:
                break
        if not answer.ok and self.retries > 1 and answer.transient:
            answer = Answer(False, f"{answer.text} (setelah {self.retries} percobaan)", True)
        return Answer(answer.ok, redact(answer.text, self.secrets()), answer.transient)


def describe_error(err: BaseException) -> str:
    """A short Indonesian description of a network error (no traceback)."""
    inner = getattr(err, "reason", None)
    if isinstance(inner, BaseException):  # urllib wraps the socket's error
        return describe_error(inner)
    if isinstance(err, TimeoutError) or "timed out" in str(err).lower():
        return "Tidak ada jawaban dalam batas waktu (timeout)."
    if isinstance(err, ConnectionRefusedError):
        return "Koneksi ditolak: server tidak menerima koneksi di alamat/port ini."
    reason = getattr(err, "reason", None) or getattr(err, "strerror", None) or str(err) or type(err).__name__
    return f"Tidak dapat terhubung: {reason}."
