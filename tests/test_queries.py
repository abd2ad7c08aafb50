"""Page queries give the same answers from the fact table as from post_view (the exact view)."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from monitoring import schema as S
from monitoring.issues import cards as issue_cards
from monitoring.signals import emerging, overview
from monitoring.store import database as storage
from monitoring.store import queries

WINDOW = dict(start=pd.Timestamp("2026-11-10", tz="UTC"), end=pd.Timestamp("2026-11-21", tz="UTC"))
FILTERS = [
    queries.Filters(),
    queries.Filters(**WINDOW),
    queries.Filters(**WINDOW, platforms=("x", "news")),
    queries.Filters(province_codes=("31", "53"), sentiments=("negative",)),
    queries.Filters(issue_ids=("I0002", "I0005")),
    queries.Filters(keyword="beras"),
    queries.Filters(**WINDOW, keyword="Harga BBM"),
    queries.Filters(keyword="tidak-ada-yang-menulis-ini"),
]


@pytest.fixture(scope="module")
def truth(truth_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("queries") / "truth.duckdb"
    shutil.copy(truth_db_path, path)
    con = storage.connect(path)
    yield con
    con.close()


def both(truth, monkeypatch, call):
    """(answer from post_facts, answer from post_view)."""
    facts = call()
    with monkeypatch.context() as patch:
        patch.setattr(queries, "facts_source", lambda con: "post_view")
        view = call()
    return facts, view


def same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    key = list(a.columns)
    a = a.sort_values(key, ignore_index=True, na_position="first", key=lambda c: c.astype(str))
    b = b.sort_values(key, ignore_index=True, na_position="first", key=lambda c: c.astype(str))
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


CALLS = {
    "overview": lambda con, f: pd.DataFrame([queries.overview(con, f)]),
    "volume_day": lambda con, f: queries.volume_over_time(con, f, bucket="day", timezone="WITA"),
    "volume_hour": lambda con, f: queries.volume_over_time(con, f, bucket="hour"),
    "counts_issue": lambda con, f: queries.counts_by(con, f, S.ISSUE_ID, limit=1000),
    "counts_author": lambda con, f: queries.counts_by(con, f, S.AUTHOR, limit=100_000),
    "regions": lambda con, f: queries.region_counts(con, f),
    "kabkota": lambda con, f: queries.region_counts(con, f, province_code="31"),
    "split": lambda con, f: queries.sentiment_split(con, f, S.PLATFORM),
    "hashtags": lambda con, f: queries.top_hashtags(con, f, limit=100_000),
    "accounts": lambda con, f: queries.top_accounts(con, f, limit=100_000),
    "replies": lambda con, f: queries.reply_edges(con, f, limit=100_000),
    "hourly": lambda con, f: queries.hourly_issue_counts(con, f),
    "activity": lambda con, f: queries.hourly_activity(con, f),
    "platforms": lambda con, f: queries.issue_platforms(con, f),
    "examples": lambda con, f: emerging.example_posts(con, f, per_cell=100_000),
    "summary": lambda con, f: issue_cards.issue_summary(con, f, limit=1000),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_aggregates_from_facts_equal_the_view(truth, monkeypatch, name, filters):
    facts, view = both(truth, monkeypatch, lambda: CALLS[name](truth, filters))
    same_rows(facts, view)


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_overview_without_authors_has_the_same_other_numbers(truth, filters):
    full, light = queries.overview(truth, filters), queries.overview(truth, filters, authors=False)
    assert light.pop("authors") is None
    assert light == {k: v for k, v in full.items() if k != "authors"}
    assert full["authors"] is not None or not full["posts"]


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_sample_posts_from_facts_equal_the_view(truth, monkeypatch, filters):
    # a limit above the number of posts: the same set, whatever the order of ties
    facts, view = both(truth, monkeypatch, lambda: queries.sample_posts(truth, filters, limit=10_000))
    same_rows(facts, view)
    top, reference = both(truth, monkeypatch, lambda: queries.sample_posts(truth, filters, limit=5, order="newest"))
    assert top[S.CREATED_AT].tolist() == reference[S.CREATED_AT].tolist()


def test_sample_posts_by_key_keeps_text_and_url(truth):
    keys = storage.query_df(truth, "SELECT post_key, text FROM posts ORDER BY post_key LIMIT 4")
    posts = queries.sample_posts(truth, queries.Filters(post_keys=tuple(keys[S.POST_KEY])), limit=10)
    assert dict(zip(posts[S.POST_KEY], posts[S.TEXT])) == dict(zip(keys[S.POST_KEY], keys[S.TEXT]))
    assert list(posts.columns) == list(queries.SAMPLE_COLUMNS)


@pytest.mark.parametrize("filters", FILTERS[:6], ids=range(6))
def test_change_since_yesterday_from_facts_equals_the_view(truth, monkeypatch, filters):
    facts, view = both(truth, monkeypatch, lambda: overview.change_since_yesterday(truth, filters, limit=100))
    assert facts["recent_posts"] == view["recent_posts"] and facts["now"] == view["now"]
    same_rows(facts["rising"], view["rising"])


def reference_representatives(con, filters: queries.Filters) -> list[str]:
    """The original definition: rank every post of every issue."""
    where, params = queries.where_clause(filters)
    where = (where + " AND " if where else "WHERE ") + "issue_id IS NOT NULL"
    e = queries.ENGAGEMENT_SQL
    return storage.query_df(con, f"""SELECT * FROM (SELECT issue_id, post_key, {e} AS engagement,
        row_number() OVER (PARTITION BY issue_id, dup_group ORDER BY {e} DESC, post_key) AS copy_rank
        FROM post_view {where}) WHERE copy_rank = 1
        QUALIFY row_number() OVER (PARTITION BY issue_id ORDER BY engagement DESC, post_key) <= 5
        ORDER BY issue_id, engagement DESC, post_key""", params)[S.POST_KEY].tolist()


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_representative_posts_are_the_five_most_engaging_groups(truth, filters):
    posts = issue_cards.top_posts_per_issue(truth, filters)
    assert posts[S.POST_KEY].tolist() == reference_representatives(truth, filters)
    assert posts[S.TEXT].notna().all()


def test_representatives_when_copies_fill_the_most_engaging_posts(truth):
    # 60 copies of one viral post (one duplicate group) above every other post of issue I0003
    with storage.transaction(truth):
        truth.execute("""INSERT INTO posts (post_key, post_id, dataset_id, platform, created_at, author, text, likes)
            SELECT 'copy' || i, 'c' || i, 1, 'x', TIMESTAMPTZ '2026-11-15 08:00:00+00', 'akun' || (i % 7),
                   'RT @infobbm: pertalite naik lagi!! #TolakKenaikanBBM', 100000 FROM range(60) t(i)""")
        truth.execute("""INSERT INTO post_issues (post_key, issue_id, dup_group, is_coordinated)
                         SELECT 'copy' || i, 'I0003', 'viral', true FROM range(60) t(i)""")
        storage.bump_version(truth)
    filters = queries.Filters(issue_ids=("I0003",))
    keys = issue_cards.top_posts_per_issue(truth, filters)[S.POST_KEY].tolist()
    assert keys == reference_representatives(truth, filters)
    assert len(keys) == 5 and sum(k.startswith("copy") for k in keys) == 1


def reference_top(con, filters: queries.Filters, select: str, order: str, n: int, condition: str) -> pd.DataFrame:
    """The original definition: rank every (issue, value) group of post_view."""
    where, params = queries.where_clause(filters)
    where = (where + " AND " if where else "WHERE ") + f"issue_id IS NOT NULL AND {condition}"
    return storage.query_df(con, f"""SELECT * FROM (SELECT issue_id, {select} FROM post_view {where} GROUP BY ALL)
        QUALIFY row_number() OVER (PARTITION BY issue_id ORDER BY {order}) <= {n}
        ORDER BY issue_id, {order}""", params)


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_card_facets_equal_ranking_every_group_in_rank_order(truth, filters):
    cards = issue_cards.issue_cards(truth, filters, limit=1000)
    e = queries.ENGAGEMENT_SQL
    accounts = reference_top(truth, filters, f"author, count(*) AS posts, sum({e}) AS engagement",
                             "engagement DESC, posts DESC, author", 3, "author IS NOT NULL")
    provinces = reference_top(truth, filters, "province, count(*) AS posts", "posts DESC, province", 3,
                              "province IS NOT NULL")
    where, params = queries.where_clause(filters)
    where = (where + " AND " if where else "WHERE ") + "issue_id IS NOT NULL"
    hashtags = storage.query_df(truth, f"""SELECT issue_id, tag, count(*) AS posts FROM (
        SELECT issue_id, unnest(hashtags) AS tag FROM post_view {where}) GROUP BY issue_id, tag
        QUALIFY row_number() OVER (PARTITION BY issue_id ORDER BY posts DESC, tag) <= 5
        ORDER BY issue_id, posts DESC, tag""", params)
    # the cards list each facet best first: the frames come in the ranking's own order
    for got, expected in ((cards.accounts, accounts), (cards.provinces, provinces), (cards.hashtags, hashtags)):
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
    if not filters.keyword:
        assert len(accounts) and (accounts.groupby("issue_id").size() <= 3).all()


@pytest.mark.parametrize("timezone", ["WIB", "WITA", "WIT"])
@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_card_series_counts_every_local_day_of_the_window(truth, filters, timezone):
    cards = issue_cards.issue_cards(truth, filters, limit=1000, timezone=timezone)
    if cards.summary.empty:
        assert cards.series.empty and cards.accounts.empty
        return
    where, params = queries.where_clause(filters)
    posts = storage.query_df(truth, f"SELECT issue_id, created_at FROM post_view {where}", params)
    local = posts["created_at"].dt.tz_convert(None) + pd.Timedelta(hours=queries.TZ_OFFSETS[timezone])
    expected = posts.assign(bucket=local.dt.floor("D")).groupby(["issue_id", "bucket"]).size()
    series = cards.series.set_index(["issue_id", "bucket"])["posts"]
    shown = set(cards.summary["issue_id"])
    assert set(series.index.get_level_values("issue_id")) == shown
    # every shown issue has the same consecutive days, zero where nothing was posted
    days = series.groupby(level="issue_id").apply(lambda s: tuple(s.index.get_level_values("bucket")))
    assert days.nunique() == 1
    first, last = days.iloc[0][0], days.iloc[0][-1]
    assert list(days.iloc[0]) == list(pd.date_range(first, last, freq="D"))
    if filters.start is not None:  # the window's days in the display time zone, not the data's
        offset = pd.Timedelta(hours=queries.TZ_OFFSETS[timezone])
        assert first == (filters.start.tz_convert(None) + offset).floor("D")
        assert last == (filters.end.tz_convert(None) + offset - pd.Timedelta(microseconds=1)).floor("D")
    expected = expected[expected.index.get_level_values("issue_id").isin(shown)]
    assert (series[series > 0].sort_index() == expected.sort_index()).all()
    assert len(series[series > 0]) == len(expected)
    totals = series.groupby(level="issue_id").sum()
    assert (totals == cards.summary.set_index("issue_id")["posts"].reindex(totals.index)).all()


def test_cards_of_no_issue_are_empty_frames(truth, monkeypatch):
    calls = []
    monkeypatch.setattr(issue_cards, "query_df", lambda *a, **k: calls.append(a[1]) or storage.query_df(*a, **k))
    cards = issue_cards.issue_cards(truth, queries.Filters(keyword="tidak-ada-yang-menulis-ini"))
    assert cards.summary.empty and len(calls) == 1  # the summary only: no facet query for no card
    assert list(cards.accounts.columns) == ["issue_id", "author", "posts", "engagement"]
    assert list(cards.series.columns) == ["issue_id", "bucket", "posts"]


@pytest.mark.parametrize("window", [{}, WINDOW, dict(start=pd.Timestamp("2026-11-15", tz="UTC")),
                                    dict(end=pd.Timestamp("2026-11-12 07:30", tz="UTC"))], ids=range(4))
def test_posts_by_key_are_the_keyed_posts_within_the_filters(truth, monkeypatch, window):
    keys = storage.query_df(truth, "SELECT post_key FROM posts ORDER BY hash(post_key) LIMIT 40")["post_key"]
    filters = queries.Filters(**window, post_keys=tuple(keys), platforms=("x", "instagram", "news", "tiktok"))
    posts, reference = both(truth, monkeypatch, lambda: queries.sample_posts(truth, filters, limit=100))
    same_rows(posts, reference)
    where, params = queries.where_clause(filters)
    expected = storage.query_df(truth, f"SELECT post_key FROM post_view {where}", params)["post_key"]
    assert sorted(posts[S.POST_KEY]) == sorted(expected) and len(expected)
    # the narrowed time range never drops a keyed post
    assert queries._within_posts_time(truth, queries.Filters(post_keys=("nope",))) == \
        queries.Filters(post_keys=("nope",))


@pytest.mark.parametrize("filters", FILTERS[:6], ids=range(6))
def test_example_posts_are_each_cells_most_engaging_most_engaging_first(truth, filters):
    examples = emerging.example_posts(truth, filters, per_cell=2)
    where, params = queries.where_clause(filters)
    where = (where + " AND " if where else "WHERE ") + "issue_id IS NOT NULL"
    e = queries.ENGAGEMENT_SQL
    expected = storage.query_df(truth, f"""SELECT issue_id, province_code, post_key AS post_id, {e} AS engagement
        FROM post_view {where}
        QUALIFY row_number() OVER (PARTITION BY issue_id, province_code ORDER BY {e} DESC, post_key) <= 2
        ORDER BY engagement DESC, post_id""", params)
    pd.testing.assert_frame_equal(examples, expected, check_dtype=False)
    assert len(examples) and examples["engagement"].is_monotonic_decreasing


@pytest.mark.parametrize("filters", FILTERS[:7], ids=range(7))
def test_change_since_yesterday_with_the_overviews_last_post_is_the_same(truth, filters):
    stats = queries.overview(truth, filters, authors=False)
    if not stats["posts"]:
        pytest.skip("the page stops before asking on an empty overview")
    given = overview.change_since_yesterday(truth, filters, latest=stats["last_post"])
    looked_up = overview.change_since_yesterday(truth, filters)
    assert given["now"] == looked_up["now"] and given["recent_posts"] == looked_up["recent_posts"]
    assert given["previous_posts"] == looked_up["previous_posts"]
    pd.testing.assert_frame_equal(given["rising"], looked_up["rising"])


@pytest.mark.parametrize("filters", FILTERS[:6])
@pytest.mark.parametrize("level", [S.PROVINCE_CODE, S.KABKOTA_CODE])
def test_emerging_scores_from_per_window_sums_equal_those_from_hourly_counts(truth, filters, level):
    from monitoring.signals import scores as signals

    now = emerging.reference_time(truth, filters, None)
    if now is None:
        pytest.skip("no posts under these filters")
    window = emerging._window_filters(filters, now, 24, 7)
    hourly = queries.hourly_issue_counts(truth, window, level=level)
    split = queries.hourly_issue_counts(truth, window, level=level, windows=signals.window_starts(now, 24, 7))
    assert len(split) < len(hourly)
    keys = [S.ISSUE_ID, level]
    expected = signals.emerging_scores(hourly, now=now, region=level).sort_values(keys, ignore_index=True)
    actual = signals.emerging_scores(split, now=now, region=level).sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(actual, expected, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("filters", FILTERS)
def test_account_counts_on_author_keys_equal_counting_names(truth, filters):
    source, where, params = queries.scoped(truth, filters)
    names = storage.query_value(truth, f"SELECT count(DISTINCT {S.AUTHOR}) FROM {source} {where}", params)
    assert queries.overview(truth, filters)["authors"] == names
    keys = storage.query_value(truth, f"SELECT count(DISTINCT {S.AUTHOR_KEY}) FROM {source} {where}", params)
    assert keys == names
