"""Tests for monitoring.report.maps: offline province maps, asserted on fig.to_dict()."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from monitoring import schema
from monitoring.errors import SettingError, UnreadableFileError
from monitoring.regions.resolve import province_options
from monitoring.report import maps

CODES = [code for code, _ in province_options()]


def _values(mapping: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({schema.PROVINCE_CODE: list(mapping), maps.VALUE: list(mapping.values())})


def _annotation(fig_dict: dict, abbr: str) -> dict:
    return next(a for a in fig_dict["layout"]["annotations"] if a["text"].startswith(f"<b>{abbr}</b>"))


def _geojson(key: str = "kode", as_name: bool = False, as_int: bool = False) -> dict:
    names = dict(province_options())
    features = []
    for code, (lat, lon) in maps._centroids()[["lat", "lon"]].iterrows():
        value = names[code] if as_name else int(code) if as_int else code
        ring = [[lon - 0.5, lat - 0.5], [lon + 0.5, lat - 0.5], [lon + 0.5, lat + 0.5], [lon - 0.5, lat - 0.5]]
        features.append({"type": "Feature", "properties": {key: value}, "geometry": {"type": "Polygon",
                                                                                    "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


# --- formatting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, compact, text", [
    (1234, False, "1.234"), (0, False, "0"), (0.456, False, "0,46"), (12.34, False, "12,3"),
    (-0.25, False, "-0,25"), (1_234_567, True, "1,2 jt"), (123_456, True, "123 rb"), (99_999, True, "99.999"),
    (float("nan"), False, "–"),
])
def test_format_number_indonesian(value, compact, text):
    assert maps.format_number(value, compact=compact) == text


@pytest.mark.parametrize("share, text", [
    (0.543, "Lokasi diketahui untuk 54% unggahan"), (1.0, "Lokasi diketahui untuk 100% unggahan"),
    (0.004, "Lokasi diketahui untuk <1% unggahan"), (0.0, "Lokasi diketahui untuk 0% unggahan"),
])
def test_coverage_note(share, text):
    assert maps.coverage_note(share) == text


# --- tile grid ----------------------------------------------------------------------------------------

def test_tile_layout_file_is_one_cell_per_province():
    tiles = maps._tiles()
    assert sorted(tiles.index) == CODES
    assert not tiles[["row", "col"]].duplicated().any()
    assert tiles["abbr"].str.len().max() <= 7
    # west to east: Aceh left of Papua, DKI left of NTT; Java below Kalimantan
    assert tiles.at["11", "col"] < tiles.at["91", "col"] and tiles.at["31", "col"] < tiles.at["53", "col"]
    assert tiles.at["32", "row"] > tiles.at["62", "row"]


def test_tile_grid_map_values_text_and_hover():
    values = pd.concat([_values({"32": 1234, "31": 50, "91": 7, "ID": 999}),
                        pd.DataFrame({schema.PROVINCE_CODE: [None, None], maps.VALUE: [5, 6]})])
    fig = maps.tile_grid_map(values, "Sebaran unggahan", coverage=0.543)
    data = fig.to_dict()
    assert data["layout"]["title"]["text"] == "Sebaran unggahan"
    assert data["layout"]["title"]["subtitle"]["text"] == "Lokasi diketahui untuk 54% unggahan"
    grey, coloured = data["data"]
    assert grey["name"] == "tidak ada data" and coloured["colorbar"]["title"]["text"] == "Jumlah unggahan"
    assert len(data["layout"]["annotations"]) == 38                           # one label per province
    assert _annotation(data, "JABAR")["text"] == "<b>JABAR</b><br>1.234"
    assert _annotation(data, "ACEH")["text"] == "<b>ACEH</b><br>"               # no data: no number
    cells = [(r, c) for r, row in enumerate(coloured["z"]) for c, v in enumerate(row) if v is not None]
    assert len(cells) == 3                                                      # "ID" is ignored
    hover = [h for row in coloured["hovertext"] for h in row if h]
    assert "<b>Jawa Barat</b><br>Jumlah unggahan: 1.234" in hover
    grey_hover = [h for row in grey["hovertext"] for h in row if h]
    assert len(grey_hover) == 35 and "<b>Aceh</b><br>tidak ada data" in grey_hover
    assert data["layout"]["yaxis"]["scaleanchor"] == "x"                       # square tiles


def test_small_provinces_get_a_full_tile():
    fig = maps.tile_grid_map(_values({"31": 10, "34": 20, "91": 30}), "x").to_dict()
    coloured = fig["data"][1]
    assert sum(v is not None for row in coloured["z"] for v in row) == 3
    assert coloured["xgap"] == coloured["ygap"]


def test_tile_text_contrast_follows_colour():
    fig = maps.tile_grid_map(_values({"32": 1000, "33": 1}), "x").to_dict()
    assert _annotation(fig, "JABAR")["font"]["color"] == "#ffffff"             # darkest tile: white text
    assert _annotation(fig, "JATENG")["font"]["color"] == "#111111"
    assert _annotation(fig, "ACEH")["font"]["color"] == "#111111"


def test_tile_grid_map_diverging_and_escaping():
    fig = maps.tile_grid_map(_values({"32": -0.5, "35": 0.25}), "Isu <b>palsu</b>", value_label="Skor <i>",
                             colorscale="RdBu", zmid=0).to_dict()
    assert fig["data"][1]["zmid"] == 0
    assert fig["layout"]["title"]["text"] == "Isu &lt;b&gt;palsu&lt;/b&gt;"
    assert "subtitle" not in fig["layout"]["title"]
    assert _annotation(fig, "JABAR")["text"] == "<b>JABAR</b><br>-0,5"
    assert fig["data"][1]["colorbar"]["title"]["text"] == "Skor &lt;i&gt;"


def test_tile_grid_map_without_values_and_bad_input():
    fig = maps.tile_grid_map(_values({}), "Kosong", coverage=0.0).to_dict()
    assert len(fig["data"]) == 1 and len(fig["layout"]["annotations"]) == 38
    with pytest.raises(ValueError, match="one row per province"):
        maps.tile_grid_map(_values({"32": 1}).pipe(lambda f: pd.concat([f, f])), "x")
    with pytest.raises(ValueError, match="columns"):
        maps.tile_grid_map(pd.DataFrame({"kode": ["32"]}), "x")


# --- bubble map ---------------------------------------------------------------------------------------

def test_bubble_map_is_offline_and_scaled():
    fig = maps.bubble_map(_values({"32": 400, "31": 100, "91": 0, "51": None}), "Gelembung", coverage=0.5)
    data = fig.to_dict()
    assert data["layout"]["map"]["style"] == "white-bg"
    text = json.dumps(data)
    assert "http" not in text and "accesstoken" not in text and "layers" not in data["layout"]["map"]
    base, bubbles = data["data"]
    assert base["type"] == bubbles["type"] == "scattermap"
    assert len(base["lat"]) == 38 and base["hoverinfo"] == "skip"
    assert all("text" not in trace["mode"] for trace in data["data"])          # text labels need glyph downloads
    assert len(bubbles["lat"]) == 2                                           # zero and missing values: no bubble
    sizes = dict(zip([round(v, 2) for v in bubbles["lat"]], bubbles["marker"]["size"]))
    # bubble area grows with the value: 4x the value, 2x the diameter above the minimum size
    assert sizes[-6.9] == pytest.approx(32) and sizes[-6.2] == pytest.approx(19)
    assert data["layout"]["title"]["subtitle"]["text"] == "Lokasi diketahui untuk 50% unggahan"
    assert "<b>Jawa Barat</b><br>Jumlah unggahan: 400" in bubbles["hovertext"]


def test_centroids_lie_in_indonesia():
    centroids = maps._centroids()
    assert sorted(centroids.index) == CODES
    assert centroids["lat"].between(-11, 6).all() and centroids["lon"].between(95, 141).all()
    assert centroids.at["11", "lon"] < centroids.at["31", "lon"] < centroids.at["91", "lon"]


# --- choropleth ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, key, expected_location", [
    ({}, "properties.kode", "32"),
    ({"as_int": True}, "properties.kode", 32),
    ({"as_name": True, "key": "PROVINSI"}, "properties.PROVINSI", "Jawa Barat"),
])
def test_choropleth_map_matches_features(kwargs, key, expected_location):
    geojson = _geojson(**kwargs)
    fig = maps.choropleth_map(_values({"32": 12, "35": 3}), geojson, key, "Peta", coverage=0.25).to_dict()
    base, coloured = fig["data"]
    assert base["type"] == coloured["type"] == "choroplethmap"
    assert len(base["locations"]) == 38 and base["featureidkey"] == key
    assert coloured["locations"][0] == expected_location and list(coloured["z"]) == [12, 3]
    assert fig["layout"]["map"]["style"] == "white-bg"
    assert fig["layout"]["title"]["subtitle"]["text"] == "Lokasi diketahui untuk 25% unggahan"


def test_choropleth_map_wrong_feature_key():
    with pytest.raises(SettingError, match="Kunci fitur 'properties.nama'"):
        maps.choropleth_map(_values({"32": 1}), _geojson(), "properties.nama", "Peta")


def test_load_geojson_accepts_valid_file(tmp_path):
    path = tmp_path / "provinsi.geojson"
    path.write_text(json.dumps(_geojson()), encoding="utf-8")
    assert len(maps.load_geojson(path)["features"]) == 38


@pytest.mark.parametrize("content, message", [
    (None, "tidak ditemukan"),
    ("{not json", "bukan JSON yang valid"),
    (json.dumps({"type": "Feature", "properties": {}}), "FeatureCollection"),
    (json.dumps({"type": "FeatureCollection", "features": []}), "FeatureCollection"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kode": "32"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}),
     "tidak berisi poligon"),
])
def test_load_geojson_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "batas.geojson"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UnreadableFileError, match=message):
        maps.load_geojson(path)


def test_load_geojson_rejects_huge_files(tmp_path, monkeypatch):
    path = tmp_path / "besar.geojson"
    path.write_text(json.dumps(_geojson()), encoding="utf-8")
    monkeypatch.setattr(maps, "MAX_GEOJSON_MB", 0.001)
    with pytest.raises(UnreadableFileError, match="terlalu besar"):
        maps.load_geojson(path)
