"""The briefing as an XLSX workbook (Ringkasan, Isu Naik, Per Provinsi, Cakupan), every cell neutralised."""
from __future__ import annotations

import pandas as pd

from monitoring import schema as S
from monitoring.report import exports
from monitoring.report.briefing import (
    LABEL,
    NAME,
    NARRATIVE,
    RANK,
    REGION_CODE,
    REGION_NAME,
    REGION_POSTS,
    TERMS,
    Briefing,
)
from monitoring.report.briefing_content import example_text
from monitoring.signals import scores as sg


def _summary_rows(b: Briefing) -> pd.DataFrame:
    rows = [("Judul", b.title), ("Tanggal", b.date_label), ("Jendela", b.window_label),
            ("Zona waktu", b.timezone), (f"Unggahan {b.recent_hours} jam", b.posts),
            (f"Unggahan {b.recent_hours} jam sebelumnya", b.previous_posts), ("Perubahan", b.change),
            ("Perubahan (%)", b.change_share), ("Porsi sentimen negatif", b.negative_share),
            ("Porsi negatif sebelumnya", b.previous_negative_share), ("Akun", b.accounts),
            ("Isu baru/naik di daftar teratas", b.rising_issues),
            (f"Isu {sg.BADGE_WORSE.lower()} (porsi negatif naik tajam)", len(b.worsening)),
            (f"Isu {sg.BADGE_WORSE.lower()}", ", ".join(b.worsening) or "–"),
            (f"Porsi unggahan dengan {b.located_label}", b.located_share)]
    rows += [(f"Sentimen {r[LABEL]}", r[sg.POSTS]) for r in b.sentiment.to_dict("records")]
    rows += [("Penjelasan skor", sg.SCORE_EXPLANATION), ("Dibuat", b.generated_label)]
    return pd.DataFrame(rows, columns=["Butir", "Nilai"])


def briefing_xlsx(b: Briefing) -> bytes:
    """XLSX (sheets Ringkasan, Isu Naik, Per Provinsi, Cakupan) with every cell neutralised."""
    issues = b.emerging.rename(columns={
        RANK: "Peringkat", S.ISSUE_ID: "ID isu", LABEL: "Isu", TERMS: "Kata kunci", NARRATIVE: "Narasi utama",
        sg.STATUS: "Status",
        sg.POSTS: f"Unggahan {b.recent_hours} jam", sg.BASELINE: f"Rata-rata per {b.recent_hours} jam sebelumnya",
        sg.NEGATIVE_SHARE: "Porsi negatif", sg.SCORE: "Skor", sg.EXPLANATION: "Penjelasan",
        sg.NEGATIVE_SHIFT: sg.BADGE_WORSE})
    issues[sg.BADGE_WORSE] = issues[sg.BADGE_WORSE].map({True: "ya", False: ""})
    issues["Contoh unggahan"] = [example_text(b, i, limit=2000) for i in b.emerging[S.ISSUE_ID]]
    regional = b.regional.rename(columns={
        REGION_CODE: "Kode wilayah", REGION_NAME: "Wilayah", REGION_POSTS: f"Unggahan {b.recent_hours} jam",
        S.ISSUE_ID: "ID isu teratas", LABEL: "Isu teratas", sg.STATUS: "Status",
        sg.POSTS: "Unggahan isu", sg.SCORE: "Skor", sg.EXPLANATION: "Penjelasan"})
    coverage = pd.concat([
        pd.DataFrame({"Jenis": "Platform", "Nama": b.platforms[LABEL], "Unggahan": b.platforms[sg.POSTS]}),
        pd.DataFrame({"Jenis": "Dataset", "Nama": b.datasets[NAME], "Unggahan": b.datasets[sg.POSTS]}),
        pd.DataFrame({"Jenis": ["Catatan"] * 3, "Nama": b.coverage_lines()[2:], "Unggahan": None}),
    ], ignore_index=True)
    return exports.to_safe_xlsx({"Ringkasan": _summary_rows(b), "Isu Naik": issues,
                                 "Per Provinsi": regional, "Cakupan": coverage})
