"""Enrichment in worker processes gives exactly what the stages give in one process."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from monitoring import enrichment, pipeline
from monitoring import schema as S
from monitoring.store import database as storage

TEXTS = [
    "Harga beras di Pasar Kramat Jati naik lagi 😡 #BerasMahal pemerintah kemana??",
    "alhamdulillah bansos udh cair, makasih pak lurah 🙏",
    "RT @infobmkg: Waspada banjir rob di pesisir Semarang malam ini",
    "jalan di kab. Bantul rusak parah, motor sy masuk lubang wkwkwk gak lucu",
    "MBG di sekolah anakku enak bgt, menunya ayam + sayur bayam 👍",
    "pertalite langka lagi di Kupang, antre 2 jam blm dapet",
    "BPJS ditolak RS swasta, disuruh bayar sendiri. parah sih ini",
    "kebijakan PPN 12% bikin harga2 naik, rakyat kecil makin susah",
    "Polisi tilang di tol Cipularang, pungli ga sih? #UsutTuntas",
    "nice info min, thanks! sangat membantu warga Makassar",
    "",
    None,
]


LOCATIONS = ["Jakarta Timur", None, "Semarang, Jawa Tengah", "Jogja", "planet namek"]


def posts(n: int) -> pd.DataFrame:
    """n posts cycling through TEXTS (numbered, so most are distinct) and profile locations."""
    texts = [None if TEXTS[i % len(TEXTS)] is None else f"{TEXTS[i % len(TEXTS)]} {i}" for i in range(n)]
    return pd.DataFrame({S.POST_KEY: [f"k{i:04d}" for i in range(n)], S.DATASET_ID: [1] * n, S.TEXT: texts,
                         S.LOCATION_RAW: [LOCATIONS[i % len(LOCATIONS)] for i in range(n)]})


def _run_local(frame: pd.DataFrame, executor, chunk_size: int) -> list:
    from dataclasses import replace

    task = replace(enrichment.ENRICH, max_chunk=chunk_size)
    shared = executor.share(enrichment.EnrichmentSettings())
    return [result for _, result in executor.run(task, len(frame), lambda lo, hi: frame.iloc[lo:hi], shared,
                                                 ordered=False)]


def test_worker_processes_equal_one_process():
    from monitoring.executors import LocalExecutor

    frame = posts(60)
    expected = enrichment.enrich_posts(frame, enrichment.EnrichmentSettings())[0]
    executor = LocalExecutor(max_workers=2)
    results = _run_local(frame, executor, chunk_size=25)
    assert executor.stats.tasks["enrich"] == 3 and executor.workers == 2
    assert len(executor.stats.worker_peaks_mib) == 2  # both workers ran to the end (none failed)
    got = pd.concat([rows for rows, _ in results]).sort_values(S.POST_KEY, ignore_index=True)
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))
    learned = {w: s for _, stems in results for w, s in stems.items()}
    assert learned["ditolak"] == "tolak"  # each worker returns the stems it learned


def test_a_failing_worker_falls_back_to_this_process(monkeypatch):
    from monitoring.executors import LocalExecutor

    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    frame = posts(20)
    expected = enrichment.enrich_posts(frame, enrichment.EnrichmentSettings())[0]
    executor = LocalExecutor(max_workers=2)
    rows = pd.concat([r for r, _ in _run_local(frame, executor, chunk_size=10)])
    assert executor.stats.worker_peaks_mib == {}  # no worker process ever ran
    pd.testing.assert_frame_equal(rows.sort_values(S.POST_KEY, ignore_index=True), expected.reset_index(drop=True))


def test_a_worker_reuses_the_stems_it_learned_within_one_analysis(monkeypatch):
    from monitoring.executors import _base

    monkeypatch.setattr(_base, "_IN_WORKER", True)
    settings = enrichment.EnrichmentSettings()
    first = enrichment.enrich_chunk(posts(12), settings)[1]
    assert first["ditolak"] == "tolak" and settings.stem_cache == {}  # shared settings unchanged
    assert "ditolak" not in enrichment.enrich_chunk(posts(12), settings)[1]  # learned, not stemmed again
    assert "ditolak" in enrichment.enrich_chunk(posts(12), enrichment.EnrichmentSettings())[1]  # next analysis


@pytest.mark.parametrize("posts_count, cores, expected", [(50_000, 2, 0), (500_000, 1, 0), (250_000, 2, 2),
                                                          (250_000, 8, 2), (1_000_000, 8, 4)])
def test_local_worker_count(monkeypatch, posts_count, cores, expected):
    from monitoring.executors import LocalExecutor, _base

    monkeypatch.setattr(_base.os, "sched_getaffinity", lambda pid: set(range(cores)))
    assert LocalExecutor().process_count(enrichment.ENRICH, posts_count) == expected
    assert LocalExecutor(max_workers=1).process_count(enrichment.ENRICH, posts_count) == 0


def test_chunked_parallel_enrichment_stores_every_post_once(store, monkeypatch):
    from dataclasses import replace

    from monitoring.executors import LocalExecutor
    from monitoring.ingest.imports import import_posts_frame

    frame = posts(45).drop(columns=[S.POST_KEY]).assign(
        **{S.POST_ID: [f"p{i}" for i in range(45)], S.PLATFORM: "x",
           S.CREATED_AT: pd.Timestamp("2026-11-20", tz="UTC") + pd.to_timedelta(range(45), unit="min")})
    import_posts_frame(store, frame, name="uji")
    monkeypatch.setattr(pipeline, "ENRICH", replace(enrichment.ENRICH, max_chunk=10))
    executor = LocalExecutor(max_workers=2)
    assert pipeline.enrich_new_posts(store, executor=executor) == 45
    assert executor.stats.tasks["enrich"] == 5
    assert storage.query_value(store, "SELECT count(*) FROM enrichment") == 45
    assert storage.query_value(store, "SELECT count(DISTINCT post_key) FROM enrichment") == 45
    assert pipeline.enrich_new_posts(store) == 0
    assert storage.query_value(store, "SELECT count(*) FROM stem_cache") > 0


def test_storing_the_same_rows_twice_keeps_one(store):
    from monitoring.ingest.imports import import_posts_frame

    frame = posts(3).drop(columns=[S.POST_KEY]).assign(**{S.POST_ID: ["a", "b", "c"], S.PLATFORM: "x"})
    import_posts_frame(store, frame, name="uji")
    keyed = frame.assign(**{S.POST_KEY: storage.query_df(store, "SELECT post_key FROM posts ORDER BY post_id")
                            [S.POST_KEY].to_numpy()})
    rows, stems = enrichment.enrich_posts(keyed, enrichment.EnrichmentSettings())
    pipeline._store_enrichment(store, rows, stems)
    pipeline._store_enrichment(store, rows, stems)
    assert storage.query_value(store, "SELECT count(*) FROM enrichment") == 3


def test_a_failing_sentiment_model_leaves_no_stemming_workers(monkeypatch):
    from monitoring import enrichment
    from monitoring.text import stemming

    finished = []
    real_result = stemming.BackgroundStemmer.result
    monkeypatch.setattr(stemming.BackgroundStemmer, "result",
                        lambda self: finished.append(True) or real_result(self))

    class Broken:
        classes_ = ["positive", "neutral", "negative"]

        def predict_proba(self, texts):
            raise RuntimeError("model rusak")

    posts = pd.DataFrame({"post_key": ["a", "b"], "dataset_id": [1, 1], "text": ["harga beras naik", "banjir lagi"],
                          "location_raw": [None, "Kupang"]})
    with pytest.raises(RuntimeError):
        enrichment.enrich_posts(posts, enrichment.EnrichmentSettings(sentiment_model=Broken()))
    assert finished == [True]


def test_worker_processes_import_this_checkout_whatever_the_working_directory(tmp_path, monkeypatch):
    import subprocess

    from monitoring import processes as children

    (tmp_path / "monitoring").mkdir()                     # another checkout where the app was started
    (tmp_path / "monitoring" / "__init__.py").write_text("raise ImportError('the other checkout')\n")
    monkeypatch.chdir(tmp_path)
    child = children.start_python(["-c", "import monitoring; print(monitoring.__file__)"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert Path(out.strip()).resolve().parent.parent == children.ROOT
