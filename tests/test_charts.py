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
