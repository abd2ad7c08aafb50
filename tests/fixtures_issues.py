"""Add an issue's posts to a test store by hand: a new, local issue with known text and label."""
from __future__ import annotations

import pandas as pd

from monitoring.store import database as storage


def inject_issue(con, *, issue_id: str, label: str, province_code: str, province: str, texts: list[str],
                 dataset: str, minutes_apart: int = 20, first_likes: int = 3, prefix: str | None = None) -> None:
    """Add posts of one issue in one province just before the latest stored post, already enriched and
    assigned (negative sentiment), and the issue row itself (marked new); the store version moves on."""
    from monitoring import schema as S
    from monitoring.ingest.imports import import_posts_frame

    prefix = prefix or issue_id.lower()
    latest = pd.Timestamp(storage.query_value(con, "SELECT max(created_at) FROM posts"))
    posts = pd.DataFrame({
        S.POST_ID: [f"{prefix}-{i}" for i in range(len(texts))], S.PLATFORM: "x",
        S.CREATED_AT: [latest - pd.Timedelta(minutes=minutes_apart * i + 5) for i in range(len(texts))],
        S.AUTHOR: [f"{prefix}_akun{i}" for i in range(len(texts))], S.TEXT: texts,
        S.LIKES: [first_likes] + [3] * (len(texts) - 1),
    })
    import_posts_frame(con, posts, name=dataset)
    keys = storage.query_df(con, "SELECT post_key FROM posts WHERE post_id LIKE ?", [f"{prefix}-%"])[S.POST_KEY]
    with storage.transaction(con):
        for key in keys:
            con.execute("INSERT INTO enrichment (post_key, sentiment, province_code, province) VALUES "
                        "(?, 'negative', ?, ?)", [key, province_code, province])
            con.execute("INSERT INTO post_issues (post_key, issue_id, dup_group, is_coordinated) "
                        "VALUES (?, ?, ?, false)", [key, issue_id, key])
        if not storage.query_value(con, "SELECT count(*) FROM issues WHERE issue_id = ?", [issue_id]):
            con.execute("INSERT INTO issues (issue_id, label, top_terms, terms, is_new, hidden, kind, query, headline) "
                        "VALUES (?, ?, ?, '{}', true, false, 'discovered', NULL, ?)", [issue_id, label, label, label])
        storage.bump_version(con)
