"""What changed since yesterday: the last 24 h against the 24 h before, ending at the latest post."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.store.database import query_df
from monitoring.store.queries import Filters, scoped


def change_since_yesterday(con: duckdb.DuckDBPyConnection, filters: Filters, *, limit: int = 5,
                           latest: pd.Timestamp | None = None) -> dict[str, Any]:
    """Posts in the last 24 h vs the previous 24 h, and the issues that grew most.

    The window ends at the latest post matching the filters (uploads are often days old),
    not at the wall clock. ``latest`` is that time when the caller knows it, e.g. the last
    post of a non-empty :func:`monitoring.store.queries.overview` of the same filters (no post
    before their start is later); otherwise it is looked up.
    """
    if latest is None:
        source, where, params = scoped(con, replace(filters, start=None, end=filters.end))
        latest = query_df(con, f"SELECT max({S.CREATED_AT}) AS t FROM {source} {where}", params)["t"].iloc[0]
    empty = {"recent_posts": 0, "previous_posts": 0, "rising": pd.DataFrame(), "now": None}
    if pd.isna(latest):
        return empty
    now = pd.Timestamp(latest) + pd.Timedelta(seconds=1)
    window = replace(filters, start=now - pd.Timedelta(hours=48), end=now)
    source, where, params = scoped(con, window)
    frame = query_df(con, f"""SELECT v.{S.ISSUE_ID} AS issue_id, any_value(coalesce(i.label, v.{S.ISSUE_ID})) AS label,
        count(*) FILTER (WHERE v.{S.CREATED_AT} >= ?) AS recent,
        count(*) FILTER (WHERE v.{S.CREATED_AT} < ?) AS previous
        FROM (SELECT * FROM {source} {where}) v LEFT JOIN issues i ON i.issue_id = v.{S.ISSUE_ID}
        GROUP BY ALL""", [(now - pd.Timedelta(hours=24)).to_pydatetime()] * 2 + params)
    rising = frame[frame["issue_id"].notna()].assign(change=lambda f: f["recent"] - f["previous"])
    # ties in a fixed order (the query's row order varies): the same list on every render
    rising = rising[rising["change"] > 0].sort_values(["change", "recent", "label"], ascending=[False, False, True])
    rising = rising.head(limit)[["label", "recent", "previous", "change"]]
    return {"recent_posts": int(frame["recent"].sum()), "previous_posts": int(frame["previous"].sum()),
            "rising": rising.reset_index(drop=True), "now": now}
