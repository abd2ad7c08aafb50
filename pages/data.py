"""Data: upload exports, check the column mapping, import, and review datasets."""
from __future__ import annotations

import streamlit as st

from monitoring import pipeline
from monitoring import schema as S
from monitoring.ingest import imports
from monitoring.ingest.quality import data_quality
from monitoring.report.exports import to_safe_csv
from monitoring.server import work
from ui import common, jobs, upload

common.ensure_frame()
st.title(":material/database: Data")
con = common.connection()

if not common.has_data():
    st.info("Belum ada data. Unggah ekspor Anda di bawah, atau muat data contoh untuk mencoba dasbor.")
if st.button("Muat data contoh", key="load_demo", help="Membuat ±6.000 unggahan contoh dan menganalisisnya."):
    summary = common.run_safely(lambda: upload.load_demo_with_progress(con))
    if summary:
        st.success(f"Data contoh dimuat: {common.fmt_int(summary.rows_imported)} unggahan.")

if pipeline.enrichment_is_stale(con):
    st.warning("PantauIsu telah diperbarui dan aturan pemrosesan teks, sentimen atau wilayahnya berubah. "
               "Hasil analisis tersimpan masih memakai aturan lama sampai semua unggahan diproses ulang "
               "(±1 menit per 1 juta unggahan; id, nama dan suntingan isu tetap).")
    if st.button("Proses ulang dengan aturan baru", key="renew_enrichment") and common.require_admin():
        report = common.run_safely(lambda: upload.analyse_with_progress(con))
        if report is not None:
            st.success(report.message())

st.header("Unggah berkas")
files = st.file_uploader(
    "Ekspor tweet-harvest, komentar Instagram/YouTube/TikTok, daftar berita, atau lembar kerja lain",
    type=["csv", "tsv", "txt", "xlsx", "json", "jsonl", "ndjson", "parquet"], accept_multiple_files=True,
    key="uploader", help="CSV/TSV (pemisah dan encoding dideteksi), XLSX, JSON, JSON Lines, Parquet.")
for file in files or []:
    upload.file_import_form(con, file)

st.header("Dataset tersimpan")
datasets = imports.list_datasets(con)
if datasets.empty:
    st.caption("Belum ada dataset.")
else:
    view = datasets.rename(columns={
        "dataset_id": "ID", "name": "Nama", "file_name": "Berkas", "platform": "Platform",
        "rows_read": "Baris dibaca", "rows_imported": "Diimpor", "rows_rejected": "Ditolak",
        "duplicates": "Duplikat", "imported_at": "Diimpor pada", "file_format": "Format",
        "encoding": "Encoding", "default_region": "Wilayah bawaan"}).drop(columns=["sha256"])
    view["Platform"] = view["Platform"].map(lambda p: S.PLATFORM_LABELS.get(p, p))
    common.show_table(view, hide_index=True, width="stretch", key="datasets_table")

    st.subheader("Kualitas data")
    names = {int(r.dataset_id): f"#{int(r.dataset_id)} · {r.name}" for r in datasets.itertuples()}
    chosen = st.selectbox("Dataset", [None] + list(names), key="quality_dataset",
                          format_func=lambda d: "Semua dataset" if d is None else names[d])
    quality = data_quality(con, chosen)
    cols = [*st.columns(3), *st.columns(3)]  # two rows: a date needs a wide column to show in full
    tz = common.app_settings()["display_timezone"]
    cols[0].metric("Unggahan pertama", common.fmt_date(common.local_time(quality["first_post"], tz)),
                   help=f"Tanggal unggahan paling awal ({tz}).")
    cols[1].metric("Unggahan terakhir", common.fmt_date(common.local_time(quality["last_post"], tz)),
                   help=f"Tanggal unggahan paling akhir ({tz}).")
    cols[2].metric("Unggahan", common.fmt_int(quality["posts"]), help="Unggahan tersimpan (tanpa duplikat).")
    cols[3].metric("Ditolak", common.fmt_int(quality["rows_rejected"]),
                   help="Baris yang tidak diimpor, misalnya teks kosong atau tanggal tak dikenali.")
    cols[4].metric("Duplikat dilewati", common.fmt_int(quality["duplicates"]),
                   help="Baris yang sudah tersimpan (ID sama, atau isi sama bila tanpa ID).")
    cols[5].metric("Berlokasi", common.fmt_pct(quality["located_share"]),
                   help="Bagian unggahan yang wilayahnya diketahui (provinsi).")
    if not quality["reject_reasons"].empty:
        st.caption("Alasan penolakan")
        common.show_table(quality["reject_reasons"].rename(columns={"reason": "Alasan", "rows": "Baris"}),
                          hide_index=True, key="reject_reasons")
    if chosen is not None:
        rejects = imports.dataset_rejects(con, chosen)
        if not rejects.empty:
            st.download_button("Unduh baris yang ditolak (CSV)", to_safe_csv(rejects),
                               file_name=f"ditolak_dataset_{chosen}.csv", mime="text/csv", key="dl_rejects")
        with st.expander("Hapus dataset ini"):
            st.warning("Menghapus dataset menghapus semua unggahannya dari penyimpanan. Tidak dapat dibatalkan.")
            confirm = st.checkbox("Saya yakin ingin menghapus dataset ini", key="confirm_delete")
            if st.button("Hapus dataset", key="delete_dataset", disabled=not confirm) and common.require_admin():
                deleted = common.run_safely(lambda: jobs.run_as_job(
                    "delete", f"Hapus dataset #{chosen}", lambda c, job: work.delete_dataset(c, job, chosen)))
                if deleted is not None:
                    st.success(f"Dataset dihapus ({common.fmt_int(deleted)} unggahan).")
                    st.rerun()
