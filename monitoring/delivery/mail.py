"""E-mail over SMTP: no encryption, STARTTLS or implicit TLS; one message per recipient.

Every recipient gets their own SMTP transaction (nobody sees the others' addresses, and a refused
address does not stop the rest); the answer is the server's reply to the message (``250 …``).
Headers are built from plain one-line text, so data can never add a header (no CR/LF reaches them).
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid

from monitoring.delivery._base import Answer, Channel, Message, describe_error, plain

TLS_MODES = ("none", "starttls", "ssl")


def build_email(message: Message, sender: str, recipient: str) -> EmailMessage:
    """A MIME message: text part, HTML alternative (when given) and attachments."""
    mime = EmailMessage(policy=SMTP_POLICY)
    mime["Subject"] = plain(message.subject, 250)
    mime["From"] = plain(sender)
    mime["To"] = plain(recipient)
    mime["Date"] = formatdate(usegmt=True)
    mime["Message-ID"] = make_msgid(domain=plain(sender).rpartition("@")[2] or None)
    mime["Auto-Submitted"] = "auto-generated"  # no out-of-office replies
    mime.set_content(message.text, charset="utf-8")
    if message.html:
        mime.add_alternative(message.html, subtype="html", charset="utf-8")
    for item in message.attachments:
        maintype, _, subtype = item.content_type.partition("/")
        mime.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=plain(item.filename))
    return mime


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


class EmailChannel(Channel):
    """SMTP delivery. ``tls``: 'none', 'starttls' or 'ssl' (implicit TLS, usually port 465)."""

    name = "email"

    def __init__(self, *, host: str, port: int, tls: str, user: str, password: str, sender: str,
                 briefing_recipients: tuple[str, ...], alert_recipients: tuple[str, ...] = (), **options) -> None:
        super().__init__(**options)
        if tls not in TLS_MODES:
            raise ValueError(f"tls must be one of {TLS_MODES}")
        self.host, self.port, self.tls, self.user = host, int(port), tls, user
        self._password = password
        self.sender = sender
        self.briefing_recipients = tuple(briefing_recipients)
        self.alert_recipients = tuple(alert_recipients) or self.briefing_recipients

    def __repr__(self) -> str:  # never the password
        return f"EmailChannel({self.host}:{self.port}, tls={self.tls}, from={self.sender})"

    def recipients(self, kind: str) -> tuple[str, ...]:
        return self.briefing_recipients if kind == "briefing" else self.alert_recipients

    def secrets(self) -> tuple[str, ...]:
        return (self._password,)

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls == "starttls":
            smtp.ehlo()
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        return smtp

    def _send_once(self, message: Message, recipient: str) -> Answer:
        data = build_email(message, self.sender, recipient).as_bytes()
        try:
            with self._connect() as smtp:
                smtp.ehlo_or_helo_if_needed()
                if self.user:
                    smtp.login(self.user, self._password)
                for step, expected in ((lambda: smtp.mail(self.sender), (250,)),
                                       (lambda: smtp.rcpt(recipient), (250, 251))):
                    code, text = step()
                    if code not in expected:
                        return Answer(False, _reply(code, text), transient=400 <= code < 500)
                code, text = smtp.data(data)
                return Answer(code == 250, _reply(code, text), transient=400 <= code < 500)
        except smtplib.SMTPResponseException as err:
            return Answer(False, _reply(err.smtp_code, err.smtp_error), transient=400 <= err.smtp_code < 500)
        except smtplib.SMTPNotSupportedError as err:  # no STARTTLS, or no AUTH (without TLS) on this server
            return Answer(False, f"Perintah tidak didukung server SMTP: {err} Periksa smtp_tls dan smtp_port.")
        except (smtplib.SMTPException, ssl.SSLError) as err:
            return Answer(False, f"Kesalahan SMTP/TLS: {err}", transient=True)
        except OSError as err:
            return Answer(False, describe_error(err), transient=True)
