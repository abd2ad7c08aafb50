"""Numbers and dates as the analyst reads them: Indonesian month names, day-first order, '–' for missing."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from monitoring.formatting import (
    MONTHS_SHORT,
    fmt_date,
    fmt_date_range,
    fmt_datetime,
    fmt_number,
    fmt_pct,
)

SATURDAY = pd.Timestamp("2026-11-07 08:05")


@pytest.mark.parametrize("style, expected", [
    ("short", "7 Nov 2026"),
    ("long", "7 November 2026"),
    ("weekday", "Sabtu, 7 November 2026"),
    ("numeric", "07/11/2026"),
    ("day_month", "7 Nov"),
])
def test_date_styles(style, expected):
    assert fmt_date(SATURDAY, style) == expected


@pytest.mark.parametrize("value, expected", [
    (dt.date(2026, 8, 17), "17 Agu 2026"),
    (dt.datetime(2026, 10, 30, 23, 59), "30 Okt 2026"),
    (pd.Timestamp("2026-12-25 01:00", tz="UTC"), "25 Des 2026"),  # its own wall-clock day, no conversion
    (np.datetime64("2026-05-01T12:00"), "1 Mei 2026"),
    ("2026-01-02", "2 Jan 2026"),
])
def test_any_date_like_value_gets_indonesian_month_names(value, expected):
    assert fmt_date(value) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NaT, pd.NA, np.datetime64("NaT"), "bukan tanggal"])
def test_missing_dates_read_as_a_dash(missing):
    assert fmt_date(missing) == "–"
    assert fmt_datetime(missing) == "–"
    assert fmt_date_range(missing, SATURDAY) == "–"


def test_every_month_abbreviation_is_indonesian():
    written = [fmt_date(dt.date(2026, m, 1), "day_month").split()[1] for m in range(1, 13)]
    assert written == list(MONTHS_SHORT) == ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt",
                                             "Nov", "Des"]


def test_date_and_time():
    assert fmt_datetime(SATURDAY) == "07/11/2026 08:05"
    assert fmt_datetime(SATURDAY, "short") == "7 Nov 2026 08.05"


@pytest.mark.parametrize("start, end, expected", [
    ("2026-11-07", "2026-11-20", "7–20 Nov 2026"),
    ("2026-10-30", "2026-11-20", "30 Okt – 20 Nov 2026"),
    ("2025-12-30", "2026-01-05", "30 Des 2025 – 5 Jan 2026"),
    ("2026-11-20 01:00", "2026-11-20 23:00", "20 Nov 2026"),
])
def test_date_ranges_are_short_enough_for_a_metric(start, end, expected):
    assert fmt_date_range(start, end) == expected


def test_numbers_use_the_decimal_comma():
    assert (fmt_number(1234.0), fmt_number(2.5), fmt_pct(0.123), fmt_pct(float("nan"))) == ("1.234", "2,5", "12,3%", "–")
