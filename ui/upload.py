"""Upload glue for the Data page: read ▸ mapping form ▸ preview ▸ import ▸ analyse (as a job)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitoring import pipeline
from monitoring import schema as S
from monitoring.errors import UserError
from monitoring.ingest import imports
from monitoring.ingest.mapping import apply_mapping
from monitoring.server import work
from ui import common, jobs

NONE = "(tidak ada)"
ENCODINGS = ["otomatis", "utf-8", "utf-16", "cp1252", "latin-1"]
DELIMITERS = {"otomatis": None, "koma ,": ",", "titik koma ;": ";", "tab": "\t", "garis |": "|"}


def load_demo_with_progress(con):
    """Generate, import and analyse the demo dataset as a job; its import summary."""
    return jobs.run_as_job("demo", "Memuat data contoh", lambda c, job: pipeline.load_demo(c, progress=job.report))


def analyse_with_progress(con) -> pipeline.AnalysisReport:
    """Analyse the store as a job; what the analysis did."""
    return jobs.run_as_job("analysis", "Analisis", lambda c, job: pipeline.analyze(c, progress=job.report))


def _prepare(con, file, encoding: str | None, delimiter: str | None):
    key = ("prepared", file.file_id, encoding, delimiter)
    if key not in st.session_state:
        limits = common.app_settings()
        st.session_state[key] = imports.prepare_file(
            con, file.getvalue(), file.name, encoding=encoding, delimiter=delimiter,
            max_bytes=limits["max_upload_mb"] * 2**20,
            max_xlsx_unpacked_bytes=limits["max_xlsx_unpacked_mb"] * 2**20)
    return st.session_state[key]


def file_import_form(con, file) -> None:
    """One expander per uploaded file with read options, mapping, preview and import button."""
    with st.expander(file.name, expanded=True, icon=":material/description:"):
        c1, c2 = st.columns(2)
        encoding = c1.selectbox("Encoding", ENCODINGS, key=f"enc_{file.file_id}",
                                help="Biarkan 'otomatis' kecuali huruf tampak rusak di pratinjau.")
        delimiter = c2.selectbox("Pemisah kolom (CSV)", list(DELIMITERS), key=f"sep_{file.file_id}")
        try:
            prepared = _prepare(con, file, None if encoding == "otomatis" else encoding, DELIMITERS[delimiter])
        except UserError as err:
            st.error(str(err))
            return
        table = prepared.table
        st.caption(f"Format {table.format.upper()} · {common.fmt_int(prepared.rows_read)} baris · "
                   f"encoding {table.encoding or '-'} · pemisah {repr(table.delimiter) if table.delimiter else '-'}"
                   + (" · pemetaan diingat dari berkas sebelumnya" if prepared.remembered else ""))
        mapping, platform, region = _mapping_form(file.file_id, prepared)
        try:
            preview = apply_mapping(table.frame.head(20), mapping, platform=platform, now=pd.Timestamp.now(tz="UTC"))
        except UserError as err:
            st.error(str(err))
            return
        st.caption("Pratinjau hasil pemetaan (20 baris pertama)")
        shown = preview.posts.drop(columns=[S.EXTRA], errors="ignore")
        common.show_table(shown.assign(**{S.PLATFORM: shown[S.PLATFORM].map(lambda p: S.PLATFORM_LABELS.get(p, p))}),
                          hide_index=True, key=f"preview_{file.file_id}", column_config=S.FIELD_LABELS)
        for warning in preview.warnings:
            st.warning(warning)
        if st.button("Impor berkas ini", key=f"import_{file.file_id}", type="primary"):
            _do_import(con, prepared, mapping, platform, region)


def _mapping_form(file_id: str, prepared) -> tuple[dict[str, str], str, str | None]:
    columns = [NONE] + [str(c) for c in prepared.table.frame.columns]
    st.markdown("**Pemetaan kolom** — periksa dan koreksi bila perlu.")
    mapping: dict[str, str] = {}
    grid = st.columns(4)
    for i, field in enumerate(S.MAPPABLE_COLUMNS):
        current = prepared.mapping.get(field, NONE)
        choice = grid[i % 4].selectbox(S.FIELD_LABELS[field], columns, key=f"map_{file_id}_{field}",
                                       index=columns.index(current) if current in columns else 0)
        if choice != NONE:
            mapping[field] = choice
    c1, c2 = st.columns(2)
    platform = c1.selectbox("Platform", list(S.PLATFORMS), index=list(S.PLATFORMS).index(prepared.platform),
                            format_func=S.PLATFORM_LABELS.get, key=f"platform_{file_id}")
    provinces = common.province_names()
    region = c2.selectbox("Wilayah bawaan (opsional)", [None] + list(provinces), key=f"region_{file_id}",
                          format_func=lambda c: "Tidak ada" if c is None else provinces[c],
                          help="Gunakan bila semua unggahan berkas ini berasal dari satu wilayah; "
                               "lokasi profil yang jelas tetap diutamakan.")
    return mapping, platform, region


def _do_import(con, prepared, mapping, platform, region) -> None:
    try:
        result = jobs.run_as_job("upload", f"Impor {prepared.file_name}", lambda c, job: work.import_prepared_and_analyse(
            c, prepared, job, mapping=mapping, platform=platform, region=region))
    except UserError as err:
        st.error(str(err))
        return
    summary = result["import"]
    if summary["already_imported"]:
        st.info("Berkas yang sama persis sudah pernah diimpor; tidak ada yang berubah.")
        return
    st.success(f"{common.fmt_int(summary['rows_imported'])} unggahan diimpor · "
               f"{common.fmt_int(summary['duplicates'])} duplikat dilewati · "
               f"{common.fmt_int(summary['rows_rejected'])} baris ditolak.")
    if "error" in result["analysis"]:
        st.warning(f"Data tersimpan, tetapi belum dapat dianalisis: {result['analysis']['error']}")
    else:
        st.info(result["analysis"]["message"])
