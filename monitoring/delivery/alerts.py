"""Alerts worth telling the team: new emerging issues and spike alerts above the team's severity.

:func:`alert_candidates` reads the Isu Naik scores (:func:`monitoring.signals.emerging.emerging_table`) and
the spike alerts the last analysis stored, keeps the cells in the chosen regions (``alert_regions``) whose
emerging score reaches ``alert_min_score`` for their region — cells with status *Baru* (a new issue) and
active spike alerts — and gathers them into one :class:`IssueAlert` per issue, strongest cell first. Each
cell is an event with a stable key (``baru:I0011:53``, ``lonjakan:I0011:53:20261120T224220Z`` for one spike
episode) that the outbox uses so nothing is sent twice. :meth:`IssueAlert.message` writes the message in
every channel's format; labels and explanations come from post text and are escaped for each.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import urllib.parse
from dataclasses import dataclass

import duckdb
import pandas as pd

from monitoring import schema as S
from monitoring.clock import as_utc
from monitoring.delivery._base import Message, plain
from monitoring.formatting import fmt_number, fmt_pct, fmt_score
from monitoring.report.briefing import local_time, short_time
from monitoring.signals import emerging, spikes
from monitoring.signals import scores as sg
from monitoring.store import database as storage
from monitoring.store.queries import Filters

EVENT_NEW, EVENT_SPIKE = "baru", "lonjakan"
NEGATIVE_SHIFT = sg.NEGATIVE_SHIFT  # the emerging frame's *Memburuk* flag
LABEL_LIMIT = 160


@dataclass(frozen=True)
class AlertEvent:
    """One issue × region cell that passed: a new issue there, or one spike episode."""

    kind: str
    issue_id: str
    region: str
    posts: int
    baseline: float | None        # usual posts per window (new) or per day (spike)
    score: float                  # the cell's emerging score
    negative_share: float | None
    explanation: str              # plain text, one sentence (hostile: escape per format)
    threshold: float | None = None
    episode: str = ""             # spike: first seen, UTC
    negative_shift: bool | None = None

    @property
    def key(self) -> str:
        return ":".join(p for p in (self.kind, self.issue_id, self.region, self.episode) if p)

    @property
    def region_name(self) -> str:
        return sg.region_name(self.region)


@dataclass(frozen=True)
class IssueAlert:
    """Everything to say about one issue: its passing events (strongest first) and where to look."""

    issue_id: str
    label: str
    events: tuple[AlertEvent, ...]
    window_end: pd.Timestamp
    recent_hours: int
    link: str

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(e.key for e in self.events)

    @property
    def dedup_key(self) -> str:
        return " ".join(sorted(self.keys))

    @property
    def lead(self) -> AlertEvent:
        return self.events[0]

    @property
    def negative_shift(self) -> bool | None:
        flags = [e.negative_shift for e in self.events if e.negative_shift is not None]
        return any(flags) if flags else None

    @property
    def subject(self) -> str:
        new = any(e.kind == EVENT_NEW for e in self.events)
        what = "isu baru" if new else "lonjakan isu"
        return f"PantauIsu: {what} di {self.lead.region_name} — {plain(self.label, LABEL_LIMIT)}"

    def lines(self, timezone: str) -> list[tuple[str, str]]:
        """(heading, plain text) of the message body, in order; values are plain, not yet escaped."""
        lead = self.lead
        others = [e.region_name for e in self.events if e.kind == EVENT_NEW and e is not lead]
        where = lead.region_name + (f" (juga baru di {', '.join(others)})" if others else "")
        usual = "belum ada" if lead.baseline is None or pd.isna(lead.baseline) else fmt_number(lead.baseline)
        counts = (f"{fmt_number(lead.posts)} unggahan dalam {self.recent_hours} jam terakhir (biasanya {usual}); "
                  f"negatif {fmt_pct(lead.negative_share)}; skor {fmt_score(lead.score)}")
        lines = [("Isu", plain(self.label, LABEL_LIMIT)), ("Wilayah", where), ("Jumlah", counts),
                 ("Penjelasan", plain(lead.explanation, 600))]
        spiking = [f"{e.region_name} {fmt_number(e.posts)} unggahan/24 jam (ambang {fmt_number(e.threshold)})"
                   for e in self.events if e.kind == EVENT_SPIKE]
        if spiking:
            lines.append(("Lonjakan", "; ".join(spiking)))
        if self.negative_shift:
            lines.append(("Sentimen", "bergeser ke negatif"))
        lines.append(("Data sampai", f"{short_time(self.window_end, timezone)} {timezone}"))
        return lines

    def message(self, timezone: str) -> Message:
        """The alert as plain text, escaped HTML and a JSON document."""
        lines = self.lines(timezone)
        text = "\n".join([self.subject, *(f"{h}: {v}" for h, v in lines), f"Buka di dasbor: {self.link}"])
        rows = "".join(f'<tr><th style="text-align:left;padding:4px 10px 4px 0;vertical-align:top">{html.escape(h)}'
                       f'</th><td style="padding:4px 0">{html.escape(v)}</td></tr>' for h, v in lines)
        body = (f'<div style="font-family:Arial,sans-serif;font-size:14px;color:#1d2733">'
                f"<h2 style=\"font-size:18px\">{html.escape(self.subject)}</h2><table>{rows}</table>"
                f'<p><a href="{html.escape(self.link, quote=True)}">Buka di dasbor PantauIsu</a></p></div>')
        return Message(subject=self.subject, text=text, html=body, document=self.document(text))

    def document(self, text: str) -> dict:
        """The webhook's JSON document (JSON escapes every value; ``text`` is the plain-text message).

        ``id`` is the same for every retry of this alert, so a receiver that saw it before (a timeout after
        it arrived) can drop the copy.
        """
        lead = self.lead
        return {"source": "pantauisu", "type": "alert", "id": hashlib.sha1(self.dedup_key.encode()).hexdigest()[:16],
                "subject": self.subject, "text": text,
                "issue": {"id": self.issue_id, "label": plain(self.label, LABEL_LIMIT)},
                "region": {"code": lead.region, "name": lead.region_name}, "posts": int(lead.posts),
                "baseline": None if lead.baseline is None or pd.isna(lead.baseline) else float(lead.baseline),
                "score": round(float(lead.score), 2), "negative_share": _number(lead.negative_share),
                "negative_shift": self.negative_shift, "explanation": plain(lead.explanation, 600),
                "events": [{"kind": e.kind, "region": e.region, "posts": int(e.posts), "score": round(e.score, 2)}
                           for e in self.events],
                "window_end": as_utc(self.window_end).isoformat(), "link": self.link}


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def dashboard_link(base: str, issue_id: str, region: str, window_end: pd.Timestamp, timezone: str) -> str:
    """The Isu Naik page filtered to the issue (and province) over the week before the window's end."""
    end = local_time(window_end, timezone).date()
    params = {"isu": issue_id, "mulai": (end - dt.timedelta(days=7)).isoformat(), "sampai": end.isoformat()}
    if region != S.NATIONAL_CODE:
        params["provinsi"] = region
    return f"{base.rstrip('/')}/isu_naik?{urllib.parse.urlencode(params)}"


def issue_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Issue id -> the name alerts show: the readable ``headline`` when the store has one, else the label."""
    issues = storage.query_df(con, "SELECT * FROM issues")
    names = {}
    for row in issues.to_dict("records"):
        headline = plain(row.get("headline"))
        names[str(row["issue_id"])] = headline or plain(row.get("label")) or str(row["issue_id"])
    return names


def _passing(scores: pd.DataFrame, values: dict) -> pd.Series:
    """Cells in the chosen regions whose score reaches their region's threshold."""
    regions = scores[S.PROVINCE_CODE].astype(str)
    thresholds = regions.map(values["alert_min_score"].for_region)
    chosen = regions.isin(values["alert_regions"]) if values["alert_regions"] else True
    return chosen & (scores[sg.SCORE] >= thresholds) & (scores[sg.POSTS] > 0)


def _new_events(cells: pd.DataFrame) -> list[AlertEvent]:
    rows = cells[cells[sg.STATUS] == sg.STATUS_NEW]
    return [AlertEvent(EVENT_NEW, str(r[S.ISSUE_ID]), str(r[S.PROVINCE_CODE]), int(r[sg.POSTS]), r[sg.BASELINE],
                       float(r[sg.SCORE]), r[sg.NEGATIVE_SHARE], str(r[sg.EXPLANATION]),
                       negative_shift=_flag(r.get(NEGATIVE_SHIFT)))
            for r in rows.to_dict("records")]


def _spike_events(con: duckdb.DuckDBPyConnection, cells: pd.DataFrame) -> list[AlertEvent]:
    stored = emerging.stored_alerts(con)
    if stored.empty or spikes.ACTIVE not in stored:
        return []
    active = stored[stored[spikes.ACTIVE].astype(bool)]
    joined = active.merge(cells[[S.ISSUE_ID, S.PROVINCE_CODE, sg.SCORE, *([NEGATIVE_SHIFT] if NEGATIVE_SHIFT in cells
                                                                          else [])]],
                          on=[S.ISSUE_ID, S.PROVINCE_CODE])
    return [AlertEvent(EVENT_SPIKE, str(r[S.ISSUE_ID]), str(r[S.PROVINCE_CODE]), int(r[sg.POSTS]),
                       r[spikes.BASELINE_MEAN], float(r[sg.SCORE]), r[sg.NEGATIVE_SHARE], str(r[sg.EXPLANATION]),
                       threshold=float(r[spikes.THRESHOLD]),
                       episode=as_utc(r[spikes.FIRST_SEEN]).strftime("%Y%m%dT%H%M%SZ"),
                       negative_shift=_flag(r.get(NEGATIVE_SHIFT)))
            for r in joined.to_dict("records")]


def _flag(value: object) -> bool | None:
    return None if value is None or (not isinstance(value, bool) and pd.isna(value)) else bool(value)


def alert_candidates(con: duckdb.DuckDBPyConnection, values: dict, now: pd.Timestamp) -> list[IssueAlert]:
    """One :class:`IssueAlert` per issue with a passing event, strongest first.

    The window ends at the latest post, or at ``now`` when that is earlier (uploads are often days old).
    ``values`` are the loaded settings (thresholds, regions, windows, time zone, dashboard URL).
    """
    latest = emerging.reference_time(con, Filters())
    if latest is None:
        return []
    window_end = min(latest, as_utc(now))
    scores = emerging.emerging_table(con, Filters(), now=window_end, recent_hours=values["recent_hours"],
                                     baseline_days=values["baseline_days"])
    if scores.empty:
        return []
    cells = scores[_passing(scores, values)]
    events = _new_events(cells) + _spike_events(con, cells)
    names, timezone = issue_names(con), values["display_timezone"]
    alerts = []
    for issue_id in dict.fromkeys(e.issue_id for e in sorted(events, key=lambda e: -e.score)):
        own = tuple(sorted((e for e in events if e.issue_id == issue_id), key=lambda e: (-e.score, e.kind)))
        alerts.append(IssueAlert(issue_id, names.get(issue_id, issue_id), own, window_end, values["recent_hours"],
                                 dashboard_link(values["dashboard_url"], issue_id, own[0].region, window_end,
                                                timezone)))
    return alerts
