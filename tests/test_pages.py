"""Every page under AppTest: smoke tests, empty states, and behaviour tests by widget key."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from monitoring.store import database as storage

ROOT = Path(__file__).resolve().parent.parent

PAGES = ["pages/ringkasan.py", "pages/isu.py", "pages/isu_naik.py", "pages/wilayah.py", "pages/sentimen.py",
         "pages/akun_tagar.py", "pages/perencanaan.py", "pages/briefing.py", "pages/data.py",
         "pages/pengaturan.py"]


@pytest.fixture
def truth_store(truth_db_path, tmp_path, monkeypatch):
    path = tmp_path / "store.duckdb"
    shutil.copy(truth_db_path, path)
    monkeypatch.setenv("PANTAUISU_DB_PATH", str(path))
    return path


@pytest.fixture
def empty_store(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    monkeypatch.setenv("PANTAUISU_DB_PATH", str(path))
    return path


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=90)
    at.run()
    if page != "pages/ringkasan.py":
        at.switch_page(page)
        at.run()
    return at


def all_text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.text]
    parts += [e.value for e in at.info] + [e.value for e in at.title] + [str(m.value) for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_smoke_every_page_with_data(truth_store, page):
    at = open_page(page)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


ENGLISH_OR_MISSING = re.compile(r"Choose|No options|\b(None|nan|NaN|NaT|<NA>)\b")


def _nodes(node):
    for child in (node.children.values() if isinstance(getattr(node, "children", None), dict) else ()):
        yield child
        yield from _nodes(child)


def unreadable(at: AppTest) -> list[str]:
    """What an Indonesian analyst should not read: Streamlit's English defaults, None/nan/NaT, emoji titles."""
    found = []
    for node in _nodes(at._tree):
        kind, proto = getattr(node, "type", ""), getattr(node, "proto", None)
        words = [getattr(proto, f, "") for f in ("label", "placeholder", "help")] if proto is not None else []
        if kind in ("metric", "title", "header", "subheader", "caption", "markdown", "info", "warning"):
            words.append(str(node.value))  # not st.text: post text is the public's, not ours
        found += [f"{kind}: {w!r}" for w in words if isinstance(w, str) and ENGLISH_OR_MISSING.search(w)]
        if kind == "multiselect" and not proto.placeholder:
            found.append(f"multiselect {proto.label!r} shows Streamlit's English placeholder")
        if kind == "date_input" and proto.format != "DD/MM/YYYY":
            found.append(f"date_input {proto.label!r} in format {proto.format}")
    for table in at.dataframe:
        missing = table.value.columns[table.value.isna().any()].tolist()
        found += [f"table {table.key!r} column {c!r} shows None" for c in missing]
    return found


@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_in_indonesian(truth_store, page):
    at = open_page(page)
    assert not at.exception, at.exception
    assert unreadable(at) == []
    # Material icons render without an emoji font; the title carries the navigation's icon
    icons = {Path(info["script_path"]).name: info["icon"] for info in navigation_pages().values()
             if info["script_path"]}
    assert all(icon.startswith(":material/") for icon in icons.values()), icons
    assert at.title[0].value.startswith(icons[Path(page).name] + " ")


def navigation_pages() -> dict[str, dict]:
    """The pages navigation.py registers, by URL path (read after the first run: AppTest runs a page
    switched to without the navigation script)."""
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=90)
    at.run()
    return {info["url_pathname"]: info for info in at._registered_pages.values()}


def test_the_overview_is_the_root_and_its_old_url_still_works(truth_store):
    paths = navigation_pages()
    assert paths[""]["script_path"].endswith("pages/ringkasan.py")  # default page: served at /
    assert not paths["ringkasan"]["script_path"]                      # /ringkasan: a redirect to /
    assert all(path == Path(info["script_path"]).stem for path, info in paths.items() if path and
               info["script_path"])  # every other page keeps the URL named after its file


@pytest.mark.parametrize("page", PAGES)
def test_smoke_every_page_on_empty_store(empty_store, page):
    at = open_page(page)
    assert not at.exception, at.exception
    if page not in ("pages/data.py", "pages/pengaturan.py"):
        assert "Belum ada data" in all_text(at)
    assert unreadable(at) == []


def open_with_params(page: str, **params: str) -> AppTest:
    # AppTest (1.67) drops sidebar widgets from its tree on reruns under st.navigation, so
    # filters are driven through the URL, which is also how analysts share a view.
    at = AppTest.from_file(str(ROOT / "navigation.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/ringkasan.py":
        at.switch_page(page)
        at.run()
    return at


def test_overview_numbers_follow_the_platform_filter(truth_store):
    everything = open_with_params("pages/ringkasan.py", mulai="2026-10-01", sampai="2026-11-30")
    news = open_with_params("pages/ringkasan.py", mulai="2026-10-01", sampai="2026-11-30", platform="news")
    assert not everything.exception and not news.exception
    con = storage.connect(truth_store)
    expected = storage.query_value(con, "SELECT count(*) FROM posts WHERE platform = 'news'")
    total = storage.query_value(con, "SELECT count(*) FROM posts")
    con.close()
    assert everything.metric[0].value == f"{total:,}".replace(",", ".")
    assert news.metric[0].value == f"{expected:,}".replace(",", ".")


def test_keyword_and_sentiment_filters_change_the_numbers(truth_store):
    base = open_with_params("pages/ringkasan.py", mulai="2026-10-01", sampai="2026-11-30")
    negative = open_with_params("pages/ringkasan.py", mulai="2026-10-01", sampai="2026-11-30", sentimen="negative")
    assert negative.metric[3].value == "100,0%"
    assert base.metric[3].value != "100,0%"
    keyword = open_with_params("pages/ringkasan.py", mulai="2026-10-01", sampai="2026-11-30", cari="beras")
    assert int(keyword.metric[0].value.replace(".", "")) < int(base.metric[0].value.replace(".", ""))


def test_filters_are_written_to_the_url(truth_store):
    at = open_with_params("pages/wilayah.py", provinsi="53")
    assert not at.exception
    assert at.query_params["provinsi"] in ("53", ["53"])
    assert "mulai" in at.query_params and "sampai" in at.query_params


def test_load_demo_from_the_data_page(empty_store):
    at = open_page("pages/data.py")
    at.button(key="load_demo").click()
    at.run(timeout=240)
    assert not at.exception
    assert any("Data contoh dimuat" in s.value for s in at.success)
    con = storage.connect(empty_store)
    assert storage.query_value(con, "SELECT count(*) FROM enrichment") > 1000
    con.close()


def test_data_page_offers_to_redo_an_analysis_made_under_older_rules(demo_db_path, tmp_path, monkeypatch):
    from monitoring import pipeline

    path = tmp_path / "upgraded.duckdb"
    shutil.copy(demo_db_path, path)
    con = storage.connect(path)
    with storage.transaction(con):               # as the previous release left it
        storage.set_state(con, pipeline.RULES_STATE, "an-older-release")
    con.close()
    monkeypatch.setenv("PANTAUISU_DB_PATH", str(path))
    at = open_page("pages/data.py")
    assert any("aturan pemrosesan teks" in w.value for w in at.warning)
    at.button(key="renew_enrichment").click()
    at.run(timeout=240)
    assert not at.exception
    assert any("semua unggahan diproses ulang" in s.value for s in at.success)
    assert not any("aturan pemrosesan teks" in w.value for w in open_page("pages/data.py").warning)


def test_issue_rename_from_the_isu_page(truth_store):
    at = open_page("pages/isu.py")
    at.selectbox(key="edit_issue").set_value("I0001")
    at.selectbox(key="edit_action").set_value("rename")
    at.run()
    at.text_input(key="edit_label").input("Kenaikan PPN 12%")
    at.button(key="edit_apply").click()
    at.run()
    assert not at.exception
    con = storage.connect(truth_store)
    assert storage.query_value(con, "SELECT label FROM issues WHERE issue_id = 'I0001'") == "Kenaikan PPN 12%"
    con.close()


def test_empty_overview_offers_the_demo_and_loads_it(empty_store):
    at = open_page("pages/ringkasan.py")
    at.button(key="empty_load_demo").click()
    at.run(timeout=240)
    assert not at.exception
    assert len(at.metric) == 5 and at.metric[0].value != "0"


def test_plan_rows_show_their_own_example_posts(truth_store):
    at = open_page("pages/perencanaan.py")
    assert not at.exception, at.exception
    from monitoring.signals import emerging, plan
    from monitoring.store import queries, settings

    con = storage.connect(truth_store)
    config = settings.load_settings(storage.stored_settings(con))
    table = emerging.plan_table(con, at.session_state["filters"], recent_hours=config["recent_hours"],
                                baseline_days=config["baseline_days"])
    rows = table[table[plan.REGION_CODE] == at.selectbox(key="plan_region").value]
    expected = []
    for keys in rows[plan.EXAMPLE_POST_IDS]:
        if keys:
            posts = queries.sample_posts(con, queries.Filters(post_keys=tuple(keys)), limit=len(keys))
            expected.extend(posts["text"].head(3).tolist())
    con.close()
    assert expected
    shown = [e.value for e in at.text]
    positions = [shown.index(text) for text in expected]  # every example is on the page, in row order
    assert positions == sorted(positions)
    assert at.get("download_button")


def _posts_with_missing_values():
    import pandas as pd
    import streamlit as st

    from ui import common

    frame = pd.DataFrame({
        "created_at": pd.to_datetime(["2026-11-20 01:00", "2026-11-20 02:00"], utc=True),
        "author": pd.array(["warga_kupang", None], dtype="str"), "platform": ["x", "tiktok"],
        "sentiment": pd.array([None, "negative"], dtype="str"),
        "province": pd.array([None, "Nusa Tenggara Timur"], dtype="str"),
        "text": ["air PDAM mati lg 😡 #KrisisAir", "antre air dr jam 3 subuh"]})
    st.session_state["_seen"] = frame["province"].isna().tolist()
    common.show_posts(frame, key="missing")


def test_posts_with_missing_account_sentiment_or_place_say_so(truth_store):
    at = AppTest.from_function(_posts_with_missing_values, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["_seen"] == [True, False]
    lines = [t.value for t in at.text]
    assert lines[0] == "@warga_kupang · 20/11/2026 08:00 · X (Twitter) · – · lokasi tak diketahui"
    assert lines[2] == "(tanpa akun) · 20/11/2026 09:00 · TikTok · negatif · Nusa Tenggara Timur"
    assert "nan" not in " ".join(lines)


def _one_post_in_wit():
    import pandas as pd

    from ui import common

    common.show_posts(pd.DataFrame({"created_at": pd.to_datetime(["2026-11-20 01:00"], utc=True),
                                    "author": ["nakes_jayapura"], "platform": ["instagram"],
                                    "sentiment": ["positive"], "province": ["Papua"],
                                    "text": ["vaksin keliling sampai distrik 🙏"]}), key="wit", timezone="WIT")


def test_posts_can_be_listed_in_a_given_time_zone(truth_store):
    at = AppTest.from_function(_one_post_in_wit, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.text[0].value == "@nakes_jayapura · 20/11/2026 10:00 · Instagram · positif · Papua"


def test_issue_cards_show_volume_facets_and_read_posts_only_when_opened(truth_store):
    import pandas as pd

    from monitoring.issues import cards as issue_cards
    from monitoring.store import queries

    at = open_with_params("pages/isu.py", mulai="2026-10-01", sampai="2026-11-30")
    assert not at.exception, at.exception
    con = storage.connect(truth_store)
    counts = storage.query_df(con, "SELECT issue_id, count(*) AS n FROM post_view WHERE issue_id IS NOT NULL "
                                   "GROUP BY ALL ORDER BY n DESC, issue_id LIMIT 12")
    # one metric per card, largest issue first, with its change against the window before
    assert [m.value for m in at.metric] == [f"{n:,}".replace(",", ".") for n in counts["n"]]
    assert all(str(m.proto.delta).endswith("vs sebelumnya") for m in at.metric)
    facets = [t.value for t in at.text if t.value.startswith("Provinsi teratas: ")]
    assert len(facets) == len(counts) and all("\nTagar: #" in f and "\nAkun: @" in f for f in facets)
    # representative posts are read for an opened card only
    first = counts["issue_id"].iloc[0]

    def listed() -> list[str]:
        return [t.value for t in next(e for e in at.expander if e.key == f"rep_{first}").text]

    assert listed() == [] and all(not e.proto.expanded for e in at.expander)
    at.session_state[f"rep_{first}"] = True
    at.run()
    assert not at.exception, at.exception
    filters = queries.Filters(start=pd.Timestamp("2026-09-30 17:00", tz="UTC"), issue_ids=(first,))
    expected = issue_cards.top_posts_per_issue(con, filters)
    con.close()
    assert len(expected) == 5 and listed()[1::2] == expected["text"].tolist()
    assert all(line.count(" · ") == 4 for line in listed()[::2])  # account · time · platform · sentiment · place
    others = [e for e in at.expander if e.key and e.key.startswith("rep_") and e.key != f"rep_{first}"]
    assert others and all(not e.text for e in others)



def _table_with_gaps():
    import pandas as pd
    import streamlit as st

    from ui import common

    frame = pd.DataFrame({
        "wilayah": pd.array(["Jawa Barat", None], dtype="str"), "dasar": [2.5, float("nan")],
        "negatif": [0.5625, 0.1], "pertama": pd.to_datetime(["2026-11-20 01:00", None], utc=True),
        "terakhir": pd.to_datetime(["2026-11-20 01:00", "2026-11-21 17:30"], utc=True)})
    common.show_table(frame, key="gaps", column_config={
        "negatif": st.column_config.ProgressColumn("Negatif", format="percent", min_value=0, max_value=1),
        "terakhir": "Terakhir"})


def test_tables_show_a_dash_for_gaps_and_local_times(truth_store):
    at = AppTest.from_function(_table_with_gaps, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    view = at.dataframe[0].value
    assert view["wilayah"].tolist() == ["Jawa Barat", "–"] and view["dasar"].tolist() == ["2,5", "–"]
    assert view["pertama"].tolist() == ["20/11/2026 08:00", "–"]           # UTC -> WIB, as text beside a gap
    assert view["terakhir"].tolist() == [pd.Timestamp("2026-11-20 08:00"), pd.Timestamp("2026-11-22 00:30")]
    assert view["negatif"].tolist() == [56.25, 10.0]                       # whole percents, no '56.25%'
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["terakhir"]["label"] == "Terakhir (WIB)"
    assert columns["terakhir"]["type_config"]["format"] == "DD/MM/YYYY HH:mm"
    assert columns["negatif"]["type_config"]["format"] == "%.0f%%"


def test_isu_naik_shows_the_memburuk_badge_where_the_negative_share_turned_up(truth_store, monkeypatch):
    import re

    import streamlit as st

    from monitoring.signals import scores as sg

    # Pretend every cell of Nusa Tenggara Timur turned negative: the page must show the badge there only.
    monkeypatch.setattr(sg, "_negative_shift",
                        lambda out, region, *args: (out[region].astype(str) == "53") & (out[sg.POSTS] >= 5))
    st.cache_data.clear()
    at = open_page("pages/isu_naik.py")
    assert not at.exception
    # AppTest does not expose st.dataframe keys: the page shows the national table, then the regional one
    national, regional = (df.value for df in at.dataframe[:2])
    statuses = list(national["status"]) + list(regional["status"])
    assert all(re.fullmatch(r"(Baru|Naik|Stabil|Turun)( · Memburuk)?", s) for s in statuses)
    ntt = (regional["province"] == "Nusa Tenggara Timur") & (regional["posts"] >= 5)
    assert ntt.any() and regional.loc[ntt, "status"].str.endswith(" · Memburuk").all()
    assert not regional.loc[~ntt, "status"].str.contains("Memburuk").any()
    assert not national["status"].str.contains("Memburuk").any()
    st.cache_data.clear()


@pytest.fixture
def analysed_store(demo_db_path, tmp_path, monkeypatch):
    import streamlit as st

    path = tmp_path / "analysed.duckdb"
    shutil.copy(demo_db_path, path)
    monkeypatch.setenv("PANTAUISU_DB_PATH", str(path))
    st.cache_data.clear()  # page caches are keyed on the store version, which another store may share
    return path


def test_issue_cards_show_the_headline_first_and_the_narratives(analysed_store):
    at = open_page("pages/isu.py")
    assert not at.exception, at.exception
    con = storage.connect(analysed_store)
    names = storage.query_df(con, "SELECT issue_id, headline, label FROM issues")
    narratives = storage.query_df(con, "SELECT issue_id, label FROM narratives")
    con.close()
    heads = [t.value for t in at.text if "\nKata kunci: " in t.value]
    assert heads and all(h.split("\nKata kunci: ")[0] in set(names["headline"]) for h in heads)
    lines = [t.value for t in at.text if t.value.startswith("Narasi: ")]
    assert lines and all(any(n in line for n in narratives["label"]) for line in lines)
    tables = [e for e in at.expander if e.key and e.key.startswith("narr_")]
    assert len(tables) == len(lines) and all(not e.proto.expanded for e in tables)
    shown = tables[0].dataframe[0].value
    assert list(shown.columns[:3]) == ["Narasi", "Kata kunci", "Unggahan"] and shown["Unggahan"].is_monotonic_decreasing


def test_narrative_rename_from_the_isu_page(analysed_store):
    con = storage.connect(analysed_store)
    target = storage.query_df(con, "SELECT issue_id, narrative_id FROM narratives ORDER BY narrative_id").iloc[0]
    con.close()
    at = open_page("pages/isu.py")
    at.selectbox(key="edit_issue").set_value(target["issue_id"])
    at.run()
    at.selectbox(key="edit_narrative").set_value(target["narrative_id"])
    at.run()
    assert at.selectbox(key="edit_action").options[-1] == "Sembunyikan (bukan narasi)"
    at.selectbox(key="edit_action").set_value("rename")
    at.run()
    at.text_input(key="edit_label").input("Bungkam pers")
    at.button(key="edit_apply").click()
    at.run()
    assert not at.exception, at.exception
    con = storage.connect(analysed_store)
    assert storage.query_value(con, "SELECT label FROM narratives WHERE narrative_id = ?",
                               [target["narrative_id"]]) == "Bungkam pers"
    con.close()
