"""Emerging scores, status labels and spike alerts on synthetic hourly counts with injected events."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitoring import schema
from monitoring.signals import scores as sg
from monitoring.signals import spikes as sp

NOW = pd.Timestamp("2024-05-08 13:40", tz="UTC")
END = NOW.floor("h")
PROVINCES = {"31": 3.0, "32": 2.5, "33": 2.0, "35": 2.0, "73": 1.0, "94": 0.3, None: 1.5}
ISSUES = {"I0001": 1.0, "I0002": 0.6, "I0003": 0.3, "I0004": 0.15, "I0005": 0.08}


def hourly(issue: str, province: str | None, hours: pd.DatetimeIndex, posts, negative=None,
           engagement=None, coordinated=0) -> pd.DataFrame:
    posts = np.broadcast_to(np.asarray(posts), (len(hours),))
    negative = np.zeros(len(hours), int) if negative is None else np.broadcast_to(negative, (len(hours),))
    return pd.DataFrame({
        schema.ISSUE_ID: issue, schema.PROVINCE_CODE: province, sg.HOUR: hours, sg.POSTS: posts,
        sg.NEGATIVE: negative, sg.ENGAGEMENT: posts * 7 if engagement is None else engagement,
        sg.COORDINATED: coordinated,
    })


def last_hours(n: int, end: pd.Timestamp = END) -> pd.DatetimeIndex:
    return pd.date_range(end - pd.Timedelta(hours=n - 1), end, freq="h")


def background(seed: int = 7, days: int = 8) -> pd.DataFrame:
    """Several issues across provinces (incl. unknown location) for ``days`` days, Poisson noise."""
    rng = np.random.default_rng(seed)
    hours = last_hours(24 * days)
    parts = []
    for issue, issue_weight in ISSUES.items():
        for province, province_weight in PROVINCES.items():
            posts = rng.poisson(0.5 * issue_weight * province_weight, len(hours))
            parts.append(hourly(issue, province, hours, posts, rng.binomial(posts, 0.2)))
    frame = pd.concat(parts, ignore_index=True)
    return frame[frame[sg.POSTS] > 0].reset_index(drop=True)


def surge(issue="I0099", province="94", posts=60, negative_share=0.8, hours=12) -> pd.DataFrame:
    per_hour = posts // hours
    return hourly(issue, province, last_hours(hours), per_hour, int(per_hour * negative_share))


@pytest.fixture(scope="module")
def bg() -> pd.DataFrame:
    return background()


@pytest.fixture(scope="module")
def with_surge(bg) -> pd.DataFrame:
    tiny = hourly("I0098", "75", last_hours(2), 1, 1)  # 2 posts, nothing before, in Gorontalo
    return sg.emerging_scores(pd.concat([bg, surge(), tiny], ignore_index=True), now=NOW)


def row(scores: pd.DataFrame, issue: str, province: str) -> pd.Series:
    match = scores[(scores[schema.ISSUE_ID] == issue) & (scores[schema.PROVINCE_CODE] == province)]
    assert len(match) == 1, (issue, province)
    return match.iloc[0]


def test_new_surge_is_top_in_its_province_and_national_top_3(with_surge):
    papua_tengah = with_surge[with_surge[schema.PROVINCE_CODE] == "94"]
    assert papua_tengah.iloc[0][schema.ISSUE_ID] == "I0099"
    national = with_surge[with_surge[schema.PROVINCE_CODE] == schema.NATIONAL_CODE]
    assert "I0099" in national[schema.ISSUE_ID].head(3).tolist()
    new = row(with_surge, "I0099", "94")
    assert new[sg.STATUS] == sg.STATUS_NEW
    assert new[sg.POSTS] == 60 and new[sg.BASELINE] == 0


def test_national_level_counts_posts_of_unknown_location(bg):
    scores = sg.emerging_scores(bg, now=NOW)
    recent = bg[bg[sg.HOUR] > END - pd.Timedelta(hours=24)]
    for issue in ISSUES:
        expected = recent.loc[recent[schema.ISSUE_ID] == issue, sg.POSTS].sum()
        assert row(scores, issue, schema.NATIONAL_CODE)[sg.POSTS] == expected
    assert set(scores[schema.PROVINCE_CODE]) == {p for p in PROVINCES if p} | {schema.NATIONAL_CODE}


def test_tiny_new_cell_scores_below_real_surge(with_surge):
    tiny, real = row(with_surge, "I0098", "75"), row(with_surge, "I0099", "94")
    assert tiny[sg.POSTS] == 2
    assert tiny[sg.SCORE] < 1.0 < real[sg.SCORE]
    assert tiny[sg.STATUS] == sg.STATUS_STABLE  # below min_support: not "Baru"
    assert "terlalu sedikit" in tiny[sg.EXPLANATION]


@pytest.mark.parametrize("tiny_posts", [1, 2, 3])
def test_tiny_cells_never_outrank_a_moderate_surge(bg, tiny_posts):
    """A known issue going from ~20 to 60 a day beats 1–3 posts of a never-seen issue."""
    hours = last_hours(24 * 8)
    steady = hourly("I0050", "33", hours[hours.hour == 3], 20)   # 20 posts once a day
    spike = hourly("I0050", "33", last_hours(4), 10)              # +40 in the last hours
    tiny = hourly("I0097", "33", last_hours(tiny_posts), 1)
    scores = sg.emerging_scores(pd.concat([bg, steady, spike, tiny]), now=NOW)
    assert row(scores, "I0050", "33")[sg.STATUS] == sg.STATUS_UP
    assert row(scores, "I0097", "33")[sg.SCORE] < row(scores, "I0050", "33")[sg.SCORE]


def test_flat_volume_turning_negative_is_flagged(bg):
    hours = last_hours(24 * 8)
    recent = hours > END - pd.Timedelta(hours=24)
    negatives = np.where(recent, 3, np.where(np.arange(len(hours)) % 4 == 0, 1, 0))  # 25% -> 75%
    flat = hourly("I0060", "73", hours, 4, negatives)
    scores = sg.emerging_scores(pd.concat([bg, flat], ignore_index=True), now=NOW)
    cell = row(scores, "I0060", "73")
    assert cell[sg.STATUS] == sg.STATUS_STABLE
    assert cell[sg.NEGATIVE_ALERT]
    assert cell[sg.NEGATIVE_SHARE] == pytest.approx(0.75)
    assert cell[sg.NEGATIVE_SHARE_BASELINE] < 0.3
    assert scores[scores[schema.PROVINCE_CODE] == "73"].iloc[0][schema.ISSUE_ID] == "I0060"
    assert "porsi sentimen negatif naik menjadi 75%" in cell[sg.EXPLANATION]
    background_cells = scores[~scores[schema.ISSUE_ID].isin(["I0060"])]
    assert not background_cells[sg.NEGATIVE_ALERT].any()  # no false alarm in Poisson noise


def _turning(issue: str, provinces: dict[str | None, tuple[int, float, float]]) -> pd.DataFrame:
    """Per province: (posts per hour, negative share before, negative share in the last 24 h)."""
    hours = last_hours(24 * 8)
    recent = hours > END - pd.Timedelta(hours=24)
    parts = [hourly(issue, code, hours, posts, np.where(recent, round(posts * after), round(posts * before)))
             for code, (posts, before, after) in provinces.items()]
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("turned, national_shift", [
    ({"31": (20, 0.1, 0.8)}, False),                                        # one big province: stays local
    ({code: (6, 0.1, 0.7) for code in ("31", "32", "33", "35", "73")}, True),  # everywhere: national too
])
def test_negative_shift_is_its_own_signal_and_stays_local(bg, turned, national_shift):
    steady = {code: (4, 0.1, 0.1) for code in ("31", "32", "33", "35", "73", None) if code not in turned}
    scores = sg.emerging_scores(pd.concat([bg, _turning("I0070", {**turned, **steady})]), now=NOW)
    for code in turned:
        cell = row(scores, "I0070", code)
        assert cell[sg.NEGATIVE_SHIFT] and cell[sg.STATUS] == sg.STATUS_STABLE
        assert cell[sg.EXPLANATION].endswith(f": {sg.BADGE_WORSE.lower()}.")
    for code in steady:
        if code is not None:
            assert not row(scores, "I0070", code)[sg.NEGATIVE_SHIFT]
    nation = row(scores, "I0070", schema.NATIONAL_CODE)
    assert nation[sg.NEGATIVE_ALERT]                      # the national share did rise ...
    assert nation[sg.NEGATIVE_SHIFT] == national_shift    # ... but only a broad turn is a national signal
    assert ("terpusat di provinsi" in nation[sg.EXPLANATION]) != national_shift
    assert not scores[scores[schema.ISSUE_ID] != "I0070"][sg.NEGATIVE_SHIFT].any()


def _daily(issue, province, baseline_per_day, recent_posts, days=7):
    """``baseline_per_day`` in the first hour of each baseline day, ``recent_posts`` in the last hour."""
    days_hours = [END - pd.Timedelta(hours=23 + 24 * d) for d in range(1, days + 1)]
    parts = [hourly(issue, province, pd.DatetimeIndex(days_hours), baseline_per_day)]
    if recent_posts:
        parts.append(hourly(issue, province, last_hours(1), recent_posts))
    return pd.concat(parts)


@pytest.mark.parametrize(("baseline_per_day", "recent", "status"), [
    (0, 30, sg.STATUS_NEW),     # nothing before, clear support
    (0, 2, sg.STATUS_STABLE),   # nothing before, but too few posts to call it
    (20, 80, sg.STATUS_UP),     # quadrupled
    (20, 40, sg.STATUS_UP),     # doubled
    (20, 23, sg.STATUS_STABLE),  # noise
    (20, 15, sg.STATUS_STABLE),  # mild dip
    (40, 3, sg.STATUS_DOWN),    # collapsed
    (40, 0, sg.STATUS_DOWN),    # gone quiet
    (1, 1, sg.STATUS_STABLE),   # tiny both ways
])
def test_status_rules(baseline_per_day, recent, status):
    frame = pd.concat([_daily("I0010", "32", baseline_per_day, recent), _daily("I0011", "31", 50, 50)])
    frame = frame[frame[sg.POSTS] > 0]
    scores = sg.emerging_scores(frame, now=NOW)
    cell = row(scores, "I0010", "32")
    assert cell[sg.STATUS] == status
    assert cell[sg.BASELINE] == pytest.approx(baseline_per_day)
    assert cell[sg.POSTS] == recent


def test_baseline_is_scaled_to_the_hours_covered_by_data():
    """A 3-day upload: 2 days of 10 posts are a baseline of 10 per 24 h, not 10 × 2 / 7."""
    frame = _daily("I0020", "35", 10, 10, days=2)
    scores = sg.emerging_scores(frame, now=NOW)
    assert row(scores, "I0020", "35")[sg.BASELINE] == pytest.approx(10)
    assert row(scores, "I0020", "35")[sg.STATUS] == sg.STATUS_STABLE


def test_no_data_before_window_means_no_comparison():
    frame = hourly("I0030", "51", last_hours(6), 3)
    cell = row(sg.emerging_scores(frame, now=NOW), "I0030", "51")
    assert np.isnan(cell[sg.BASELINE])
    assert cell[sg.STATUS] == sg.STATUS_NEW
    assert "belum ada data sebelumnya" in cell[sg.EXPLANATION]


def test_posts_after_now_and_before_baseline_are_ignored():
    frame = pd.concat([
        _daily("I0040", "36", 5, 5),
        hourly("I0040", "36", pd.DatetimeIndex([END + pd.Timedelta(hours=2)]), 500),
        hourly("I0040", "36", pd.DatetimeIndex([END - pd.Timedelta(days=20)]), 500),
    ])
    cell = row(sg.emerging_scores(frame, now=NOW), "I0040", "36")
    assert cell[sg.POSTS] == 5 and cell[sg.BASELINE] == pytest.approx(5)


def test_explanations_are_indonesian_sentences(with_surge):
    new = row(with_surge, "I0099", "94")[sg.EXPLANATION]
    assert new.startswith("Isu I0099 baru muncul di Papua Tengah: 60 unggahan dalam 24 jam terakhir")
    national = row(with_surge, "I0099", schema.NATIONAL_CODE)[sg.EXPLANATION]
    assert "di tingkat nasional" in national
    labelled = sg.emerging_scores(surge(), now=NOW, issue_labels={"I0099": "Tarif KRL naik"})
    assert labelled.iloc[0][sg.EXPLANATION].startswith("Isu Tarif KRL naik")
    assert all(text.endswith(".") and text.count(". ") == 0 for text in with_surge[sg.EXPLANATION])
    assert "kebetulan" in sg.SCORE_EXPLANATION and sg.SCORE_EXPLANATION.count(".") <= 2


def test_kabkota_level(bg):
    frame = surge(province=None).assign(**{schema.KABKOTA_CODE: "94.01"})
    other = hourly("I0001", None, last_hours(48), 1).assign(**{schema.KABKOTA_CODE: "73.71"})
    scores = sg.emerging_scores(pd.concat([frame, other]), now=NOW, region=schema.KABKOTA_CODE)
    assert set(scores[schema.KABKOTA_CODE]) == {"94.01", "73.71"}  # no national rows at this level
    top = scores.iloc[0]
    assert top[schema.KABKOTA_CODE] == "94.01" and top[schema.PROVINCE_CODE] == "94"
    assert "Kabupaten Nabire" in top[sg.EXPLANATION]


def test_input_is_not_mutated_and_columns_are_complete(bg):
    before = bg.copy()
    scores = sg.emerging_scores(bg, now=NOW)
    pd.testing.assert_frame_equal(bg, before)
    for column in (schema.ISSUE_ID, schema.PROVINCE_CODE, sg.POSTS, sg.BASELINE, sg.SCORE, sg.STATUS,
                   sg.NEGATIVE_SHARE, sg.NEGATIVE_SHARE_BASELINE, sg.EXPLANATION):
        assert column in scores.columns
    assert set(scores[sg.STATUS]) <= set(sg.STATUSES)
    assert scores[sg.SCORE].is_monotonic_decreasing


def test_missing_column_is_reported():
    with pytest.raises(ValueError, match="negative"):
        sg.emerging_scores(surge().drop(columns=[sg.NEGATIVE]), now=NOW)


# --- spike alerts ----------------------------------------------------------------------------------

def spiked(bg: pd.DataFrame, end: pd.Timestamp = END) -> pd.DataFrame:
    return pd.concat([bg, hourly("I0001", "73", last_hours(12, end), 5, 2)], ignore_index=True)


def test_spike_fires_with_evidence(bg):
    alerts = sp.spike_alerts(spiked(bg), now=NOW)
    cell = alerts[(alerts[schema.ISSUE_ID] == "I0001") & (alerts[schema.PROVINCE_CODE] == "73")]
    assert len(cell) == 1
    alert = cell.iloc[0]
    assert alert[sg.POSTS] > alert[sp.THRESHOLD]
    assert alert[sp.THRESHOLD] == pytest.approx(alert[sp.BASELINE_MEAN] + 3.0 * alert[sp.BASELINE_SD])
    assert alert[sp.BASELINE_DAYS_USED] == 7
    assert alert[sp.RECENT_MEAN] == alert[sg.POSTS]
    assert alert[sp.FIRST_SEEN] == alert[sp.LAST_SEEN] == NOW and alert[sp.ALERT_COUNT] == 1
    assert alert[sg.EXPLANATION].startswith("Lonjakan isu I0001 di Sulawesi Selatan")


def test_no_spike_in_background_noise(bg):
    assert sp.spike_alerts(bg, now=NOW).empty


@pytest.mark.parametrize(("k", "fires"), [(3.0, True), (40.0, False)])
def test_spike_threshold_k(bg, k, fires):
    alerts = sp.spike_alerts(spiked(bg), now=NOW, k=k)
    assert bool((alerts[schema.PROVINCE_CODE] == "73").any()) is fires


def test_spike_needs_enough_baseline_days():
    short = _daily("I0070", "31", 5, 80, days=2)
    assert sp.spike_alerts(short, now=NOW).empty
    longer = _daily("I0070", "31", 5, 80, days=7)
    assert len(sp.spike_alerts(longer, now=NOW, include_national=False)) == 1


def test_repeated_spike_alerts_are_merged(bg):
    history = None
    for hour in range(3):
        now = NOW + pd.Timedelta(hours=hour)
        run = sp.spike_alerts(spiked(bg, now.floor("h")), now=now)
        history = sp.merge_alerts(history, run)
        key = (history[schema.ISSUE_ID] == "I0001") & (history[schema.PROVINCE_CODE] == "73")
        assert key.sum() == 1
        assert bool(history.loc[key, sp.IS_NEW].iloc[0]) is (hour == 0)
    merged = history[key].iloc[0]
    assert merged[sp.ALERT_COUNT] == 3
    assert merged[sp.FIRST_SEEN] == NOW and merged[sp.LAST_SEEN] == NOW + pd.Timedelta(hours=2)
    again = sp.merge_alerts(history, run)  # the same run merged twice changes nothing
    assert again[key][sp.ALERT_COUNT].iloc[0] == 3


def test_merge_keeps_quiet_alerts_inactive_and_rearms_after_gap(bg):
    first = sp.spike_alerts(spiked(bg), now=NOW)
    quiet = sp.merge_alerts(first, first.iloc[:0])
    assert len(quiet) == len(first) and not quiet[sp.ACTIVE].any()
    later = first.assign(**{sp.FIRST_SEEN: NOW + pd.Timedelta(days=5), sp.LAST_SEEN: NOW + pd.Timedelta(days=5)})
    rearmed = sp.merge_alerts(first, later)
    assert (rearmed[sp.ALERT_COUNT] == 1).all() and rearmed[sp.IS_NEW].all()
    assert (rearmed[sp.FIRST_SEEN] == NOW + pd.Timedelta(days=5)).all()


def test_a_local_story_outranks_a_national_one_of_the_same_size_in_its_province(bg):
    # both new in the last 12 h with 48 posts in Jawa Tengah; the national story has 10x as many elsewhere
    national = pd.concat([surge("I0090", p, posts=48, negative_share=0.2) for p in ("31", "32", "35", "73")]
                         + [surge("I0090", "33", posts=48, negative_share=0.2)] * 1, ignore_index=True)
    national = pd.concat([national] + [surge("I0090", p, posts=96, negative_share=0.2)
                                       for p in ("31", "32", "35")], ignore_index=True)
    local = surge("I0091", "33", posts=48, negative_share=0.2)
    scores = sg.emerging_scores(pd.concat([bg, national, local], ignore_index=True), now=NOW)
    jateng = scores[scores[schema.PROVINCE_CODE] == "33"].reset_index(drop=True)
    assert jateng.loc[0, schema.ISSUE_ID] == "I0091"
    assert row(scores, "I0091", "33")[sg.SCORE_LOCAL] > 2 > row(scores, "I0090", "33")[sg.SCORE_LOCAL]
    assert "terpusat di sini" in row(scores, "I0091", "33")[sg.EXPLANATION]
    assert row(scores, "I0090", "ID")[sg.SCORE_LOCAL] == 0  # national rows have no locality


def test_locality_needs_support(with_surge):
    tiny = row(with_surge, "I0098", "75")  # its 2 posts are all in Gorontalo, which says nothing yet
    assert tiny[sg.SCORE_LOCAL] == 0
