"""Streamlit glue shared by every page: cached resources, global filters, access, errors.

The only place (with dashboard.py, navigation.py and the page scripts) that imports Streamlit. Caches are
keyed on the store version and the filters, never on hashing a DataFrame.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any, Callable

import pandas as pd
import streamlit as st

from monitoring import schema as S
from monitoring.errors import UserError
from monitoring.formatting import (  # noqa: F401 - the pages' number and date formats
    fmt_date,
    fmt_date_range,
    fmt_datetime,
    fmt_int,
    fmt_number,
    fmt_pct,
)
from monitoring.regions import names as region_names
from monitoring.server import runtime
from monitoring.store import database as storage
from monitoring.store import queries, settings
from monitoring.store.queries import Filters

log = logging.getLogger("pantauisu")

FILTER_KEYS = ("mulai", "sampai", "dataset", "platform", "provinsi", "isu", "sentimen", "cari")
IN_FRAME = "_pantauisu_in_frame"
EMPTY_MESSAGE = "Belum ada data. Unggah berkas di halaman Data atau muat data contoh."
MISSING = "–"                # what a table or metric shows for a missing value
PICK = "Pilih…"              # placeholder of a selectbox/multiselect (Streamlit's own says "Choose options")
DATE_FORMAT = "DD/MM/YYYY"   # date inputs, Indonesian order


def store():
    """The store of this server process: its connection and the job queue every write goes
    through (opened by the server at start; under AppTest, on first use)."""
    return runtime.store_service(settings.default_db_path())


def connection():
    """The store connection of this server process (pages read on their own cursors)."""
    return store().con


def app_settings() -> dict[str, Any]:
    return settings.load_settings(storage.stored_settings(connection()))


def settings_form(group: str, *, admin: bool, key: str) -> None:
    """A form of the settings of one ``group`` ("umum", "pengiriman"); secrets are never shown or stored."""
    con, current = connection(), app_settings()
    with st.form(key):
        edited = {}
        for setting in (s for s in settings.SETTINGS if s.group == group and not s.secret):
            locked = setting.name == "db_path" or not admin
            edited[setting.name] = st.text_input(settings.setting_label(setting.name), value=str(current[setting.name]),
                                                 help=f"{setting.help} ({setting.env_var})",
                                                 key=f"set_{setting.name}", disabled=locked)
        if st.form_submit_button("Simpan pengaturan", disabled=not admin):
            edited.pop("db_path", None)
            try:
                for name, raw in edited.items():
                    settings.parse_setting(name, raw)
                for name, raw in edited.items():
                    storage.save_setting(con, name, raw)
                st.success("Pengaturan disimpan.")
            except UserError as err:
                st.error(str(err))


def version() -> int:
    return storage.store_version(connection())


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(name: str, store_version: int, filter_key: str, kwargs_key: str, _call: Callable) -> Any:
    return _call()


def cached_query(func: Callable, filters: Filters, **kwargs: Any) -> Any:
    """Run ``func(con, filters, **kwargs)`` cached on (store version, filters, kwargs)."""
    con = connection()
    return _cached(func.__name__, version(), filters.key(), repr(sorted(kwargs.items())),
                   lambda: func(con, filters, **kwargs))


# --- global filters --------------------------------------------------------------------

def _param_list(name: str) -> list[str]:
    raw = st.query_params.get(name, "")
    return [v for v in raw.split(",") if v]


def _param_date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return None


def sidebar_filters() -> Filters:
    """Draw the global filters in the sidebar (initialised from the URL) and return them."""
    con = connection()
    lo, hi = queries.data_bounds(con)
    if lo is None:
        st.session_state["filters"] = Filters()
        return Filters()
    offset = dt.timedelta(hours=queries.TZ_OFFSETS[app_settings()["display_timezone"]])
    first, last = (lo + offset).date(), (hi + offset).date()
    start = min(max(_param_date("mulai") or last - dt.timedelta(days=13), first), last)
    end = min(max(_param_date("sampai") or last, start), last)
    with st.sidebar:
        st.subheader("Filter")
        picked = st.date_input("Rentang tanggal", value=(start, end), min_value=first, max_value=last,
                               key="f_dates", help="Tanggal dalam zona waktu tampilan.", format=DATE_FORMAT)
        datasets = _options(queries.counts_by, S.DATASET_ID)
        # an empty filter keeps everything: the placeholder says so
        platforms = st.multiselect("Platform", list(S.PLATFORMS), default=_valid(_param_list("platform"), S.PLATFORMS),
                                   format_func=S.PLATFORM_LABELS.get, key="f_platform", placeholder="Semua platform")
        provinces = province_names()
        province_codes = st.multiselect("Provinsi", list(provinces), format_func=provinces.get,
                                        default=_valid(_param_list("provinsi"), provinces), key="f_province",
                                        placeholder="Semua provinsi")
        labels = issue_labels()
        issue_ids = st.multiselect("Isu", list(labels), format_func=labels.get,
                                   default=_valid(_param_list("isu"), labels), key="f_issue", placeholder="Semua isu")
        sentiments = st.multiselect("Sentimen", list(S.SENTIMENTS), format_func=S.SENTIMENT_LABELS.get,
                                    default=_valid(_param_list("sentimen"), S.SENTIMENTS), key="f_sentiment",
                                    placeholder="Semua sentimen")
        keyword = st.text_input("Cari kata", value=st.query_params.get("cari", ""), key="f_keyword",
                                help="Cari unggahan yang memuat kata/frasa ini (tanpa huruf besar-kecil).",
                                placeholder="mis. harga beras")
        dataset_ids = st.multiselect("Dataset", list(datasets), format_func=datasets.get,
                                     default=_valid(_param_list("dataset"), datasets), key="f_dataset",
                                     placeholder="Semua dataset")
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        start, end = picked
    filters = Filters(
        start=pd.Timestamp(dt.datetime.combine(start, dt.time()) - offset, tz="UTC"),
        end=pd.Timestamp(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()) - offset, tz="UTC"),
        dataset_ids=tuple(int(d) for d in dataset_ids), platforms=tuple(platforms),
        province_codes=tuple(province_codes), issue_ids=tuple(issue_ids), sentiments=tuple(sentiments),
        keyword=keyword.strip(),
    )
    _write_query_params(start, end, filters)
    st.session_state["filters"] = filters
    return filters


def _valid(values: list[str], allowed) -> list[str]:
    return [v for v in values if v in allowed]


def _options(func: Callable, column: str) -> dict:
    if column == S.DATASET_ID:
        frame = storage.query_df(connection(), "SELECT dataset_id, name FROM datasets ORDER BY dataset_id")
        return {str(int(r.dataset_id)): f"{r.name} (#{int(r.dataset_id)})" for r in frame.itertuples()}
    raise ValueError(column)


def _write_query_params(start: dt.date, end: dt.date, filters: Filters) -> None:
    wanted = {"mulai": start.isoformat(), "sampai": end.isoformat(),
              "dataset": ",".join(map(str, filters.dataset_ids)), "platform": ",".join(filters.platforms),
              "provinsi": ",".join(filters.province_codes), "isu": ",".join(filters.issue_ids),
              "sentimen": ",".join(filters.sentiments), "cari": filters.keyword}
    for key, value in wanted.items():
        if value and st.query_params.get(key) != value:
            st.query_params[key] = value
        elif not value and key in st.query_params:
            del st.query_params[key]


def current_filters() -> Filters:
    return st.session_state.get("filters", Filters())


def province_names() -> dict[str, str]:
    return region_names.province_names()


def issue_labels() -> dict[str, str]:
    """Issue id -> 'I0001 · headline' (the name shown first) of the issues not hidden."""
    frame = storage.query_df(connection(), "SELECT issue_id, coalesce(nullif(headline, ''), label) AS name FROM issues "
                                           "WHERE NOT coalesce(hidden, false) ORDER BY issue_id")
    return {r.issue_id: f"{r.issue_id} · {r.name}" for r in frame.itertuples()}


# --- page helpers ----------------------------------------------------------------------

def has_data() -> bool:
    return queries.count_posts(connection()) > 0



def show_user_error(err: UserError) -> None:
    st.error(str(err))


def run_safely(action: Callable[[], Any]) -> Any:
    """Run an action; user errors become st.error, bugs an Indonesian message with a reference."""
    try:
        return action()
    except UserError as err:
        show_user_error(err)
    except Exception:  # noqa: BLE001 - the log keeps the traceback, the analyst gets a reference
        ref = uuid.uuid4().hex[:8]
        log.exception("Unexpected error (ref %s)", ref)
        st.error(f"Terjadi kesalahan tak terduga. Sebutkan kode referensi {ref} kepada admin.")
    return None


# --- access ----------------------------------------------------------------------------

def login_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def login_screen() -> None:
    """What a visitor sees before login: the app's name and the login button, nothing else."""
    st.title("PantauIsu")
    st.write("Masuk dengan akun instansi Anda untuk melihat dasbor.")
    if st.button("Masuk", key="login", type="primary"):
        st.login()


def is_admin() -> bool:
    """Admins may delete data, change models and settings. Without login everyone is admin."""
    if not login_configured():
        return True
    try:
        admins = [a.lower() for a in st.secrets.get("pantauisu", {}).get("admins", [])]
    except Exception:  # noqa: BLE001
        admins = []
    email = (st.user.get("email") or "").lower() if getattr(st.user, "is_logged_in", False) else ""
    return bool(email) and email in admins


def require_admin() -> bool:
    if is_admin():
        return True
    st.warning("Tindakan ini hanya untuk admin. Hubungi admin PantauIsu di instansi Anda.")
    return False


def show_posts(posts: pd.DataFrame, *, key: str, limit: int = 10, timezone: str | None = None) -> None:
    """List posts as literal text (never Markdown or HTML): post text is untrusted.

    ``timezone`` (WIB/WITA/WIT) spares a page that lists many groups of posts a settings read
    per group; by default the display time zone setting.
    """
    if posts.empty:
        st.caption("Tidak ada unggahan.")
        return
    tz_hours = queries.TZ_OFFSETS[timezone or app_settings()["display_timezone"]]
    for i, row in enumerate(posts.head(limit).itertuples()):
        with st.container(border=True, key=f"{key}_{i}"):
            when = pd.Timestamp(row.created_at) + pd.Timedelta(hours=tz_hours)
            author, sentiment, province = (_known(getattr(row, c, None)) for c in ("author", "sentiment", "province"))
            meta = [f"@{author}" if author else "(tanpa akun)", f"{when:%d/%m/%Y %H:%M}",
                    S.PLATFORM_LABELS.get(row.platform, str(row.platform)),
                    S.SENTIMENT_LABELS.get(sentiment or "", "–"), province or "lokasi tak diketahui"]
            st.text(" · ".join(str(m) for m in meta))
            st.text(str(row.text))


def local_time(stamp: Any, timezone: str | None = None) -> pd.Timestamp | None:
    """A UTC time (naive or aware) as naive wall-clock time in WIB/WITA/WIT (default: the display time zone)."""
    if stamp is None or pd.isna(stamp):
        return None
    stamp = pd.Timestamp(stamp)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp + pd.Timedelta(hours=queries.TZ_OFFSETS[timezone or app_settings()["display_timezone"]])


def show_table(frame: pd.DataFrame, *, key: str, column_config: dict | None = None, **kwargs: Any) -> None:
    """``st.dataframe`` as the analyst reads it: missing values as '–' (Streamlit draws "None"), times in
    the display time zone as dd/mm/yyyy hh:mm (UTC columns get the zone in their header)."""
    view, config = readable_table(frame, column_config)
    st.dataframe(view, key=key, column_config=config, **kwargs)


def readable_table(frame: pd.DataFrame, column_config: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """The frame and column config :func:`show_table` displays (also for ``st.data_editor``)."""
    tz = app_settings()["display_timezone"]
    config, view = dict(column_config or {}), frame.copy()
    for column in view.columns:
        values, given = view[column], config.get(column)
        label = given if isinstance(given, str) else (given or {}).get("label") or str(column)
        percent = isinstance(given, dict) and (given.get("type_config") or {}).get("format") == "percent"
        if isinstance(values.dtype, pd.DatetimeTZDtype):  # stored in UTC: show local wall-clock time
            values = values.dt.tz_convert("UTC").dt.tz_localize(None) + pd.Timedelta(hours=queries.TZ_OFFSETS[tz])
            label = f"{label} ({tz})"
        if pd.api.types.is_datetime64_any_dtype(values):
            view[column] = values if not values.isna().any() else values.map(fmt_datetime)
            config[column] = (st.column_config.DatetimeColumn(label, format="DD/MM/YYYY HH:mm")
                              if not values.isna().any() else st.column_config.TextColumn(label))
        elif values.isna().any() and pd.api.types.is_numeric_dtype(values):
            view[column] = values.map(fmt_pct if percent else (lambda v: MISSING if pd.isna(v) else fmt_number(v)))
            config[column] = st.column_config.TextColumn(label, alignment="right")
        elif percent and given["type_config"]["type"] == "progress":
            # whole percents: Streamlit's "percent" format writes 56.25% (a decimal point)
            view[column] = values * 100
            config[column] = st.column_config.ProgressColumn(label, format="%.0f%%", min_value=0, max_value=100,
                                                             help=given.get("help"), width=given.get("width"))
        elif values.isna().any():
            view[column] = values.astype(object).where(values.notna(), MISSING)
    return view, config


def _known(value: Any) -> Any:
    """None for a missing value (None, NaN, NA: text columns may hold any of them)."""
    return None if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else value


def ensure_frame() -> None:
    """Make a deep link (e.g. /isu_naik on a freshly started server) run inside navigation.py.

    Streamlit treats a ``pages/`` folder as a legacy multipage app until some session has run
    ``st.navigation``; until then a deep link runs the page script alone, without the sidebar
    filters. Switch the process to ``st.navigation`` mode and rerun the same URL.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if st.session_state.get(IN_FRAME) or not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    if not _under_app_test():
        st.rerun()
    # AppTest (1.67) re-runs a switched-to page script alone on every run; a rerun there would
    # swallow widget clicks, so draw the frame's filters here instead.
    run_safely(sidebar_filters)


def _under_app_test() -> bool:
    from streamlit.runtime import Runtime

    return type(Runtime._instance).__name__.endswith("Mock")


def run_in_frame(page) -> None:
    """Run the selected page from navigation.py, marking that the frame is around it."""
    st.session_state[IN_FRAME] = True
    try:
        page.run()
    finally:
        st.session_state[IN_FRAME] = False
