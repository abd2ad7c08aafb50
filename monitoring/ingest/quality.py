"""Data-quality panel: time span, rejects and why, duplicates, share with location."""
from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.store.database import query_df


def data_quality(con: duckdb.DuckDBPyConnection, dataset_id: int | None = None) -> dict[str, Any]:
    """Quality figures for one dataset (or the whole store when ``dataset_id`` is None)."""
    cond, params = ("WHERE p.dataset_id = ?", [dataset_id]) if dataset_id is not None else ("", [])
    posts = query_df(con, f"""SELECT count(*) AS posts, min(p.{S.CREATED_AT}) AS first_post,
        max(p.{S.CREATED_AT}) AS last_post,
        avg(CASE WHEN e.{S.PROVINCE_CODE} IS NOT NULL THEN 1.0 ELSE 0.0 END) AS located_share,
        avg(CASE WHEN p.{S.LOCATION_RAW} IS NOT NULL AND p.{S.LOCATION_RAW} <> '' THEN 1.0 ELSE 0.0 END)
            AS profile_location_share,
        count(e.{S.POST_KEY}) AS enriched
        FROM posts p LEFT JOIN enrichment e USING ({S.POST_KEY}) {cond}""", params).iloc[0]
    dcond = "WHERE dataset_id = ?" if dataset_id is not None else ""
    totals = query_df(con, f"""SELECT coalesce(sum(rows_read),0) AS rows_read,
        coalesce(sum(rows_rejected),0) AS rows_rejected, coalesce(sum(duplicates),0) AS duplicates
        FROM datasets {dcond}""", params).iloc[0]
    reasons = query_df(con, f"""SELECT regexp_replace(reason, ':.*$', '') AS reason, count(*) AS rows
        FROM rejects {dcond} GROUP BY ALL ORDER BY rows DESC""", params)
    return {
        "posts": int(posts["posts"]), "enriched": int(posts["enriched"]),
        "first_post": None if pd.isna(posts["first_post"]) else pd.Timestamp(posts["first_post"]),
        "last_post": None if pd.isna(posts["last_post"]) else pd.Timestamp(posts["last_post"]),
        "located_share": float(posts["located_share"] or 0.0),
        "profile_location_share": float(posts["profile_location_share"] or 0.0),
        "rows_read": int(totals["rows_read"]), "rows_rejected": int(totals["rows_rejected"]),
        "duplicates": int(totals["duplicates"]), "reject_reasons": reasons,
    }
