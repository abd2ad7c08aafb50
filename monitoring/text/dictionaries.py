"""The analyst's own slang entries and stopwords, as stored in the store (watchlists: see
:mod:`monitoring.issues.watchlist_store`)."""
from __future__ import annotations

import duckdb
import pandas as pd

from monitoring.store import database as storage


def user_slang_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return storage.query_df(con, "SELECT slang, formal FROM user_slang ORDER BY slang")


def user_stopwords_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return storage.query_df(con, "SELECT word FROM user_stopwords ORDER BY word")


def _clean_words(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip().str.lower()


def save_user_dictionaries(con: duckdb.DuckDBPyConnection, slang: pd.DataFrame, stopwords: pd.DataFrame) -> None:
    """Replace the analyst's slang and stopword lists (rows with an empty word are dropped)."""
    slang = pd.DataFrame({"slang": _clean_words(slang["slang"]), "formal": _clean_words(slang["formal"])})
    slang = slang[(slang["slang"] != "") & (slang["formal"] != "")].drop_duplicates("slang", keep="last")
    words = pd.DataFrame({"word": _clean_words(stopwords["word"])})
    words = words[words["word"] != ""].drop_duplicates()
    with storage.transaction(con):
        con.execute("DELETE FROM user_slang")
        con.execute("DELETE FROM user_stopwords")
        for frame, table in ((slang, "user_slang"), (words, "user_stopwords")):
            con.register("incoming", frame)
            con.execute(f"INSERT INTO {table} SELECT * FROM incoming")
            con.unregister("incoming")
