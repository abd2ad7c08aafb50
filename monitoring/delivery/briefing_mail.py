"""The daily briefing as files in the briefings folder and as an e-mail that reads without scripts.

Files: ``YYYY-MM-DD[-region].html`` (the interactive briefing of :mod:`monitoring.report.render`),
``.xlsx`` and ``.pdf`` (when kaleido finds a Chromium) in ``briefings/`` beside the database file.
The e-mail body is its own small HTML page with inline styles only (mail clients drop scripts and
often ``<style>``): key numbers, top issues, the regional table and sentiment, from the same
:class:`~monitoring.report.briefing.Briefing` and :mod:`~monitoring.report.render` helpers the page uses;
every value is escaped. The PDF and XLSX are attached; what could not be made is said in the body.
"""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.delivery._base import Attachment, Message, plain
from monitoring.errors import UserError
from monitoring.formatting import fmt_int, fmt_pct, fmt_score
from monitoring.report import render
from monitoring.report.briefing import LABEL, SHARE, Briefing, long_date
from monitoring.report.outputs import write_atomically
from monitoring.signals import scores as sg
from monitoring.store import database as storage
from monitoring.store.queries import TZ_OFFSETS

CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_CELL = "padding:6px 8px;border-bottom:1px solid #e6eaef;text-align:left;vertical-align:top"
_MUTED = "color:#5b6773;font-size:13px"


def briefings_folder(con: duckdb.DuckDBPyConnection) -> Path:
    """``briefings/`` beside the database file (created when missing)."""
    path = storage.query_value(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    if not path or path == ":memory:":
        raise UserError("Briefing hanya dapat disimpan untuk basis data berupa berkas (bukan :memory:).")
    folder = Path(path).resolve().parent / "briefings"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_stem(date: dt.date, region: str) -> str:
    """'2026-11-20' for the national briefing, '2026-11-20-53' for a province."""
    return date.isoformat() + ("" if region == S.NATIONAL_CODE else f"-{region}")


def briefing_subject(date: dt.date, region: str, timezone: str) -> str:
    """'Briefing Harian PantauIsu — Jumat, 20 November 2026 — Nusa Tenggara Timur'."""
    noon = pd.Timestamp(dt.datetime.combine(date, dt.time(12)), tz="UTC") - pd.Timedelta(hours=TZ_OFFSETS[timezone])
    return f"Briefing Harian PantauIsu — {long_date(noon, timezone)} — {sg.region_name(region)}"


def write_files(b: Briefing, folder: Path, stem: str) -> tuple[dict[str, Path], list[str]]:
    """Write HTML, XLSX and (when possible) PDF; ({format: path}, ["PDF: reason", ...] of what was skipped)."""
    written, skipped = {}, []
    for fmt in ("html", "xlsx", "pdf"):
        try:
            data = render.briefing_html(b).encode("utf-8") if fmt == "html" else (
                render.briefing_xlsx(b) if fmt == "xlsx" else render.briefing_image(b, fmt))
        except render.ImageExportError as err:
            skipped.append(f"{fmt.upper()}: {err}")
            continue
        written[fmt] = folder / f"{stem}.{fmt}"
        write_atomically(written[fmt], data)
    return written, skipped


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """An inline-styled table; cells are plain text and escaped here."""
    head = "".join(f'<th style="{_CELL};background:#1f5fa8;color:#fff">{html.escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{html.escape(plain(c))}</td>' for c in row) + "</tr>"
                   for row in rows)
    return f'<table style="border-collapse:collapse;width:100%;font-size:14px"><tr>{head}</tr>{body}</table>'


def _issue_rows(b: Briefing) -> list[list[str]]:
    return [[str(r["rank"]), plain(r[LABEL], 160), plain(r[sg.STATUS]), fmt_int(r[sg.POSTS]),
             fmt_pct(r[sg.NEGATIVE_SHARE]), fmt_score(r[sg.SCORE]),
             plain(r[sg.EXPLANATION], 600) + (f" Contoh: {plain(ex, 300)}" if (ex := render.example_text(b, r[S.ISSUE_ID]))
                                               else "")]
            for r in b.emerging.to_dict("records")]


def _sentiment_line(b: Briefing) -> str:
    return " · ".join(f"{r[LABEL]} {fmt_pct(r[SHARE])} ({fmt_int(r[sg.POSTS])})" for r in b.sentiment.to_dict("records"))


def _sections(b: Briefing) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) of the body's tables."""
    regional = render.regional_table(b)
    return [
        ("Angka utama", ["Ukuran", "Nilai", "Keterangan"], [list(card) for card in render.key_numbers(b)]),
        (f"Isu naik teratas — {b.region_name}", ["#", "Isu", "Status", "Unggahan", "Negatif", "Skor", "Penjelasan"],
         _issue_rows(b)),
        (render.regional_title(b), list(regional.columns),
         [[plain(v) if isinstance(v, str) else fmt_int(v) for v in row] for row in regional.itertuples(index=False)]),
    ]


def briefing_message(b: Briefing, subject: str, attachments: tuple[Attachment, ...], skipped: list[str],
                     link: str) -> Message:
    """The e-mail: HTML body with inline styles, a plain-text part, and the attachments."""
    notes = ([f"Terlampir: {', '.join(a.filename for a in attachments)}."] if attachments else []) + \
        [f"Tidak dilampirkan — {s}" for s in skipped]
    sections = _sections(b)
    parts = [f'<h1 style="font-size:24px;margin:0">{html.escape(b.title)}</h1>',
             f'<p style="{_MUTED}">{html.escape(b.date_label)} · {html.escape(b.window_label)}</p>']
    for title, headers, rows in sections:
        body = _table(headers, rows) if rows else "<p>Tidak ada data dalam jendela ini.</p>"
        parts.append(f'<h2 style="font-size:17px;margin:20px 0 8px">{html.escape(title)}</h2>{body}')
    parts.append(f'<h2 style="font-size:17px;margin:20px 0 8px">Sentimen, {b.recent_hours} jam terakhir</h2>'
                 f"<p>{html.escape(_sentiment_line(b))}</p>")
    parts += [f"<p>{html.escape(note)}</p>" for note in notes]
    parts.append(f'<p><a href="{html.escape(link, quote=True)}">Buka Briefing Harian di dasbor</a></p>')
    parts += [f'<p style="{_MUTED}">{html.escape(plain(line))}</p>' for line in b.coverage_lines()]
    page = ('<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"></head><body style="margin:0;'
            'background:#f4f6f9"><div style="max-width:900px;margin:0 auto;padding:20px;background:#fff;'
            'font-family:Arial,sans-serif;font-size:15px;color:#1d2733">' + "".join(parts) + "</div></body></html>")
    text = [b.title, f"{b.date_label} · {b.window_label}", ""]
    for title, headers, rows in sections:
        text += [title, " · ".join(headers), *(" · ".join(map(plain, row)) for row in rows), ""]
    text += [f"Sentimen: {_sentiment_line(b)}", *notes, f"Dasbor: {link}", "", *map(plain, b.coverage_lines())]
    return Message(subject=subject, text="\n".join(text), html=page, attachments=attachments,
                   document={"source": "pantauisu", "type": "briefing", "subject": subject})


def attachments_of(written: dict[str, Path]) -> tuple[Attachment, ...]:
    """The PDF and XLSX among the written files, as attachments (the HTML stays in the folder)."""
    return tuple(Attachment(path.name, CONTENT_TYPES[fmt], path.read_bytes())
                 for fmt, path in written.items() if fmt in CONTENT_TYPES)
