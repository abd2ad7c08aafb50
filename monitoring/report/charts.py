"""Chart builders: each returns a ``plotly.graph_objects.Figure`` and displays nothing.

Titles say what and when; numbers use Indonesian separators; positif/netral/negatif keep the
same colours everywhere. Post text never appears in a chart (only counts and labels).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from monitoring import schema as S
from monitoring.formatting import fmt_date, fmt_datetime

MAX_TIME_TICKS = 8
FONT = dict(family="Inter, Segoe UI, Arial, sans-serif", size=13)
SEPARATORS = ",."  # decimal comma, thousands dot (Indonesian)
TEMPLATE = "plotly_white"


def with_template(fig: go.Figure, name: str = TEMPLATE) -> go.Figure:
    """Put the registered template ``name`` on ``fig``; same figure as ``update_layout(template=name)``.

    Plotly copies and validates a template set by name, property by property (~10 ms a figure: a page
    with a dozen small charts spent a tenth of a second on it); a registered template is valid
    already, and Plotly itself applies its default template with validation switched off.
    The layout gets its own copy, as with ``update_layout``.
    """
    layout = fig.layout
    layout._validate = False
    try:
        layout.template = pio.templates[name]
    finally:
        layout._validate = True
    return fig


def _layout(fig: go.Figure, title: str, *, height: int = 360) -> go.Figure:
    fig.update_layout(title=dict(text=title, x=0, xanchor="left"), height=height, font=FONT,
                      separators=SEPARATORS, margin=dict(l=10, r=10, t=60, b=10),
                      legend=dict(orientation="h", y=-0.15))
    return with_template(fig)


def empty_figure(title: str, message: str = "Tidak ada data untuk filter ini.") -> go.Figure:
    """A blank chart that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, height=260)


def volume_chart(volume: pd.DataFrame, title: str) -> go.Figure:
    """Stacked bars of posts per time bucket and sentiment (columns bucket, sentiment, posts)."""
    if volume.empty:
        return empty_figure(title)
    buckets = pd.to_datetime(volume["bucket"])
    daily = bool((buckets == buckets.dt.normalize()).all())
    fig = go.Figure()
    for sentiment in S.SENTIMENTS:
        part = buckets[volume["sentiment"] == sentiment]
        fig.add_bar(x=part, y=volume.loc[part.index, "posts"], name=S.SENTIMENT_LABELS[sentiment],
                    marker_color=S.SENTIMENT_COLORS[sentiment], customdata=[_when(b, daily) for b in part],
                    hovertemplate="%{customdata}<br>%{y:,} unggahan<extra>" + S.SENTIMENT_LABELS[sentiment]
                    + "</extra>")
    fig.update_layout(barmode="stack", yaxis_title="Unggahan", xaxis=_time_ticks(buckets, daily))
    return _layout(fig, title)


def _when(bucket: pd.Timestamp, daily: bool) -> str:
    """Hover text of a time bucket: '7 Nov 2026' or '7 Nov 2026 08.00' (Plotly would write 'Nov 7, 2026')."""
    return fmt_date(bucket) if daily else fmt_datetime(bucket, "short")


def _time_ticks(buckets: pd.Series, daily: bool) -> dict:
    """Tick labels in Indonesian at up to ``MAX_TIME_TICKS`` evenly spaced buckets: '7 Nov' per day; per hour
    '08.00', with the day under the first tick of each day."""
    values = [pd.Timestamp(t) for t in sorted(buckets.unique())]
    ticks = values[::-(-len(values) // MAX_TIME_TICKS)]
    if daily:
        text = [fmt_date(t, "day_month") for t in ticks]
    else:
        text = [f"{t:%H.%M}" + (f"<br>{fmt_date(t, 'day_month')}" if i == 0 or t.date() != ticks[i - 1].date() else "")
                for i, t in enumerate(ticks)]
    return dict(tickmode="array", tickvals=ticks, ticktext=text)


def ranked_bars(frame: pd.DataFrame, *, label: str, value: str, title: str,
                value_name: str = "Unggahan", color: str = "#1f5fa8", limit: int = 15) -> go.Figure:
    """Horizontal bars, largest on top."""
    if frame.empty:
        return empty_figure(title)
    top = frame.nlargest(limit, value).iloc[::-1]
    fig = go.Figure(go.Bar(x=top[value], y=top[label].astype(str), orientation="h", marker_color=color,
                           hovertemplate="%{y}<br>%{x:,} " + value_name.lower() + "<extra></extra>"))
    fig.update_layout(xaxis_title=value_name)
    return _layout(fig, title, height=max(260, 28 * len(top) + 90))


def sentiment_bars(split: pd.DataFrame, names: dict[str, str], title: str, *, limit: int = 15) -> go.Figure:
    """Share of positif/netral/negatif per key (columns key, sentiment, posts), 100% stacked."""
    if split.empty:
        return empty_figure(title)
    table = split.pivot_table(index="key", columns="sentiment", values="posts", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=list(S.SENTIMENTS), fill_value=0)
    table = table.loc[table.sum(axis=1).nlargest(limit).index[::-1]]
    shares = table.div(table.sum(axis=1), axis=0)
    labels = [names.get(k, str(k)) for k in shares.index]
    fig = go.Figure()
    for sentiment in S.SENTIMENTS:
        fig.add_bar(x=shares[sentiment], y=labels, orientation="h", name=S.SENTIMENT_LABELS[sentiment],
                    marker_color=S.SENTIMENT_COLORS[sentiment], customdata=table[sentiment],
                    hovertemplate="%{y}<br>%{x:.0%} (%{customdata:,} unggahan)<extra></extra>")
    fig.update_layout(barmode="stack", xaxis=dict(tickformat=".0%", range=[0, 1]))
    return _layout(fig, title, height=max(260, 28 * len(labels) + 110))


def sentiment_donut(counts: dict[str, int], title: str) -> go.Figure:
    """Share of each sentiment."""
    values = [int(counts.get(s, 0)) for s in S.SENTIMENTS]
    if sum(values) == 0:
        return empty_figure(title)
    fig = go.Figure(go.Pie(labels=[S.SENTIMENT_LABELS[s] for s in S.SENTIMENTS], values=values, hole=0.55,
                           marker_colors=[S.SENTIMENT_COLORS[s] for s in S.SENTIMENTS], sort=False,
                           hovertemplate="%{label}: %{value:,} (%{percent})<extra></extra>"))
    return _layout(fig, title, height=300)


def heat_table(frame: pd.DataFrame, *, rows: str, columns: str, values: str, row_names: dict[str, str],
               column_names: dict[str, str], title: str, colorscale: str = "OrRd") -> go.Figure:
    """A province × issue heat table (e.g. emerging score)."""
    if frame.empty:
        return empty_figure(title)
    table = frame.pivot_table(index=rows, columns=columns, values=values, aggfunc="max")
    table = table.loc[table.max(axis=1).sort_values(ascending=True).index]
    fig = go.Figure(go.Heatmap(
        z=table.values, x=[column_names.get(c, str(c)) for c in table.columns],
        y=[row_names.get(r, str(r)) for r in table.index], colorscale=colorscale, hoverongaps=False,
        hovertemplate="%{y}<br>%{x}<br>skor %{z:.1f}<extra></extra>", colorbar=dict(title="Skor")))
    fig.update_xaxes(tickangle=-30)
    return _layout(fig, title, height=max(320, 24 * len(table) + 160))


def reply_network(edges: pd.DataFrame, title: str) -> go.Figure:
    """Who replies to whom, as a circular network of the busiest pairs."""
    import math

    if edges.empty:
        return empty_figure(title, "Tidak ada balasan pada filter ini.")
    nodes = pd.unique(pd.concat([edges["source"], edges["target"]]))
    angle = {n: 2 * math.pi * i / len(nodes) for i, n in enumerate(nodes)}
    pos = {n: (math.cos(a), math.sin(a)) for n, a in angle.items()}
    fig = go.Figure()
    for row in edges.itertuples():
        (x0, y0), (x1, y1) = pos[row.source], pos[row.target]
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(width=min(1 + row.replies / 2, 8), color="#9bb7d4")))
    degree = pd.concat([edges.groupby("source")["replies"].sum(), edges.groupby("target")["replies"].sum()])
    degree = degree.groupby(level=0).sum()
    fig.add_trace(go.Scatter(x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text",
                             text=[f"@{n}" for n in nodes], textposition="top center", showlegend=False,
                             marker=dict(size=[8 + min(degree.get(n, 1), 30) for n in nodes], color="#1f5fa8"),
                             hovertemplate="%{text}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return _layout(fig, title, height=520)
