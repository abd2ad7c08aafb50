"""Date parsing: every format family, zones, relative times against a fixed now."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from monitoring.ingest.dates import parse_datetimes

NOW = pd.Timestamp("2024-03-10 12:00:00", tz="UTC")


@pytest.mark.parametrize("raw, expected_utc", [
    # ISO 8601 (tweet-harvest new, APIs); naive = UTC by default
    ("2023-12-14T06:08:55.000Z", "2023-12-14 06:08:55"),
    ("2023-12-14T13:08:55+07:00", "2023-12-14 06:08:55"),
    ("2023-12-14 13:08:55+0700", "2023-12-14 06:08:55"),
    ("2023-12-14 06:08:55", "2023-12-14 06:08:55"),
    ("2023-12-14", "2023-12-14 00:00:00"),
    ("2023-12-14 13:08 WIB", "2023-12-14 06:08:00"),
    ("2023-12-14T06:08:55.123456Z", "2023-12-14 06:08:55.123456"),
    ("2023/12/14 06:08", "2023-12-14 06:08:00"),
    # Twitter (tweet-harvest old)
    ("Thu Dec 14 06:08:55 +0000 2023", "2023-12-14 06:08:55"),
    ("Fri Jan 05 23:59:59 +0000 2024", "2024-01-05 23:59:59"),
    # numeric, day first
    ("14/12/2023 13:08", "2023-12-14 13:08:00"),
    ("14/12/2023 13:08:55", "2023-12-14 13:08:55"),
    ("14-12-2023", "2023-12-14 00:00:00"),
    ("05/08/2023", "2023-08-05 00:00:00"),
    ("14.12.23", "2023-12-14 00:00:00"),
    ("14/12/2023, 13:08 WIB", "2023-12-14 06:08:00"),
    # Indonesian month names, full and short, with weekday and zones
    ("23 Juni 2022", "2022-06-23 00:00:00"),
    ("5 Agu 2023 14:05", "2023-08-05 14:05:00"),
    ("Senin, 23 Juni 2022 10:00 WIB", "2022-06-23 03:00:00"),
    ("Kamis, 14 Des 2023 13:08 WITA", "2023-12-14 05:08:00"),
    ("Rabu, 13 Desember 2023 pukul 08.30 WIT", "2023-12-12 23:30:00"),
    ("1 Mei 2024", "2024-05-01 00:00:00"),
    ("17 Agustus 2023 | 10:00 WIB", "2023-08-17 03:00:00"),
    ("3 Okt 2023 - 07:15 WIB", "2023-10-03 00:15:00"),
    ("12 Nopember 2023", "2023-11-12 00:00:00"),
    # English month names, RFC 2822
    ("December 14, 2023", "2023-12-14 00:00:00"),
    ("Dec 14, 2023 1:08 PM", "2023-12-14 13:08:00"),
    ("14 December 2023 12:30 AM", "2023-12-14 00:30:00"),
    ("Thu, 14 Dec 2023 06:08:55 +0700", "2023-12-13 23:08:55"),
    ("Thu, 14 Dec 2023 06:08:55 GMT", "2023-12-14 06:08:55"),
    # epoch seconds / milliseconds, compact
    ("1702534135", "2023-12-14 06:08:55"),
    ("1702534135123", "2023-12-14 06:08:55.123"),
    ("1702534135.25", "2023-12-14 06:08:55.25"),
    ("20231214", "2023-12-14 00:00:00"),
    # relative, Indonesian and English, against NOW = 2024-03-10 12:00 UTC
    ("48 detik yang lalu", "2024-03-10 11:59:12"),
    ("5 menit lalu", "2024-03-10 11:55:00"),
    ("3 jam yang lalu", "2024-03-10 09:00:00"),
    ("3 hari yang lalu", "2024-03-07 12:00:00"),
    ("2 minggu yang lalu", "2024-02-25 12:00:00"),
    ("1 bulan yang lalu", "2024-02-09 12:00:00"),
    ("setahun yang lalu", "2023-03-11 12:00:00"),
    ("sejam yang lalu", "2024-03-10 11:00:00"),
    ("kemarin", "2024-03-09 12:00:00"),
    ("Baru saja", "2024-03-10 12:00:00"),
    ("2 days ago", "2024-03-08 12:00:00"),
    ("an hour ago", "2024-03-10 11:00:00"),
    ("1 month ago (edited)", "2024-02-09 12:00:00"),
    ("3h", "2024-03-10 09:00:00"),
    ("5m", "2024-03-10 11:55:00"),
    ("2d", "2024-03-08 12:00:00"),
])
def test_formats(raw, expected_utc):
    parsed = parse_datetimes(pd.Series([raw]), now=NOW)
    assert parsed.iloc[0] == pd.Timestamp(expected_utc, tz="UTC")


@pytest.mark.parametrize("raw", [
    None, "", "   ", "bukan tanggal", "31/02/2023", "2023-13-01", "123", "1735190472912437290",
    "0000000001", "9999999999999", "banjir lagi 3 hari", "Juni", "25:61",
])
def test_unparseable_values_are_nat(raw):
    assert pd.isna(parse_datetimes(pd.Series([raw], dtype=object), now=NOW).iloc[0])


def test_result_dtype_index_and_name_follow_the_input():
    values = pd.Series(["2023-12-14T06:08:55Z", None, "kemarin"], index=[10, 20, 30], name="tanggal")
    parsed = parse_datetimes(values, now=NOW)
    assert str(parsed.dtype) == "datetime64[us, UTC]"
    assert list(parsed.index) == [10, 20, 30] and parsed.name == "tanggal"
    assert parsed.isna().tolist() == [False, True, False]


@pytest.mark.parametrize("naive_tz, expected", [
    ("UTC", "2023-12-14 13:08:00"),
    ("Asia/Jakarta", "2023-12-14 06:08:00"),
    ("Asia/Makassar", "2023-12-14 05:08:00"),
])
def test_naive_tz_applies_only_to_values_without_zone(naive_tz, expected):
    parsed = parse_datetimes(pd.Series(["14/12/2023 13:08", "2023-12-14 13:08 WIB"]), now=NOW, naive_tz=naive_tz)
    assert parsed.iloc[0] == pd.Timestamp(expected, tz="UTC")
    assert parsed.iloc[1] == pd.Timestamp("2023-12-14 06:08", tz="UTC")


@pytest.mark.parametrize("values, dayfirst, expected", [
    (["12/25/2023", "01/02/2023"], None, ["2023-12-25", "2023-01-02"]),    # a month > 12 says month-first
    (["25/12/2023", "01/02/2023"], None, ["2023-12-25", "2023-02-01"]),
    (["01/02/2023"], None, ["2023-02-01"]),                                # ambiguous: Indonesian day-first
    (["01/02/2023"], False, ["2023-01-02"]),
])
def test_day_month_order(values, dayfirst, expected):
    parsed = parse_datetimes(pd.Series(values), now=NOW, dayfirst=dayfirst)
    assert parsed.tolist() == [pd.Timestamp(e, tz="UTC") for e in expected]


def test_non_string_values():
    values = pd.Series([dt.datetime(2023, 12, 14, 13, 8), pd.Timestamp("2023-12-14 13:08", tz="Asia/Jakarta"),
                        1702534135, 1702534135123.0, np.nan, True], dtype=object)
    parsed = parse_datetimes(values, now=NOW)
    assert parsed.iloc[:4].tolist() == [pd.Timestamp(s, tz="UTC") for s in (
        "2023-12-14 13:08", "2023-12-14 06:08", "2023-12-14 06:08:55", "2023-12-14 06:08:55.123")]
    assert parsed.iloc[4:].isna().all()


def test_epoch_outside_plausible_range_is_rejected():
    too_late = str(int((NOW + pd.Timedelta(days=400)).timestamp()))
    assert parse_datetimes(pd.Series([too_late, "0946684799"]), now=NOW).isna().all()


def test_naive_now_is_utc():
    assert parse_datetimes(pd.Series(["kemarin"]), now=pd.Timestamp("2024-03-10 12:00")).iloc[0] == \
        pd.Timestamp("2024-03-09 12:00", tz="UTC")


def test_many_distinct_mixed_values_parse_like_one_by_one():
    rng = np.random.default_rng(3)
    stamps = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 3 * 10**7, 3000), unit="s")
    twitter = list(stamps[:1000].strftime("%a %b %d %H:%M:%S +0000 %Y"))
    iso = list(stamps[1000:2000].strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    wib = list((stamps[2000:] + pd.Timedelta(hours=7)).strftime("%d/%m/%Y %H:%M:%S WIB"))
    values = pd.Series(twitter + iso + wib + ["rusak"] * 5)
    parsed = parse_datetimes(values, now=NOW)
    assert parsed.iloc[:3000].tolist() == list(stamps)
    assert parsed.iloc[3000:].isna().all()
