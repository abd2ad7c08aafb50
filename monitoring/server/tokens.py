"""API tokens: created and revoked by admins on Pengaturan, checked on every API request.

A token is shown once, when it is created; the store keeps only its sha256, its name, its scope
(``baca``: read endpoints; ``tulis``: also imports and analyses), when it was created, last used and
revoked. Revoked tokens stay listed so the admin sees what existed.

Last-used times are noted in memory on each request (:class:`UsageLog`) and written when the
writer lock is free: a read request never waits for an import's transaction to note its token.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

import duckdb
import pandas as pd

from monitoring.errors import UserError
from monitoring.store import database as storage

READ, WRITE = "baca", "tulis"
SCOPES = (READ, WRITE)
SCOPE_LABELS = {READ: "baca (hanya membaca)", WRITE: "tulis (membaca, mengimpor, menganalisis)"}
TOKEN_PREFIX = "pis_"
MAX_NAME = 80


@dataclass(frozen=True)
class TokenInfo:
    """Who is calling: a stored token's id (``None`` for the server's local CLI token), name and scope."""

    token_id: int | None
    name: str
    scope: str

    def allows(self, needed: str) -> bool:
        """Whether this token may call an endpoint of scope ``needed``."""
        return needed == READ or self.scope == WRITE


def hash_token(secret: str) -> str:
    """The sha256 (hex) under which a token is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A fresh random token (256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_token(con: duckdb.DuckDBPyConnection, name: str, scope: str) -> tuple[int, str]:
    """Store a new token; returns its id and the token itself (show it once, it is not kept)."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise UserError(f"Nama token wajib diisi (paling banyak {MAX_NAME} karakter), mis. 'scraper harian'.")
    if scope not in SCOPES:
        raise UserError(f"Cakupan token '{scope}' tidak dikenal. Pilih baca atau tulis.")
    secret = new_secret()
    with storage.transaction(con):
        token_id = con.execute("SELECT nextval('api_token_id_seq')").fetchall()[0][0]
        con.execute("INSERT INTO api_tokens VALUES (?, ?, ?, ?, now(), NULL, NULL)",
                    [token_id, name, scope, hash_token(secret)])
    return int(token_id), secret


def revoke_token(con: duckdb.DuckDBPyConnection, token_id: int) -> bool:
    """Revoke a token: requests carrying it get 401 from now on. False when it was not live."""
    with storage.transaction(con):
        changed = con.execute("UPDATE api_tokens SET revoked_at = now() WHERE token_id = ? AND revoked_at IS NULL",
                              [int(token_id)]).fetchall()
    return bool(changed and changed[0][0])


def list_tokens(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every token (never its secret or hash), newest first."""
    return storage.query_df(con, "SELECT token_id, name, scope, created_at, last_used_at, revoked_at "
                                 "FROM api_tokens ORDER BY token_id DESC")


def find_token(con: duckdb.DuckDBPyConnection, secret: str) -> TokenInfo | None:
    """The live (not revoked) token with this secret, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    cursor = con.cursor()
    try:
        rows = cursor.execute("SELECT token_id, name, scope, token_sha256 FROM api_tokens "
                              "WHERE token_sha256 = ? AND revoked_at IS NULL", [hash_token(secret)]).fetchall()
    finally:
        cursor.close()
    if not rows or not hmac.compare_digest(rows[0][3], hash_token(secret)):
        return None
    return TokenInfo(int(rows[0][0]), rows[0][1], rows[0][2])


class UsageLog:
    """Last-used times noted per request and written to the store in one go when it is free."""

    def __init__(self) -> None:
        self._seen: dict[int, float] = {}
        self._lock = threading.Lock()

    def note(self, token: TokenInfo) -> None:
        if token.token_id is not None:
            with self._lock:
                self._seen[token.token_id] = time.time()

    def flush(self, con: duckdb.DuckDBPyConnection, *, wait: bool = False) -> int:
        """Write the noted times; without ``wait`` only when no other write holds the lock.
        Returns how many tokens were written."""
        with self._lock:
            seen, self._seen = self._seen, {}
        if not seen:
            return 0
        if not storage.WRITE_LOCK.acquire(blocking=wait):
            with self._lock:
                self._seen = {**seen, **self._seen}
            return 0
        try:
            with storage.transaction(con):
                for token_id, stamp in seen.items():
                    con.execute("UPDATE api_tokens SET last_used_at = to_timestamp(?) WHERE token_id = ?",
                                [stamp, token_id])
        finally:
            storage.WRITE_LOCK.release()
        return len(seen)
