"""Dissemination plan: priorities per region, local peak hours, platforms and example posts."""
from __future__ import annotations

import lokal
import numpy as np
import pandas as pd
import pytest

from monitoring import schema
from monitoring.signals import plan as pl
from monitoring.signals import scores as sg

NOW = pd.Timestamp("2024-05-08 13:40", tz="UTC")
END = NOW.floor("h")


def last_hours(n: int) -> pd.DatetimeIndex:
    return pd.date_range(END - pd.Timedelta(hours=n - 1), END, freq="h")


def hourly(issue, province, hours, posts, negative=0, coordinated=0) -> pd.DataFrame:
    return pd.DataFrame({schema.ISSUE_ID: issue, schema.PROVINCE_CODE: province, sg.HOUR: hours,
                         sg.POSTS: posts, sg.NEGATIVE: negative, sg.ENGAGEMENT: 7 * posts,
                         sg.COORDINATED: coordinated})


def background(seed: int = 7) -> pd.DataFrame:
    """Four issues across provinces (and unknown location) for 8 days, Poisson noise, 20% negative."""
    rng, hours = np.random.default_rng(seed), last_hours(24 * 8)
    parts = []
    for issue, issue_weight in {"I0001": 1.0, "I0002": 0.6, "I0003": 0.3, "I0004": 0.15}.items():
        for province, weight in {"31": 3.0, "32": 2.5, "35": 2.0, "73": 1.0, "94": 0.3, None: 1.5}.items():
            posts = rng.poisson(0.5 * issue_weight * weight, len(hours))
            parts.append(hourly(issue, province, hours, posts, rng.binomial(posts, 0.2)))
    return pd.concat(parts, ignore_index=True)


def surge(province="94", posts=60, negative_share=0.8, hours=12) -> pd.DataFrame:
    """A new issue I0099 surging in one province over the last ``hours`` hours."""
    return hourly("I0099", province, last_hours(hours), posts // hours, int(posts // hours * negative_share))


def activity(peaks_utc: dict[str | None, int], base: int = 2, peak: int = 50) -> pd.DataFrame:
    """Hourly activity per province: ``base`` posts every UTC hour, ``peak`` at the given UTC hour."""
    rows = [{schema.PROVINCE_CODE: code, pl.HOUR_UTC: h, sg.POSTS: peak if h == at else base}
            for code, at in peaks_utc.items() for h in range(24)]
    return pd.DataFrame(rows)


ACTIVITY = activity({"31": 11, "73": 11, "94": 11, "32": 4, None: 0})
PLATFORMS = pd.DataFrame({
    schema.ISSUE_ID: ["I0099", "I0099", "I0099", "I0001", "I0001"],
    schema.PROVINCE_CODE: ["94", "94", "94", "31", None],
    schema.PLATFORM: ["tiktok", "x", "facebook", "x", "instagram"],
    sg.POSTS: [36, 18, 6, 40, 10],
})
EXAMPLES = pd.DataFrame({
    schema.ISSUE_ID: ["I0099", "I0099", "I0099", "I0099", "I0001"],
    schema.PROVINCE_CODE: ["94", "94", "94", "94", "31"],
    schema.POST_ID: ["tt_7351", "x_1788", "tt_7351", "fb_55", "x_0042"],
})


@pytest.fixture(scope="module")
def emerging() -> pd.DataFrame:
    frame = pd.concat([background(), surge(province="94", posts=60, negative_share=0.8)], ignore_index=True)
    return sg.emerging_scores(frame, now=NOW)


@pytest.fixture(scope="module")
def plan(emerging) -> pd.DataFrame:
    return pl.dissemination_plan(emerging, hourly_activity=ACTIVITY, platforms=PLATFORMS, examples=EXAMPLES)


def region(plan: pd.DataFrame, code: str) -> pd.DataFrame:
    return plan[plan[pl.REGION_CODE] == code].reset_index(drop=True)


def test_surging_negative_issue_ranks_first_in_its_province(plan):
    papua_tengah = region(plan, "94")
    first = papua_tengah.iloc[0]
    assert first[schema.ISSUE_ID] == "I0099" and first[pl.RANK] == 1
    assert first[pl.PRIORITY] > papua_tengah.iloc[1][pl.PRIORITY] + 20
    assert first[pl.REGION_NAME] == "Papua Tengah"
    assert region(plan, schema.NATIONAL_CODE).iloc[0][schema.ISSUE_ID] == "I0099"


@pytest.mark.parametrize(("code", "timezone", "local_peak"), [
    ("31", "WIB", 18),   # 11 UTC + 7
    ("73", "WITA", 19),  # 11 UTC + 8
    ("94", "WIT", 20),   # 11 UTC + 9
    ("32", "WIB", 11),   # 04 UTC + 7
])
def test_peak_hours_are_in_local_time(plan, code, timezone, local_peak):
    first = region(plan, code).iloc[0]
    assert first[pl.TIMEZONE] == timezone
    assert first[pl.PEAK_HOURS_LOCAL][0] == local_peak
    assert first[pl.PEAK_HOURS_SOURCE] == "wilayah"
    assert f"{local_peak:02d}.00–{local_peak + 1:02d}.00" in first[pl.PEAK_HOURS_LABEL]
    assert first[pl.PEAK_HOURS_LABEL].endswith(timezone)


def test_province_without_activity_uses_national_profile(plan):
    java_east = region(plan, "35").iloc[0]  # no activity rows for 35: national profile (all rows summed)
    assert java_east[pl.PEAK_HOURS_SOURCE] == "nasional"
    assert java_east[pl.PEAK_HOURS_LOCAL][0] == 18  # 11 UTC (3 provinces peak there) in WIB


def test_contributions_explain_the_priority(plan):
    contributions = plan[[pl.CONTRIBUTION_PREFIX + n for n in pl.PRIORITY_WEIGHTS]]
    np.testing.assert_allclose(contributions.sum(axis=1), plan[pl.PRIORITY])
    assert sum(pl.PRIORITY_WEIGHTS.values()) == pytest.approx(1.0)
    assert plan[pl.PRIORITY].between(0, 100).all()
    first = region(plan, "94").iloc[0]
    assert first["contrib_growth"] == pytest.approx(100 * pl.PRIORITY_WEIGHTS["growth"])
    assert first["contrib_negative"] > 0.7 * 100 * pl.PRIORITY_WEIGHTS["negative"]


def test_platforms_and_examples(plan):
    first = region(plan, "94").iloc[0]
    assert first[pl.PLATFORMS] == ["tiktok", "x", "facebook"]
    assert first[pl.PLATFORMS_LABEL] == "TikTok 60%, X (Twitter) 30%, Facebook 10%"
    assert first[pl.EXAMPLE_POST_IDS] == ["tt_7351", "x_1788", "fb_55"]  # best first, no repeats
    national_i1 = region(plan, schema.NATIONAL_CODE).set_index(schema.ISSUE_ID).loc["I0001"]
    assert national_i1[pl.PLATFORMS] == ["x", "instagram"]  # national = all rows incl. unknown location
    jabar_i1 = region(plan, "32").set_index(schema.ISSUE_ID).loc["I0001"]
    assert jabar_i1[pl.PLATFORMS] == []
    assert jabar_i1[pl.EXAMPLE_POST_IDS] == ["x_0042"]  # falls back to the issue's national examples


def test_explanation_sentence(plan):
    text = region(plan, "94").iloc[0][pl.EXPLANATION]
    assert text.startswith("Isu I0099 prioritas 1 di Papua Tengah (skor ")
    assert "pertumbuhan" in text and "pukul" in text and "WIT melalui TikTok" in text
    assert text.endswith(".")


def test_top_n_and_order(emerging):
    plan = pl.dissemination_plan(emerging, hourly_activity=ACTIVITY, platforms=None, top_n=2)
    assert plan.groupby(pl.REGION_CODE)[pl.RANK].max().max() == 2
    assert plan.iloc[0][pl.REGION_LEVEL] == pl.LEVEL_NATIONAL
    assert list(plan.columns) == list(pl.PLAN_COLUMNS)


def test_reach_frame_and_coordinated_share_raise_priority():
    hours = last_hours(24 * 8)
    twins = pd.concat([hourly("I0001", "33", hours, 1), hourly("I0002", "33", hours, 1),
                       hourly("I0003", "33", hours, 1, coordinated=1), hourly("I0004", "33", hours, 1)])
    emerging = sg.emerging_scores(twins, now=NOW)
    reach = pd.DataFrame({schema.ISSUE_ID: ["I0002"], schema.PROVINCE_CODE: ["33"], pl.REACH: [90_000]})
    plan = region(pl.dissemination_plan(emerging, reach=reach, hourly_activity=ACTIVITY, platforms=None), "33")
    assert plan[schema.ISSUE_ID].tolist()[:2] == ["I0002", "I0003"]
    assert plan.iloc[0]["contrib_reach"] == pytest.approx(100 * pl.PRIORITY_WEIGHTS["reach"])
    assert plan.set_index(schema.ISSUE_ID).loc["I0003", "contrib_coordinated"] == pytest.approx(10.0)


def test_kabkota_rows():
    kab = pd.concat([surge(province=None).assign(**{schema.KABKOTA_CODE: "94.01"}),
                     hourly("I0001", None, last_hours(48), 1).assign(**{schema.KABKOTA_CODE: "73.71"})])
    kab_emerging = sg.emerging_scores(kab, now=NOW, region=schema.KABKOTA_CODE)
    prov_emerging = sg.emerging_scores(kab.assign(**{schema.PROVINCE_CODE: kab[schema.KABKOTA_CODE].str[:2]}),
                                       now=NOW)
    plan = pl.dissemination_plan(prov_emerging, kabkota_emerging=kab_emerging, hourly_activity=ACTIVITY,
                                 platforms=PLATFORMS)
    nabire = plan[plan[pl.REGION_CODE] == "94.01"].iloc[0]
    assert nabire[pl.REGION_LEVEL] == pl.LEVEL_KABKOTA and nabire[pl.REGION_NAME] == "Kabupaten Nabire"
    assert nabire[pl.TIMEZONE] == "WIT" and nabire[pl.PEAK_HOURS_LOCAL][0] == 20
    assert nabire[pl.PLATFORMS] == ["tiktok", "x", "facebook"]  # province values when no kabkota column
    assert plan[pl.REGION_LEVEL].tolist().index(pl.LEVEL_KABKOTA) > 0  # provinces come first


def test_timezone_mapping_covers_every_province():
    assert set(pl.PROVINCE_TIMEZONE) == set(lokal.PROVINCES)


@pytest.mark.parametrize(("code", "timezone"), [
    ("11", "WIB"), ("19", "WIB"), ("21", "WIB"), ("31", "WIB"), ("36", "WIB"),
    ("61", "WIB"), ("62", "WIB"), ("63", "WITA"), ("64", "WITA"), ("65", "WITA"),
    ("51", "WITA"), ("52", "WITA"), ("53", "WITA"), ("71", "WITA"), ("76", "WITA"),
    ("81", "WIT"), ("82", "WIT"), ("91", "WIT"), ("94", "WIT"), ("96", "WIT"),
    ("94.01", "WIT"), ("73.71", "WITA"), (schema.NATIONAL_CODE, "WIB"),
])
def test_province_timezone(code, timezone):
    assert pl.province_timezone(code) == timezone


@pytest.mark.parametrize(("hours", "timezone", "label"), [
    ([19, 20, 12], "WIT", "12.00–13.00, 19.00–21.00 WIT"),
    ([7], "WITA", "07.00–08.00 WITA"),
    ([23, 22], "WIB", "22.00–00.00 WIB"),
    ([], "WIB", ""),
])
def test_hours_label(hours, timezone, label):
    assert pl.hours_label(hours, timezone) == label


def test_empty_emerging_gives_empty_plan():
    empty = sg.emerging_scores(hourly("I0001", "31", last_hours(1), 0), now=NOW).iloc[:0]
    plan = pl.dissemination_plan(empty, hourly_activity=ACTIVITY, platforms=PLATFORMS)
    assert plan.empty and list(plan.columns) == list(pl.PLAN_COLUMNS)


def test_national_rows_given_by_the_query_are_not_double_counted(emerging):
    with_national = pd.concat([PLATFORMS, pd.DataFrame({
        schema.ISSUE_ID: ["I0001"], schema.PROVINCE_CODE: [schema.NATIONAL_CODE],
        schema.PLATFORM: ["youtube"], sg.POSTS: [500]})], ignore_index=True)
    activity_with_national = pd.concat([ACTIVITY, activity({schema.NATIONAL_CODE: 22}, peak=1000)])
    plan = pl.dissemination_plan(emerging, hourly_activity=activity_with_national, platforms=with_national)
    national = region(plan, schema.NATIONAL_CODE).set_index(schema.ISSUE_ID)
    assert national.loc["I0001", pl.PLATFORMS] == ["youtube"]
    assert national.loc["I0001", pl.PEAK_HOURS_LOCAL][0] == 5  # 22 UTC + 7 (WIB)
    assert region(plan, "31").set_index(schema.ISSUE_ID).loc["I0001", pl.PLATFORMS] == ["x"]


def reference_examples(examples: pd.DataFrame, rows: pd.DataFrame, level: str) -> list[list[str]]:
    """The original definition: first distinct ids per (issue, region) by a per-group lambda."""
    def first_ids(table):
        ids = table.assign(**{schema.POST_ID: table[schema.POST_ID].astype(str)})
        return ids.groupby([schema.ISSUE_ID, "_key"], sort=False)[schema.POST_ID].agg(
            lambda s: list(dict.fromkeys(s))[:pl.EXAMPLES_PER_ISSUE])

    regional = pl._per_row(examples, rows, level, first_ids)
    national = pl._per_row(examples, rows.assign(**{pl.REGION_CODE: schema.NATIONAL_CODE,
                                                    schema.PROVINCE_CODE: schema.NATIONAL_CODE}), level, first_ids)
    return [r if isinstance(r, list) and r else (n if isinstance(n, list) else []) for r, n in zip(regional, national)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_example_ids_equal_the_per_group_definition(seed):
    rng = np.random.default_rng(seed)
    n = 3000
    provinces = np.array(["31", "32", "35", "73", "94", None], dtype=object)
    examples = pd.DataFrame({
        schema.ISSUE_ID: rng.choice([f"I{i:04d}" for i in range(1, 13)], n),
        schema.PROVINCE_CODE: provinces[rng.integers(0, len(provinces), n)],
        schema.POST_ID: [f"x_{i}" for i in rng.integers(0, 400, n)],  # many repeats
    })
    rows = pd.DataFrame([(f"I{i:04d}", p) for i in range(1, 15) for p in ["31", "32", "35", "73", "94", "11", "ID"]],
                        columns=[schema.ISSUE_ID, schema.PROVINCE_CODE]).assign(
        **{pl.REGION_CODE: lambda t: t[schema.PROVINCE_CODE]})
    got = pl._examples(examples, rows, pl.LEVEL_PROVINCE)
    assert got == reference_examples(examples, rows, pl.LEVEL_PROVINCE)
    assert any(len(ids) == pl.EXAMPLES_PER_ISSUE for ids in got) and [] in got  # issues I0013/14 have none


@pytest.mark.parametrize("seed", [4, 5])
def test_platform_lists_and_activity_profiles_equal_the_per_group_definitions(seed):
    rng = np.random.default_rng(seed)
    n = 2000
    table = pd.DataFrame({
        schema.ISSUE_ID: rng.choice(["I0001", "I0002", "I0003"], n),
        "_key": rng.choice(["31", "32", "94", schema.NATIONAL_CODE], n),
        schema.PLATFORM: rng.choice(list(schema.PLATFORMS), n),
        sg.POSTS: rng.integers(0, 4, n),
    })
    keys = [schema.ISSUE_ID, "_key"]
    sums = table.groupby([*keys, schema.PLATFORM])[sg.POSTS].sum().reset_index()
    sums = sums[sums[sg.POSTS] > 0].sort_values([*keys, sg.POSTS], ascending=[True, True, False])
    sums["_share"] = sums[sg.POSTS] / sums.groupby(keys)[sg.POSTS].transform("sum")
    sums["_pair"] = list(zip(sums[schema.PLATFORM].astype(str), sums["_share"]))
    expected = sums.groupby(keys)["_pair"].agg(lambda pairs: list(pairs)[:pl.PLATFORMS_PER_ISSUE])
    got = pl._platform_lists(table)
    assert got.sort_index().to_dict() == expected.to_dict()

    activity = pd.DataFrame({schema.PROVINCE_CODE: rng.choice(["31", "53", "94", None, "ID"], n),
                             pl.HOUR_UTC: rng.integers(0, 30, n), sg.POSTS: rng.integers(0, 9, n)})
    profiles, national = pl._activity_profiles(activity)
    hours = activity[pl.HOUR_UTC] % 24
    for code in ("31", "53", "94"):
        rows = activity[activity[schema.PROVINCE_CODE] == code]
        reference = rows.groupby(hours[rows.index])[sg.POSTS].sum().reindex(range(24), fill_value=0).to_numpy()
        np.testing.assert_array_equal(profiles[code], reference)
    assert set(profiles) == {"31", "53", "94"}
    ids = activity[activity[schema.PROVINCE_CODE] == "ID"]
    np.testing.assert_array_equal(national, ids.groupby(hours[ids.index])[sg.POSTS].sum().reindex(range(24),
                                                                                                     fill_value=0))


def test_a_worsening_cell_carries_its_badge_into_the_plan(plan):
    assert plan[sg.NEGATIVE_SHIFT].dtype == bool
    emerging = sg.emerging_scores(pd.concat([background(), surge(province="94", posts=60, negative_share=0.8)],
                                            ignore_index=True), now=NOW)
    emerging[sg.NEGATIVE_SHIFT] = emerging[schema.PROVINCE_CODE] == "94"
    out = pl.dissemination_plan(emerging, hourly_activity=pd.DataFrame(columns=["province_code", "hour_utc", "posts"]),
                                platforms=None)
    papua = out[out[pl.REGION_CODE] == "94"].iloc[0]
    assert papua[sg.NEGATIVE_SHIFT] and ", memburuk)" in papua[pl.EXPLANATION]
    other = out[out[pl.REGION_CODE] != "94"]
    assert not other[sg.NEGATIVE_SHIFT].any() and not other[pl.EXPLANATION].str.contains("memburuk").any()
    older = pl.dissemination_plan(emerging.drop(columns=[sg.NEGATIVE_SHIFT]), platforms=None,
                                  hourly_activity=pd.DataFrame(columns=["province_code", "hour_utc", "posts"]))
    assert not older[sg.NEGATIVE_SHIFT].any()             # frames without the column still plan
