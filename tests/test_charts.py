"""Chart builders: the template shortcut gives the same figures as Plotly's validated path."""
from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from monitoring.report import charts

VOLUME = pd.DataFrame({"bucket": pd.to_datetime(["2026-11-19", "2026-11-19", "2026-11-20"], utc=True),
                       "sentiment": ["negative", "positive", "negative"], "posts": [120, 45, 300]})
SPLIT = pd.DataFrame({"key": ["I0001", "I0001", "I0002"], "sentiment": ["negative", "neutral", "positive"],
                      "posts": [30, 10, 5]})


@pytest.mark.parametrize("build", [
    lambda: charts.volume_chart(VOLUME, "Volume unggahan per hari menurut sentimen (WIB)"),
    lambda: charts.sentiment_bars(SPLIT, {"I0001": "Harga beras"}, "Sentimen per isu"),
    lambda: charts.sentiment_donut({"positive": 3, "neutral": 5, "negative": 9}, "Komposisi sentimen"),
    lambda: charts.empty_figure("Isu teratas"),
], ids=["volume", "bars", "donut", "empty"])
def test_charts_carry_the_plotly_white_template_as_plotly_would_set_it(build):
    fig = build()
    validated = go.Figure(fig)
    validated.update_layout(template="plotly_white")  # Plotly's own, validated path
    assert json.loads(fig.to_json()) == json.loads(validated.to_json())
    assert json.loads(fig.to_json())["layout"]["template"]["layout"]["plot_bgcolor"] == "white"  # plotly_white


def test_a_figures_template_is_its_own_copy():
    fig = charts.with_template(go.Figure())
    fig.layout.template.layout.paper_bgcolor = "#000000"
    assert pio.templates["plotly_white"].layout.paper_bgcolor == "white"
    assert charts.with_template(go.Figure()).layout.template.layout.paper_bgcolor == "white"
    assert fig.layout._validate  # validation is on again for the caller's own updates
    with pytest.raises(ValueError):
        fig.update_layout(height="tinggi")


@pytest.mark.parametrize("build", [
    lambda: charts.volume_chart(VOLUME, "Volume"),
    lambda: charts.sentiment_bars(SPLIT, {"I0001": "Harga beras"}, "Sentimen per isu"),
    lambda: charts.sentiment_donut({"positive": 3, "neutral": 5, "negative": 9}, "Komposisi sentimen"),
])
def test_charts_write_numbers_the_indonesian_way(build):
    assert build().to_dict()["layout"]["separators"] == ",."  # decimal comma, thousands dot


def test_time_axis_and_hover_speak_indonesian():
    days = pd.DataFrame({"bucket": pd.date_range("2026-10-28", "2026-11-20", freq="D"), "sentiment": "neutral",
                         "posts": 3})
    fig = charts.volume_chart(days, "Volume").to_dict()
    ticks = fig["layout"]["xaxis"]["ticktext"]
    assert 2 <= len(ticks) <= charts.MAX_TIME_TICKS and ticks[0] == "28 Okt"
    assert all(t.split()[1] in ("Okt", "Nov") for t in ticks)  # never Plotly's 'Oct 28'
    neutral = next(t for t in fig["data"] if t["name"] == "netral")
    assert list(neutral["customdata"][:2]) == ["28 Okt 2026", "29 Okt 2026"]
    assert "%{customdata}" in neutral["hovertemplate"] and "%{x}" not in neutral["hovertemplate"]
    hours = days.assign(bucket=pd.date_range("2026-08-17 20:00", periods=len(days), freq="h"))
    ticks = charts.volume_chart(hours, "Volume").to_dict()["layout"]["xaxis"]["ticktext"]
    assert ticks[0] == "20.00<br>17 Agu" and any(t.endswith("<br>18 Agu") for t in ticks)
