"""Shared parts of the pipeline and dashboard benchmarks: input posts, CSV cache, peak memory.

Input posts (:func:`realistic_posts`) combine the two seeded generators of the repository:

- :func:`monitoring.demo.generator.generate_demo_posts` gives the skeleton of every post: issue, time
  (diurnal, emerging issue, copy-paste campaign), author, profile location, engagement, replies;
- :func:`benchmarks.posts_generator.generate_posts` adds the long tail: about ten more words
  per post drawn from a Zipf-like vocabulary with affixed forms, slang, English, names, typos
  and elongations, so a run sees ~23 tokens per post and a vocabulary that keeps growing with
  the number of posts (50k posts: ~60k distinct words, as on real data; DESIGN.md).

Posts are written as tweet-harvest CSV files, one per platform (the analyst's uploads), and
cached under ``--cache-dir`` keyed by (n, seed): generating 1M posts takes minutes and is not
part of any measurement.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.posts_generator import generate_posts  # noqa: E402
from monitoring import schema as S  # noqa: E402
from monitoring.demo.generator import TWEET_HARVEST_COLUMNS, generate_demo_posts  # noqa: E402
from monitoring.executors.memory import command_line, descendants, status_kib  # noqa: E402

CACHE_DIR = Path(os.environ.get("PANTAUISU_BENCH_CACHE", "/tmp/pantauisu-bench"))


def realistic_posts(n: int, seed: int = 7, *, days: int = 21, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """``n`` canonical posts: demo skeleton + Zipf tail words (see the module docstring)."""
    posts = generate_demo_posts(seed=seed, n_posts=n, days=days, end=end)
    tail = generate_posts(n, seed)[S.TEXT].str.split()
    rng = np.random.default_rng(seed + 1)
    keep = np.clip(rng.poisson(10, n), 0, None)
    extra = [" ".join(words[len(words) - k:]) if k else "" for words, k in zip(tail, keep)]
    # keep retweets / copy-paste campaigns as copies: the tail of a copy is the source's tail
    first = ~posts[S.TEXT].duplicated().to_numpy()
    source_extra = pd.Series(extra).where(first).groupby(posts[S.TEXT].to_numpy()).transform("first")
    texts = posts[S.TEXT].to_numpy(object)
    combined = [t if not e else f"{t} {e}" for t, e in zip(texts, source_extra.fillna("").to_numpy(object))]
    return posts.assign(**{S.TEXT: combined})


def tweet_harvest_frame(posts: pd.DataFrame) -> pd.DataFrame:
    """Canonical posts as tweet-harvest's CSV columns (created_at in Twitter's format)."""
    extra = [json.loads(value) if isinstance(value, str) else {} for value in posts[S.EXTRA]]
    stamps = pd.to_datetime(posts[S.CREATED_AT], utc=True)
    frame = pd.DataFrame({
        "conversation_id_str": [e.get("conversation_id_str", "") for e in extra],
        "created_at": stamps.dt.strftime("%a %b %d %H:%M:%S +0000 %Y").to_numpy(),
        "favorite_count": posts[S.LIKES].fillna(0).astype("int64").to_numpy(),
        "full_text": posts[S.TEXT].to_numpy(), "id_str": posts[S.POST_ID].to_numpy(),
        "image_url": [e.get("image_url", "") for e in extra],
        "in_reply_to_screen_name": posts[S.IN_REPLY_TO].fillna("").to_numpy(),
        "lang": posts[S.LANG].fillna("in").to_numpy(), "location": posts[S.LOCATION_RAW].fillna("").to_numpy(),
        "quote_count": [e.get("quote_count", 0) for e in extra],
        "reply_count": posts[S.REPLIES].fillna(0).astype("int64").to_numpy(),
        "retweet_count": posts[S.SHARES].fillna(0).astype("int64").to_numpy(),
        "tweet_url": posts[S.URL].fillna("").to_numpy(),
        "user_id_str": [e.get("user_id_str", "") for e in extra], "username": posts[S.AUTHOR].to_numpy(),
    })
    return frame.loc[:, list(TWEET_HARVEST_COLUMNS)]


def input_files(n: int, seed: int = 7, *, days: int = 21, end: pd.Timestamp | None = None,
                cache_dir: Path = CACHE_DIR, tag: str = "") -> list[dict]:
    """Tweet-harvest CSV files (one per platform) for ``n`` posts, built once and cached.

    Returns:
        One ``{"path", "platform", "rows"}`` per file.
    """
    folder = cache_dir / f"posts_{n}_{seed}{tag}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        return json.loads(manifest.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    posts = realistic_posts(n, seed, days=days, end=end)
    files = []
    for platform, group in posts.groupby(S.PLATFORM, sort=True):
        path = folder / f"{platform}.csv"
        frame = tweet_harvest_frame(group.iloc[::-1].reset_index(drop=True))
        frame.to_csv(path, index=False, encoding="utf-8")
        files.append({"path": str(path), "platform": str(platform), "rows": len(group)})
    manifest.write_text(json.dumps(files, indent=1))
    return files


def machine() -> dict:
    """What a figure was measured on: processor, cores, memory, Python."""
    import platform

    cpuinfo = Path("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                  if line.startswith("model name")), "?") if cpuinfo.exists() else platform.processor()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": round(memory, 1), "python": platform.python_version()}


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: runnable processes (2.0 keeps both cores of a 2-core machine busy)."""
    return [round(x, 2) for x in os.getloadavg()]


# --- peak memory --------------------------------------------------------------------------

class PeakMemory:
    """Peak memory of this process and of every process it started (worker processes), as a
    newcomer running the command would see it on ``top``.

    Every ``interval`` seconds the resident memory of this process plus all its descendants is
    summed (``peak_mib``: the largest sum, i.e. what the machine had to hold at once), and each
    process's own kernel-kept peak (``VmHWM``, exact between samples) is recorded
    (``largest_process_mib``, ``processes``). ``phase_peaks`` labels the sums with :meth:`mark`.
    ``extra_pids`` (e.g. Dask workers this process did not start) are counted too.
    """

    def __init__(self, interval: float = 0.05, extra_pids: list[int] | None = None):
        self.interval = interval
        self.extra_pids = list(extra_pids or [])
        self.peak_kib = 0
        self.phase = "start"
        self.phase_peaks: dict[str, float] = {}  # MiB per phase label (see :meth:`mark`)
        self.process_peaks: dict[int, tuple[str, int]] = {}  # pid -> (command, VmHWM KiB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = os.getpid()
        total = 0
        for pid in [me, *descendants(me), *self.extra_pids]:
            total += status_kib(pid)
            high = status_kib(pid, "VmHWM:")
            if high > self.process_peaks.get(pid, ("", 0))[1]:
                self.process_peaks[pid] = ("this process" if pid == me else command_line(pid), high)
        self.peak_kib = max(self.peak_kib, total)
        phase = self.phase
        self.phase_peaks[phase] = max(self.phase_peaks.get(phase, 0.0), round(total / 1024, 1))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def mark(self, phase: str) -> None:
        """Label the following samples (e.g. with pipeline progress messages)."""
        self.phase = phase

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def peak_mib(self) -> float:
        """Largest sum over this process and its descendants at one moment (MiB)."""
        own = status_kib(os.getpid(), "VmHWM:")  # not ru_maxrss: Linux carries that over fork + exec
        return round(max(self.peak_kib, own) / 1024, 1)

    @property
    def largest_process_mib(self) -> float:
        """The largest peak of any single process (this one, a worker, a finished child)."""
        import resource

        # a child's ru_maxrss starts from this process's at fork: it can only add the child's own peak
        finished = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        own = status_kib(os.getpid(), "VmHWM:")
        return round(max([own, finished] + [kib for _, kib in self.process_peaks.values()]) / 1024, 1)

    def processes(self) -> list[dict]:
        """Each process seen with its own peak (MiB), largest first."""
        rows = [{"pid": pid, "command": command, "peak_mib": round(kib / 1024, 1)}
                for pid, (command, kib) in self.process_peaks.items()]
        return sorted(rows, key=lambda row: -row["peak_mib"])[:10]


class Clock:
    """Wall seconds and CPU seconds (this process + finished children)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, self._cpu() - self.cpu

    @staticmethod
    def _cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system
