"""Tests for monitoring.regions.resolve / placement / gazetteer: placing posts in provinces and kabupaten/kota."""
from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from monitoring import schema
from monitoring.errors import UserError
from monitoring.regions import placement
from monitoring.regions.gazetteer import (
    correct_typo,
    damerau_distance_is_one,
    load_gazetteer,
    normalize_tokens,
)
from monitoring.regions.resolve import (
    add_regions,
    coverage,
    dataset_placement,
    find_text_mentions,
    kabkota_options,
    province_options,
    province_timezone,
    resolve_location,
)

DATA = Path(__file__).parent / "data"


def _placed(raw: str) -> tuple[str, str]:
    result = resolve_location(raw)
    return (result.province_code, result.kabkota_code or "") if result else ("", "")


# --- profile locations ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, province, kabkota", [
    ("Jakarta Selatan, DKI Jakarta", "31", "31.74"),
    ("jkt", "31", ""),
    ("Jaksel", "31", "31.74"),
    ("Jakarta Capital Region, Indonesia", "31", ""),
    ("BDG", "32", "32.73"),
    ("Bandung 🇮🇩", "32", "32.73"),
    ("Makassar🔥", "73", "73.71"),
    ("Tangsel", "36", "36.74"),
    ("Medan, Sumatera Utara", "12", "12.71"),
    ("Yogyakarta, Indonesia", "34", ""),            # names province and city: the province only
    ("Kota Jogja", "34", "34.71"),
    ("West Java, Indonesia", "32", ""),
    ("Special Region of Yogyakarta", "34", ""),
    ("Kota Hujan", "32", "32.71"),
    ("Ujung Pandang", "73", "73.71"),
    ("Suroboyo", "35", "35.78"),
    ("𝐁𝐚𝐧𝐝𝐮𝐧𝐠", "32", "32.73"),                # mathematical bold letters
    ("ᴊᴀᴋᴀʀᴛᴀ", "31", ""),                          # small capitals
    ("ＳＵＲＡＢＡＹＡ", "35", "35.78"),              # full-width letters
    ("Surbaya", "35", "35.78"),                     # typo: one letter missing
    ("Jakarata", "31", ""),                         # typo: one letter extra
    ("Yogjakarta", "34", ""),
    ("BSD City", "36", "36.74"),
    ("South Tangerang", "36", "36.74"),
    ("Bandung Raya", "32", ""),
    ("Malang Raya", "35", ""),
    ("Cimanggis, Depok", "32", "32.76"),            # kecamatan + kota
    ("Cikarang Utara", "32", "32.16"),              # a kecamatan alone
])
def test_resolve_location_common_forms(raw, province, kabkota):
    assert _placed(raw) == (province, kabkota)


@pytest.mark.parametrize("raw, province, kabkota", [
    # bare name shared by a kabupaten and a kota of one province: the kota
    ("Bekasi", "32", "32.75"), ("Bogor", "32", "32.71"), ("Malang", "35", "35.73"), ("Kediri", "35", "35.71"),
    ("Tegal", "33", "33.76"), ("Serang", "36", "36.73"), ("Tangerang", "36", "36.71"), ("Kupang", "53", "53.71"),
    ("Sorong", "96", "96.71"), ("Solok", "13", "13.72"),
    # a prefix, suffix or a town inside the kabupaten selects the kabupaten
    ("Kab. Bekasi", "32", "32.16"), ("Kabupaten Malang", "35", "35.07"), ("Bekasi Regency", "32", "32.16"),
    ("Cikarang, Bekasi", "32", "32.16"), ("Cibinong, Bogor", "32", "32.01"), ("Kab Bdg", "32", "32.04"),
    ("Kota Bekasi", "32", "32.75"), ("Bandung City", "32", "32.73"),
    # province and capital share the name: the province; "Kota" selects the city
    ("Jambi", "15", ""), ("Kota Jambi", "15", "15.71"), ("Gorontalo", "75", ""), ("Kab. Gorontalo", "75", "75.01"),
    # same name in two provinces: only with the province named
    ("Banjar", "", ""), ("Banjar, Jawa Barat", "32", "32.79"), ("Kab. Banjar, Kalsel", "63", "63.03"),
    ("Depok", "32", "32.76"), ("Depok, Sleman", "34", "34.04"),
    # old province names still fit places split off later
    ("Batam, Riau", "21", "21.71"), ("Sorong, Papua Barat", "96", "96.71"), ("Tangerang, Jawa Barat", "36", "36.71"),
    ("Timika, Irian Jaya", "94", "94.04"), ("Merauke, Papua", "93", "93.01"),
])
def test_resolve_location_ambiguous_names(raw, province, kabkota):
    assert _placed(raw) == (province, kabkota)


@pytest.mark.parametrize("raw", [
    "Indonesia", "indonesia 🇮🇩", "NKRI", "Bumi", "Bumi Allah", "Hatimu", "di hatimu 💕", "Sesuai KTP",
    "Everywhere", "Planet Namek", "Konoha", "she/her", "he/him 🏳️‍🌈", "Kuala Lumpur", "Singapore",
    "Batu Pahat, Johor", "Timor Leste", "Papua New Guinea", "Perth, Western Australia", "Timur Tengah",
    "Padang Pasir", "Solo Leveling", "Bandung Bondowoso", "Sabang sampai Merauke", "Jl. Malang No. 5",
    "kampung halaman", "Puncak", "", "   ", "🇮🇩",
    # ordinary and slang words that are (or are one letter from) a kecamatan or kabupaten name
    "kerajaan", "pemenang", "kedamaian", "terisi", "penjaringan", "selangit", "menjalin",
    "lagi ngantuk", "mantul", "skrang", "merinci", "hadang", "dateng", "kekiri", "diantar",
])
def test_non_places_stay_unknown(raw):
    assert resolve_location(raw) is None


@pytest.mark.parametrize("raw", [
    "Papua", "Papua Barat", "Irian Jaya", "Jawa", "Sumatera", "Kalimantan", "Borneo", "Sulawesi",
    "Jabodetabek", "Jakarta Coret", "Indonesia Timur", "Bintaro", "Cibubur", "Martapura",
])
def test_regions_spanning_provinces_give_no_province(raw):
    assert resolve_location(raw) is None


@pytest.mark.parametrize("raw, province, kabkota", [
    ("Jakarta - Bandung", "", ""), ("Depok | Jaksel", "", ""), ("jkt - bdg", "", ""),
    ("Surabaya / Malang", "35", ""),                # same province, two cities
    ("Jakarta | Singapore", "31", ""),              # foreign part ignored
    ("Bandung - Tokyo", "32", "32.73"),
    ("Jawa Timur | Jawa Tengah", "", ""),
])
def test_strings_naming_several_places(raw, province, kabkota):
    assert _placed(raw) == (province, kabkota)


def test_confidence_reflects_evidence():
    assert resolve_location("Kab. Bekasi").confidence == pytest.approx(0.95)
    assert resolve_location("Bekasi").confidence < resolve_location("Kab. Bekasi").confidence
    assert resolve_location("Jakarta | Singapore").confidence < resolve_location("Jakarta").confidence
    assert resolve_location("Surbaya").confidence < resolve_location("Surabaya").confidence
    assert resolve_location("Jaksel").province == "Daerah Khusus Ibukota Jakarta"
    assert resolve_location("Jaksel").kabkota == "Kota Administrasi Jakarta Selatan"


def _metrics(path: Path) -> dict[str, float]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    got = [_placed(r["raw"])[0] for r in rows]
    want = [r["province_code"] for r in rows]
    given = [(g, w) for g, w in zip(got, want) if g]
    labelled = [(g, w) for g, w in zip(got, want) if w]
    blank = [g for g, w in zip(got, want) if not w]
    return {"precision": sum(g == w for g, w in given) / len(given),
            "recall": sum(g == w for g, w in labelled) / len(labelled),
            "non_place": sum(bool(g) for g in blank) / len(blank), "rows": len(rows)}


@pytest.mark.parametrize("name", ["locations_dev.csv", "locations_holdout.csv"])
def test_quality_bar_on_labelled_sets(name):
    metrics = _metrics(DATA / name)
    assert metrics["rows"] >= 250
    assert metrics["precision"] >= 0.95
    assert metrics["recall"] >= 0.80
    assert metrics["non_place"] <= 0.10


# --- gazetteer ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, tokens", [
    ("Jakarta Selatan, DKI Jakarta", ["jakarta", "selatan", "dki", "jakarta"]),
    ("D.I. Yogyakarta", ["d", "i", "yogyakarta"]),
    ("𝓙𝓪𝓴𝓪𝓻𝓽𝓪🔥#Jkt", ["jakarta", "jkt"]),
    ("Bekasí | Pare-Pare", ["bekasi", "pare", "pare"]),
])
def test_normalize_tokens(raw, tokens):
    assert normalize_tokens(raw) == tokens


@pytest.mark.parametrize("a, b, expected", [
    ("surbaya", "surabaya", True), ("jakrta", "jakarta", True), ("palembamg", "palembang", True),
    ("jakatra", "jakarta", True), ("bandung", "bandung", False), ("bdg", "bandung", False),
    ("kampung", "lampung", True),
])
def test_damerau_distance_is_one(a, b, expected):
    assert damerau_distance_is_one(a, b) is expected


@pytest.mark.parametrize("token, expected", [
    ("surbaya", "surabaya"), ("bandungg", "bandung"), ("semarng", "semarang"),
    ("kampung", None),      # an ordinary word one letter from "lampung"
    ("tarikan", None),      # an affixed ordinary word one letter from "tarakan"
    ("sempit", None),       # one letter from "sampit"
    ("medn", None),         # too short to correct safely
    ("ngantuk", None),      # slang for "sleepy", one letter from "nganjuk"
    ("hadang", None),       # first letter differs from "padang"
    ("masang", None),       # six letters: only a missing letter is corrected
])
def test_correct_typo(token, expected):
    assert correct_typo(load_gazetteer(), token) == expected


def test_gazetteer_covers_all_regions_from_lokal():
    gazetteer = load_gazetteer()
    assert len(gazetteer.provinces) == 38
    assert len(gazetteer.kabkota) == 514
    assert {"91", "92", "93", "94", "95", "96"} <= set(gazetteer.provinces)
    for code, name in gazetteer.kabkota.items():
        bare = " ".join(normalize_tokens(name.replace("Administrasi", "")))
        bare = bare.removeprefix("kabupaten ").removeprefix("kota ")
        result = resolve_location(f"{'Kota' if gazetteer.kabkota_is_kota[code] else 'Kabupaten'} {bare}")
        assert result is not None and result.kabkota_code == code, name


# --- text mentions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, province, kabkota", [
    ("Banjir lagi di Kota Bekasi, warga ngungsi 😭 #banjirbekasi", "32", "32.75"),
    ("warga Bontang resah krn harga elpiji naik", "64", "64.74"),
    ("Pemkab Bogor lamban tangani longsor", "32", "32.01"),
    ("Bupati Lebak resmikan jembatan gantung", "36", "36.02"),
    ("Wali Kota Palu minta warga waspada tsunami", "72", "72.71"),
    ("Gempa M5.2 guncang Malang, warga panik", "35", "35.73"),
    ("Gubernur Jatim tinjau lokasi banjir", "35", ""),
    ("Pilkada Jawa Barat makin panas wkwk", "32", ""),
    ("pulang kampung ke Medan bro, macet parah", "12", "12.71"),
    ("info loker Surabaya Sidoarjo Gresik", "35", ""),
    ("saya tinggal di Kabupaten Agam", "13", "13.06"),
])
def test_find_text_mentions_places(text, province, kabkota):
    result = find_text_mentions(text)
    assert result is not None
    assert (result.province_code, result.kabkota_code or "") == (province, kabkota)
    assert result.confidence <= 0.6


@pytest.mark.parametrize("text", [
    "lagi makan nasi padang enak bgt",                 # padang = the dish, lower case
    "Nasib malang menimpa warga desa",
    "medan berat banget jalannya",
    "harga batu bara naik lagi",                       # coal, not Kabupaten Batu Bara
    "Ketok palu APBD 2025 oleh DPRD",
    "Polda Metro Jaya tangkap pelaku",
    "Ada razia di Palu",                               # 'palu' only with Kota/Wali Kota
    "Macet parah di Jl. Bandung arah Dago",            # street name
    "macet di Jalan Raya Bogor arah Cibinong",
    "BBM naik, rakyat menjerit dari Sabang sampai Merauke",
    "Konser di Jakarta vs Bandung mending mana",        # two provinces
    "Solo leveling season 2 seru parah",
    "DIY project rumah minimalis",
    "Anak jaksel kalo ngomong which is literally",
    "JKT48 konser lagi",
    "Bumi makin panas, Indonesia harus bertindak",
    "",
])
def test_find_text_mentions_ignores_non_mentions(text):
    assert find_text_mentions(text) is None


# --- the stage ---------------------------------------------------------------------------------------

def _posts() -> pd.DataFrame:
    return pd.DataFrame({
        schema.DATASET_ID: [1, 1, 2, 2, 2, 3, 3],
        schema.LOCATION_RAW: ["Bandung", None, "Kalimantan Timur", "Bumi Allah", "Medan", None, "Indonesia"],
        schema.TEXT: ["banjir di Kota Bekasi", "warga Bontang resah", "jalan rusak", "harga naik",
                      "banjir di Kota Bekasi", "Bupati Bogor kunjungi korban", "nasi padang enak"],
    }, index=[10, 11, 12, 13, 14, 15, 16])


def test_add_regions_precedence():
    posts = _posts()
    before = posts.copy()
    out = add_regions(posts, dataset_defaults={2: "64.74"})
    pd.testing.assert_frame_equal(posts, before)                      # input untouched
    assert list(out.index) == list(posts.index)
    rows = out[[schema.PROVINCE_CODE, schema.KABKOTA_CODE, schema.REGION_SOURCE]].astype(object)
    rows = rows.where(rows.notna(), None).values.tolist()
    assert rows == [
        ["32", "32.73", "profile"],     # profile beats the text mention of Bekasi
        ["64", "64.74", "text"],        # no profile, no default: text
        ["64", "64.74", "profile"],     # province-only profile refined by the dataset's kota
        ["64", "64.74", "dataset"],     # non-place profile: the dataset default
        ["12", "12.71", "profile"],     # profile beats the dataset default
        ["32", "32.01", "text"],
        [None, None, None],             # nothing usable anywhere
    ]
    assert out.loc[13, schema.REGION_CONFIDENCE] == pytest.approx(0.9)
    assert out.loc[11, schema.REGION_CONFIDENCE] < out.loc[10, schema.REGION_CONFIDENCE]
    assert np.isnan(out.loc[16, schema.REGION_CONFIDENCE])
    assert out.loc[10, schema.PROVINCE] == "Jawa Barat"
    assert out.loc[12, schema.KABKOTA] == "Kota Bontang"


def test_add_regions_column_types_and_missing_inputs():
    out = add_regions(pd.DataFrame({schema.TEXT: ["warga Bontang", None]}))
    assert out[schema.PROVINCE_CODE].tolist()[0] == "64"
    assert pd.isna(out[schema.PROVINCE_CODE].tolist()[1])
    assert out[schema.PROVINCE_CODE].dtype == "str"
    assert out[schema.REGION_CONFIDENCE].dtype == float
    empty = add_regions(pd.DataFrame({schema.LOCATION_RAW: pd.Series([], dtype="str")}))
    assert len(empty) == 0 and schema.REGION_SOURCE in empty.columns


def test_add_regions_odd_values():
    posts = pd.DataFrame({schema.LOCATION_RAW: [12345, float("nan"), "Medan"],
                          schema.TEXT: [None, 3.5, "warga Bontang"]})
    out = add_regions(posts)
    assert out[schema.PROVINCE_CODE].isna().tolist() == [True, True, False]
    assert out[schema.REGION_SOURCE].tolist()[2] == "profile"


def test_add_regions_dataset_default_province_only_and_unknown_code():
    out = add_regions(pd.DataFrame({schema.DATASET_ID: [5], schema.LOCATION_RAW: [None]}),
                      dataset_defaults={5: "64"})
    assert out[schema.PROVINCE_CODE].tolist() == ["64"] and pd.isna(out[schema.KABKOTA_CODE].iloc[0])
    assert dataset_placement("6474").kabkota_code == "64.74"
    with pytest.raises(UserError, match="Kode wilayah"):
        add_regions(pd.DataFrame({schema.DATASET_ID: [5]}), dataset_defaults={5: "99.99"})


def test_add_regions_resolves_each_distinct_location_once(monkeypatch):
    calls = []
    monkeypatch.setattr("monitoring.regions.resolve.resolve_location", lambda raw: calls.append(raw) or None)
    add_regions(pd.DataFrame({schema.LOCATION_RAW: ["Bandung", "Bandung", None, "Medan"] * 500}))
    assert sorted(calls) == ["Bandung", "Medan"]


def test_add_regions_is_fast_enough():
    rng = np.random.default_rng(7)
    locations = np.array([f"Bandung {i}" for i in range(5_000)] + ["Medan", None], dtype=object)
    texts = np.array([f"banjir parah di kota bekasi {i} wkwk" for i in range(20_000)] + ["harga naik"],
                     dtype=object)
    posts = pd.DataFrame({schema.LOCATION_RAW: locations[rng.integers(0, len(locations), 100_000)],
                          schema.TEXT: texts[rng.integers(0, len(texts), 100_000)]})
    resolve_location("Jakarta")
    start = time.perf_counter()
    out = add_regions(posts)
    assert time.perf_counter() - start < 10          # about 0.5 s here; generous for slow CI machines
    assert coverage(out) > 0.99


# --- helpers -----------------------------------------------------------------------------------------

def test_province_and_kabkota_options():
    provinces = province_options()
    assert len(provinces) == 38
    assert provinces[0] == ("11", "Aceh") and provinces[-1] == ("96", "Papua Barat Daya")
    kabkota = kabkota_options("32")
    assert len(kabkota) == 27 and ("32.73", "Kota Bandung") in kabkota
    assert all(code.startswith("32.") for code, _ in kabkota)
    assert kabkota_options("99") == []


@pytest.mark.parametrize("code, zone", [
    ("11", "WIB"), ("31", "WIB"), ("61", "WIB"), ("62", "WIB"), ("63", "WITA"), ("64.74", "WITA"),
    ("51", "WITA"), ("53", "WITA"), ("73", "WITA"), ("81", "WIT"), ("82", "WIT"), ("96", "WIT"),
])
def test_province_timezone(code, zone):
    assert province_timezone(code) == zone


def test_province_timezone_covers_every_province_and_rejects_unknown():
    assert {province_timezone(code) for code, _ in province_options()} == {"WIB", "WITA", "WIT"}
    with pytest.raises(ValueError):
        province_timezone("99")


def test_coverage():
    placed = pd.DataFrame({schema.PROVINCE_CODE: pd.Series(["32", None, "64", None], dtype="str")})
    assert coverage(placed) == pytest.approx(0.5)
    assert coverage(placed.iloc[:0]) == 0.0
    assert coverage(pd.DataFrame({schema.TEXT: ["x"]})) == 0.0


def test_text_scan_keeps_texts_apart():
    # a name at the end of one text and one at the start of the next must not join into one phrase
    results = placement.find_text_mentions_many(["macet di Jakarta", "Selatan ramai", "warga Bontang"])
    assert results[0].kabkota_code is None and results[1] is None
    assert results[2].kabkota_code == "64.74"


def test_gazetteer_is_cached_per_install_and_rebuilt_when_the_cache_is_bad(tmp_path, monkeypatch):
    from monitoring.regions import gazetteer as G

    monkeypatch.setattr(G, "CACHE_DIR", tmp_path)
    build = G.load_gazetteer.__wrapped__  # past the per-process lru_cache
    built = build()
    cached = list(tmp_path.glob("gazetteer-*.pickle"))
    assert len(cached) == 1
    assert build().phrases == built.phrases  # read back from the file
    cached[0].write_bytes(b"not a pickle")
    assert build().phrases == built.phrases  # unreadable cache: built again and rewritten
    assert cached[0].read_bytes() != b"not a pickle"


def test_a_changed_alias_file_gets_its_own_gazetteer(tmp_path, monkeypatch):
    from monitoring.regions import gazetteer as G

    monkeypatch.setattr(G, "CACHE_DIR", tmp_path / "cache")
    aliases = tmp_path / "aliases.csv"
    aliases.write_bytes(G.ALIASES_PATH.read_bytes())
    G.load_gazetteer.__wrapped__(aliases)
    with open(aliases, "a", encoding="utf-8") as handle:
        handle.write("\n")
    G.load_gazetteer.__wrapped__(aliases)
    assert len(list((tmp_path / "cache").glob("gazetteer-*.pickle"))) == 2
