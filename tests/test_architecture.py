"""Rules of the code base that are easy to break by accident."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_library_never_imports_streamlit():
    offenders = [p.name for p in (ROOT / "monitoring").glob("*.py")
                 if re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_pages_never_render_raw_html():
    offenders = [p.name for p in (ROOT / "pages").glob("*.py")
                 if re.search(r"unsafe_allow_html\s*=\s*True|st\.html\(", p.read_text(encoding="utf-8"))]
    offenders += [name for name in ("dashboard.py", "navigation.py")
                  if "unsafe_allow_html=True" in (ROOT / name).read_text()]
    assert offenders == []


def test_usage_statistics_are_off_and_tracebacks_hidden():
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "gatherUsageStats = false" in config
    assert 'showErrorDetails = "none"' in config


def test_requirements_pin_pysastrawi_and_never_sastrawi():
    lines = [l.strip().lower() for l in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "pysastrawi==1.2.1" in lines
    assert not any(l.startswith("sastrawi") for l in lines)
    assert all("==" in l for l in lines if l and not l.startswith("#"))
