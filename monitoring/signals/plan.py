"""Dissemination plan: per region, which issues to answer first, when, where and with which posts.

Input frames (one SQL ``GROUP BY`` each; the recent window is the one the emerging scores used):

``emerging``
    :func:`monitoring.signals.scores.emerging_scores` at province level (rows ``province_code = 'ID'`` are the
    national level). Optionally ``kabkota_emerging``: the same function run with
    ``region=schema.KABKOTA_CODE``.
``reach`` (optional)
    ``issue_id, province_code [, kabkota_code], reach``: audience size in the recent window, e.g.
    ``SUM(views)`` or ``COUNT(DISTINCT author)``. Without it, the emerging frame's ``engagement`` is used.
``hourly_activity``
    ``province_code, hour_utc, posts``: all posts (any issue) per province and UTC hour of day (0–23), e.g.
    ``EXTRACT(hour FROM created_at AT TIME ZONE 'UTC')``. Rows with a null province count nationally.
    Kabupaten/kota use their province's profile.

National figures are the sum of all rows (incl. a null province); a frame that already holds national rows
(``province_code = 'ID'``, e.g. from ``GROUPING SETS``) is used as it is instead.
``platforms``
    ``issue_id, province_code [, kabkota_code], platform, posts`` in the recent window.
``examples`` (optional)
    ``issue_id, province_code [, kabkota_code], post_id``, best first (e.g. ``ORDER BY engagement DESC``);
    a few per issue and region are enough.

Where a frame has no ``kabkota_code`` column, kabupaten/kota rows fall back to their province's values.
Post ids and labels are plain text: escape them before building HTML.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from monitoring import schema
from monitoring.signals import scores as sg

# --- constants ---------------------------------------------------------------------------------------
# Indonesian time zones (Keppres 41/1987): WIB = Sumatera, Jawa, Kalimantan Barat and Tengah;
# WITA = Bali, Nusa Tenggara, Kalimantan Selatan/Timur/Utara, Sulawesi; WIT = Maluku and Papua.
PROVINCE_TIMEZONE = {
    **{code: "WIB" for code in ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
                                "31", "32", "33", "34", "35", "36", "61", "62")},
    **{code: "WITA" for code in ("51", "52", "53", "63", "64", "65",
                                 "71", "72", "73", "74", "75", "76")},
    **{code: "WIT" for code in ("81", "82", "91", "92", "93", "94", "95", "96")},
}
TIMEZONE_OFFSET_HOURS = {"WIB": 7, "WITA": 8, "WIT": 9}

# Priority = 100 × Σ weight × component, every component in [0, 1]:
#   volume       log(1 + posts) / log(1 + posts of the largest issue in the same region)
#   growth       min(1, score_volume / GROWTH_SATURATION): how unlikely the rise is by chance
#   negative     negative share, shrunk toward the usual share by NEGATIVE_PRIOR_POSTS posts
#   reach        log(1 + reach) / log(1 + largest reach in the region) (engagement if no reach frame)
#   coordinated  share of posts that are copies in a copy-paste group (a campaign to answer quickly)
PRIORITY_WEIGHTS = {"volume": 0.25, "growth": 0.25, "negative": 0.25, "reach": 0.15, "coordinated": 0.10}
COMPONENT_LABELS = {"volume": "volume", "growth": "pertumbuhan", "negative": "sentimen negatif",
                    "reach": "jangkauan", "coordinated": "unggahan seragam (copy-paste)"}
GROWTH_SATURATION = 10.0
NEGATIVE_PRIOR_POSTS = 5.0
PEAK_HOURS = 3             # local hours listed per region
MIN_ACTIVITY_POSTS = 30    # fewer posts in a province: use the national activity profile
EXAMPLES_PER_ISSUE = 3
PLATFORMS_PER_ISSUE = 3

# --- columns -----------------------------------------------------------------------------------------
HOUR_UTC = "hour_utc"
REACH = "reach"
REGION_LEVEL = "region_level"        # nasional | provinsi | kabkota
REGION_CODE = "region_code"
REGION_NAME = "region_name"
RANK = "rank"
PRIORITY = "priority"
CONTRIBUTION_PREFIX = "contrib_"     # contrib_volume, contrib_growth, ... (sum = priority)
TIMEZONE = "timezone"
PEAK_HOURS_LOCAL = "peak_hours"      # list[int], local hours (0–23), most active first
PEAK_HOURS_LABEL = "peak_hours_label"
PEAK_HOURS_SOURCE = "peak_hours_source"  # wilayah | nasional
PLATFORMS = "platforms"              # list[str], most posts first
PLATFORMS_LABEL = "platforms_label"
EXAMPLE_POST_IDS = "example_post_ids"  # list[str]
EXPLANATION = "explanation"

LEVEL_NATIONAL, LEVEL_PROVINCE, LEVEL_KABKOTA = "nasional", "provinsi", "kabkota"


def province_timezone(region_code: object, national: str = "WIB") -> str:
    """WIB/WITA/WIT of a province or kabupaten/kota code ('PP' or 'PP.KK'); ``national`` for 'ID'."""
    return PROVINCE_TIMEZONE.get(str(region_code).split(".")[0], national)


def _components(frame: pd.DataFrame, reach: pd.Series) -> pd.DataFrame:
    """Priority components in [0, 1], one column per PRIORITY_WEIGHTS key."""
    region = frame[REGION_CODE]
    posts = frame[sg.POSTS].astype(float)
    max_posts = posts.groupby(region).transform("max")
    max_reach = reach.groupby(region).transform("max")
    usual = frame[sg.NEGATIVE_SHARE_BASELINE].fillna(0.0)
    return pd.DataFrame({
        "volume": np.log1p(posts) / np.log1p(max_posts).where(max_posts > 0, 1.0),
        "growth": np.minimum(1.0, frame[sg.SCORE_VOLUME] / GROWTH_SATURATION),
        "negative": (frame[sg.NEGATIVE] + NEGATIVE_PRIOR_POSTS * usual) / (posts + NEGATIVE_PRIOR_POSTS),
        "reach": np.log1p(reach) / np.log1p(max_reach).where(max_reach > 0, 1.0),
        "coordinated": (frame[sg.COORDINATED] / posts.where(posts > 0)).fillna(0.0).clip(0, 1),
    }, index=frame.index).fillna(0.0)


def _keyed(table: pd.DataFrame, use_kabkota: bool) -> pd.DataFrame:
    """``table`` with a ``_key`` region column, plus a copy of every row under the national code."""
    key = schema.KABKOTA_CODE if use_kabkota else schema.PROVINCE_CODE
    regional = table.dropna(subset=[key]).assign(_key=lambda t: t[key].astype(str))
    if not use_kabkota and (regional["_key"] == schema.NATIONAL_CODE).any():
        return regional  # the query already gave national rows ('ID'): use them as they are
    return pd.concat([regional, table.assign(_key=schema.NATIONAL_CODE)], ignore_index=True)


def _row_keys(rows: pd.DataFrame, use_kabkota: bool) -> pd.MultiIndex:
    region = rows[REGION_CODE] if use_kabkota else rows[schema.PROVINCE_CODE]
    return pd.MultiIndex.from_arrays([rows[schema.ISSUE_ID], region.astype(str)])


def _per_row(table: pd.DataFrame | None, rows: pd.DataFrame, level: str,
             summarise: Callable[[pd.DataFrame], pd.Series]) -> pd.Series:
    """``summarise(keyed table)`` (a Series indexed by issue and ``_key``) mapped onto the plan rows."""
    if table is None or table.empty:
        return pd.Series([None] * len(rows), index=rows.index, dtype=object)
    use_kabkota = level == LEVEL_KABKOTA and schema.KABKOTA_CODE in table.columns
    per_key = summarise(_keyed(table, use_kabkota))
    return pd.Series(per_key.reindex(_row_keys(rows, use_kabkota)).to_numpy(), index=rows.index)


def _level_rows(emerging: pd.DataFrame, level: str) -> pd.DataFrame:
    region_col = schema.KABKOTA_CODE if level == LEVEL_KABKOTA else schema.PROVINCE_CODE
    rows = emerging[emerging[sg.POSTS] > 0].copy()
    rows[REGION_CODE] = rows[region_col].astype(str)
    if level == LEVEL_KABKOTA:
        rows[schema.PROVINCE_CODE] = rows[REGION_CODE].str.split(".").str[0]
    else:
        rows[schema.PROVINCE_CODE] = rows[REGION_CODE]
    national = rows[REGION_CODE] == schema.NATIONAL_CODE
    rows[REGION_LEVEL] = np.where(national, LEVEL_NATIONAL, level)
    return rows.reset_index(drop=True)


def _prioritise(rows: pd.DataFrame, reach: pd.DataFrame | None, level: str, top_n: int) -> pd.DataFrame:
    """Add the contributions, priority and rank; keep the ``top_n`` issues per region."""
    if reach is None:
        reach_values = rows[sg.ENGAGEMENT].astype(float)
    else:
        keys = [schema.ISSUE_ID, "_key"]
        reach_values = _per_row(reach, rows, level, lambda t: t.groupby(keys)[REACH].sum())
        reach_values = reach_values.astype(float).fillna(0.0)
    parts = _components(rows, reach_values)
    for name, weight in PRIORITY_WEIGHTS.items():
        rows[CONTRIBUTION_PREFIX + name] = 100.0 * weight * parts[name]
    rows[PRIORITY] = rows[[CONTRIBUTION_PREFIX + n for n in PRIORITY_WEIGHTS]].sum(axis=1)
    rows = rows.sort_values([REGION_CODE, PRIORITY, sg.POSTS], ascending=[True, False, False])
    rows[RANK] = rows.groupby(REGION_CODE).cumcount() + 1
    return rows[rows[RANK] <= top_n].reset_index(drop=True)


def _platform_lists(table: pd.DataFrame) -> pd.Series:
    keys = [schema.ISSUE_ID, "_key"]
    sums = table.groupby([*keys, schema.PLATFORM])[sg.POSTS].sum().reset_index()
    sums = sums[sums[sg.POSTS] > 0].sort_values([*keys, sg.POSTS], ascending=[True, True, False])
    sums["_share"] = sums[sg.POSTS] / sums.groupby(keys)[sg.POSTS].transform("sum")
    sums = sums[sums.groupby(keys).cumcount() < PLATFORMS_PER_ISSUE]
    return _lists(sums, keys, list(zip(sums[schema.PLATFORM].astype(str), sums["_share"])))


def _lists(table: pd.DataFrame, keys: list[str], values: list) -> pd.Series:
    """``values`` (one per row of ``table``) gathered into a list per ``keys``, in row order."""
    lists: dict[tuple, list] = {}
    for group, value in zip(zip(*(table[k] for k in keys)), values):
        lists.setdefault(group, []).append(value)
    index = pd.MultiIndex.from_tuples(list(lists), names=keys) if lists else \
        pd.MultiIndex.from_arrays([[] for _ in keys], names=keys)
    return pd.Series(list(lists.values()), index=index, dtype=object)


def _platforms(platforms: pd.DataFrame | None, rows: pd.DataFrame, level: str) -> tuple[list, list]:
    pairs = _per_row(platforms, rows, level, _platform_lists)
    names = [[p for p, _ in v] if isinstance(v, list) else [] for v in pairs]
    labels = [", ".join(f"{schema.PLATFORM_LABELS.get(p, p)} {round(100 * share)}%" for p, share in v)
              if isinstance(v, list) else "" for v in pairs]
    return names, labels


def _examples(examples: pd.DataFrame | None, rows: pd.DataFrame, level: str) -> list[list[str]]:
    """Example post ids per row; the issue's national examples when the region has none."""
    def first_ids(table: pd.DataFrame) -> pd.Series:
        # the first EXAMPLES_PER_ISSUE distinct ids per (issue, region), in table order
        keys = [schema.ISSUE_ID, "_key"]
        ids = table[keys].assign(**{schema.POST_ID: table[schema.POST_ID].astype(str)}).drop_duplicates()
        ids = ids[ids.groupby(keys, sort=False).cumcount() < EXAMPLES_PER_ISSUE]
        return _lists(ids, keys, ids[schema.POST_ID].tolist())

    regional = _per_row(examples, rows, level, first_ids)
    national_rows = rows.assign(**{REGION_CODE: schema.NATIONAL_CODE,
                                   schema.PROVINCE_CODE: schema.NATIONAL_CODE})
    national = _per_row(examples, national_rows, level, first_ids)
    return [r if isinstance(r, list) and r else (n if isinstance(n, list) else [])
            for r, n in zip(regional, national)]


def _activity_profiles(hourly_activity: pd.DataFrame) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Posts per UTC hour of day (24 values) per province, and nationally (all rows)."""
    hours = hourly_activity[HOUR_UTC].astype(int) % 24
    table = hourly_activity.assign(**{HOUR_UTC: hours})
    is_national = table[schema.PROVINCE_CODE].astype(str) == schema.NATIONAL_CODE
    national_rows = table[is_national] if is_national.any() else table  # 'ID' rows if the query gave them
    national = national_rows.groupby(HOUR_UTC)[sg.POSTS].sum().reindex(range(24), fill_value=0).to_numpy()
    located = table[~is_national].dropna(subset=[schema.PROVINCE_CODE])
    per = located.groupby([located[schema.PROVINCE_CODE].astype(str), HOUR_UTC])[sg.POSTS].sum()
    grid = per.unstack(fill_value=0).reindex(columns=range(24), fill_value=0) if len(per) else None
    profiles = {} if grid is None else dict(zip(grid.index, grid.to_numpy()))
    return profiles, national


def hours_label(hours: list[int], timezone: str) -> str:
    """'12.00–13.00, 19.00–21.00 WIT' for local hours [19, 20, 12] (consecutive hours merged)."""
    ranges: list[list[int]] = []
    for hour in sorted(hours):
        if ranges and hour == ranges[-1][1]:
            ranges[-1][1] = hour + 1
        else:
            ranges.append([hour, hour + 1])
    text = ", ".join(f"{start:02d}.00–{end % 24:02d}.00" for start, end in ranges)
    return f"{text} {timezone}" if text else ""


def _peak_hours(profiles: dict[str, np.ndarray], national: np.ndarray, region_code: str,
               national_timezone: str = "WIB") -> tuple[list[int], str, str]:
    """Most active local hours of a region, its time zone, and 'wilayah' or 'nasional' (the source)."""
    province = str(region_code).split(".")[0]
    timezone = province_timezone(region_code, national_timezone)
    profile = profiles.get(province)
    source = "wilayah"
    if province == schema.NATIONAL_CODE or profile is None or profile.sum() < MIN_ACTIVITY_POSTS:
        profile, source = national, "nasional" if province != schema.NATIONAL_CODE else "wilayah"
    if profile.sum() == 0:
        return [], timezone, source
    local = np.roll(profile, TIMEZONE_OFFSET_HOURS[timezone])  # local[h] = profile[h - offset]
    order = sorted(range(24), key=lambda h: (-local[h], h))
    return [h for h in order[:PEAK_HOURS] if local[h] > 0], timezone, source


def _explanation(row: dict, labels: Mapping[str, str] | None) -> str:
    issue = (labels or {}).get(row[schema.ISSUE_ID], row[schema.ISSUE_ID])
    parts = sorted(PRIORITY_WEIGHTS, key=lambda n: -row[CONTRIBUTION_PREFIX + n])[:2]
    reasons = " dan ".join(f"{COMPONENT_LABELS[n]} ({row[CONTRIBUTION_PREFIX + n]:.0f})" for n in parts)
    where = "tingkat nasional" if row[REGION_CODE] == schema.NATIONAL_CODE else row[REGION_NAME]
    status = row[sg.STATUS].lower() + (f", {sg.BADGE_WORSE.lower()}" if row[sg.NEGATIVE_SHIFT] else "")
    text = (f"Isu {issue} prioritas {row[RANK]} di {where} (skor {row[PRIORITY]:.0f}/100, "
            f"{status}), terutama karena {reasons}")
    if row[PEAK_HOURS_LABEL]:
        text += f"; sampaikan sekitar pukul {row[PEAK_HOURS_LABEL]}"
    if row[PLATFORMS]:
        text += f" melalui {', '.join(schema.PLATFORM_LABELS.get(p, p) for p in row[PLATFORMS])}"
    return text + "."


def _plan_level(emerging: pd.DataFrame, level: str, reach: pd.DataFrame | None,
                platforms: pd.DataFrame | None, examples: pd.DataFrame | None, top_n: int) -> pd.DataFrame:
    rows = _level_rows(emerging, level)
    if rows.empty:
        return rows
    rows = _prioritise(rows, reach, level, top_n)
    rows[PLATFORMS], rows[PLATFORMS_LABEL] = _platforms(platforms, rows, level)
    rows[EXAMPLE_POST_IDS] = _examples(examples, rows, level)
    return rows


PLAN_COLUMNS = (
    REGION_LEVEL, REGION_CODE, REGION_NAME, schema.PROVINCE_CODE, RANK, schema.ISSUE_ID, PRIORITY,
    *(CONTRIBUTION_PREFIX + n for n in PRIORITY_WEIGHTS), sg.STATUS, sg.NEGATIVE_SHIFT, sg.POSTS, sg.NEGATIVE_SHARE,
    TIMEZONE, PEAK_HOURS_LOCAL, PEAK_HOURS_LABEL, PEAK_HOURS_SOURCE, PLATFORMS, PLATFORMS_LABEL,
    EXAMPLE_POST_IDS, EXPLANATION,
)


def _with_shift(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a boolean ``negative_shift`` (False where an older caller gives none)."""
    shift = frame[sg.NEGATIVE_SHIFT].fillna(False).astype(bool) if sg.NEGATIVE_SHIFT in frame else False
    return frame.assign(**{sg.NEGATIVE_SHIFT: shift})


def dissemination_plan(emerging: pd.DataFrame, *, reach: pd.DataFrame | None = None,
                       hourly_activity: pd.DataFrame, platforms: pd.DataFrame | None,
                       examples: pd.DataFrame | None = None, top_n: int = 5,
                       kabkota_emerging: pd.DataFrame | None = None, national_timezone: str = "WIB",
                       issue_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per region, the ``top_n`` issues to answer first, when (local peak hours), where and with what.

    ``priority`` (0–100) = Σ ``contrib_<component>``, each 100 × ``PRIORITY_WEIGHTS[component]`` × a
    component in [0, 1] (see ``PRIORITY_WEIGHTS`` above), so the UI can say why an issue ranks first.
    Peak hours are the ``PEAK_HOURS`` most active hours of the region's audience (all issues) in local time:
    WIB (UTC+7), WITA (UTC+8) or WIT (UTC+9) after ``PROVINCE_TIMEZONE``; the national level uses
    ``national_timezone``. Provinces with fewer than ``MIN_ACTIVITY_POSTS`` posts use the national profile
    (``peak_hours_source`` = 'nasional'). Input frame shapes: see the module docstring.

    Args:
        emerging: province-level output of :func:`monitoring.signals.scores.emerging_scores`.
        reach: optional ``issue_id, province_code [, kabkota_code], reach``.
        hourly_activity: ``province_code, hour_utc, posts``.
        platforms: ``issue_id, province_code [, kabkota_code], platform, posts``.
        examples: optional ``issue_id, province_code [, kabkota_code], post_id``, best first.
        top_n: issues kept per region.
        kabkota_emerging: optional kabupaten/kota-level emerging frame.
        national_timezone: WIB, WITA or WIT for the national rows.
        issue_labels: optional issue id -> label for the explanation.

    Returns:
        One row per region × issue (rank 1 = answer first) with the columns of ``PLAN_COLUMNS``; national
        rows first, then provinces, then kabupaten/kota, each by code and rank.
    """
    emerging = _with_shift(emerging)
    kabkota_emerging = None if kabkota_emerging is None else _with_shift(kabkota_emerging)
    levels = [(emerging, LEVEL_PROVINCE)]
    if kabkota_emerging is not None:
        levels.append((kabkota_emerging, LEVEL_KABKOTA))
    parts = [_plan_level(frame, level, reach, platforms, examples, top_n) for frame, level in levels]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=list(PLAN_COLUMNS))
    plan = pd.concat(parts, ignore_index=True)
    profiles, national = _activity_profiles(hourly_activity)
    peaks = [_peak_hours(profiles, national, code, national_timezone) for code in plan[REGION_CODE]]
    plan[PEAK_HOURS_LOCAL] = [p[0] for p in peaks]
    plan[TIMEZONE] = [p[1] for p in peaks]
    plan[PEAK_HOURS_SOURCE] = [p[2] for p in peaks]
    plan[PEAK_HOURS_LABEL] = [hours_label(h, tz) for h, tz, _ in peaks]
    plan[REGION_NAME] = plan[REGION_CODE].map(sg.region_name)
    plan[EXPLANATION] = [_explanation(row, issue_labels) for row in plan.to_dict("records")]
    order = plan[REGION_LEVEL].map({LEVEL_NATIONAL: 0, LEVEL_PROVINCE: 1, LEVEL_KABKOTA: 2})
    plan = plan.assign(_order=order).sort_values(["_order", REGION_CODE, RANK])
    return plan[list(PLAN_COLUMNS)].reset_index(drop=True)
