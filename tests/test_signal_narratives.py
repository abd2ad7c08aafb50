"""Which narrative of an issue is rising, and which one leads (monitoring/signals/narratives.py)."""
from __future__ import annotations

import pandas as pd

from monitoring.signals.narratives import leading_narratives, rising_narratives

COUNTS = pd.DataFrame({
    "issue_id": ["I0001", "I0001", "I0001", "I0002", "I0002", "I0003"],
    "narrative_id": ["I0001-N01", "I0001-N02", "I0001-N03", "I0002-N01", "I0002-N02", "I0003-N01"],
    # per window: 24 h recent, 7 days baseline (a steady narrative has recent ~ baseline / 7)
    "recent": [30, 40, 2, 10, 9, 0],
    "baseline": [210, 35, 0, 70, 63, 14],
})
NAMES = {"I0001-N01": "harga naik", "I0001-N02": "jual negara", "I0001-N03": "anak cucu",
         "I0002-N01": "jalur zonasi", "I0002-N02": "titipan pejabat", "I0003-N01": "banjir rob"}


def test_the_rising_narrative_is_the_one_above_its_usual_volume():
    rising = rising_narratives(COUNTS, recent_hours=24, baseline_days=7, names=NAMES).set_index("issue_id")
    # I0001-N01 has the most posts but is steady (30 vs 30 expected); N02 jumps from 5 a day to 40
    assert rising.loc["I0001", "narrative"] == "jual negara"
    assert rising.loc["I0001", "expected"] == 5.0
    assert "I0002" not in rising.index and "I0003" not in rising.index  # steady, or quiet


def test_a_few_posts_do_not_make_a_rise_and_hidden_narratives_are_left_out():
    few = COUNTS.assign(recent=[30, 2, 2, 10, 9, 0])
    assert rising_narratives(few, recent_hours=24, baseline_days=7, names=NAMES).empty
    hidden = {k: v for k, v in NAMES.items() if k != "I0001-N02"}
    assert rising_narratives(COUNTS, recent_hours=24, baseline_days=7, names=hidden).empty


def test_the_leading_narrative_has_the_most_recent_posts():
    leading = leading_narratives(COUNTS, names=NAMES).set_index("issue_id")["narrative"].to_dict()
    assert leading == {"I0001": "jual negara", "I0002": "jalur zonasi"}
