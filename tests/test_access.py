"""Access: with OIDC configured nothing is visible before login; without it the app says it is local."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "rahasia-panjang-sekali",
        "client_id": "pantauisu", "client_secret": "s3cr3t-jangan-bocor",
        "server_metadata_url": "https://sso.contoh.go.id/.well-known/openid-configuration"}


@pytest.fixture
def store(truth_db_path, tmp_path, monkeypatch):
    path = tmp_path / "store.duckdb"
    shutil.copy(truth_db_path, path)
    monkeypatch.setenv("PANTAUISU_DB_PATH", str(path))
    return path


def test_nothing_is_visible_before_login(store):
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Masuk"]
    assert len(at.metric) == 0 and len(at.multiselect) == 0 and len(at.dataframe) == 0
    shown = " ".join(str(e.value) for e in list(at.markdown) + list(at.caption) + list(at.text))
    assert "s3cr3t" not in shown and "rahasia" not in shown


def test_without_login_config_the_app_says_it_runs_locally(store):
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("login tidak dikonfigurasi" in c.value for c in at.caption)
    assert len(at.metric) > 0
