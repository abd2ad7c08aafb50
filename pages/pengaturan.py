"""Pengaturan: settings, the analyst's own slang and stopwords, watchlists, delivery (briefing and alerts)."""
from __future__ import annotations

import streamlit as st

from monitoring.issues import watchlist_store
from monitoring.text import dictionaries
from ui import api_tokens, common, delivery

common.ensure_frame()
st.title(":material/settings: Pengaturan")
con = common.connection()
admin = common.is_admin()
if not admin:
    st.info("Hanya admin yang dapat mengubah pengaturan. Anda dapat melihatnya saja.")

st.header("Pengaturan umum")
common.settings_form("umum", admin=admin, key="settings_form")
st.caption("Variabel lingkungan PANTAUISU_<NAMA> mengalahkan nilai yang disimpan di sini.")

st.header("Kamus slang dan stopword Anda")
st.caption("Tambahan Anda berlaku untuk unggahan baru dan setelah 'Proses ulang semua teks'.")
left, right = st.columns(2)
with left:
    slang = dictionaries.user_slang_frame(con)
    edited_slang = st.data_editor(slang, num_rows="dynamic", key="slang_editor", disabled=not admin,
                                  column_config={"slang": "Slang", "formal": "Bentuk baku"})
with right:
    stop = dictionaries.user_stopwords_frame(con)
    edited_stop = st.data_editor(stop, num_rows="dynamic", key="stopword_editor", disabled=not admin,
                                 column_config={"word": "Stopword"})
if st.button("Simpan kamus", key="save_dictionaries", disabled=not admin):
    common.run_safely(lambda: dictionaries.save_user_dictionaries(con, edited_slang, edited_stop))
    st.success("Kamus disimpan.")
if st.button("Proses ulang semua teks", key="reprocess", disabled=not admin,
             help="Menghitung ulang token, sentimen, wilayah dan isu untuk semua unggahan."):
    from monitoring.server import work
    from ui.jobs import run_as_job

    if common.run_safely(lambda: run_as_job("reprocess", "Proses ulang semua teks", work.reprocess)) is not None:
        st.success("Semua unggahan diproses ulang.")

st.header("Watchlist")
st.caption('Isu yang Anda definisikan dengan kata kunci, mis. `bbm OR pertalite -motor` atau `"harga beras"`. '
           "Dilacak di samping isu yang ditemukan otomatis.")
watch = watchlist_store.watchlists_frame(con)
edited_watch = st.data_editor(watch, num_rows="dynamic", key="watchlist_editor", disabled=not admin,
                              column_config={"name": "Nama", "query": "Kueri"})
if st.button("Simpan watchlist", key="save_watchlists", disabled=not admin):
    saved = common.run_safely(lambda: watchlist_store.save_watchlists(con, edited_watch))
    if saved is not None:
        st.success("Watchlist disimpan.")

delivery.delivery_section(con, admin=admin)

st.header("Akses")
if common.login_configured():
    st.write("Login OIDC aktif. Admin ditentukan di `.streamlit/secrets.toml` ([pantauisu] admins).")
else:
    st.write("Login tidak dikonfigurasi: aplikasi berjalan lokal tanpa login dan semua pengguna adalah admin. "
             "Lihat README bagian Keamanan untuk mengaktifkan login.")

api_tokens.token_section(con, admin)
