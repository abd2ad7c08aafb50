"""Pengaturan glue: API tokens for scripts and other systems (created, shown once, revoked by admins)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from monitoring.server import tokens
from ui import common

NEW_TOKEN = "_pantauisu_new_token"  # (name, token) to show once, on the run after it was made


def _listing(listed: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "ID": listed["token_id"], "Nama": listed["name"], "Cakupan": listed["scope"],
        "Dibuat": listed["created_at"], "Terakhir dipakai": listed["last_used_at"],
        "Status": listed["revoked_at"].map(lambda t: "dicabut" if pd.notna(t) else "aktif")})


def _show_new_token() -> None:
    made = st.session_state.pop(NEW_TOKEN, None)
    if made is not None:
        st.success(f"Token '{made[0]}' dibuat. Salin sekarang: token ini tidak akan ditampilkan lagi.")
        st.code(made[1], language=None)


def _create_form(con) -> None:
    with st.form("token_form", clear_on_submit=True):
        name = st.text_input("Nama token", key="token_name", placeholder="mis. scraper harian Diskominfo")
        scope = st.selectbox("Cakupan", list(tokens.SCOPES), format_func=tokens.SCOPE_LABELS.get, key="token_scope")
        if st.form_submit_button("Buat token", key="create_token"):
            made = common.run_safely(lambda: tokens.create_token(con, name, scope))
            if made is not None:
                st.session_state[NEW_TOKEN] = (name.strip(), made[1])
                st.rerun()


def _revoke_form(con, listed: pd.DataFrame) -> None:
    active = listed[listed["revoked_at"].isna()]
    if active.empty:
        return
    names = {int(r.token_id): f"#{int(r.token_id)} · {r.name} ({r.scope})" for r in active.itertuples()}
    chosen = st.selectbox("Token yang dicabut", list(names), format_func=names.get, key="revoke_token_id")
    if st.button("Cabut token", key="revoke_token"):
        if common.run_safely(lambda: tokens.revoke_token(con, chosen)):
            st.rerun()


def token_section(con, admin: bool) -> None:
    """List the API tokens; admins create (shown once) and revoke them."""
    st.header("Token API")
    st.caption("Untuk skrip dan sistem lain yang memakai API di /api/v1/ (lihat README, bagian HTTP API). "
               "Cakupan baca hanya membaca; tulis juga mengimpor dan menganalisis. Token hanya ditampilkan "
               "sekali saat dibuat; yang disimpan hanya sidik sha256-nya.")
    listed = tokens.list_tokens(con)
    if listed.empty:
        st.caption("Belum ada token.")
    else:
        st.dataframe(_listing(listed), hide_index=True, key="tokens_table")
    if not admin:
        return
    _show_new_token()
    _create_form(con)
    _revoke_form(con, listed)
