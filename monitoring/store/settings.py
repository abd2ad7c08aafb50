"""Settings are data: a name, a default, a one-line help text, validated on load.

Values come from (lowest to highest priority) the defaults below, the ``settings`` table in
the store (edited on the Pengaturan page), and environment variables ``PANTAUISU_<NAME>``.
Secrets (``secret=True``: passwords, tokens, URLs holding a token) never come from the store:
only from the environment or ``.streamlit/secrets.toml`` (:func:`secret`), and
:func:`load_settings` leaves them out, so they cannot be shown back or logged with the rest.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import tomllib

from monitoring.data_files import DATA_DIR, USER_DATA_DIR  # noqa: F401 (DATA_DIR: re-exported)
from monitoring.errors import SettingError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    group: str = "umum"       # section of the Pengaturan page: "umum" or "pengiriman"
    secret: bool = False      # only from the environment or secrets.toml; never stored, shown or logged

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


class TextList(tuple):
    """A comma-separated setting as a tuple of str; ``str()`` gives the text back ("a, b")."""

    def __str__(self) -> str:
        return ", ".join(self)


def _text_list(check: Callable[[str], bool], what: str) -> Callable[[str], TextList]:
    def parse(value: str) -> TextList:
        items = TextList(dict.fromkeys(v.strip() for v in str(value).split(",") if v.strip()))
        wrong = [item for item in items if not check(item)]
        if wrong:
            raise ValueError(f"bukan {what}: {', '.join(wrong)}")
        return items
    return parse


def _is_address(value: str) -> bool:
    return re.fullmatch(r"[^@\s,<>\"]+@[^@\s,<>\"]+\.[^@\s,<>\"]+", value) is not None


def _is_region(value: str) -> bool:
    return value == "ID" or re.fullmatch(r"\d{2}", value) is not None


def _address(value: str) -> str:
    value = value.strip()
    if value and not _is_address(value):
        raise ValueError("bukan alamat e-mail")
    return value


def _url(value: str) -> str:
    value = value.strip()
    if value and re.fullmatch(r"https?://[^\s]+", value) is None:
        raise ValueError("harus berupa alamat http:// atau https://")
    return value


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"pilih {' atau '.join(allowed)}")
        return value
    return parse


def _port(value: str) -> int:
    number = int(value)
    if not 0 < number < 65536:
        raise ValueError("harus antara 1 dan 65535")
    return number


def _non_negative_number(value: str) -> float:
    number = float(value)
    if number < 0:
        raise ValueError("tidak boleh negatif")
    return number


def _clock_time(value: str) -> str:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", value.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError("gunakan JJ:MM, mis. 06:00")
    return f"{int(match[1]):02d}:{match[2]}"


@dataclass(frozen=True)
class ScoreThresholds:
    """Least emerging score for an alert: one default, optionally one per region ("8; 53=4; ID=12")."""

    default: float
    regions: dict[str, float] = field(default_factory=dict)

    def for_region(self, code: str) -> float:
        return self.regions.get(str(code), self.default)

    def __str__(self) -> str:
        return "; ".join([f"{self.default:g}", *(f"{c}={v:g}" for c, v in self.regions.items())])


def _score_thresholds(value: str) -> ScoreThresholds:
    default, regions = None, {}
    for part in (p.strip() for p in str(value).split(";") if p.strip()):
        code, _, number = part.rpartition("=")
        if code and not _is_region(code.strip()):
            raise ValueError(f"kode wilayah '{code.strip()}' salah (dua digit Kemendagri atau ID)")
        if code:
            regions[code.strip()] = _non_negative_number(number)
        else:
            default = _non_negative_number(number)
    if default is None:
        raise ValueError("tulis ambang umum dulu, mis. 8; 53=4")
    return ScoreThresholds(default, regions)


CHANNELS = ("email", "webhook", "telegram")

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
    Setting("inbox_dir", "", "Folder kotak masuk yang diawasi server; kosong = folder inbox/ di samping basis data."),
    Setting("inbox_poll_seconds", 5.0, "Seberapa sering server memeriksa folder kotak masuk (detik).",
            _positive_float),
    *(replace(s, group="pengiriman") for s in (
        Setting("smtp_host", "", "Server SMTP untuk e-mail (mis. smtp.kantor.go.id); kosong = e-mail tidak dipakai."),
        Setting("smtp_port", 587, "Port server SMTP (587 untuk STARTTLS, 465 untuk SSL, 25 tanpa enkripsi).", _port),
        Setting("smtp_tls", "starttls", "Enkripsi SMTP: none, starttls atau ssl.", _choice("none", "starttls", "ssl")),
        Setting("smtp_user", "", "Nama pengguna SMTP; kosong = tanpa login."),
        Setting("smtp_password", "", "Kata sandi SMTP (rahasia: hanya dari lingkungan atau secrets.toml).",
                secret=True),
        Setting("mail_from", "", "Alamat pengirim e-mail, mis. pantauisu@kominfo.example.go.id.", _address),
        Setting("briefing_recipients", TextList(), "Penerima briefing harian, dipisah koma.",
                _text_list(_is_address, "alamat e-mail")),
        Setting("alert_recipients", TextList(), "Penerima peringatan lewat e-mail, dipisah koma; kosong = penerima "
                "briefing.", _text_list(_is_address, "alamat e-mail")),
        Setting("alert_webhook_url", "", "Webhook untuk peringatan (POST JSON; rahasia karena memuat token).", _url,
                secret=True),
        Setting("telegram_api_url", "https://api.telegram.org", "Alamat Bot API Telegram.", _url),
        Setting("telegram_bot_token", "", "Token bot Telegram (rahasia).", secret=True),
        Setting("telegram_chat_id", "", "ID chat/grup Telegram tujuan peringatan."),
        Setting("briefing_time", "06:00", "Jam briefing harian dikirim (zona waktu tampilan), JJ:MM.", _clock_time),
        Setting("briefing_provinces", TextList(), "Provinsi yang juga mendapat briefing sendiri (kode, dipisah koma); "
                "briefing nasional selalu dikirim.", _text_list(lambda v: _is_region(v) and v != "ID", "kode provinsi")),
        Setting("alert_channels", TextList(CHANNELS), "Kanal peringatan (email, webhook, telegram); yang belum "
                "dikonfigurasi dilewati.", _text_list(lambda v: v in CHANNELS, "kanal")),
        Setting("alert_regions", TextList(), "Wilayah yang diperingatkan (kode provinsi, ID = nasional); kosong = "
                "semua.", _text_list(_is_region, "kode wilayah")),
        Setting("alert_min_score", _score_thresholds("8"), "Skor Isu Naik minimal untuk peringatan; per wilayah "
                "boleh berbeda, mis. 8; 53=4; ID=12.", _score_thresholds),
        Setting("alert_quiet_minutes", 60, "Setelah peringatan tentang satu isu, peringatan berikutnya tentang isu "
                "itu menunggu sekian menit.", lambda v: int(_non_negative_number(v))),
        Setting("alert_daily_cap", 20, "Peringatan maksimum per penerima per hari; sisanya ditahan.", _positive_int),
        Setting("dashboard_url", "http://localhost:8501", "Alamat dasbor untuk tautan di pesan.", _url),
        Setting("delivery_timeout_seconds", 10.0, "Batas waktu satu percobaan kirim (detik).", _positive_float),
        Setting("delivery_retries", 3, "Percobaan kirim langsung sebelum dicoba lagi nanti.", _positive_int),
        Setting("delivery_backoff_seconds", 2.0, "Jeda sebelum percobaan ulang pertama; berlipat dua tiap kali.",
                _non_negative_number),
    )),
    Setting("dask_scheduler", "",
            "Alamat penjadwal Dask (mis. tcp://10.0.0.5:8786) untuk menjalankan analisis di klaster; "
            "kosong = di mesin ini.", _scheduler_address),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}
# What the Pengaturan page calls a setting; the name stays for PANTAUISU_<NAME> and the settings table.
LABELS = {
    "db_path": "Lokasi basis data", "max_upload_mb": "Ukuran unggahan maksimum (MB)",
    "max_xlsx_unpacked_mb": "Ukuran isi XLSX maksimum (MB)", "display_timezone": "Zona waktu tampilan",
    "recent_hours": "Jendela terbaru (jam)", "baseline_days": "Jendela pembanding (hari)",
    "alert_k": "Ambang lonjakan (k)", "n_issues": "Jumlah isu", "geojson_path": "Berkas GeoJSON provinsi",
    "geojson_feature_key": "Kunci kode provinsi di GeoJSON",
    "smtp_host": "Server SMTP", "smtp_port": "Port SMTP", "smtp_tls": "Enkripsi SMTP",
    "smtp_user": "Pengguna SMTP", "smtp_password": "Kata sandi SMTP", "mail_from": "Alamat pengirim",
    "briefing_recipients": "Penerima briefing", "alert_recipients": "Penerima peringatan (e-mail)",
    "alert_webhook_url": "Webhook peringatan", "telegram_api_url": "Alamat Bot API Telegram",
    "telegram_bot_token": "Token bot Telegram", "telegram_chat_id": "ID chat Telegram",
    "briefing_time": "Jam briefing harian", "briefing_provinces": "Provinsi dengan briefing sendiri",
    "alert_channels": "Kanal peringatan", "alert_regions": "Wilayah yang diperingatkan",
    "alert_min_score": "Skor minimal peringatan", "alert_quiet_minutes": "Jeda antarperingatan (menit)",
    "alert_daily_cap": "Batas peringatan per hari", "dashboard_url": "Alamat dasbor",
    "delivery_timeout_seconds": "Batas waktu kirim (detik)", "delivery_retries": "Jumlah percobaan kirim",
    "delivery_backoff_seconds": "Jeda percobaan ulang (detik)",
    "dask_scheduler": "Penjadwal Dask", "inbox_dir": "Folder kotak masuk", "inbox_poll_seconds": "Interval pemeriksaan kotak masuk (detik)",
}


def setting_label(name: str) -> str:
    """The Indonesian label of a setting (its name when it has none)."""
    return LABELS.get(name, name)


def parse_setting(name: str, raw: Any) -> Any:
    """Validate one raw value; raises :class:`SettingError` with an Indonesian message."""
    setting = SETTINGS_BY_NAME.get(name)
    if setting is None:
        raise SettingError(f"Pengaturan '{name}' tidak dikenal.")
    try:
        return setting.parse(str(raw))
    except (TypeError, ValueError) as err:
        shown = "(rahasia)" if setting.secret else repr(raw)  # a secret is never echoed back
        raise SettingError(f"Nilai pengaturan '{name}' tidak valid {shown}: {err}.") from None


def load_settings(stored: dict[str, str] | None = None) -> dict[str, Any]:
    """Resolve every setting except secrets from defaults, stored values and environment variables."""
    public = [s for s in SETTINGS if not s.secret]
    values = {s.name: s.default for s in public}
    for name, raw in (stored or {}).items():
        if name in values:
            values[name] = parse_setting(name, raw)
    for setting in public:
        raw = os.environ.get(setting.env_var)
        if raw not in (None, ""):
            values[setting.name] = parse_setting(setting.name, raw)
    return values


def default_db_path() -> str:
    """The store path: ``PANTAUISU_DB_PATH`` or ``data/pantauisu.duckdb``."""
    return load_settings()["db_path"]


def is_secret(name: str) -> bool:
    """Whether a setting is a secret (never stored in the database, shown or logged)."""
    setting = SETTINGS_BY_NAME.get(name)
    return setting is not None and setting.secret


def secrets_files() -> tuple[Path, ...]:
    """Where secrets are read, first wins: the project's and the user's ``.streamlit/secrets.toml``."""
    return (Path.cwd() / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml")


def secret(name: str, files: tuple[Path, ...] | None = None) -> str:
    """A secret setting: ``PANTAUISU_<NAME>``, else ``name`` in the ``[pantauisu]`` table of a secrets file.

    Returns '' when it is set nowhere. Raises :class:`SettingError` (without the file's content) when a
    secrets file cannot be read or the value is invalid.
    """
    setting = SETTINGS_BY_NAME[name]
    if not setting.secret:
        raise SettingError(f"Pengaturan '{name}' bukan rahasia.")
    raw = os.environ.get(setting.env_var, "")
    for path in () if raw else (files if files is not None else secrets_files()):
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("pantauisu", {})
        except FileNotFoundError:
            continue
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as err:
            raise SettingError(f"Berkas rahasia {path} tidak dapat dibaca ({type(err).__name__}). "
                               "Periksa penulisannya (format TOML).") from None
        raw = str(table.get(name, "")) if isinstance(table, dict) else ""
        if raw:
            break
    try:
        return setting.parse(raw) if raw else ""
    except ValueError:
        raise SettingError(f"Nilai rahasia '{name}' tidak valid; periksa {setting.env_var} atau "
                           "secrets.toml.") from None


def inbox_folder(values: dict[str, Any], db_path: str | os.PathLike) -> str:
    """The inbox the server watches: setting ``inbox_dir``, else ``inbox/`` beside the database."""
    return values["inbox_dir"] or os.path.join(os.path.dirname(os.path.abspath(db_path)), "inbox")
