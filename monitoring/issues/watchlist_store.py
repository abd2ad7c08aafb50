"""Watchlists against the store: share of voice of the analyst's keyword issues."""
from __future__ import annotations

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.errors import UserError
from monitoring.issues.store import query_normaliser
from monitoring.issues.watchlist import parse_query, share_of_voice, watchlist_matches
from monitoring.store import database as storage
from monitoring.store.database import query_df
from monitoring.store.queries import Filters, where_clause


def watchlists(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    frame = query_df(con, "SELECT name, query FROM watchlists ORDER BY name")
    return dict(zip(frame["name"], frame["query"]))


def _posts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    where, params = where_clause(filters)
    return query_df(con, f"SELECT {S.TEXT}, {S.TOKENS}, {S.CREATED_AT} FROM post_view {where}", params)


def watchlist_share(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Posts per watchlist and share of voice among posts matching any watchlist."""
    lists = watchlists(con)
    if not lists:
        return pd.DataFrame(columns=["watchlist", "posts", "share"])
    return share_of_voice(_posts(con, filters), lists, normaliser=query_normaliser(con))


def watchlist_daily(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Posts per day per watchlist (columns bucket, watchlist, posts)."""
    lists = watchlists(con)
    posts = _posts(con, filters)
    if not lists or posts.empty:
        return pd.DataFrame(columns=["bucket", "watchlist", "posts"])
    matches = watchlist_matches(posts, lists, normaliser=query_normaliser(con))
    matches["bucket"] = posts[S.CREATED_AT].dt.floor("D")
    daily = matches.groupby("bucket").sum().reset_index()
    return daily.melt(id_vars="bucket", var_name="watchlist", value_name="posts")


def watchlists_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return storage.query_df(con, "SELECT name, query FROM watchlists ORDER BY name")


def save_watchlists(con: duckdb.DuckDBPyConnection, watchlists: pd.DataFrame) -> int:
    """Validate and replace the watchlists; an invalid query raises an Indonesian UserError."""
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
