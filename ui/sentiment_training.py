"""Sentimen page glue: review and correct labels, upload labelled examples, train, switch models.

Widgets only; the work is done by :mod:`monitoring.sentiment.model.store` and
:mod:`monitoring.sentiment.model.queries`. Post text is shown in data grids (plain text), never as
Markdown or HTML.
"""
from __future__ import annotations

import hashlib
from typing import Any, Callable

import pandas as pd
import streamlit as st

from monitoring import schema as S
from monitoring.ingest import readers
from monitoring.report import sentiment_charts
from monitoring.sentiment import adaptation, store
from monitoring.sentiment import queries as sentiment_queries
from monitoring.sentiment.explain import explain_posts
from monitoring.sentiment.model import MIN_EXAMPLES_PER_CLASS
from monitoring.store import queries
from ui import common

DEFAULT = "bawaan"          # the default lexicon model in selectboxes (the registry says None)
FLASH_KEY, CANDIDATE_KEY = "sentiment_flash", "sentiment_candidate"
REVIEW_LIMIT = 25
REVIEW_ORDERS = {"uncertain": "Paling ragu dulu", "newest": "Terbaru", "engagement": "Interaksi tertinggi"}
NO_LABEL = "–"               # review table: not labelled yet
CHOICES = [NO_LABEL] + [S.SENTIMENT_LABELS[s] for s in S.SENTIMENTS]


def fmt_score(value: Any) -> str:
    """0.8734 -> '0,87' (F1 and accuracy as a 0-1 score, Indonesian decimal comma)."""
    return "–" if value is None or pd.isna(value) else f"{float(value):.2f}".replace(".", ",")


def version_name(version: str | None) -> str:
    return "Model bawaan (leksikon)" if version in (None, DEFAULT) else f"Model {version}"


def show_flash() -> None:
    """Show (once) the message left by an action that re-ran the page."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def active_model_caption(con) -> None:
    versions = store.model_versions(con)
    if not versions["active"].any():
        st.warning("Berkas model sentimen aktif tidak ditemukan. Pilih versi lain di tab Latih & versi model.")
        return
    active = versions[versions["active"]].iloc[0]
    detail = "" if active["version"] is None else (
        f" · F1 makro {fmt_score(active['macro_f1'])} (validasi silang, {common.fmt_int(active['n_examples'])} contoh)")
    st.caption(f"Model sentimen aktif: **{version_name(active['version'])}**{detail}")


# --- review and correct ----------------------------------------------------------------------

def _editor_frame(posts: pd.DataFrame) -> pd.DataFrame:
    hours = queries.TZ_OFFSETS[common.app_settings()["display_timezone"]]
    when = pd.to_datetime(posts[S.CREATED_AT], utc=True) + pd.Timedelta(hours=hours)
    return pd.DataFrame({
        "Teks": posts[S.TEXT].astype(str),
        "Sentimen model": posts[S.SENTIMENT].map(S.SENTIMENT_LABELS).fillna(NO_LABEL),
        "Alasan": explain_posts(posts[S.TEXT].tolist(), posts[S.SENTIMENT].tolist()),
        "Label analis": posts["analyst_label"].map(S.SENTIMENT_LABELS).fillna(NO_LABEL).astype(object),
        "Keyakinan": posts[S.SENTIMENT_SCORE], "Waktu": when.dt.tz_localize(None),
        "Platform": posts[S.PLATFORM].map(S.PLATFORM_LABELS), "Akun": posts[S.AUTHOR].fillna(NO_LABEL)})


def review_section(con, filters: queries.Filters) -> None:
    st.caption("Periksa label model dan alasannya. Pilih label yang benar di kolom Label analis, lalu tekan "
               "Simpan label. Setiap koreksi dipakai untuk menyesuaikan model; grafik di atas tetap memakai model aktif.")
    left, right = st.columns([3, 1])
    order = left.radio("Urutkan", list(REVIEW_ORDERS), format_func=REVIEW_ORDERS.get, horizontal=True,
                       key="review_order", help="Paling ragu dulu: unggahan dengan keyakinan model terendah.")
    only_new = right.checkbox("Hanya yang belum dilabeli", value=True, key="review_unlabelled")
    posts = sentiment_queries.review_posts(con, filters, order=order, limit=REVIEW_LIMIT, only_unlabelled=only_new)
    if posts.empty:
        st.info("Tidak ada unggahan untuk ditinjau pada filter ini.")
        return
    # The key follows the rows shown, so edits never carry over to other posts.
    digest = hashlib.sha1("|".join(posts[S.POST_KEY]).encode()).hexdigest()[:10]
    edited = st.data_editor(
        _editor_frame(posts), key=f"review_editor_{digest}", hide_index=True, width="stretch",
        disabled=["Waktu", "Platform", "Akun", "Teks", "Sentimen model", "Alasan", "Keyakinan"],
        column_config={
            "Teks": st.column_config.TextColumn(width="large"),
            "Sentimen model": st.column_config.TextColumn(width="small"),
            "Alasan": st.column_config.TextColumn(width="large", help=(
                "Kata atau frasa yang mendorong label, dengan bobotnya; negasi (\"tidak puas\"), kata pembalik "
                "(tapi/namun) dan sindiran disebut.")),
            "Label analis": st.column_config.SelectboxColumn(
                options=CHOICES, required=True, width="small",
                help=f"Label yang benar menurut analis; {NO_LABEL} = belum dilabeli (pilih {NO_LABEL} untuk menghapus)."),
            "Keyakinan": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent",
                                                         width="small", help="Keyakinan model aktif."),
            "Waktu": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm", width="small"),
        })
    if st.button("Simpan label", key="save_labels", type="primary"):
        after = edited["Label analis"].map(lambda v: None if v == NO_LABEL else v)
        to_save, to_clear = store.label_edits(posts[S.POST_KEY], posts["analyst_label"], after)
        if not (to_save or to_clear):
            st.info("Belum ada label yang diubah.")
            return
        if common.run_safely(lambda: (store.save_labels(con, to_save), store.delete_labels(con, to_clear))):
            st.session_state[FLASH_KEY] = (f"{common.fmt_int(len(to_save))} label disimpan, "
                                           f"{common.fmt_int(len(to_clear))} label dihapus.")
            st.rerun()


# --- upload labelled examples -----------------------------------------------------------------

def _read_upload(file) -> readers.RawTable | None:
    limits = common.app_settings()
    if file.size > limits["max_upload_mb"] * 2**20:
        st.error(f"Berkas lebih besar dari {limits['max_upload_mb']} MB. Pecah berkasnya menjadi beberapa bagian.")
        return None
    return common.run_safely(lambda: readers.read_table(
        file.getvalue(), file.name, max_xlsx_unpacked_bytes=limits["max_xlsx_unpacked_mb"] * 2**20))


def upload_section(con) -> None:
    st.caption("Unggah CSV/XLSX dengan satu kolom teks dan satu kolom label: positif/netral/negatif, "
               "positive/neutral/negative, atau 1/0/-1. Contoh disimpan untuk melatih model.")
    file = st.file_uploader("Berkas contoh berlabel", type=["csv", "tsv", "txt", "xlsx"], key="examples_upload")
    table = _read_upload(file) if file is not None else None
    if table is not None:
        columns = [str(c) for c in table.frame.columns]
        text_guess, label_guess = store.guess_example_columns(columns)
        left, right = st.columns(2)
        text_col = left.selectbox("Kolom teks", columns, key="examples_text_col",
                                  index=columns.index(text_guess) if text_guess else 0)
        label_col = right.selectbox("Kolom label", columns, key="examples_label_col",
                                    index=columns.index(label_guess) if label_guess else min(1, len(columns) - 1))
        examples = common.run_safely(lambda: store.examples_from_table(table.frame, text_col, label_col))
        if examples is not None:
            counts = store.label_counts(examples)
            st.write(f"{common.fmt_int(len(examples))} contoh: " + ", ".join(
                f"{S.SENTIMENT_LABELS[s]} {common.fmt_int(n)}" for s, n in counts.items()))
            st.dataframe(examples.head(5).assign(label=lambda f: f["label"].map(S.SENTIMENT_LABELS)),
                         hide_index=True, key="examples_preview", column_config={"text": "Teks", "label": "Label"})
            if st.button("Simpan sebagai contoh latih", key="save_examples", type="primary"):
                saved = common.run_safely(lambda: store.save_examples(con, examples, source=file.name))
                if saved is not None:
                    st.success(f"{common.fmt_int(saved)} contoh disimpan.")
    with st.expander("Hapus contoh dari berkas"):
        st.caption("Menghapus semua contoh hasil unggahan berkas. Label koreksi pada unggahan tidak terhapus.")
        if st.button("Hapus semua contoh dari berkas", key="clear_examples") and common.require_admin():
            removed = common.run_safely(lambda: store.clear_examples(con))
            if removed is not None:
                st.success(f"{common.fmt_int(removed)} contoh dihapus.")


# --- train, check, switch -----------------------------------------------------------------------

def _switch(action: Callable[[Callable[[float, str], None]], Any], done: Callable[[Any], str]) -> None:
    """Run a model switch with a progress bar, then re-run the page with a success message."""
    bar = st.progress(0.0, text="Menghitung ulang sentimen…")
    result = common.run_safely(lambda: action(lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m)))
    bar.empty()
    if result is not None:
        st.session_state[FLASH_KEY] = done(result)
        st.session_state.pop(CANDIDATE_KEY, None)
        st.rerun()


def _rescored(name: str, result: store.RescoreResult) -> str:
    return (f"{name} aktif. Sentimen {common.fmt_int(result.posts)} unggahan dihitung ulang; "
            f"{common.fmt_int(result.changed)} berganti label.")


def training_section(con) -> None:
    examples = store.training_examples(con)
    counts = store.label_counts(examples)
    cols = st.columns(4)
    for col, sentiment in zip(cols, S.SENTIMENTS):
        col.metric(f"Contoh {S.SENTIMENT_LABELS[sentiment]}", common.fmt_int(counts[sentiment]))
    cols[3].metric("Dari koreksi unggahan", common.fmt_int((examples["origin"] == store.ORIGIN_POST).sum()))
    if min(counts.values()) < MIN_EXAMPLES_PER_CLASS:
        st.info(f"Model baru butuh minimal {MIN_EXAMPLES_PER_CLASS} contoh untuk setiap sentimen. Tambahkan "
                "label di tab Tinjau & koreksi atau unggah contoh berlabel.")
    if st.button("Latih model", key="train_model", type="primary",
                 help="Melatih model baru dari semua contoh berlabel dan mengujinya dengan validasi silang."):
        with st.spinner("Melatih dan menguji model…"):
            result = common.run_safely(lambda: store.train_candidate(con))
        if result is not None:
            st.session_state[CANDIDATE_KEY] = result
    adaptation_section(con, int((examples["origin"] == store.ORIGIN_POST).sum()))
    candidate = st.session_state.get(CANDIDATE_KEY)
    if candidate is not None:
        candidate_section(con, candidate)
    versions_section(con)


def adaptation_section(con, corrections: int) -> None:
    """After enough corrections: offer a model adapted to this team's data (measured before switching)."""
    needed = adaptation.ADAPT_MIN_CORRECTIONS
    if corrections < needed:
        st.caption(f"{common.fmt_int(corrections)}/{needed} koreksi label. Setelah {needed} koreksi, aplikasi "
                   "menawarkan model yang disesuaikan dengan data tim ini.")
        return
    st.info(f"Sudah {common.fmt_int(corrections)} koreksi label: model bawaan bisa disesuaikan dengan data tim "
            "ini (koreksi + unggahan tersimpan yang diyakini model bawaan). Mutunya diuji pada koreksi yang "
            "disisihkan dan ditampilkan di samping model bawaan sebelum diaktifkan.")
    if st.button("Buat model yang disesuaikan", key="adapt_model"):
        with st.spinner("Menyesuaikan dan menguji model…"):
            result = common.run_safely(lambda: adaptation.adapt_candidate(con, folds=3))
        if result is not None:
            st.session_state[CANDIDATE_KEY] = result


def candidate_section(con, result: store.TrainingResult) -> None:
    metrics, base = result.metrics, result.baseline
    st.subheader(f"Hasil uji model baru {result.version} (belum aktif)")
    what = "koreksi label" if metrics.get("adapted") else "contoh berlabel"
    st.caption(f"Validasi silang {metrics['folds']} lipatan pada {common.fmt_int(result.n_examples)} {what}: "
               "setiap contoh dinilai oleh model yang tidak melihatnya saat dilatih. Model baru adalah campuran "
               f"model terlatih (bobot {fmt_score(metrics.get('weight', 1.0))}) dan model bawaan yang terbaik pada "
               "uji ini, jadi tidak lebih buruk dari model bawaan."
               + (f" {common.fmt_int(metrics.get('self_trained', 0))} unggahan tersimpan dilabeli model bawaan "
                  "sebagai contoh latih tambahan (tidak ikut diuji)." if metrics.get("adapted") else ""))
    cols = st.columns(3)
    for col, name, key in ((cols[0], "Akurasi", "accuracy"), (cols[1], "F1 makro", "macro_f1")):
        delta = (metrics[key] - base[key]) * 100
        col.metric(name, fmt_score(metrics[key]), delta=f"{delta:+.1f} poin vs model bawaan".replace(".", ","))
    cols[2].metric("F1 makro model bawaan", fmt_score(base["macro_f1"]), help="Model leksikon pada contoh yang sama.")
    left, right = st.columns([3, 2])
    left.plotly_chart(sentiment_charts.confusion_heatmap(metrics, f"Matriks kebingungan model {result.version}"),
                      key="confusion_chart")
    right.dataframe(sentiment_charts.confusion_frame(metrics), key="confusion_table")
    per_class = sentiment_charts.per_class_frame(metrics)
    right.dataframe(per_class.assign(**{c: per_class[c].map(fmt_score) for c in ("Presisi", "Recall", "F1")}),
                    hide_index=True, key="per_class_table")
    if st.button(f"Aktifkan model {result.version}", key="activate_candidate", type="primary") \
            and common.require_admin():
        _switch(lambda p: store.activate_model(con, result.version, progress=p),
                lambda r: _rescored(version_name(result.version), r))


def _versions_table(versions: pd.DataFrame) -> pd.DataFrame:
    tz = common.app_settings()["display_timezone"]
    created = pd.to_datetime(versions["created_at"], utc=True) + pd.Timedelta(hours=queries.TZ_OFFSETS[tz])
    return pd.DataFrame({
        "Versi": versions["version"].map(version_name),
        f"Dibuat ({tz})": created.dt.strftime("%d/%m/%Y %H:%M").fillna("–"),
        "Contoh": versions["n_examples"].map(lambda n: "–" if pd.isna(n) else common.fmt_int(n)),
        "Akurasi": versions["accuracy"].map(fmt_score), "F1 makro": versions["macro_f1"].map(fmt_score),
        "Aktif": versions["active"].map({True: "aktif", False: ""})})


def versions_section(con) -> None:
    st.subheader("Versi model")
    versions = store.model_versions(con)
    st.dataframe(_versions_table(versions), hide_index=True, key="model_versions")
    options = [DEFAULT if v is None else v for v in versions["version"]]
    active = options[int(versions["active"].to_numpy().argmax())]
    pick = st.selectbox("Pilih versi", options, index=options.index(active), format_func=version_name,
                        key="version_pick")
    left, right = st.columns(2)
    if left.button("Aktifkan versi terpilih", key="activate_version", disabled=pick == active) \
            and common.require_admin():
        version = None if pick == DEFAULT else pick
        _switch(lambda p: store.activate_model(con, version, progress=p),
                lambda r: _rescored(version_name(version), r))
    if right.button("Kembalikan versi sebelumnya", key="rollback_model") and common.require_admin():
        _switch(lambda p: store.rollback_model(con, progress=p),
                lambda r: _rescored(version_name(r[0]), r[1]))
