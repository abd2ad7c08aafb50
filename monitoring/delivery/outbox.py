"""The delivery log: an outbox and its history in the ``delivery_log`` table, one row per message ×
channel × recipient.

A row is written before anything is sent (status ``menunggu``) and updated after every attempt:
``terkirim`` with the server's answer, or still ``menunggu`` with the error and the time of the next
attempt (5 min, doubling up to an hour), until a day has passed (``gagal``: given up, shown on
Pengaturan). ``ditahan`` rows were stopped by the daily cap and are never sent. The dedup key says what
a row is about (``briefing:2026-11-20:ID``, or an alert's event keys separated by spaces); a key already
in the log for a channel and recipient is never queued again, so nothing is sent twice.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from monitoring.clock import as_utc
from monitoring.delivery._base import Answer
from monitoring.store import database as storage

PENDING, SENT, FAILED, HELD = "menunggu", "terkirim", "gagal", "ditahan"
RETRY_FIRST = pd.Timedelta(minutes=5)
RETRY_MAX = pd.Timedelta(hours=1)
GIVE_UP_AFTER = pd.Timedelta(hours=24)
_COLUMNS = ("delivery_id", "kind", "what", "channel", "recipient", "dedup_key", "status", "attempts",
            "created_at", "last_attempt_at", "next_attempt_at", "answer", "last_error", "payload")


@dataclass(frozen=True)
class Delivery:
    """One row of the delivery log."""

    delivery_id: str
    kind: str          # "briefing" | "alert" | "uji"
    what: str          # the subject
    channel: str
    recipient: str     # as shown: an address, a chat id, a webhook's host
    dedup_key: str
    status: str
    attempts: int
    created_at: pd.Timestamp
    last_attempt_at: pd.Timestamp | None = None
    next_attempt_at: pd.Timestamp | None = None
    answer: str | None = None       # the server's answer to the successful attempt
    last_error: str | None = None   # the latest failure (kept after a later success), or why it is held
    payload: str | None = None      # what a retry needs: the message (alerts) or the day and region (briefing)

    def summary(self) -> dict:
        """What the CLI prints: channel, recipient, status, what, the answer or the error."""
        return {"channel": self.channel, "recipient": self.recipient, "status": self.status, "what": self.what,
                "answer": self.answer if self.status == SENT else self.last_error}


def _rows(con: duckdb.DuckDBPyConnection, where: str, params: list) -> list[Delivery]:
    frame = storage.query_df(con, f"SELECT {', '.join(_COLUMNS)} FROM delivery_log WHERE {where} "
                                  "ORDER BY created_at, delivery_id", params)
    return [Delivery(**{k: (None if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)) else v)
                        for k, v in row.items()}) for row in frame.to_dict("records")]


def enqueue(con: duckdb.DuckDBPyConnection, *, kind: str, what: str, channel: str, recipient: str,
            dedup_key: str, now: pd.Timestamp, payload: str | None = None, status: str = PENDING,
            note: str | None = None) -> Delivery:
    """Add a row (due at once when pending; ``note`` says why when it is not) and return it."""
    row = Delivery(uuid.uuid4().hex, kind, what, channel, recipient, dedup_key, status, 0, as_utc(now),
                   next_attempt_at=as_utc(now) if status == PENDING else None, last_error=note, payload=payload)
    with storage.transaction(con):
        con.execute(f"INSERT INTO delivery_log ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                    [getattr(row, c) for c in _COLUMNS])
    return row


def queued(con: duckdb.DuckDBPyConnection, dedup_key: str, channel: str, recipient: str) -> bool:
    """Whether a row with exactly this key exists for the channel and recipient (any status)."""
    return bool(storage.query_value(con, "SELECT count(*) FROM delivery_log WHERE dedup_key = ? AND channel = ? "
                                         "AND recipient = ?", [dedup_key, channel, recipient]))


def due(con: duckdb.DuckDBPyConnection, kind: str, now: pd.Timestamp, *, dedup_key: str | None = None
        ) -> list[Delivery]:
    """Pending rows of ``kind`` whose next attempt is at or before ``now`` (oldest first)."""
    where = "kind = ? AND status = ? AND next_attempt_at <= ?"
    params = [kind, PENDING, as_utc(now)]
    if dedup_key is not None:
        where, params = where + " AND dedup_key = ?", params + [dedup_key]
    return _rows(con, where, params)


def retry_delay(attempts: int) -> pd.Timedelta:
    """Wait before the next attempt after ``attempts`` failed ones: 5, 10, 20, 40 min, then every hour."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MAX)


def record_attempt(con: duckdb.DuckDBPyConnection, row: Delivery, answer: Answer, now: pd.Timestamp, *,
                   final: bool = False) -> Delivery:
    """Store an attempt's outcome; a failure stays pending (retried later) unless ``final`` or a day old."""
    now, attempts = as_utc(now), row.attempts + 1
    if answer.ok:
        status, next_at = SENT, None
    elif final or now - as_utc(row.created_at) >= GIVE_UP_AFTER:
        status, next_at = FAILED, None
    else:
        status, next_at = PENDING, now + retry_delay(attempts)
    with storage.transaction(con):
        con.execute("UPDATE delivery_log SET status = ?, attempts = ?, last_attempt_at = ?, next_attempt_at = ?, "
                    "answer = CASE WHEN ? THEN ? ELSE answer END, last_error = CASE WHEN ? THEN last_error "
                    "ELSE ? END WHERE delivery_id = ?",
                    [status, attempts, now, next_at, answer.ok, answer.text, answer.ok, answer.text,
                     row.delivery_id])
    return replace(row, status=status, attempts=attempts, last_attempt_at=now, next_attempt_at=next_at,
                   answer=answer.text if answer.ok else row.answer,
                   last_error=row.last_error if answer.ok else answer.text)


def known_keys(con: duckdb.DuckDBPyConnection, kind: str, channel: str, recipient: str) -> set[str]:
    """Every event key of ``kind`` already queued, sent, given up or held for the channel and recipient."""
    keys = storage.query_df(con, "SELECT dedup_key FROM delivery_log WHERE kind = ? AND channel = ? AND "
                                 "recipient = ?", [kind, channel, recipient])["dedup_key"]
    return {key for joined in keys.dropna() for key in str(joined).split()}


def recent_keys(con: duckdb.DuckDBPyConnection, kind: str, channel: str, recipient: str,
                since: pd.Timestamp) -> list[str]:
    """Dedup keys of rows of ``kind`` created at or after ``since`` (for quiet periods and daily caps)."""
    return storage.query_df(con, "SELECT dedup_key FROM delivery_log WHERE kind = ? AND channel = ? AND "
                                 "recipient = ? AND created_at >= ?",
                            [kind, channel, recipient, as_utc(since)])["dedup_key"].astype(str).tolist()


def log_frame(con: duckdb.DuckDBPyConnection, *, limit: int = 100, problems_only: bool = False) -> pd.DataFrame:
    """The latest rows for Pengaturan (newest first); ``problems_only``: rows not (yet) sent."""
    where = f"WHERE status <> '{SENT}'" if problems_only else ""
    return storage.query_df(con, f"""SELECT created_at, kind, what, channel, recipient, status, attempts,
        coalesce(last_attempt_at, created_at) AS last_attempt_at, next_attempt_at, answer, last_error
        FROM delivery_log {where} ORDER BY created_at DESC, delivery_id LIMIT ?""", [int(limit)])
