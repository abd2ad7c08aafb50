"""Issue 7 quality bar, fast version: a brand-new issue surging in one province on the last day.

It must be the top emerging issue of that province, in the national top 3, and its cluster must be
mostly the surge's posts. Background: the demo generator without its own emerging issue (3,000
posts); injected: 30 posts about a pest outbreak in Kab. Indramayu written here. The full benchmark with more
backgrounds, seeds and held-out scenarios is ``benchmarks/evaluate_emerging.py``.
"""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from monitoring import schema as S
from monitoring.demo.generator import (
    EMERGING_ISSUE,
    EMERGING_PROVINCE_CODE,
    TRUE_ISSUE,
    generate_demo_posts,
)
from monitoring.ingest.imports import import_posts_frame
from monitoring.issues.store import load_issue_model
from monitoring.pipeline import analyze
from monitoring.signals.emerging import emerging_table
from monitoring.store import database as storage
from monitoring.store.queries import Filters

PROVINCE = "32"  # Jawa Barat
LOCATIONS = ("Indramayu", "Indramayu, Jawa Barat", "Kab. Indramayu", "indramayu 🌾", "Jatibarang, Indramayu")
POSTS = (
    "sawah di {desa} diserang hama wereng, padi yang mau panen kering semua {emo}",
    "petani {desa} gagal panen gara2 wereng coklat, modal tanam habis",
    "wereng ngamuk di {desa}, {n} hektar padi puso. dinas pertanian ke mana?",
    "obat semprot wereng sudah {n} kali, tetep aja padinya mati",
    "bapak saya nangis liat sawahnya di {desa} habis dimakan wereng",
    "hama wereng menyerang lagi, utang pupuk belum lunas udah gagal panen",
    "info: penyuluh pertanian turun ke {desa} bagi pestisida gratis buat petani korban wereng",
    "ada yg tau cara basmi wereng coklat yang ampuh? sawah di {desa} parah",
    "petani Indramayu minta asuransi usaha tani cair, ribuan hektar gagal panen karena wereng",
    "gagal panen massal di {desa}, harga gabah bakal naik nih",
    "wereng coklat serang ribuan hektar sawah di Indramayu, lumbung padi jabar terancam",
    "alhamdulillah brigade proteksi tanaman sudah datang ke {desa} basmi wereng",
)
HEADLINES = (
    "Serangan Hama Wereng, Ribuan Hektare Sawah di Indramayu Gagal Panen",
    "Dinas Pertanian Indramayu Kerahkan Brigade Proteksi Tanaman Atasi Wereng",
)
SLOTS = {"desa": ("Jatibarang", "Kertasemaya", "Lohbener", "Sliyeg", "Indramayu", "desa Tugu")}
EMOJI = ("😭", "😢", "🙏", "😡", "")
CLOSERS = ("", "", " euy", " atuh", " tolong diviralkan", " #GagalPanen", " #Indramayu", " #HamaWereng")


def wereng_posts(n: int, end: pd.Timestamp, seed: int = 3) -> pd.DataFrame:
    """``n`` posts about a pest outbreak in Indramayu, spread over the 20 hours before ``end``."""
    rnd, rng = random.Random(seed), np.random.default_rng(seed)
    authors = [f"petani_{rnd.choice(('muda', 'jabar', 'sawah', 'dermayu'))}{i}" for i in range(int(n * 0.8))]
    rows = []
    for i in range(n):
        news = rnd.random() < 0.08
        text = rnd.choice(HEADLINES) if news else rnd.choice(POSTS).format(
            desa=rnd.choice(SLOTS["desa"]), n=rnd.randint(2, 9), emo=rnd.choice(EMOJI)) + rnd.choice(CLOSERS)
        if not news and rnd.random() < 0.3:
            text = text.upper() if rnd.random() < 0.1 else text.replace("sudah", "udah").replace("yang", "yg")
        author = "kabar_pantura" if news else rnd.choice(authors)
        rows.append((f"wereng-{i}", "news" if news else "x", author, text,
                     None if news or rnd.random() < 0.1 else rnd.choice(LOCATIONS)))
    frame = pd.DataFrame(rows, columns=[S.POST_ID, S.PLATFORM, S.AUTHOR, S.TEXT, S.LOCATION_RAW])
    offsets = np.sort(rng.uniform(60, 20 * 3600, n))
    frame[S.CREATED_AT] = end - pd.to_timedelta(offsets.astype(np.int64), unit="s")
    return frame


def cluster_report(con, injected: pd.DataFrame, province: str) -> dict:
    """The injected issue's cluster, its ranks in the emerging table, purity and capture."""
    posts = storage.query_df(con, f"""SELECT p.{S.POST_ID}, p.{S.PLATFORM}, p.{S.CREATED_AT}, i.{S.ISSUE_ID}
        FROM posts p JOIN post_issues i USING ({S.POST_KEY})""")
    keys = set(zip(injected[S.POST_ID], injected[S.PLATFORM]))
    is_injected = np.array([k in keys for k in zip(posts[S.POST_ID], posts[S.PLATFORM])])
    cluster = posts.loc[is_injected, S.ISSUE_ID].dropna().mode().iloc[0]
    times = pd.to_datetime(posts[S.CREATED_AT], utc=True)
    recent = (times > times.max() - pd.Timedelta(hours=24)).to_numpy()
    members = (posts[S.ISSUE_ID] == cluster).to_numpy()
    table = emerging_table(con, Filters())
    local = table[table[S.PROVINCE_CODE] == province].reset_index(drop=True)
    national = table[table[S.PROVINCE_CODE] == S.NATIONAL_CODE].reset_index(drop=True)
    return {
        "cluster": cluster,
        "province_top": local[S.ISSUE_ID].iloc[0],
        "national_top3": list(national[S.ISSUE_ID].head(3)),
        "purity": (members & recent & is_injected).sum() / max((members & recent).sum(), 1),
        "capture": (members & is_injected).sum() / is_injected.sum(),
        "label": local["issue_label"].iloc[0],
    }


@pytest.fixture(scope="module")
def injected_store(tmp_path_factory):
    background = generate_demo_posts(seed=7, n_posts=3000)
    background = background[background[TRUE_ISSUE] != EMERGING_ISSUE]
    # 30 posts: without the new-issue stage they land in the free-meal issue (purity 0.28)
    injected = wereng_posts(30, pd.to_datetime(background[S.CREATED_AT]).max())
    con = storage.connect(tmp_path_factory.mktemp("emerging") / "store.duckdb")
    import_posts_frame(con, background, name="latar")
    import_posts_frame(con, injected, name="sisipan")
    analyze(con, refit=True)
    yield con, injected
    con.close()


def test_new_local_issue_is_top_emerging_in_its_province_and_nationally(injected_store):
    con, injected = injected_store
    report = cluster_report(con, injected, PROVINCE)
    assert report["province_top"] == report["cluster"], report
    assert report["cluster"] in report["national_top3"], report
    assert report["purity"] >= 0.5, report
    assert report["capture"] >= 0.8, report
    assert {"wereng", "indramayu", "panen"} & set(report["label"].lower().replace("·", " ").split()), report


def test_new_issue_has_its_own_centroid_for_later_posts(injected_store):
    con, injected = injected_store
    model, cluster_ids = load_issue_model(con)
    report = cluster_report(con, injected, PROVINCE)
    assert len(model.bursts_) >= 1
    new_ids = cluster_ids[len(cluster_ids) - len(model.bursts_):]
    assert report["cluster"] in new_ids
    later = [["hama", "wereng", "serang", "sawah", "jatibarang", "gagal", "panen"],
             ["harga", "bbm", "naik", "pertalite", "antre", "spbu"]]
    issues = [cluster_ids[i] if i >= 0 else None for i in model.predict(later)]
    assert issues[0] == report["cluster"]
    assert issues[1] != report["cluster"]


def test_demo_emerging_issue_gets_its_own_cluster(demo_db_path):
    """The demo's own surge (water crisis in Kota Kupang) in the shared analysed demo store."""
    truth = generate_demo_posts(seed=11, n_posts=2500)
    emerging = truth[truth[TRUE_ISSUE] == EMERGING_ISSUE]
    con = storage.connect(demo_db_path)
    try:
        report = cluster_report(con, emerging, EMERGING_PROVINCE_CODE)
    finally:
        con.close()
    assert report["province_top"] == report["cluster"], report
    assert report["cluster"] in report["national_top3"], report
    assert report["purity"] >= 0.5, report
    assert report["capture"] >= 0.8, report
