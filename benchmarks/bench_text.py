"""Benchmark of monitoring.text.cleaning.add_tokens against a naive per-post pipeline.

Usage (from the repository root, venv active)::

    python benchmarks/bench_text.py --posts 50000 --naive --repeat 3   # cold vs naive
    python benchmarks/bench_text.py --posts 1000000           # cold, then warm (stem cache)
    python benchmarks/bench_text.py --verify-words 100000     # fast path == PySastrawi?

"cold" = nothing loaded (lexicon caches cleared), empty stem cache; lexicon loading included;
"warm" = second run with the stem cache the cold run returned (what the pipeline does after
the first import). The naive pipeline is what a notebook would do: regex clean, Sastrawi's
stopword remover and ``stemmer.stem`` per post with ``df.apply``, with a fresh stemmer each
time. Posts come from the seeded generator in benchmarks/posts_generator.py. Prints one JSON
object per measurement: wall seconds, CPU seconds (this process + stemming workers), posts/s.
On a shared machine use ``--repeat`` (fastest of N runs).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.posts_generator import generate_posts  # noqa: E402
from monitoring import schema  # noqa: E402
from monitoring.text import cleaning as text
from monitoring.text import lexicons, stemming


def naive_tokens(posts):
    """The naive baseline: per post regex clean, Sastrawi stopword removal, Sastrawi stem."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    stemmer = StemmerFactory().create_stemmer()
    remover = StopWordRemoverFactory().create_stop_word_remover()

    def one(post: str) -> list[str]:
        post = re.sub(r"https?://\S+|www\.\S+|@\w+|#", " ", post.lower())
        post = re.sub(r"[^a-z\s]", " ", post)
        return stemmer.stem(remover.remove(post)).split()

    stemming.use_fast_re(False)  # the baseline is PySastrawi as shipped
    try:
        return posts[schema.TEXT].apply(one)
    finally:
        stemming.use_fast_re(True)


class Clock:
    """Wall time and CPU time of this process plus its finished children (stemming workers)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, self._cpu() - self.cpu

    @staticmethod
    def _cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system


def report(name: str, clock: Clock, posts: int, **extra) -> None:
    print(json.dumps({"measure": name, "seconds": round(clock.wall, 2),
                      "cpu_s": round(clock.cpu, 2), "posts": posts,
                      "posts_per_s": round(posts / clock.wall), **extra}), flush=True)


def reset_caches() -> None:
    """Forget loaded lexicons and the stemmer dictionary: the next call is cold again."""
    for module in (lexicons, stemming, text):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def timed(function, clocks: list):
    with Clock() as clock:
        result = function()
    clocks.append(clock)
    return result


def fastest(clocks: list) -> Clock:
    return min(clocks, key=lambda clock: clock.wall)


def run(n_posts: int, seed: int, naive: bool, processes: int | None, repeat: int) -> None:
    started = time.perf_counter()
    posts = generate_posts(n_posts, seed)
    print(json.dumps({"generated_s": round(time.perf_counter() - started, 1),
                      "load_average_1m": round(os.getloadavg()[0], 2)}), flush=True)

    def cold_run():
        reset_caches()
        return text.add_tokens(posts, processes=processes)

    cold_clocks, warm_clocks, naive_clocks = [], [], []
    for _ in range(repeat):  # interleaved, so that a busy moment hits every variant alike
        cold, new_stems = timed(cold_run, cold_clocks)
        warm, again = timed(lambda: text.add_tokens(posts, stem_cache=new_stems,
                                                    processes=processes), warm_clocks)
        if naive:
            timed(lambda: naive_tokens(posts), naive_clocks)
    assert warm[schema.TOKENS].equals(cold[schema.TOKENS]) and not again
    cold_clock = fastest(cold_clocks)
    report("cold", cold_clock, n_posts, new_stem_entries=len(new_stems),
           tokens=int(cold[schema.TOKENS].list.len().sum()))
    report("warm", fastest(warm_clocks), n_posts)
    if naive:
        naive_clock = fastest(naive_clocks)
        report("naive", naive_clock, n_posts)
        print(json.dumps({"naive_over_cold_wall": round(naive_clock.wall / cold_clock.wall, 1),
                          "naive_over_cold_cpu": round(naive_clock.cpu / cold_clock.cpu, 1),
                          "load_average_1m": round(os.getloadavg()[0], 2)}), flush=True)


def verify_words(n_words: int, seed: int) -> None:
    """Compare monitoring.text.stemming.stem (fast path + faster ``re``) with unpatched PySastrawi on
    every dictionary word plus ``n_words`` generated ones."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    reference = StemmerFactory().create_stemmer()
    rng = random.Random(seed)
    roots = sorted(stemming.dictionary())
    prefixes = ["", "me", "mem", "men", "meng", "meny", "di", "ke", "se", "ber", "ter", "pe",
                "pem", "pen", "peng", "peny", "per", "memper", "diper", "ku", "kau", "be", "te",
                "bel", "pel"]
    suffixes = ["", "i", "kan", "an", "nya", "lah", "kah", "tah", "pun", "ku", "mu", "is", "isme",
                "isasi", "annya", "kannya", "inya", "kanlah", "nyalah"]
    words = set(roots)
    while len(words) < len(roots) + n_words:
        root = rng.choice(roots)
        if rng.random() < 0.3:  # typo-like mutation
            i = rng.randrange(len(root))
            root = root[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + root[i + 1:]
        if rng.random() < 0.2 and len(root) > 2:  # infix
            root = root[0] + rng.choice(["er", "el", "em", "in"]) + root[1:]
        if rng.random() < 0.2:
            root = "".join(rng.choice("aiueobcdghjklmnprstwy") for _ in range(rng.randint(2, 10)))
        words.add(rng.choice(prefixes) + root + rng.choice(suffixes))
    words = sorted(words)
    started = time.perf_counter()
    ours = [stemming.stem(w) for w in words]  # fast path + patched PySastrawi
    fast_path = sum(not stemming.needs_full_stemmer(w) for w in words)
    stemming.use_fast_re(False)  # the reference is PySastrawi as shipped
    try:
        expected = [reference.stem(w) for w in words]
    finally:
        stemming.use_fast_re(True)
    mismatches = [(w, a, b) for w, a, b in zip(words, ours, expected) if a != b]
    print(json.dumps({"verified_words": len(words), "decided_by_fast_path": fast_path,
                      "mismatches": len(mismatches), "examples": mismatches[:10],
                      "seconds": round(time.perf_counter() - started, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--naive", action="store_true", help="also time the naive pipeline")
    parser.add_argument("--processes", type=int, default=None, help="stemming workers")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each phase this many times and keep the fastest (noisy host)")
    parser.add_argument("--verify-words", type=int, default=0,
                        help="instead: check the stemming fast path on this many extra words")
    args = parser.parse_args()
    if args.verify_words:
        verify_words(args.verify_words, args.seed)
        return
    run(args.posts, args.seed, args.naive, args.processes, args.repeat)


if __name__ == "__main__":
    main()
