"""Shared fixtures: a real DuckDB store in a temp folder, and a small analysed demo store."""
from __future__ import annotations

import os

import pandas as pd
import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from monitoring import storage  # noqa: E402

NOW = pd.Timestamp("2026-11-21T00:00:00Z")


@pytest.fixture
def store(tmp_path):
    """An empty store in a temp file."""
    con = storage.connect(tmp_path / "store.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory):
    """Path of a store holding the analysed demo dataset (built once per test session)."""
    from monitoring.pipeline import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = storage.connect(path)
    load_demo(con, n_posts=2500, seed=11)
    con.close()
    return path
