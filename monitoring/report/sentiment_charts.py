"""Figures and small tables that show how good a sentiment model is (Sentimen page).

Builders return a ``plotly.graph_objects.Figure`` or a DataFrame and display nothing. Input is
a :func:`monitoring.sentiment.model.metrics_report` dict: confusion-matrix rows are true labels,
columns predictions, both in order positive, neutral, negative.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from monitoring import schema as S
from monitoring.report.charts import _layout, empty_figure


def _names(metrics: dict[str, Any]) -> list[str]:
    return [S.SENTIMENT_LABELS.get(label, str(label)) for label in metrics.get("labels", S.SENTIMENTS)]


def confusion_frame(metrics: dict[str, Any]) -> pd.DataFrame:
    """The confusion matrix as a table: rows the analyst's label, columns the model's prediction."""
    names = _names(metrics)
    frame = pd.DataFrame(metrics["confusion_matrix"], index=names, columns=names)
    frame.index.name = "Benar ↓ / Prediksi →"
    return frame


def per_class_frame(metrics: dict[str, Any]) -> pd.DataFrame:
    """Precision, recall, F1 and number of examples per sentiment (Indonesian headers)."""
    rows = [{"Sentimen": S.SENTIMENT_LABELS.get(label, label), "Presisi": values["precision"],
             "Recall": values["recall"], "F1": values["f1"], "Contoh": values["support"]}
            for label, values in metrics.get("per_class", {}).items()]
    return pd.DataFrame(rows, columns=["Sentimen", "Presisi", "Recall", "F1", "Contoh"])


def confusion_heatmap(metrics: dict[str, Any], title: str) -> go.Figure:
    """Heatmap of the confusion matrix; each cell shows its count and its share of the true label's row."""
    matrix = pd.DataFrame(metrics.get("confusion_matrix") or [])
    if matrix.empty or int(matrix.to_numpy().sum()) == 0:
        return empty_figure(title, "Belum ada hasil pengujian model.")
    names = _names(metrics)
    row_share = matrix.div(matrix.sum(axis=1).replace(0, 1), axis=0)
    text = [[f"{int(n):,}".replace(",", ".") + f"<br>({share:.0%})" for n, share in zip(counts, shares)]
            for counts, shares in zip(matrix.to_numpy(), row_share.to_numpy())]
    fig = go.Figure(go.Heatmap(
        z=row_share.to_numpy(), x=names, y=names, text=text, texttemplate="%{text}", zmin=0, zmax=1,
        colorscale="Blues", customdata=matrix.to_numpy(), colorbar=dict(title="Bagian", tickformat=".0%"),
        hovertemplate="Label benar %{y}<br>Prediksi %{x}<br>%{customdata:,} contoh<extra></extra>"))
    fig.update_xaxes(title="Prediksi model")
    fig.update_yaxes(title="Label benar (analis)", autorange="reversed")
    return _layout(fig, title, height=360)
