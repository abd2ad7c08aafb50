"""Schema migrations of the store: each one applied once, in order, by :func:`migrate`.

:func:`monitoring.store.database.connect` runs :func:`migrate` on every writable connection, so a
store made by an earlier release is brought up to date when it is opened. The applied versions are
rows of the ``schema_version`` table.
"""
from __future__ import annotations

import duckdb

from monitoring import schema as S
from monitoring.store.transactions import WRITE_LOCK, transaction

_POST_COLUMNS_SQL = ",\n    ".join(f"{c} {t}" for c, t in S.CANONICAL_TYPES.items())

# Each migration is applied once, in order, inside one transaction; never edit a shipped one.
MIGRATIONS: tuple[str, ...] = (
    f"""
    CREATE TABLE datasets (
        dataset_id INTEGER PRIMARY KEY,
        name VARCHAR NOT NULL,
        file_name VARCHAR,
        sha256 VARCHAR,
        platform VARCHAR,
        file_format VARCHAR,
        encoding VARCHAR,
        rows_read BIGINT,
        rows_imported BIGINT,
        rows_rejected BIGINT,
        duplicates BIGINT,
        mapping VARCHAR,
        default_region VARCHAR,
        warnings VARCHAR,
        imported_at TIMESTAMPTZ
    );
    CREATE SEQUENCE dataset_id_seq START 1;
    CREATE TABLE posts (
        {_POST_COLUMNS_SQL},
        PRIMARY KEY ({S.POST_KEY})
    );
    CREATE TABLE rejects (dataset_id INTEGER, source_row BIGINT, reason VARCHAR, raw VARCHAR);
    CREATE TABLE mappings (signature VARCHAR PRIMARY KEY, mapping VARCHAR, platform VARCHAR,
                           updated_at TIMESTAMPTZ);
    CREATE TABLE settings (name VARCHAR PRIMARY KEY, value VARCHAR);
    CREATE TABLE stem_cache (word VARCHAR PRIMARY KEY, stem VARCHAR);
    CREATE TABLE store_state (key VARCHAR PRIMARY KEY, value VARCHAR);
    """,
    f"""
    CREATE TABLE enrichment (
        {S.POST_KEY} VARCHAR PRIMARY KEY,
        {S.CLEAN_TEXT} VARCHAR,
        {S.TOKENS} VARCHAR[],
        {S.HASHTAGS} VARCHAR[],
        {S.MENTIONS} VARCHAR[],
        {S.SENTIMENT} VARCHAR,
        {S.SENTIMENT_SCORE} DOUBLE,
        {S.PROVINCE_CODE} VARCHAR,
        {S.PROVINCE} VARCHAR,
        {S.KABKOTA_CODE} VARCHAR,
        {S.KABKOTA} VARCHAR,
        {S.REGION_SOURCE} VARCHAR,
        {S.REGION_CONFIDENCE} DOUBLE
    );
    CREATE TABLE post_issues (
        {S.POST_KEY} VARCHAR PRIMARY KEY,
        {S.ISSUE_ID} VARCHAR,
        {S.DUP_GROUP} VARCHAR,
        {S.IS_COORDINATED} BOOLEAN
    );
    CREATE TABLE issues (issue_id VARCHAR PRIMARY KEY, label VARCHAR, top_terms VARCHAR,
                         terms VARCHAR, is_new BOOLEAN, hidden BOOLEAN, kind VARCHAR, query VARCHAR);
    CREATE TABLE issue_edits (edit_id INTEGER, edit VARCHAR, created_at TIMESTAMPTZ);
    CREATE TABLE sentiment_labels ({S.POST_KEY} VARCHAR PRIMARY KEY, {S.SENTIMENT} VARCHAR,
                                   labelled_at TIMESTAMPTZ);
    CREATE TABLE user_slang (slang VARCHAR PRIMARY KEY, formal VARCHAR);
    CREATE TABLE user_stopwords (word VARCHAR PRIMARY KEY);
    CREATE TABLE watchlists (name VARCHAR PRIMARY KEY, query VARCHAR);
    CREATE TABLE alerts (alert_key VARCHAR PRIMARY KEY, issue_id VARCHAR, province_code VARCHAR,
                         first_seen TIMESTAMPTZ, last_seen TIMESTAMPTZ, times INTEGER, evidence VARCHAR);
    """,
    f"""
    CREATE OR REPLACE VIEW post_view AS
    SELECT p.*, e.* EXCLUDE ({S.POST_KEY}), i.* EXCLUDE ({S.POST_KEY})
    FROM posts p
    LEFT JOIN enrichment e USING ({S.POST_KEY})
    LEFT JOIN post_issues i USING ({S.POST_KEY});
    """,
    "CREATE TABLE blobs (name VARCHAR PRIMARY KEY, data BLOB, saved_at TIMESTAMPTZ);",
    # enrichment without its PRIMARY KEY: the ART index made every 250k-row insert commit 2-3 s
    # slower; rows are only added by monitoring.pipeline, which skips stored keys itself.
    f"""
    CREATE TABLE enrichment_unindexed AS SELECT * FROM enrichment;
    DROP VIEW post_view;
    DROP TABLE enrichment;
    ALTER TABLE enrichment_unindexed RENAME TO enrichment;
    CREATE VIEW post_view AS
    SELECT p.*, e.* EXCLUDE ({S.POST_KEY}), i.* EXCLUDE ({S.POST_KEY})
    FROM posts p
    LEFT JOIN enrichment e USING ({S.POST_KEY})
    LEFT JOIN post_issues i USING ({S.POST_KEY});
    """,
    # posts whose text matches a search pattern, per store version (monitoring.store.facts.keyword_hits_ready);
    # a row with a null post_key marks a pattern as computed
    "CREATE TABLE keyword_hits (pattern VARCHAR, version VARCHAR, post_key VARCHAR);",
    # an integer per account: counting distinct accounts on 1M posts is ~2.5x faster than on names
    f"""
    CREATE OR REPLACE VIEW post_view AS
    SELECT p.*, e.* EXCLUDE ({S.POST_KEY}), i.* EXCLUDE ({S.POST_KEY}),
           md5_number_lower(p.{S.AUTHOR}) AS {S.AUTHOR_KEY}
    FROM posts p
    LEFT JOIN enrichment e USING ({S.POST_KEY})
    LEFT JOIN post_issues i USING ({S.POST_KEY});
    """,
    # post_issues without its PRIMARY KEY, as enrichment: rewriting 1M rows of a re-fit took ~13 s
    # with the ART index (delete 1 s, insert 4 s, commit 8 s) and 1.6 s without; rows are only
    # written by monitoring.issues.store, which skips stored keys itself.
    f"""
    CREATE TABLE post_issues_unindexed AS SELECT * FROM post_issues;
    DROP VIEW post_view;
    DROP TABLE post_issues;
    ALTER TABLE post_issues_unindexed RENAME TO post_issues;
    CREATE VIEW post_view AS
    SELECT p.*, e.* EXCLUDE ({S.POST_KEY}), i.* EXCLUDE ({S.POST_KEY}),
           md5_number_lower(p.{S.AUTHOR}) AS {S.AUTHOR_KEY}
    FROM posts p
    LEFT JOIN enrichment e USING ({S.POST_KEY})
    LEFT JOIN post_issues i USING ({S.POST_KEY});
    """,
    # one row per message × channel × recipient (monitoring.delivery.outbox): what, when, status, the answer
    "CREATE TABLE delivery_log (delivery_id VARCHAR, kind VARCHAR, what VARCHAR, channel VARCHAR, recipient VARCHAR, "
    "dedup_key VARCHAR, status VARCHAR, attempts INTEGER, created_at TIMESTAMPTZ, last_attempt_at TIMESTAMPTZ, "
    "next_attempt_at TIMESTAMPTZ, answer VARCHAR, last_error VARCHAR, payload VARCHAR);",
    # HTTP API tokens (monitoring.server.tokens): only a token's sha256 is kept; revoked ones stay listed
    """CREATE SEQUENCE api_token_id_seq START 1;
    CREATE TABLE api_tokens (token_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, scope VARCHAR NOT NULL,
        token_sha256 VARCHAR NOT NULL UNIQUE, created_at TIMESTAMPTZ, last_used_at TIMESTAMPTZ, revoked_at TIMESTAMPTZ);""",
    # issues have narratives (the framings inside them) and a headline in the posts' own words;
    # post_view picks the new post_issues column up by itself (views bind their columns when read)
    f"""
    ALTER TABLE post_issues ADD COLUMN {S.NARRATIVE_ID} VARCHAR;
    ALTER TABLE issues ADD COLUMN headline VARCHAR;
    CREATE TABLE narratives (narrative_id VARCHAR, issue_id VARCHAR, label VARCHAR, headline VARCHAR,
                             top_terms VARCHAR, terms VARCHAR, hidden BOOLEAN, kind VARCHAR);
    """,
)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations; returns the schema version."""
    with WRITE_LOCK:
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
        row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
        current = row[0] or 0
        for version, sql in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            with transaction(con):
                con.execute(sql)
                con.execute("INSERT INTO schema_version VALUES (?)", [version])
        return len(MIGRATIONS)
