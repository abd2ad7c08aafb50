"""Offline maps of values per province, as Plotly figures (built here, displayed by the pages).

No base map is fetched from the network:

- :func:`tile_grid_map`: one square per province laid out roughly like the archipelago
  (``data/province_tiles.csv``); DKI Jakarta and DI Yogyakarta are as visible as Papua. Best for screenshots.
- :func:`bubble_map`: bubbles at approximate province centroids (``data/province_centroids.csv``) on a
  ``Scattermap`` with ``map_style="white-bg"`` (no tiles). Markers only: text labels on a map would make MapLibre
  download glyphs.
- :func:`choropleth_map`: true boundaries from a GeoJSON the user supplies (:func:`load_geojson`).

Every builder takes ``values``: a frame with one row per province, columns ``province_code`` (Kemendagri code as
text, "32") and ``value``; rows for other codes (e.g. the national "ID") are ignored. ``coverage=`` adds the
subtitle "Lokasi diketahui untuk 54% unggahan", so a reader knows how much of the data the map shows.
"""
from __future__ import annotations

import html
import json
import math
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale, unlabel_rgb

from monitoring import schema
from monitoring.errors import SettingError, UnreadableFileError
from monitoring.regions.gazetteer import normalize_tokens
from monitoring.regions.names import province_names
from monitoring.regions.placement import resolve_location
from monitoring.store.settings import DATA_DIR

VALUE = "value"
NO_DATA_COLOR = "#e4e6ea"
MAX_GEOJSON_MB = 50
INDONESIA_CENTER = {"lat": -2.3, "lon": 118.0}


@lru_cache(maxsize=1)
def _tiles() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "province_tiles.csv", dtype={"code": str}).set_index("code")


@lru_cache(maxsize=1)
def _centroids() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "province_centroids.csv", dtype={"code": str}).set_index("code")


def format_number(value: float, *, compact: bool = False) -> str:
    """Indonesian number format: 12.345 / 0,45; ``compact``: 123 rb, 1,2 jt."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if compact and abs(value) >= 1_000_000:
        text = f"{value / 1_000_000:,.1f} jt"
    elif compact and abs(value) >= 100_000:
        text = f"{value / 1_000:,.0f} rb"
    elif float(value).is_integer():
        text = f"{value:,.0f}"
    else:
        text = (f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}").rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def coverage_note(coverage: float) -> str:
    """"Lokasi diketahui untuk 54% unggahan" for a share in [0, 1]."""
    percent = coverage * 100
    shown = "<1" if 0 < percent < 1 else f"{percent:.0f}"
    return f"Lokasi diketahui untuk {shown}% unggahan"


def _province_values(values: pd.DataFrame) -> pd.Series:
    """``value`` per known province code; other codes dropped; a duplicated province is an error."""
    missing = {schema.PROVINCE_CODE, VALUE} - set(values.columns)
    if missing:
        raise ValueError(f"values needs columns {sorted(missing)}")
    codes = values[schema.PROVINCE_CODE].astype("str").to_numpy()
    known = pd.Index(codes).isin(_tiles().index)
    series = pd.Series(pd.to_numeric(values[VALUE], errors="coerce").to_numpy()[known], index=codes[known])
    if series.index.duplicated().any():
        raise ValueError("values must have one row per province")
    return series[series.notna()]


def _layout(title: str, coverage: float | None, height: int) -> dict:
    title_spec = {"text": html.escape(title), "x": 0.01, "xanchor": "left"}
    if coverage is not None:
        title_spec["subtitle"] = {"text": coverage_note(coverage)}
    return {"title": title_spec, "height": height, "margin": {"l": 10, "r": 10, "t": 70, "b": 10},
            "paper_bgcolor": "white", "plot_bgcolor": "white", "font": {"size": 12}, "separators": ",."}


def _text_color(fill: str) -> str:
    red, green, blue = unlabel_rgb(fill) if fill.startswith("rgb") else (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#111111" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#ffffff"


def _tile_colors(data: pd.Series, colorscale: str | list, zmid: float | None) -> dict[str, str]:
    low, high = float(data.min()), float(data.max())
    if zmid is not None:
        half = max(high - zmid, zmid - low) or 1.0
        low, high = zmid - half, zmid + half
    span = (high - low) or 1.0
    positions = [min(max((v - low) / span, 0.0), 1.0) for v in data]
    return dict(zip(data.index, sample_colorscale(colorscale, positions)))


def _grid(codes: list[str], cell: dict[str, object]) -> list[list[object]]:
    tiles = _tiles()
    grid = [[None] * (int(tiles["col"].max()) + 1) for _ in range(int(tiles["row"].max()) + 1)]
    for code in codes:
        grid[int(tiles.at[code, "row"])][int(tiles.at[code, "col"])] = cell[code]
    return grid


def tile_grid_map(values: pd.DataFrame, title: str, *, value_label: str = "Jumlah unggahan",
                  coverage: float | None = None, colorscale: str | list = "Blues", zmid: float | None = None,
                  height: int = 480) -> go.Figure:
    """Tile-grid map: one square per province, coloured by value, with abbreviation and value in each tile.

    Args:
        values: one row per province: ``province_code``, ``value``.
        title: chart title (plain text).
        value_label: what the value is, for the colour bar and hover ("Jumlah unggahan").
        coverage: share of posts with a known province, shown as the subtitle.
        colorscale: Plotly colour scale; use a diverging one with ``zmid`` for scores around a midpoint.
        zmid: value at the middle of the colour scale.
        height: figure height in pixels.

    Returns:
        The figure; provinces without a value are grey and say "tidak ada data".
    """
    tiles, names = _tiles(), province_names()
    data = _province_values(values)
    empty = [c for c in tiles.index if c not in data.index]
    label = html.escape(value_label)
    fig = go.Figure()
    hover = {c: f"<b>{names[c]}</b><br>{label}: {format_number(data[c])}" for c in data.index}
    hover.update({c: f"<b>{names[c]}</b><br>tidak ada data" for c in empty})
    gaps = {"xgap": 4, "ygap": 4, "hoverongaps": False, "hovertemplate": "%{hovertext}<extra></extra>"}
    fig.add_trace(go.Heatmap(z=_grid(empty, dict.fromkeys(empty, 0)), hovertext=_grid(empty, hover),
                             colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]], showscale=False,
                             name="tidak ada data", **gaps))
    if len(data):
        codes = list(data.index)
        fig.add_trace(go.Heatmap(z=_grid(codes, data.to_dict()), hovertext=_grid(codes, hover),
                                 colorscale=colorscale, zmid=zmid, name=label,
                                 colorbar={"title": {"text": label}, "thickness": 12, "len": 0.8}, **gaps))
    colors = _tile_colors(data, colorscale, zmid) if len(data) else {}
    # one list in one call: add_annotation re-validates every earlier annotation (38 tiles: ~0.3 s)
    annotations = [
        {"x": tile.col, "y": tile.row,
         "text": f"<b>{tile.abbr}</b><br>{format_number(data[code], compact=True) if code in data.index else ''}",
         "showarrow": False, "font": {"size": 10, "color": _text_color(colors.get(code, NO_DATA_COLOR))}}
        for code, tile in zip(tiles.index, tiles.itertuples())]
    fig.update_layout(annotations=annotations)
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_layout(**_layout(title, coverage, height),
                      xaxis={**axis, "constrain": "domain"},
                      yaxis={**axis, "autorange": "reversed", "scaleanchor": "x", "constrain": "domain"})
    return fig


def _map_layout(title: str, coverage: float | None, height: int) -> dict:
    # "white-bg" is MapLibre's empty style: no tile source, nothing fetched.
    return {**_layout(title, coverage, height),
            "map": {"style": "white-bg", "center": INDONESIA_CENTER, "zoom": 3.5}}


def bubble_map(values: pd.DataFrame, title: str, *, value_label: str = "Jumlah unggahan",
               coverage: float | None = None, colorscale: str | list = "Blues", height: int = 520) -> go.Figure:
    """Bubbles at approximate province centroids on a blank (offline) map; area grows with the value.

    Args:
        values: one row per province: ``province_code``, ``value`` (sizes use values above zero).
        title: chart title (plain text).
        value_label: what the value is, for the hover.
        coverage: share of posts with a known province, shown as the subtitle.
        colorscale: Plotly colour scale for the bubbles.
        height: figure height in pixels.

    Returns:
        The figure: faint dots for every province, bubbles for provinces with a value above zero.
    """
    centroids, names = _centroids(), province_names()
    data = _province_values(values)
    data = data[data > 0]
    fig = go.Figure(go.Scattermap(
        lat=centroids["lat"].tolist(), lon=centroids["lon"].tolist(), mode="markers", hoverinfo="skip",
        showlegend=False, marker={"size": 5, "color": "#c4c8cf"}, name="provinsi"))
    if len(data):
        label = html.escape(value_label)
        sizes = [6 + 26 * math.sqrt(v / data.max()) for v in data]
        fig.add_trace(go.Scattermap(
            lat=centroids.loc[data.index, "lat"].tolist(), lon=centroids.loc[data.index, "lon"].tolist(),
            mode="markers", marker={"size": sizes, "color": data.tolist(), "colorscale": colorscale, "opacity": 0.8,
                    "showscale": True, "colorbar": {"title": {"text": label}, "thickness": 12, "len": 0.8}},
            hovertext=[f"<b>{names[c]}</b><br>{label}: {format_number(data[c])}" for c in data.index],
            hovertemplate="%{hovertext}<extra></extra>", showlegend=False, name=label))
    fig.update_layout(**_map_layout(title, coverage, height))
    return fig


def load_geojson(path: str | Path) -> dict:
    """Read and check a province boundary GeoJSON supplied by the user.

    Raises:
        UnreadableFileError: missing, too large, not JSON, not a FeatureCollection of polygons
            (the message, in Indonesian, says how to fix it).
    """
    file = Path(path)
    if not file.is_file():
        raise UnreadableFileError(f"Berkas GeoJSON '{file}' tidak ditemukan. Periksa lokasi berkas GeoJSON "
                                  "di halaman Pengaturan.")
    size_mb = file.stat().st_size / 1_000_000
    if size_mb > MAX_GEOJSON_MB:
        raise UnreadableFileError(f"Berkas GeoJSON terlalu besar ({size_mb:.0f} MB; maksimum {MAX_GEOJSON_MB} MB). "
                                  "Sederhanakan geometrinya (mis. dengan mapshaper) lalu coba lagi.")
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UnreadableFileError("Berkas GeoJSON tidak dapat dibaca: isinya bukan JSON yang valid. "
                                  "Ekspor ulang batas provinsi sebagai GeoJSON (UTF-8).") from err
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not data.get("features"):
        raise UnreadableFileError("Berkas GeoJSON harus berupa FeatureCollection yang berisi fitur batas provinsi.")
    polygons = [f for f in data["features"] if isinstance(f, dict) and isinstance(f.get("geometry"), dict)
                and f["geometry"].get("type") in ("Polygon", "MultiPolygon")]
    if not polygons:
        raise UnreadableFileError("Berkas GeoJSON tidak berisi poligon (Polygon/MultiPolygon) batas wilayah.")
    return data


def _feature_value(feature: dict, feature_key: str) -> object:
    node: object = feature
    for part in feature_key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _province_of_key(value: object, official: dict[str, str]) -> str | None:
    """Province code for a GeoJSON key value: 32, "32", "32.0", an official or common province name."""
    text = str(value).strip() if value is not None else ""
    if re.fullmatch(r"\d{1,2}(\.0+)?", text):
        code = text.split(".")[0].zfill(2)
        return code if code in official.values() else None
    name = " ".join(normalize_tokens(text))
    if name in official:  # exact names first: "Papua" is a province here, not the whole island
        return official[name]
    placement = resolve_location(text) if text else None
    return placement.province_code if placement and placement.kabkota_code is None else None


def geojson_province_keys(geojson: dict, feature_key: str) -> dict[str, object]:
    """Province code -> the feature's own key value, for the features whose key names a province.

    Raises:
        SettingError: no feature's ``feature_key`` holds a province code or name.
    """
    official = {" ".join(normalize_tokens(name)): code for code, name in province_names().items()}
    keys = {}
    for feature in geojson.get("features", []):
        value = _feature_value(feature, feature_key)
        code = _province_of_key(value, official)
        if code is not None and code not in keys:
            keys[code] = value
    if not keys:
        raise SettingError(f"Kunci fitur '{feature_key}' di GeoJSON tidak berisi kode atau nama provinsi. "
                           "Isi pengaturan 'Kunci fitur GeoJSON' dengan properti yang berisi kode "
                           "Kemendagri (mis. properties.kode) atau nama provinsi.")
    return keys


def choropleth_map(values: pd.DataFrame, geojson: dict, feature_key: str, title: str, *,
                   value_label: str = "Jumlah unggahan", coverage: float | None = None,
                   colorscale: str | list = "Blues", height: int = 560) -> go.Figure:
    """Province choropleth on the user's boundary GeoJSON, on a blank (offline) map.

    Args:
        values: one row per province: ``province_code``, ``value``.
        geojson: a FeatureCollection from :func:`load_geojson`.
        feature_key: where each feature keeps its province code or name, e.g. ``properties.kode``.
        title: chart title (plain text).
        value_label: what the value is, for the colour bar and hover.
        coverage: share of posts with a known province, shown as the subtitle.
        colorscale: Plotly colour scale.
        height: figure height in pixels.

    Raises:
        SettingError: ``feature_key`` does not lead to province codes or names.
    """
    keys, names = geojson_province_keys(geojson, feature_key), province_names()
    data = _province_values(values)
    data = data[data.index.isin(list(keys))]
    label = html.escape(value_label)
    common = {"geojson": geojson, "featureidkey": feature_key, "marker": {"line": {"width": 0.6, "color": "white"}},
              "hovertemplate": "%{hovertext}<extra></extra>"}
    fig = go.Figure(go.Choroplethmap(
        locations=list(keys.values()), z=[0] * len(keys), colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]],
        showscale=False, hovertext=[f"<b>{names[c]}</b><br>tidak ada data" for c in keys], name="tidak ada data",
        **common))
    if len(data):
        fig.add_trace(go.Choroplethmap(
            locations=[keys[c] for c in data.index], z=data.tolist(), colorscale=colorscale, name=label,
            hovertext=[f"<b>{names[c]}</b><br>{label}: {format_number(data[c])}" for c in data.index],
            colorbar={"title": {"text": label}, "thickness": 12, "len": 0.8}, **common))
    fig.update_layout(**_map_layout(title, coverage, height))
    return fig
