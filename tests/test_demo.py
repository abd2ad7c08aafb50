"""Tests for the demo dataset generator (monitoring/demo.py, monitoring/demo_corpus.py)."""
from __future__ import annotations

import json
import re
import time

import pandas as pd
import pytest

from monitoring import schema as S
from monitoring.demo import corpus
from monitoring.demo import generator as demo

END = demo.DEFAULT_END
LAST_DAY = END - pd.Timedelta(hours=24)


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return demo.generate_demo_posts()


@pytest.fixture(scope="module")
def organic(posts: pd.DataFrame) -> pd.DataFrame:
    """Everything except the copy-paste campaign."""
    return posts[~posts[demo.TRUE_COORDINATED]]


def test_same_seed_gives_identical_frame_and_other_seed_differs():
    first = demo.generate_demo_posts(seed=3, n_posts=800)
    pd.testing.assert_frame_equal(first, demo.generate_demo_posts(seed=3, n_posts=800))
    other = demo.generate_demo_posts(seed=4, n_posts=800)
    assert (first[S.TEXT] != other[S.TEXT]).mean() > 0.9


def test_columns_types_and_period(posts: pd.DataFrame):
    assert list(posts.columns) == list(demo.DEMO_COLUMNS + demo.GROUND_TRUTH_COLUMNS)
    assert len(posts) == 6000
    assert str(posts[S.CREATED_AT].dt.tz) == "UTC"
    assert posts[S.CREATED_AT].is_monotonic_increasing
    assert posts[S.CREATED_AT].max() < END
    assert posts[S.CREATED_AT].min() >= END - pd.Timedelta(days=21)
    for column in S.ENGAGEMENT_COLUMNS:
        assert str(posts[column].dtype) == "Int64"
    assert posts[S.POST_ID].is_unique
    assert all(isinstance(json.loads(value), dict) for value in posts[S.EXTRA])
    assert posts[demo.TRUE_COORDINATED].dtype == bool


def test_naive_end_is_utc_and_days_sets_the_period():
    frame = demo.generate_demo_posts(n_posts=300, days=10, end=pd.Timestamp("2025-03-01 12:00"))
    assert frame[S.CREATED_AT].max() < pd.Timestamp("2025-03-01 12:00", tz="UTC")
    assert frame[S.CREATED_AT].min() >= pd.Timestamp("2025-02-19 12:00", tz="UTC")


@pytest.mark.parametrize("kwargs", [{"n_posts": 50}, {"days": 5}])
def test_too_small_a_dataset_is_refused(kwargs):
    with pytest.raises(ValueError, match="minimal"):
        demo.generate_demo_posts(**kwargs)


def test_every_platform_present_and_x_dominant(posts: pd.DataFrame):
    shares = posts[S.PLATFORM].value_counts(normalize=True)
    assert set(shares.index) == {"x", "instagram", "youtube", "tiktok", "news"}
    assert shares.idxmax() == "x" and shares["x"] > 0.45
    assert set(shares.index) <= set(S.PLATFORMS)


def test_provinces_weighted_by_population_but_reaching_the_east(organic: pd.DataFrame):
    counts = organic[demo.TRUE_PROVINCE_CODE].value_counts()
    assert len(counts) >= 30
    assert counts.index[0] == "32"                      # Jawa Barat is the largest
    assert counts["35"] > counts["64"] and counts["33"] > counts["81"]
    for code in ("53", "81", "64"):                      # NTT, Maluku, Kaltim
        assert counts.get(code, 0) >= 10
    assert sum(counts.get(code, 0) > 0 for code in ("91", "92", "93", "94", "95", "96")) >= 4


@pytest.mark.parametrize("location, code", [
    ("Kupang", "53"), ("Surabaya", "35"), ("Jogja", "34"), ("Medan | Sumut", "12"), ("jkt", "31"),
    ("Makassar🔥", "73"), ("Bandung, Indonesia", "32"),
])
def test_truth_province_follows_bio_location(posts: pd.DataFrame, location: str, code: str):
    rows = posts[posts[S.LOCATION_RAW] == location]
    assert len(rows) > 0
    assert (rows[demo.TRUE_PROVINCE_CODE] == code).all()


def test_about_forty_percent_of_social_posts_have_no_place_in_bio(posts: pd.DataFrame):
    social = posts[posts[S.PLATFORM] != "news"]
    unknown = social[S.LOCATION_RAW].isna() | social[S.LOCATION_RAW].isin(
        corpus.NONPLACE_LOCATIONS + corpus.CAMPAIGN_LOCATIONS)
    assert 0.3 < unknown.mean() < 0.5
    assert social[S.LOCATION_RAW].isna().mean() > 0.1    # blank bios exist
    assert {"Bumi", "Indonesia"} <= set(social[S.LOCATION_RAW].dropna())


def test_emerging_issue_is_new_local_negative_and_in_the_last_day(posts: pd.DataFrame):
    emerging = posts[posts[demo.TRUE_ISSUE] == demo.EMERGING_ISSUE]
    recent = emerging[S.CREATED_AT] > LAST_DAY
    assert len(emerging) >= 100 and recent.mean() >= 0.85
    assert (~recent).sum() <= 12                          # near-absent before
    located = emerging[demo.TRUE_PROVINCE_CODE].dropna()
    assert (located == demo.EMERGING_PROVINCE_CODE).mean() >= 0.75
    assert (emerging[demo.TRUE_SENTIMENT] == "negative").mean() > 0.55
    assert emerging[S.AUTHOR].nunique() >= 0.5 * len(emerging)  # many people, not one account


def test_no_other_issue_surges_in_the_last_day(posts: pd.DataFrame):
    last = posts[posts[S.CREATED_AT] > LAST_DAY]
    week = posts[(posts[S.CREATED_AT] <= LAST_DAY) & (posts[S.CREATED_AT] > LAST_DAY - pd.Timedelta(days=7))]
    ratio = last.groupby(demo.TRUE_ISSUE).size() / (week.groupby(demo.TRUE_ISSUE).size() / 7)
    assert ratio[demo.EMERGING_ISSUE] > 20
    assert ratio.drop(demo.EMERGING_ISSUE).max() < 2.0


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_copy_paste_campaign(posts: pd.DataFrame):
    campaign = posts[posts[demo.TRUE_COORDINATED]]
    assert len(campaign) >= 100
    assert campaign[S.AUTHOR].nunique() >= 0.6 * len(campaign)
    assert (campaign[demo.TRUE_ISSUE] == demo.CAMPAIGN_ISSUE).all()
    assert (campaign[demo.TRUE_SENTIMENT] == "positive").all()
    span = campaign[S.CREATED_AT].max() - campaign[S.CREATED_AT].min()
    assert span < pd.Timedelta(hours=12)
    base = _tokens(campaign[S.TEXT].mode()[0])
    similarity = campaign[S.TEXT].map(lambda t: len(base & _tokens(t)) / len(base | _tokens(t)))
    assert similarity.median() > 0.7 and similarity.min() > 0.3
    assert campaign[S.TEXT].nunique() > 10               # small variations, not one string


def test_sentiment_mix(posts: pd.DataFrame):
    shares = posts[demo.TRUE_SENTIMENT].value_counts(normalize=True)
    assert set(shares.index) == set(S.SENTIMENTS)
    assert shares["neutral"] > 0.25 and shares["positive"] > 0.08 and shares["negative"] > 0.25
    negative = posts.groupby(demo.TRUE_ISSUE)[demo.TRUE_SENTIMENT].apply(lambda s: (s == "negative").mean())
    assert negative["ppn_12_persen"] > negative["makan_bergizi_gratis"] + 0.15
    assert (posts.loc[posts[S.PLATFORM] == "news", demo.TRUE_SENTIMENT] == "neutral").all()


def test_issue_and_noise_shares(posts: pd.DataFrame):
    shares = posts[demo.TRUE_ISSUE].value_counts(normalize=True)
    assert 0.12 < shares[demo.NOISE] < 0.18
    issues = shares.drop(demo.NOISE)
    assert 8 <= len(issues) <= 11 and issues.min() > 0.015
    assert set(issues.index) == set(demo.ISSUE_LABELS)


def test_texts_are_varied(organic: pd.DataFrame):
    assert organic[S.TEXT].nunique() / len(organic) > 0.7
    assert organic[S.TEXT].str.len().between(10, 400).all()


@pytest.mark.parametrize("feature, pattern, minimum", [
    ("slang", r"\b(?:gak|ga|nggak|gk|yg|udah|udh|bgt|tp|aja)\b", 0.2),
    ("elongation", r"([a-z])\1\1", 0.02),
    ("reduplication as 2", r"\b[a-z]+2\b", 0.02),
    ("emoji", r"[\U0001F300-\U0001FAFF]", 0.2),
    ("hashtag", r"#\w+", 0.15),
    ("mention or reply", r"@\w+", 0.15),
    ("short link", r"https://t\.co/\w{10}", 0.03),
    ("question", r"\?", 0.1),
    ("javanese/regional particle", r"\b(?:lur|rek|piye|euy|atuh|sonde|kaka)\b", 0.02),
    ("english code-mixing", r"\b(?:honestly|literally|so sad|which is|no debat|plot twist|good job)\b", 0.02),
    ("kupang malay in emerging issue", r"\bsonde\b", 0.003),
])
def test_social_media_language_features(organic: pd.DataFrame, feature: str, pattern: str, minimum: float):
    regex = re.compile(pattern, re.IGNORECASE)
    share = organic[S.TEXT].map(lambda text: regex.search(text) is not None).mean()
    assert share >= minimum, feature


def test_evening_peak_and_quiet_night_in_wib(organic: pd.DataFrame):
    hour = organic[S.CREATED_AT].dt.tz_convert("Asia/Jakarta").dt.hour
    night = hour.between(1, 4).mean() / 4
    evening = hour.between(19, 21).mean() / 3
    assert evening > 3 * night


def test_a_few_accounts_are_very_active(posts: pd.DataFrame):
    per_author = posts.loc[posts[S.PLATFORM] != "news", S.AUTHOR].value_counts()
    top = per_author.head(max(1, len(per_author) // 100)).sum()
    assert top / per_author.sum() > 0.08
    assert (per_author == 1).mean() > 0.2                 # and a long tail of one-off posters


def test_engagement_is_heavy_tailed_and_null_where_a_platform_has_no_count(posts: pd.DataFrame):
    likes = posts[S.LIKES].dropna().astype(int)
    assert likes.max() > 50 * (likes.median() + 1)
    news = posts[posts[S.PLATFORM] == "news"]
    assert news[list(S.ENGAGEMENT_COLUMNS)].isna().all().all()
    comments = posts[posts[S.PLATFORM].isin(["instagram", "tiktok", "youtube"])]
    assert comments[S.VIEWS].isna().all() and comments[S.LIKES].notna().all()
    assert posts.loc[posts[S.PLATFORM] == "x", S.VIEWS].notna().all()


def test_replies_name_an_earlier_author_of_the_same_platform(posts: pd.DataFrame):
    replies = posts[posts[S.IN_REPLY_TO].notna()]
    assert 0.1 < len(replies) / len(posts) < 0.3
    assert all(text.startswith(f"@{to} ") for text, to in zip(replies[S.TEXT], replies[S.IN_REPLY_TO]))
    first_post = posts.groupby([S.PLATFORM, S.AUTHOR])[S.CREATED_AT].min()
    earlier = [first_post.get((p, to)) <= when
               for p, to, when in zip(replies[S.PLATFORM], replies[S.IN_REPLY_TO], replies[S.CREATED_AT])]
    assert all(earlier)


def test_x_ids_are_snowflakes_carrying_the_post_time(posts: pd.DataFrame):
    tweets = posts[posts[S.PLATFORM] == "x"]
    ms = tweets[S.POST_ID].astype("int64") // 2**22 + demo.TWITTER_EPOCH_MS
    seconds = tweets[S.CREATED_AT].astype("int64") // 10**6
    assert ((ms // 1000) == seconds).all()
    assert tweets[S.URL].str.fullmatch(r"https://x\.com/[\w.]+/status/\d{19}").all()


def test_csv_round_trip_has_tweet_harvest_headers_and_no_ground_truth(tmp_path):
    path = tmp_path / "tweets.csv"
    written = demo.write_demo_csv(path, n_posts=1500)
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(demo.TWEET_HARVEST_COLUMNS)
    assert list(demo.TWEET_HARVEST_COLUMNS) == sorted(demo.TWEET_HARVEST_COLUMNS)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert not set(back.columns) & set(demo.GROUND_TRUTH_COLUMNS)
    assert len(back) == len(written) and (written[S.PLATFORM] == "x").all()
    assert (back["full_text"] == written[S.TEXT]).all()
    assert (back["id_str"] == written[S.POST_ID]).all()
    created = pd.to_datetime(back["created_at"], format="%a %b %d %H:%M:%S %z %Y", utc=True)
    assert (created.to_numpy() == written[S.CREATED_AT].to_numpy()).all()
    assert created.is_monotonic_decreasing                # newest first, like tweet-harvest
    assert (back["in_reply_to_screen_name"] == written[S.IN_REPLY_TO].fillna("")).all()
    assert back["full_text"].str.contains("\n").any()     # multi-line posts survive quoting


def test_generation_is_fast():
    started = time.perf_counter()
    demo.generate_demo_posts(seed=11)
    assert time.perf_counter() - started < 4.0           # ~0.6-1 s measured; generous for busy CI
