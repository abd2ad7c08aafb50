"""The analyst's own slang entries, stopwords and watchlists, as stored in the store."""
from __future__ import annotations

import duckdb
import pandas as pd

from monitoring import storage
from monitoring.errors import UserError


def user_slang_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return storage.query_df(con, "SELECT slang, formal FROM user_slang ORDER BY slang")


def user_stopwords_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return storage.query_df(con, "SELECT word FROM user_stopwords ORDER BY word")


def watchlists_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return storage.query_df(con, "SELECT name, query FROM watchlists ORDER BY name")


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


def save_watchlists(con: duckdb.DuckDBPyConnection, watchlists: pd.DataFrame) -> int:
    """Validate and replace the watchlists; an invalid query raises an Indonesian UserError."""
    from monitoring.watchlist import parse_query

    frame = pd.DataFrame({"name": watchlists["name"].fillna("").astype(str).str.strip(),
                          "query": watchlists["query"].fillna("").astype(str).str.strip()})
    frame = frame[(frame["name"] != "") | (frame["query"] != "")]
    for row in frame.itertuples():
        if not row.name or not row.query:
            raise UserError("Setiap watchlist perlu nama dan kueri. Lengkapi baris yang kosong.")
        parse_query(row.query)
    frame = frame.drop_duplicates("name", keep="last")
    with storage.transaction(con):
        con.execute("DELETE FROM watchlists")
        con.register("incoming", frame)
        con.execute("INSERT INTO watchlists SELECT name, query FROM incoming")
        con.unregister("incoming")
        storage.bump_version(con)
    return len(frame)
