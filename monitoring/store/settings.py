"""Settings are data: a name, a default, a one-line help text, validated on load.

Values come from (lowest to highest priority) the defaults below, the ``settings`` table in
the store (edited on the Pengaturan page), and environment variables ``PANTAUISU_<NAME>``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable

from monitoring.data_files import DATA_DIR, USER_DATA_DIR  # noqa: F401 (DATA_DIR: re-exported)
from monitoring.errors import SettingError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env_var(self) -> str:
        return "PANTAUISU_" + self.name.upper()


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("harus lebih dari 0")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("harus lebih dari 0")
    return number


def _timezone(value: str) -> str:
    if value not in ("WIB", "WITA", "WIT"):
        raise ValueError("pilih WIB, WITA atau WIT")
    return value


def _scheduler_address(value: str) -> str:
    """Empty (this machine) or a Dask scheduler address such as ``tcp://10.0.0.5:8786``."""
    value = value.strip()
    if not value:
        return ""
    scheme, _, rest = value.partition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("tcp", "tls", "ws", "wss") or not host or not port.isdigit():
        raise ValueError("tulis alamat penjadwal Dask seperti tcp://10.0.0.5:8786, atau kosongkan")
    return value


SETTINGS = (
    Setting("db_path", str(USER_DATA_DIR / "pantauisu.duckdb"),
            "Lokasi berkas DuckDB tempat semua data disimpan."),
    Setting("max_upload_mb", 200, "Ukuran maksimum satu berkas unggahan (MB), diperiksa di server.",
            _positive_int),
    Setting("max_xlsx_unpacked_mb", 300,
            "Ukuran maksimum isi XLSX setelah diekstrak (MB); berkas lebih besar ditolak sebelum dibaca.",
            _positive_int),
    Setting("display_timezone", "WIB", "Zona waktu tampilan: WIB, WITA atau WIT.", _timezone),
    Setting("recent_hours", 24, "Panjang jendela terbaru untuk Isu Naik (jam).", _positive_int),
    Setting("baseline_days", 7, "Panjang jendela pembanding untuk Isu Naik (hari).", _positive_int),
    Setting("alert_k", 3.0, "Ambang lonjakan: rata-rata terbaru > rata-rata 7 hari + k x simpangan baku.",
            _positive_float),
    Setting("n_issues", 0, "Jumlah isu yang dicari; 0 = dipilih otomatis.", int),
    Setting("geojson_path", "", "Berkas GeoJSON batas provinsi milik Anda untuk peta choropleth (opsional)."),
    Setting("geojson_feature_key", "properties.kode",
            "Kunci fitur GeoJSON yang berisi kode provinsi Kemendagri (mis. properties.kode)."),
    Setting("dask_scheduler", "",
            "Alamat penjadwal Dask (mis. tcp://10.0.0.5:8786) untuk menjalankan analisis di klaster; "
            "kosong = di mesin ini.", _scheduler_address),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def parse_setting(name: str, raw: Any) -> Any:
    """Validate one raw value; raises :class:`SettingError` with an Indonesian message."""
    setting = SETTINGS_BY_NAME.get(name)
    if setting is None:
        raise SettingError(f"Pengaturan '{name}' tidak dikenal.")
    try:
        return setting.parse(str(raw))
    except (TypeError, ValueError) as err:
        raise SettingError(f"Nilai pengaturan '{name}' tidak valid ({raw!r}): {err}.") from err


def load_settings(stored: dict[str, str] | None = None) -> dict[str, Any]:
    """Resolve every setting from defaults, stored values and environment variables."""
    values = {s.name: s.default for s in SETTINGS}
    for name, raw in (stored or {}).items():
        if name in SETTINGS_BY_NAME:
            values[name] = parse_setting(name, raw)
    for setting in SETTINGS:
        raw = os.environ.get(setting.env_var)
        if raw not in (None, ""):
            values[setting.name] = parse_setting(setting.name, raw)
    return values


def default_db_path() -> str:
    """The store path: ``PANTAUISU_DB_PATH`` or ``data/pantauisu.duckdb``."""
    return load_settings()["db_path"]
