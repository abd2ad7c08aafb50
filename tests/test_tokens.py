"""API tokens: stored as sha256 only, scoped, revocable, last use recorded without waiting; the
Pengaturan section shows a new token once."""
from __future__ import annotations

import hashlib
import threading

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import ROOT

from monitoring.errors import UserError
from monitoring.server import tokens
from monitoring.store import database as storage


def test_a_token_is_stored_as_its_hash_and_found_until_revoked(store):
    token_id, secret = tokens.create_token(store, "scraper harian", "tulis")
    assert secret.startswith("pis_") and len(secret) > 40
    rows = store.execute("SELECT * FROM api_tokens").fetchall()
    assert secret not in repr(rows) and hashlib.sha256(secret.encode()).hexdigest() in repr(rows)
    found = tokens.find_token(store, secret)
    assert (found.token_id, found.name, found.scope) == (token_id, "scraper harian", "tulis")
    assert tokens.find_token(store, secret + "x") is None and tokens.find_token(store, "salah") is None
    assert tokens.revoke_token(store, token_id) and not tokens.revoke_token(store, token_id)
    assert tokens.find_token(store, secret) is None
    assert tokens.list_tokens(store)["revoked_at"].notna().all()


@pytest.mark.parametrize("name,scope,words", [("", "baca", "wajib diisi"), ("x" * 81, "baca", "paling banyak"),
                                              ("skrip", "admin", "tidak dikenal")])
def test_a_bad_name_or_scope_is_refused_in_indonesian(store, name, scope, words):
    with pytest.raises(UserError, match=words):
        tokens.create_token(store, name, scope)


def test_scopes():
    read, write = tokens.TokenInfo(1, "a", "baca"), tokens.TokenInfo(2, "b", "tulis")
    assert read.allows("baca") and not read.allows("tulis") and write.allows("tulis") and write.allows("baca")


def test_last_use_is_written_later_when_a_write_holds_the_store(store):
    token_id, secret = tokens.create_token(store, "dasbor", "baca")
    usage = tokens.UsageLog()
    usage.note(tokens.find_token(store, secret))
    held, release = threading.Event(), threading.Event()

    def long_write():
        with storage.transaction(store):
            held.set()
            release.wait(5)

    writer = threading.Thread(target=long_write)
    writer.start()
    held.wait(5)
    assert usage.flush(store) == 0  # returns at once instead of waiting for the write
    release.set()
    writer.join()
    assert usage.flush(store) == 1
    assert tokens.list_tokens(store)["last_used_at"].notna().all()


def test_pengaturan_creates_a_token_shown_once_and_revokes_it(tmp_path, monkeypatch):
    path = tmp_path / "tokens.duckdb"
    monkeypatch.setenv("PANTAUISU_DB_PATH", str(path))
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/pengaturan.py")
    at.run()
    at.text_input(key="token_name").input("scraper harian")
    at.selectbox(key="token_scope").set_value("baca")
    at.button(key="create_token").click()
    at.run()
    assert not at.exception
    shown = [c.value for c in at.code]
    assert len(shown) == 1 and shown[0].startswith("pis_")
    con = storage.connect(path)
    found = tokens.find_token(con, shown[0])
    assert (found.name, found.scope) == ("scraper harian", "baca")
    at.run()
    assert not at.code  # shown once
    at.button(key="revoke_token").click()
    at.run()
    assert not at.exception and tokens.find_token(con, shown[0]) is None
    con.close()
