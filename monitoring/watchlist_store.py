"""Watchlists against the store: share of voice of the analyst's keyword issues."""
from __future__ import annotations

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.issue_store import query_normaliser
from monitoring.queries import Filters, where_clause
from monitoring.storage import query_df
from monitoring.watchlist import share_of_voice, watchlist_matches


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
