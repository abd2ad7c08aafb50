"""Settings are data: validated on load, overridable by environment, all documented."""
from __future__ import annotations

from pathlib import Path

import pytest

from monitoring.errors import SettingError
from monitoring.store import settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(setting):
    assert f"| {setting.name} |" in README
    assert setting.env_var in README


@pytest.mark.parametrize("name,raw", [("max_upload_mb", "0"), ("max_upload_mb", "banyak"),
                                      ("display_timezone", "UTC"), ("alert_k", "-1")])
def test_invalid_values_raise_an_indonesian_message(name, raw):
    with pytest.raises(SettingError, match="tidak valid"):
        settings.parse_setting(name, raw)


def test_environment_wins_over_stored_values(monkeypatch):
    monkeypatch.setenv("PANTAUISU_DISPLAY_TIMEZONE", "WITA")
    values = settings.load_settings({"display_timezone": "WIT", "max_upload_mb": "50"})
    assert values["display_timezone"] == "WITA" and values["max_upload_mb"] == 50


def test_unknown_setting_is_rejected():
    with pytest.raises(SettingError, match="tidak dikenal"):
        settings.parse_setting("warna", "biru")


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.name)
def test_every_setting_has_an_indonesian_label_for_the_pengaturan_page(setting):
    assert setting.name in settings.LABELS and settings.setting_label(setting.name) != setting.name
