"""HTTP channels: a generic webhook (POST of a JSON document) and the plain-text JSON POST they share.

Redirects are not followed (a webhook URL holds a token; it must not be sent elsewhere), bodies of
answers are read up to a few kilobytes, and every attempt has a timeout.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from monitoring.delivery._base import Answer, Channel, Message, describe_error

ANSWER_BYTES = 4096


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx becomes an HTTPError: the token stays with the configured host


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, document: dict, *, timeout: float) -> tuple[Answer, int | None, str]:
    """POST ``document`` as UTF-8 JSON; (answer, HTTP status or None, body text)."""
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "PantauIsu"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            text = response.read(ANSWER_BYTES).decode("utf-8", "replace")
            return Answer(True, f"HTTP {response.status}: {text}".strip()), response.status, text
    except urllib.error.HTTPError as err:
        text = err.read(ANSWER_BYTES).decode("utf-8", "replace") if err.fp else ""
        transient = err.code >= 500 or err.code in (408, 429)
        return Answer(False, f"HTTP {err.code}: {text or err.reason}".strip(), transient), err.code, text
    except (urllib.error.URLError, OSError, ValueError) as err:  # ValueError: a malformed URL
        return Answer(False, describe_error(err), transient=not isinstance(err, ValueError)), None, ""


def url_host(url: str) -> str:
    """The host of a URL, which is what the log shows of it (the path and query may hold a token)."""
    return urllib.parse.urlsplit(url).hostname or "webhook"


class WebhookChannel(Channel):
    """POSTs the message's JSON document to one URL (a secret: it usually carries a token)."""

    name = "webhook"

    def __init__(self, *, url: str, **options) -> None:
        super().__init__(**options)
        self._url = url

    def __repr__(self) -> str:
        return f"WebhookChannel({url_host(self._url)})"

    def recipients(self, kind: str) -> tuple[str, ...]:
        return (url_host(self._url),)

    def secrets(self) -> tuple[str, ...]:
        """The URL and every longer piece of its path and query (a token may come back alone in an answer)."""
        parts = urllib.parse.urlsplit(self._url)
        pieces = [*parts.path.split("/"), *(v for _, v in urllib.parse.parse_qsl(parts.query))]
        return (self._url, *(p for p in pieces if len(p) >= 8))

    def _send_once(self, message: Message, recipient: str) -> Answer:
        return post_json(self._url, message.document, timeout=self.timeout)[0]
