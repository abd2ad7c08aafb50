"""Safe exports: no cell of a CSV/XLSX export can start a formula (OWASP CSV injection)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from monitoring import schema
from monitoring.errors import UserError
from monitoring.report import exports
from monitoring.signals.plan import EXAMPLE_POST_IDS

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

# Posts as they arrive from scrapers: attacker payloads mixed with ordinary Indonesian chatter.
INJECTIONS = [
    '=HYPERLINK("http://bit.ly/bansos-cair","Cek bansos kamu di sini")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+62 812-3456-7890 hubungi admin utk pencairan BLT ya kak",
    "-- hoaks!! jgn percaya, BBM ga naik kok 😡",
    "\t=1+1 tab dulu bro",
    "\r=2+2",
    "\n=3+3 ganti baris",
    "＝1+1 pake tanda sama dengan lebar",
    "@kominfo tolong cek dong, ini beneran?? 🙏 #HoaksBansos",
]
HARMLESS = [
    "Alhamdulillah bansos udah cair td pagi 👍 #BansosTepatSasaran",
    "harga beras naik lg -_- gmn nih pak @jokowi",
    "Wes tak kandani, iki hoaks rek 🤦",
    "'=sudah diberi kutip",
    "",
]


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"),
    ("+62 812-3456-7890", "'+62 812-3456-7890"),
    ("-BBM naik lagi 😡", "'-BBM naik lagi 😡"),
    ("@admin_bansos tolong dong", "'@admin_bansos tolong dong"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("\ncmd", "'\ncmd"),
    ("＝1+1", "'＝1+1"),
    ("＠akun", "'＠akun"),
    ("aman kok 👍 #bansos", "aman kok 👍 #bansos"),
    ("harga naik 10% -_-", "harga naik 10% -_-"),
    ("'=sudah", "'=sudah"),
    ("", ""),
    (-5, -5),
    (2.5, 2.5),
    (None, None),
    (True, True),
])
def test_neutralise_cell(value, expected):
    assert exports.neutralise_cell(value) == expected


def _posts_frame() -> pd.DataFrame:
    texts = INJECTIONS + HARMLESS
    n = len(texts)
    return pd.DataFrame({
        schema.POST_ID: [f"-{i}" if i % 3 == 0 else f"17{i:04d}" for i in range(n)],
        schema.AUTHOR: ["@warga_jkt" if i % 2 else "=akun_palsu" for i in range(n)],
        schema.TEXT: texts,
        schema.LIKES: list(range(-2, n - 2)),          # a real negative number stays a number
        schema.SENTIMENT_SCORE: [0.5 + i / 100 for i in range(n)],
        EXAMPLE_POST_IDS: [["-99", "1788"]] + [["1790"]] * (n - 1),
        schema.CREATED_AT: pd.date_range("2024-05-08 01:00", periods=n, freq="h", tz="UTC"),
        "=SUM(A1:A9)": ["x"] * n,                      # a hostile column name
    })


def _assert_no_dangerous_start(cells: list[str], *, allow_numbers: bool) -> None:
    for cell in cells:
        if cell and cell.startswith(exports.DANGEROUS_PREFIXES):
            assert allow_numbers and NUMBER.match(cell), f"dangerous cell exported: {cell!r}"


def test_csv_has_bom_quotes_every_field_and_neutralises_every_cell():
    raw = exports.to_safe_csv(_posts_frame())
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(INJECTIONS) + len(HARMLESS) + 1
    _assert_no_dangerous_start([c for row in rows for c in row], allow_numbers=True)
    assert rows[0][-1] == "'=SUM(A1:A9)"
    text_column = rows[0].index(schema.TEXT)
    exported = [row[text_column] for row in rows[1:]]
    assert exported[: len(INJECTIONS)] == ["'" + t for t in INJECTIONS]
    assert exported[len(INJECTIONS):] == HARMLESS  # ordinary text (emoji, Javanese) untouched
    assert b'"-2"' in raw  # the negative like count is exported as a number, not quoted away
    assert rows[1][rows[0].index(EXAMPLE_POST_IDS)] == "'-99, 1788"


def test_csv_separator_and_timestamps():
    frame = pd.DataFrame({"waktu": pd.to_datetime(["2024-05-08 13:00"]).tz_localize("UTC")
                          .tz_convert("Asia/Jayapura"), "isu": ["Tarif KRL naik; warga protes"]})
    rows = list(csv.reader(io.StringIO(exports.to_safe_csv(frame, sep=";").decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[1] == ["2024-05-08T22:00:00+09:00", "Tarif KRL naik; warga protes"]


def _xlsx_cells(raw: bytes) -> tuple[openpyxl.Workbook, list]:
    book = openpyxl.load_workbook(io.BytesIO(raw))
    return book, [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_xlsx_has_no_formula_and_no_dangerous_string():
    raw = exports.to_safe_xlsx({"Unggahan": _posts_frame(), "Ringkasan": _posts_frame().head(3)})
    book, cells = _xlsx_cells(raw)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 2
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    _assert_no_dangerous_start([c.value for c in cells if isinstance(c.value, str)], allow_numbers=False)
    sheet = book["Unggahan"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "'=SUM(A1:A9)"
    # xlsxwriter stores a carriage return as _x000D_ (Excel decodes it; openpyxl does not)
    texts = [sheet.cell(row=r, column=header.index(schema.TEXT) + 1).value.replace("_x000D_", "\r")
             for r in range(2, 12)]
    assert texts == ["'" + t for t in INJECTIONS]
    likes = sheet.cell(row=2, column=header.index(schema.LIKES) + 1)
    assert likes.value == -2 and likes.data_type == "n"


def test_xlsx_layout_bold_header_widths_frozen_pane():
    frame = pd.DataFrame({"isu": ["Kenaikan tarif KRL bikin warga Bekasi & Depok protes keras 😤"],
                          "jumlah": [120], "dibuat": [dt.datetime(2024, 5, 8, 13, 0)]})
    book, _ = _xlsx_cells(exports.to_safe_xlsx({"Isu Naik": frame}))
    sheet = book["Isu Naik"]
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width >= 8
    assert sheet.freeze_panes == "A2"
    assert sheet["C2"].value == dt.datetime(2024, 5, 8, 13, 0)


@pytest.mark.parametrize(("name", "taken", "expected"), [
    ("Isu Naik", [], "Isu Naik"),
    ("Isu/Naik?: Jawa*Barat", [], "Isu_Naik__ Jawa_Barat"),
    ("[Rencana] Diseminasi", [], "_Rencana_ Diseminasi"),
    ("'Ringkasan'", [], "Ringkasan"),
    ("", [], "Sheet"),
    ("History", [], "History_"),
    ("Rencana diseminasi per provinsi dan kabupaten", [], "Rencana diseminasi per provinsi"),
    ("isu naik", ["Isu Naik"], "isu naik (2)"),
    ("Isu Naik", ["Isu Naik", "Isu Naik (2)"], "Isu Naik (3)"),
])
def test_safe_sheet_name(name, taken, expected):
    result = exports.safe_sheet_name(name, taken)
    assert result == expected
    assert len(result) <= 31


def test_xlsx_sheet_names_are_sanitised_and_unique():
    frame = pd.DataFrame({"a": [1]})
    book, _ = _xlsx_cells(exports.to_safe_xlsx({"Isu/Naik": frame, "Isu:Naik": frame, "=cmd": frame}))
    assert book.sheetnames == ["Isu_Naik", "Isu_Naik (2)", "=cmd"]
    _, cells = _xlsx_cells(exports.to_safe_xlsx({"=cmd": frame}))
    assert not [c for c in cells if c.data_type == "f"]


def test_xlsx_refuses_more_rows_than_excel_holds(monkeypatch):
    monkeypatch.setattr(exports, "MAX_XLSX_ROWS", 2)
    with pytest.raises(UserError, match="terlalu besar"):
        exports.to_safe_xlsx({"Unggahan": pd.DataFrame({"a": [1, 2, 3]})})


def test_index_labels_are_exported_and_neutralised():
    frame = pd.DataFrame({"jumlah": [3, 4]}, index=pd.Index(["=1+1", "Jawa Barat"], name="-wilayah"))
    rows = list(csv.reader(io.StringIO(exports.to_safe_csv(frame).decode("utf-8-sig"))))
    assert rows == [["'-wilayah", "jumlah"], ["'=1+1", "3"], ["Jawa Barat", "4"]]


def test_input_frame_is_not_mutated():
    frame = _posts_frame()
    before = frame.copy()
    exports.to_safe_csv(frame)
    exports.to_safe_xlsx({"x": frame})
    pd.testing.assert_frame_equal(frame, before)
