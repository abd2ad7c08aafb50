"""Daily briefing: data on the ground-truth demo store, escaping, exports, CLI, images and the page."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from monitoring import formatting
from monitoring import schema as S
from monitoring.cli import briefing as briefing_cli
from monitoring.cli import main as cli
from monitoring.errors import UserError
from monitoring.report import briefing, render
from monitoring.report.briefing import LABEL, REGION_CODE, NoBriefingDataError
from monitoring.signals import scores as sg
from monitoring.store import database as storage

EMERGING_LABEL = "krisis_air_kupang"   # the demo's ground-truth emerging issue, stored under its key as label
NTT = "53"
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_LABEL = "<img src=x onerror=alert(2)>"
HOSTILE_DATASET = '=HYPERLINK("http://contoh.invalid","klik")'
HOSTILE_ISSUE = "I0999"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _open(path):
    return storage.connect(path)


@pytest.fixture(scope="module")
def truth(truth_db_path):
    con = _open(truth_db_path)
    yield con
    con.close()


@pytest.fixture(scope="module")
def national(truth):
    return briefing.build_briefing(truth, generated_at=pd.Timestamp("2026-11-21T01:00Z"))


def _latest(con) -> pd.Timestamp:
    return pd.Timestamp(storage.query_value(con, "SELECT max(created_at) FROM posts"))


@pytest.fixture(scope="module")
def hostile_db_path(truth_db_path, tmp_path_factory):
    """A copy of the truth store plus a hostile issue: script in post text, HTML in the label and dataset."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copy(truth_db_path, path)
    con = _open(path)
    latest = _latest(con)
    texts = [f"air PDAM mati lg di Oebobo udh 3 hari 😡 {HOSTILE_SCRIPT} #KrisisAir",
             "gk ada air bersih, anak2 mandi pake air galon... parah bgt sih @pdamkupang",
             "Tolong lah pak, warga Kupang antri air dr subuh 🙏 #DaruratAir",
             "wkwk bayar tagihan tp airnya ga ngalir, so sad 💧",
             "Mohon perhatian pemda, sumur kering semua di Alak. #KrisisAir",
             "air mati lagi?? sdh sebulan begini terus lho",
             "btw ada yg tau jadwal tangki air hari ini? di Maulafa blm dtg",
             "lapor: pipa bocor di Jl. El Tari, air terbuang percuma 😤"]
    posts = pd.DataFrame({
        S.POST_ID: [f"hostile-{i}" for i in range(len(texts))], S.PLATFORM: "x",
        S.CREATED_AT: [latest - pd.Timedelta(minutes=20 * i + 5) for i in range(len(texts))],
        S.AUTHOR: [f"warga_kupang{i}" for i in range(len(texts))], S.TEXT: texts,
        S.LIKES: [10_000] + [3] * (len(texts) - 1),
    })
    from monitoring.ingest.imports import import_posts_frame

    import_posts_frame(con, posts, name=HOSTILE_DATASET)
    keys = storage.query_df(con, "SELECT post_key FROM posts WHERE post_id LIKE 'hostile-%'")[S.POST_KEY]
    with storage.transaction(con):
        for key in keys:
            con.execute("INSERT INTO enrichment (post_key, sentiment, province_code, province) VALUES "
                        "(?, 'negative', ?, 'Nusa Tenggara Timur')", [key, NTT])
            con.execute("INSERT INTO post_issues (post_key, issue_id, dup_group, is_coordinated) "
                        "VALUES (?, ?, ?, false)", [key, HOSTILE_ISSUE, key])
        con.execute("INSERT INTO issues (issue_id, label, top_terms, terms, is_new, hidden, kind, query, headline) "
                    "VALUES (?, ?, ?, '{}', true, false, 'discovered', NULL, ?)",
                    [HOSTILE_ISSUE, HOSTILE_LABEL, HOSTILE_LABEL, HOSTILE_LABEL])
        storage.bump_version(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def hostile(hostile_db_path):
    con = _open(hostile_db_path)
    yield briefing.build_briefing(con)
    con.close()


# --- data -------------------------------------------------------------------------------------------
def test_national_briefing_ranks_the_demo_emergence_first(national):
    top = national.emerging
    assert EMERGING_LABEL in top[LABEL].head(3).tolist()
    row = top[top[LABEL] == EMERGING_LABEL].iloc[0]
    assert row[sg.STATUS] in (sg.STATUS_NEW, sg.STATUS_UP)
    assert row["rank"] == 1
    assert "krisis_air_kupang" in row[sg.EXPLANATION]


def test_national_per_province_table_leads_with_ntt(national):
    first = national.regional.iloc[0]
    assert (first[REGION_CODE], first[LABEL]) == (NTT, EMERGING_LABEL)
    assert first[briefing.REGION_NAME] == "Nusa Tenggara Timur"
    assert national.regional[briefing.REGION_POSTS].sum() == national.map_values[briefing.VALUE].sum()


def test_regional_briefing_for_ntt_has_the_issue_on_top(truth):
    b = briefing.build_briefing(truth, region=NTT)
    assert b.region_name == "Nusa Tenggara Timur"
    assert b.emerging.iloc[0][LABEL] == EMERGING_LABEL
    count = storage.query_value(truth, "SELECT count(*) FROM post_view WHERE province_code = ? AND created_at >= ? "
                                       "AND created_at <= ?", [NTT, b.window_start, b.now])
    assert b.posts == count
    assert b.regional.empty  # the truth store has no kabupaten/kota


def test_key_numbers_match_the_store(truth, national):
    def count(lo, hi):
        return storage.query_value(truth, "SELECT count(*) FROM posts WHERE created_at >= ? AND created_at < ?",
                                   [lo, hi])

    end = national.now + pd.Timedelta(microseconds=1)
    assert national.now == _latest(truth)
    assert national.posts == count(national.window_start, end)
    assert national.previous_posts == count(national.previous_start, national.window_start)
    assert national.change == national.posts - national.previous_posts
    assert national.sentiment[sg.POSTS].sum() == national.posts
    assert national.platforms[sg.POSTS].sum() == national.posts
    assert national.store_posts == 3000
    assert national.window_start == national.now.floor("h") - pd.Timedelta(hours=23)


@pytest.mark.parametrize("day, timezone, expected_now", [
    (dt.date(2026, 11, 15), "WIB", pd.Timestamp("2026-11-15T16:59:59.999999Z")),
    (dt.date(2026, 11, 15), "WIT", pd.Timestamp("2026-11-15T14:59:59.999999Z")),
    (dt.date(2026, 12, 31), "WIB", None),   # after the data: ends at the latest post
])
def test_date_picks_the_end_of_the_local_day(truth, day, timezone, expected_now):
    b = briefing.build_briefing(truth, date=day, timezone=timezone)
    assert b.now == (expected_now if expected_now is not None else _latest(truth))
    assert b.date_label.endswith(f"{min(day, dt.date(2026, 11, 21)).day} November 2026")


@pytest.mark.parametrize("kwargs, message", [
    ({"date": dt.date(2026, 1, 1)}, "Data tersedia"),
    ({"now": pd.Timestamp("2027-03-01T00:00Z")}, "pilih tanggal lain"),
    ({"region": "99"}, "Kode provinsi '99'"),
    ({"timezone": "UTC"}, "Zona waktu"),
])
def test_bad_requests_raise_indonesian_user_errors(truth, kwargs, message):
    with pytest.raises(UserError, match=message):
        briefing.build_briefing(truth, **kwargs)


def test_empty_store_raises(store):
    with pytest.raises(NoBriefingDataError, match="Belum ada unggahan"):
        briefing.build_briefing(store)


@pytest.mark.parametrize("func, value, expected", [
    (formatting.fmt_int, 12345, "12.345"), (formatting.fmt_int, None, "0"),
    (formatting.fmt_pct, 0.1234, "12,3%"), (formatting.fmt_pct, None, "–"), (formatting.fmt_pct, float("nan"), "–"),
])
def test_indonesian_number_formats(func, value, expected):
    assert func(value) == expected


def test_signed_percent_and_local_dates():
    assert formatting.fmt_pct(0.145, signed=True) == "+14,5%"
    assert formatting.fmt_pct(-0.5, signed=True) == "-50,0%"
    assert briefing.long_date(pd.Timestamp("2026-11-20T22:17Z"), "WIB") == "Sabtu, 21 November 2026"
    assert briefing.short_time(pd.Timestamp("2026-11-20T22:17Z"), "WITA") == "21 Nov 2026 06.17"


# --- HTML / XLSX / figure -----------------------------------------------------------------------------
def test_hostile_issue_reaches_the_briefing(hostile):
    assert HOSTILE_LABEL in hostile.emerging[LABEL].tolist()
    assert hostile.examples[S.TEXT].str.contains(HOSTILE_SCRIPT, regex=False).any()


def test_html_is_self_contained_and_escaped(hostile):
    page = render.briefing_html(hostile)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|img|iframe)[^>]+src\s*=", page, re.I)
    assert not re.search(r"<link[^>]+href\s*=", page, re.I)
    assert HOSTILE_SCRIPT not in page and "<img src=x" not in page
    assert html_escaped(HOSTILE_SCRIPT) in page and html_escaped(HOSTILE_LABEL) in page
    assert html_escaped(HOSTILE_DATASET) in page
    assert "Plotly.newPlot" in page  # the map, drawn with the inlined plotly.js


def html_escaped(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_xlsx_has_the_sheets_and_no_formula(hostile):
    book = openpyxl.load_workbook(io.BytesIO(render.briefing_xlsx(hostile)))
    assert book.sheetnames == ["Ringkasan", "Isu Naik", "Per Provinsi", "Cakupan"]
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    texts = [c for c in cells if isinstance(c, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]
    assert "'" + HOSTILE_DATASET in texts
    issues = [r for r in book["Isu Naik"].iter_rows(values_only=True)]
    assert EMERGING_LABEL in [r[2] for r in issues]


def test_figure_escapes_labels_and_shows_the_numbers(hostile):
    spec = render.briefing_figure(hostile).to_dict()
    tables = [t for t in spec["data"] if t["type"] == "table"]
    labels = tables[0]["cells"]["values"][1]
    assert html_escaped(HOSTILE_LABEL) in labels and HOSTILE_LABEL not in labels
    values = [t["value"] for t in spec["data"] if t["type"] == "indicator"]
    assert values[0] == hostile.posts and values[2] == hostile.accounts


# --- CLI ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, magic", [("pagi.html", b"<!DOCTYPE html>"), ("pagi.xlsx", b"PK\x03\x04")])
def test_cli_writes_the_briefing(hostile_db_path, tmp_path, capsys, name, magic):
    out = tmp_path / name
    assert cli.main(["briefing", "--db", str(hostile_db_path), "--region", NTT, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(magic)
    assert capsys.readouterr().out.strip() == str(out)
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temp file left behind


@pytest.mark.parametrize("args, message", [
    (["--out", "pagi.docx"], ".docx"),
    (["--out", "pagi.html", "--date", "21-11-2026"], "YYYY-MM-DD"),
    (["--out", "pagi.html", "--date", "2020-01-01"], "pilih tanggal lain"),
])
def test_cli_fails_with_one_line_and_keeps_the_old_file(hostile_db_path, tmp_path, capsys, args, message):
    out = tmp_path / Path(args[1]).name
    out.write_bytes(b"briefing kemarin")
    args = ["briefing", "--db", str(hostile_db_path), "--out", str(out), *args[2:]]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert out.read_bytes() == b"briefing kemarin"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_atomic_write_replaces_the_file(tmp_path):
    out = tmp_path / "b.html"
    out.write_text("lama")
    briefing_cli.write_atomically(out, b"baru")
    assert out.read_bytes() == b"baru" and len(list(tmp_path.iterdir())) == 1


def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    out = tmp_path / "b.xlsx"
    out.write_bytes(b"briefing kemarin")

    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(briefing_cli.os, "fsync", disk_full)
    with pytest.raises(UserError, match="Gagal menulis"):
        briefing_cli.write_atomically(out, b"PK" + b"x" * 1000)
    assert out.read_bytes() == b"briefing kemarin"
    assert [p.name for p in tmp_path.iterdir()] == ["b.xlsx"]


# --- PNG / PDF ----------------------------------------------------------------------------------------
def test_no_browser_means_a_clear_error(national, monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "tidak-ada-chromium"))
    assert not render.image_export_available()
    with pytest.raises(render.ImageExportError, match="Chromium"):
        render.briefing_image(national, "png")


def test_unknown_image_format_is_refused(national):
    with pytest.raises(UserError, match="png atau pdf"):
        render.briefing_image(national, "gif")


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs the system Chromium")
def test_png_is_drawn_offline(national, monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert render.image_export_available()
    png = render.briefing_image(national, "png")
    assert png[:8] == PNG_MAGIC
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (2 * render.IMAGE_WIDTH, 2 * render.briefing_figure(national).layout.height)


# --- page ---------------------------------------------------------------------------------------------
@pytest.fixture
def page_db(truth_db_path, tmp_path, monkeypatch):
    path = tmp_path / "page.duckdb"
    shutil.copy(truth_db_path, path)
    monkeypatch.setenv("PANTAUISU_DB_PATH", str(path))
    return path


def test_page_smoke_shows_key_numbers(page_db, national):
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "navigation.py"), default_timeout=60).run()
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    expected = [formatting.fmt_int(national.posts), formatting.fmt_pct(national.negative_share),
                formatting.fmt_int(national.accounts), str(national.rising_issues)]
    assert [m.value for m in at.metric] == expected
    assert any(t.value.startswith(f"1. {EMERGING_LABEL}") for t in at.text)
    at.selectbox(key="briefing_region").set_value(NTT).run()
    assert not at.exception
    assert at.header[0].value == "Briefing Harian — Nusa Tenggara Timur"
