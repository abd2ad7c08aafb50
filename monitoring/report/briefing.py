"""Daily briefing ("Briefing Harian"): the one screen sent to leadership every morning.

:func:`build_briefing` gathers plain frames and values from the store; :mod:`monitoring.report.render`
turns a :class:`Briefing` into self-contained HTML, XLSX, PNG or PDF. Every query runs in DuckDB through
:mod:`monitoring.store.queries`.

The window is the one :func:`monitoring.signals.scores.emerging_scores` scores, so the numbers agree with the issue
table: the ``recent_hours`` hour buckets ending with the bucket that holds ``now`` (the last one partial),
compared with the ``baseline_days`` before it. "Previous day" is the ``recent_hours`` before the window.
``now`` defaults to the latest post matching the filters (uploads are often days old), not the wall clock::

    baseline_start          previous_start      window_start             now (inclusive)
    |---- 7 days baseline ----|--- previous day ---|-------- window --------|

Issues are named by their headline (``label``), with their term label (``terms``) and their leading
narrative in the window (``narrative``: the framing most of the window's posts use) beside it.
Labels and explanations are plain text (issue labels come from post text): escape them before HTML.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import lokal
import pandas as pd

from monitoring import schema as S
from monitoring.clock import as_utc
from monitoring.errors import UserError
from monitoring.formatting import fmt_date, fmt_datetime, fmt_int, fmt_pct
from monitoring.signals import plan
from monitoring.signals import scores as sg
from monitoring.signals.narratives import narratives_in_window
from monitoring.store import queries
from monitoring.store.database import query_df
from monitoring.store.queries import Filters

# --- output columns (beside schema and signals names) ----------------------------------------------
RANK = "rank"
LABEL = "label"                  # issue headline (plain text), or the sentiment / platform label
TERMS = "terms"                  # the issue's term label
NARRATIVE = "narrative"          # the issue's leading narrative in the window ('' without narratives)
REGION_CODE = plan.REGION_CODE   # province code ('53') or kabupaten/kota code ('53.71')
REGION_NAME = plan.REGION_NAME
REGION_POSTS = "region_posts"    # all posts of the region in the window (any issue)
SHARE = "share"
NAME = "name"
VALUE = "value"                  # map value: posts in the window

TOP_ISSUES = 5                   # issues listed in the national / regional top list
TOP_REGIONS = 10                 # regions listed in "per provinsi" on screen (XLSX has all)
ONE_MICROSECOND = pd.Timedelta(microseconds=1)


class NoBriefingDataError(UserError):
    """No posts to brief on (empty store, or nothing in the chosen window)."""


@dataclass(frozen=True)
class Briefing:
    """Everything one briefing shows, as plain values and small frames (times are UTC).

    Frames: ``emerging`` (rank, issue_id, label, terms, narrative, status, posts, baseline,
    negative_share, score, explanation, negative_shift; status carries the *Memburuk* badge; the top issues of the briefing's area), ``regional`` (one row per province, or per
    kabupaten/kota with a region focus, with posts in the window: region_code, region_name, region_posts,
    then its top issue's issue_id, label, status, posts, score, explanation; strongest score first),
    ``sentiment`` (sentiment, label, posts, share), ``map_values`` (province_code, value: posts per
    province nationally), ``platforms`` (platform, label, posts) and ``datasets`` (dataset_id, name, posts).
    """

    region: str | None
    region_name: str
    timezone: str
    now: pd.Timestamp
    window_start: pd.Timestamp
    previous_start: pd.Timestamp
    baseline_start: pd.Timestamp
    generated_at: pd.Timestamp
    recent_hours: int
    baseline_days: int
    posts: int
    previous_posts: int
    negative_share: float | None
    previous_negative_share: float | None
    accounts: int
    located_share: float | None
    emerging: pd.DataFrame
    regional: pd.DataFrame
    sentiment: pd.DataFrame
    map_values: pd.DataFrame
    platforms: pd.DataFrame
    datasets: pd.DataFrame
    store_posts: int
    examples: pd.DataFrame

    @property
    def change(self) -> int:
        """Posts in the window minus posts in the previous day."""
        return self.posts - self.previous_posts

    @property
    def change_share(self) -> float | None:
        """Relative change against the previous day (None when that day had no posts)."""
        return self.change / self.previous_posts if self.previous_posts else None

    @property
    def rising_issues(self) -> int:
        """Top-list issues with status Baru or Naik."""
        return int(self.emerging[sg.STATUS].isin([sg.STATUS_NEW, sg.STATUS_UP]).sum())

    @property
    def worsening(self) -> list[str]:
        """Labels of the top-list issues whose negative share turned up (badge *Memburuk*)."""
        if sg.NEGATIVE_SHIFT not in self.emerging:
            return []
        return self.emerging.loc[self.emerging[sg.NEGATIVE_SHIFT].astype(bool), LABEL].astype(str).tolist()

    @property
    def title(self) -> str:
        return f"Briefing Harian — {self.region_name}"

    @property
    def date_label(self) -> str:
        """The local day the window ends on: 'Sabtu, 21 November 2026'."""
        return long_date(self.now, self.timezone)

    @property
    def window_label(self) -> str:
        """'20 Nov 2026 06.00 – 21 Nov 2026 05.17 WIB (24 jam), dibanding 7 hari sebelumnya'."""
        return (f"{short_time(self.window_start, self.timezone)} – {short_time(self.now, self.timezone)} "
                f"{self.timezone} ({self.recent_hours} jam), dibanding {self.baseline_days} hari sebelumnya")

    @property
    def generated_label(self) -> str:
        return f"Dibuat {short_time(self.generated_at, self.timezone)} {self.timezone}"

    @property
    def located_label(self) -> str:
        return "kabupaten/kota diketahui" if self.region else "provinsi diketahui"

    def coverage_lines(self) -> list[str]:
        """Plain-text footnote: sources, datasets, posts and location coverage."""
        platforms = ", ".join(f"{r[LABEL]} {fmt_int(r[sg.POSTS])}" for r in self.platforms.to_dict("records"))
        datasets = "; ".join(f"{r[NAME]}: {fmt_int(r[sg.POSTS])}" for r in self.datasets.to_dict("records"))
        return [
            f"Sumber: {platforms or '–'}.",
            f"Dataset: {datasets or '–'}.",
            f"{fmt_int(self.posts)} unggahan dalam jendela ini dari {fmt_int(self.store_posts)} unggahan "
            f"tersimpan; {self.located_label} untuk {fmt_pct(self.located_share)} unggahan "
            "(sisanya hanya terhitung di angka keseluruhan).",
            sg.SCORE_EXPLANATION,
            f"{self.generated_label}, PantauIsu.",
        ]


def local_time(stamp: pd.Timestamp, timezone: str) -> pd.Timestamp:
    """UTC time -> naive wall-clock time in WIB/WITA/WIT."""
    return as_utc(stamp).tz_localize(None) + pd.Timedelta(hours=queries.TZ_OFFSETS[timezone])


def long_date(stamp: pd.Timestamp, timezone: str) -> str:
    """'Sabtu, 21 November 2026' (local day)."""
    return fmt_date(local_time(stamp, timezone), "weekday")


def short_time(stamp: pd.Timestamp, timezone: str) -> str:
    """'21 Nov 2026 05.17' (local time, without the zone)."""
    return fmt_datetime(local_time(stamp, timezone), "short")


# --- building -----------------------------------------------------------------------------------------
def _reference_time(latest: pd.Timestamp, date: dt.date | None, now: pd.Timestamp | None,
                    timezone: str) -> pd.Timestamp:
    """``now`` if given; else the end of ``date`` (local day) or the latest post, whichever is earlier."""
    if now is not None:
        return as_utc(now)
    if date is None:
        return latest
    day_end = pd.Timestamp(dt.datetime.combine(date + dt.timedelta(days=1), dt.time()), tz="UTC")
    day_end -= pd.Timedelta(hours=queries.TZ_OFFSETS[timezone])
    return min(day_end - ONE_MICROSECOND, latest)


def _issue_labels(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], set[str], dict[str, str]]:
    """(issue id -> headline, hidden issue ids, issue id -> term label)."""
    issues = queries.issues_table(con)
    records = issues.to_dict("records")
    terms = {str(r["issue_id"]): str(r["label"] or r["issue_id"]) for r in records}
    labels = {str(r["issue_id"]): next(str(v) for v in (r.get("headline"), r["label"], r["issue_id"])
                                       if isinstance(v, str) and v) for r in records}
    hidden = set(issues.loc[issues["hidden"].fillna(False).astype(bool), "issue_id"].astype(str))
    return labels, hidden, terms


def _issue_rows(scores: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Scored rows with a label, recent posts only, strongest first."""
    rows = scores[scores[sg.POSTS] > 0].copy()
    rows[LABEL] = rows[S.ISSUE_ID].map(labels).fillna(rows[S.ISSUE_ID])
    rows[sg.NEGATIVE_SHIFT] = rows[sg.NEGATIVE_SHIFT].fillna(False).astype(bool) if sg.NEGATIVE_SHIFT in rows \
        else False
    rows[sg.STATUS] = sg.status_labels(rows)          # "Stabil · Memburuk": the badge travels with the status
    return rows.sort_values([sg.SCORE, sg.POSTS, S.ISSUE_ID], ascending=[False, False, True], ignore_index=True)


def _top_issues(scores: pd.DataFrame, region_column: str, code: str, labels: dict[str, str],
                top_n: int) -> pd.DataFrame:
    rows = _issue_rows(scores[scores[region_column].astype(str) == code], labels).head(top_n)
    rows.insert(0, RANK, range(1, len(rows) + 1))
    return rows[[RANK, S.ISSUE_ID, LABEL, sg.STATUS, sg.POSTS, sg.BASELINE, sg.NEGATIVE_SHARE, sg.SCORE,
                 sg.EXPLANATION, sg.NEGATIVE_SHIFT]].reset_index(drop=True)


def _with_narratives(con: duckdb.DuckDBPyConnection, top: pd.DataFrame, window: Filters,
                     windows: dict[str, pd.Timestamp], terms: dict[str, str], recent_hours: int,
                     baseline_days: int) -> pd.DataFrame:
    """The top issues with their term label and leading narrative in the window."""
    _, leading = narratives_in_window(con, replace(window, issue_ids=tuple(top[S.ISSUE_ID])), now=windows["now"],
                                      recent_start=windows["window_start"], baseline_start=windows["baseline_start"],
                                      recent_hours=recent_hours, baseline_days=baseline_days)
    narrative = dict(zip(leading["issue_id"], leading["narrative"]))
    top.insert(top.columns.get_loc(LABEL) + 1, TERMS, [terms.get(i, "") for i in top[S.ISSUE_ID]])
    top.insert(top.columns.get_loc(TERMS) + 1, NARRATIVE, [narrative.get(i, "") for i in top[S.ISSUE_ID]])
    return top


def _top_per_region(scores: pd.DataFrame, region_column: str, region_posts: pd.DataFrame,
                    labels: dict[str, str]) -> pd.DataFrame:
    """One row per region with posts in the window, with its strongest issue (if any)."""
    rows = _issue_rows(scores[scores[region_column].astype(str) != S.NATIONAL_CODE], labels)
    best = rows.drop_duplicates(region_column).rename(columns={region_column: REGION_CODE})
    best[REGION_CODE] = best[REGION_CODE].astype(str)
    best = best[[REGION_CODE, S.ISSUE_ID, LABEL, sg.STATUS, sg.POSTS, sg.SCORE, sg.EXPLANATION]]
    table = region_posts.merge(best, on=REGION_CODE, how="left")
    table[REGION_NAME] = [n if isinstance(n, str) and n else sg.region_name(c)
                          for c, n in zip(table[REGION_CODE], table[REGION_NAME])]
    table = table.sort_values([sg.SCORE, REGION_POSTS, REGION_CODE], ascending=[False, False, True],
                              na_position="last", ignore_index=True)  # ties in a fixed order
    return table[[REGION_CODE, REGION_NAME, REGION_POSTS, S.ISSUE_ID, LABEL, sg.STATUS, sg.POSTS, sg.SCORE,
                  sg.EXPLANATION]]


def _region_posts(con: duckdb.DuckDBPyConnection, window: Filters, region: str | None) -> pd.DataFrame:
    counts = queries.region_counts(con, window, province_code=region)
    return pd.DataFrame({REGION_CODE: counts["code"].astype(str), REGION_NAME: counts["name"],
                         REGION_POSTS: counts["posts"].astype("int64")})


def _emerging(con: duckdb.DuckDBPyConnection, base: Filters, windows: dict[str, pd.Timestamp],
              region: str | None, recent_hours: int, baseline_days: int, top_n: int
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(top issues of the area, top issue per province or kabupaten/kota)."""
    labels, hidden, terms = _issue_labels(con)
    history = replace(base, province_codes=(), start=windows["baseline_start"], end=windows["end"])
    level = S.KABKOTA_CODE if region else S.PROVINCE_CODE
    options = dict(now=windows["now"], recent_hours=recent_hours, baseline_days=baseline_days,
                   issue_labels=labels)
    sums = sg.window_starts(windows["now"], recent_hours, baseline_days)  # per-window sums: all the scores read
    provinces = sg.emerging_scores(queries.hourly_issue_counts(con, history, windows=sums), **options)
    provinces = provinces[~provinces[S.ISSUE_ID].astype(str).isin(hidden)]
    top = _top_issues(provinces, S.PROVINCE_CODE, region or S.NATIONAL_CODE, labels, top_n)
    top = _with_narratives(con, top, base, windows, terms, recent_hours, baseline_days)
    window = replace(base, start=windows["window_start"], end=windows["end"])
    if region is None:
        return top, _top_per_region(provinces, S.PROVINCE_CODE, _region_posts(con, window, None), labels)
    local = replace(history, province_codes=(region,))
    kabkota = sg.emerging_scores(queries.hourly_issue_counts(con, local, level=level, windows=sums),
                                 region=level, **options)
    kabkota = kabkota[~kabkota[S.ISSUE_ID].astype(str).isin(hidden)]
    return top, _top_per_region(kabkota, level, _region_posts(con, window, region), labels)


def _labelled_counts(con: duckdb.DuckDBPyConnection, window: Filters, column: str,
                     names: dict) -> pd.DataFrame:
    counts = queries.counts_by(con, window, column, limit=1000)
    counts = counts[counts["key"].notna()]
    return pd.DataFrame({column: counts["key"].tolist(),
                         LABEL: [names.get(k, str(k)) for k in counts["key"]],
                         sg.POSTS: counts["posts"].astype("int64").tolist()})


def _sentiment(con: duckdb.DuckDBPyConnection, window: Filters) -> pd.DataFrame:
    counts = _labelled_counts(con, window, S.SENTIMENT, S.SENTIMENT_LABELS).set_index(S.SENTIMENT)
    posts = counts[sg.POSTS].reindex(list(S.SENTIMENTS), fill_value=0)
    total = int(posts.sum())
    return pd.DataFrame({S.SENTIMENT: list(S.SENTIMENTS), LABEL: [S.SENTIMENT_LABELS[s] for s in S.SENTIMENTS],
                         sg.POSTS: posts.astype("int64").tolist(),
                         SHARE: (posts / total if total else posts * 0.0).astype(float).tolist()})


def _datasets(con: duckdb.DuckDBPyConnection, window: Filters) -> pd.DataFrame:
    names = query_df(con, f"SELECT {S.DATASET_ID}, name FROM datasets")
    lookup = {int(r[S.DATASET_ID]): str(r["name"]) for r in names.to_dict("records")}
    counts = queries.counts_by(con, window, S.DATASET_ID, limit=1000)
    counts = counts[counts["key"].notna()]
    ids = counts["key"].astype("int64").tolist()
    return pd.DataFrame({S.DATASET_ID: ids, NAME: [lookup.get(i, f"#{i}") for i in ids],
                         sg.POSTS: counts["posts"].astype("int64").tolist()})


EXAMPLE_COLUMNS = (S.ISSUE_ID, S.CREATED_AT, S.PLATFORM, S.AUTHOR, S.TEXT, S.SENTIMENT, S.PROVINCE)


def _examples(con: duckdb.DuckDBPyConnection, window: Filters, emerging: pd.DataFrame) -> pd.DataFrame:
    """The most engaging post of each top issue in the window (one per issue, in the issues' order)."""
    ids = tuple(str(i) for i in emerging[S.ISSUE_ID])
    if not ids:
        return pd.DataFrame(columns=list(EXAMPLE_COLUMNS))
    posts = queries.sample_posts(con, replace(window, issue_ids=ids), limit=50 * len(ids), order="engagement")
    first = posts.drop_duplicates(S.ISSUE_ID).set_index(S.ISSUE_ID)
    return first.reindex([i for i in ids if i in first.index]).reset_index()[list(EXAMPLE_COLUMNS)]


def _located_share(region: str | None, stats: dict, regional_posts: pd.DataFrame) -> float | None:
    """Share of posts with a known province (national) or kabupaten/kota (region focus)."""
    if region is None:
        return stats["located_share"]
    return float(regional_posts[REGION_POSTS].sum()) / stats["posts"] if stats["posts"] else None


def _windows(now: pd.Timestamp, recent_hours: int, baseline_days: int) -> dict[str, pd.Timestamp]:
    window_start = now.floor("h") - pd.Timedelta(hours=recent_hours - 1)
    return {"now": now, "end": now + ONE_MICROSECOND, "window_start": window_start,
            "previous_start": window_start - pd.Timedelta(hours=recent_hours),
            "baseline_start": window_start - pd.Timedelta(days=baseline_days)}


def build_briefing(con: duckdb.DuckDBPyConnection, *, date: dt.date | None = None, region: str | None = None,
                   now: pd.Timestamp | None = None, timezone: str = "WIB", filters: Filters | None = None,
                   recent_hours: int = 24, baseline_days: int = 7, top_n: int = TOP_ISSUES,
                   generated_at: pd.Timestamp | None = None) -> Briefing:
    """Gather one daily briefing from the store.

    Args:
        con: store connection.
        date: local day (in ``timezone``) the briefing is for: the window ends at the end of that day, or at
            the latest post when that is earlier. Ignored when ``now`` is given.
        region: province code for a regional briefing (its kabupaten/kota are ranked); None = national.
        now: end of the window (inclusive). Default: the latest post matching the filters.
        timezone: WIB, WITA or WIT, for the labels.
        filters: dataset, platform, issue, sentiment and keyword filters. Their start/end are ignored (the
            briefing sets its own window) and their provinces are replaced by ``region``.
        recent_hours: window length in hours.
        baseline_days: comparison period before the window, in days.
        top_n: issues in the top list.
        generated_at: time the briefing is made (default: the wall clock), shown in the footnote.

    Raises:
        NoBriefingDataError: the store has no posts for the filters, or none in the window.
    """
    if timezone not in queries.TZ_OFFSETS:
        raise UserError(f"Zona waktu '{timezone}' tidak dikenal. Pilih WIB, WITA atau WIT.")
    if region is not None and str(region) not in lokal.PROVINCES:
        raise UserError(f"Kode provinsi '{region}' tidak dikenal. Gunakan kode Kemendagri dua digit, "
                        "mis. 53 untuk Nusa Tenggara Timur.")
    base = replace(filters or Filters(), start=None, end=None, province_codes=(region,) if region else ())
    span = queries.overview(con, replace(base, province_codes=()), authors=False)  # regional briefings share the day
    if not span["posts"]:
        raise NoBriefingDataError("Belum ada unggahan untuk briefing ini. Unggah data di halaman Data "
                                  "atau longgarkan filter.")
    windows = _windows(_reference_time(pd.Timestamp(span["last_post"]), date, now, timezone),
                       recent_hours, baseline_days)
    if windows["now"] < span["first_post"] or windows["window_start"] > span["last_post"]:
        raise NoBriefingDataError(
            f"Tidak ada unggahan dalam {recent_hours} jam sampai {short_time(windows['now'], timezone)} "
            f"{timezone}. Data tersedia {short_time(span['first_post'], timezone)} – "
            f"{short_time(span['last_post'], timezone)} {timezone}; pilih tanggal lain.")
    window = replace(base, start=windows["window_start"], end=windows["end"])
    stats = queries.overview(con, window)
    previous = queries.overview(con, replace(base, start=windows["previous_start"], end=windows["window_start"]),
                                authors=False)
    emerging, regional = _emerging(con, base, windows, region, recent_hours, baseline_days, top_n)
    national = _region_posts(con, replace(window, province_codes=()), None)
    return Briefing(
        region=region, region_name=sg.region_name(region) if region else "Nasional", timezone=timezone,
        now=windows["now"], window_start=windows["window_start"], previous_start=windows["previous_start"],
        baseline_start=windows["baseline_start"],
        generated_at=as_utc(generated_at) if generated_at is not None else pd.Timestamp.now(tz="UTC"),
        recent_hours=recent_hours, baseline_days=baseline_days, posts=int(stats["posts"] or 0),
        previous_posts=int(previous["posts"] or 0), negative_share=stats["negative_share"],
        previous_negative_share=previous["negative_share"], accounts=int(stats["authors"] or 0),
        located_share=_located_share(region, stats, regional), emerging=emerging,
        regional=regional, sentiment=_sentiment(con, window),
        map_values=pd.DataFrame({S.PROVINCE_CODE: national[REGION_CODE], VALUE: national[REGION_POSTS]}),
        platforms=_labelled_counts(con, window, S.PLATFORM, S.PLATFORM_LABELS), datasets=_datasets(con, window),
        store_posts=queries.count_posts(con), examples=_examples(con, window, emerging),
    )
