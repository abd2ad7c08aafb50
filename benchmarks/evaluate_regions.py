"""Measure the profile-location resolver on the labelled location sets.

    python benchmarks/evaluate_regions.py [--show-errors dev|holdout]

Labels (tests/data/locations_*.csv: raw, province_code, kabkota_code): a blank province means no single
Indonesian province can be determined (non-place, foreign place, "Indonesia", an island, several provinces);
a blank kabkota means the string does not determine one. Bare names shared by a kabupaten and a kota of the
same province are labelled with the kota (the documented rule in monitoring/regions.py).

Figures printed per set:
- precision: correct province among strings given a province (a province for a blank label counts as wrong);
- recall: correct province among strings labelled with a province;
- non-place rate: strings labelled blank that were given a province;
- kabkota precision: correct kab/kota among strings given one (given one where the label is blank = wrong);
- kabkota recall: correct kab/kota among strings labelled with one.
locations_dev.csv is the set the rules were tuned on; locations_holdout.csv was written before the resolver
and never tuned on.

    python benchmarks/evaluate_regions.py --speed 1000000

times ``add_regions`` on that many synthetic posts (about 50k distinct profile locations, tweet-length texts
of which about one in ten names a place, 40% empty locations) and prints the seconds taken; ``--worst-case``
makes every text distinct and leaves every location empty, so every post goes through the text search.
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from monitoring import schema  # noqa: E402
from monitoring.regions.resolve import add_regions, coverage, resolve_location  # noqa: E402

SETS = {"dev": ROOT / "tests/data/locations_dev.csv", "holdout": ROOT / "tests/data/locations_holdout.csv"}


def load(path: Path) -> list[dict[str, str]]:
    """Rows of a labelled location file."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def evaluate(rows: list[dict[str, str]]) -> tuple[dict[str, float], list[str]]:
    """Metrics and a list of error descriptions for one labelled set."""
    given = correct = labelled = hits = blank = blank_given = 0
    kab_given = kab_correct = kab_labelled = kab_hits = 0
    errors = []
    for row in rows:
        placement = resolve_location(row["raw"])
        got_p = placement.province_code if placement else ""
        got_k = (placement.kabkota_code or "") if placement else ""
        want_p, want_k = row["province_code"], row["kabkota_code"]
        given += bool(got_p)
        correct += bool(got_p) and got_p == want_p
        labelled += bool(want_p)
        hits += bool(want_p) and got_p == want_p
        blank += not want_p
        blank_given += (not want_p) and bool(got_p)
        kab_given += bool(got_k)
        kab_correct += bool(got_k) and got_k == want_k
        kab_labelled += bool(want_k)
        kab_hits += bool(want_k) and got_k == want_k
        if (got_p, got_k) != (want_p, want_k):
            errors.append(f"{row['raw']!r}: got {got_p or '-'}/{got_k or '-'}, want {want_p or '-'}/{want_k or '-'}")
    ratio = lambda a, b: a / b if b else float("nan")  # noqa: E731
    metrics = {
        "rows": len(rows), "precision": ratio(correct, given), "recall": ratio(hits, labelled),
        "non_place_rate": ratio(blank_given, blank), "kabkota_precision": ratio(kab_correct, kab_given),
        "kabkota_recall": ratio(kab_hits, kab_labelled),
    }
    return metrics, errors


_WORDS = ("aku lagi di rumah nih banjir parah banget gak bisa keluar pemerintah harus tanggap cepat kasihan "
          "warga yang terdampak semoga segera surut wkwk bgt sih dong tolong pak harga beras naik lagi gimana "
          "ini @pemkot #viral https://t.co/x8Yq2 😭 🙏 bansos jalan rusak listrik padam").split()
_MENTIONS = ("di Kota Bekasi", "warga Bontang", "Pemkab Bogor", "banjir Semarang", "gempa Malang",
             "di Jakarta", "Gubernur Jabar", "nasi padang", "batu bara", "Jl. Surabaya")


def synthetic_posts(n: int, seed: int = 0, worst_case: bool = False) -> pd.DataFrame:
    """``n`` synthetic posts for timing; locations and texts repeat as in real exports (unless worst case)."""
    rng = np.random.default_rng(seed)
    bases = [r["raw"] for path in SETS.values() for r in load(path)]
    distinct = [f"{bases[i % len(bases)]}{' ' + str(i // len(bases)) if i >= len(bases) else ''}"
                for i in range(50_000)]
    locations = np.array(distinct + [None], dtype=object)[rng.integers(0, len(distinct) + 1, n)]
    locations[rng.random(n) < (1.0 if worst_case else 0.4)] = None
    words = np.array(_WORDS, dtype=object)
    distinct_texts = n if worst_case else min(n, 200_000)
    texts = np.array([" ".join(row) for row in words[rng.integers(0, len(words), (distinct_texts, 22))]],
                     dtype=object)
    if not worst_case:
        texts = texts[rng.integers(0, len(texts), n)]
    mention = rng.random(n) < 0.1
    texts[mention] = texts[mention] + " " + np.array(_MENTIONS, dtype=object)[rng.integers(0, 10, mention.sum())]
    return pd.DataFrame({schema.DATASET_ID: rng.integers(1, 4, n), schema.LOCATION_RAW: locations,
                         schema.TEXT: texts})


def time_add_regions(n: int, worst_case: bool) -> None:
    """Print how long :func:`add_regions` takes on ``n`` synthetic posts."""
    posts = synthetic_posts(n, worst_case=worst_case)
    resolve_location("Jakarta")  # load the gazetteer outside the timing
    start, cpu_start = time.perf_counter(), time.process_time()
    placed = add_regions(posts)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    sources = placed[schema.REGION_SOURCE].value_counts().to_dict()
    print(f"add_regions: {n:,} posts, {posts[schema.LOCATION_RAW].nunique():,} distinct locations, "
          f"{posts[schema.TEXT].nunique():,} distinct texts: {elapsed:.2f} s wall, {cpu:.2f} s CPU; "
          f"coverage {coverage(placed):.1%}; by source {sources}")


def main() -> None:
    """Print the figures for both sets (and the timing when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", choices=sorted(SETS), action="append", default=[])
    parser.add_argument("--speed", type=int, default=0, metavar="N", help="time add_regions on N posts")
    parser.add_argument("--worst-case", action="store_true", help="with --speed: all texts distinct, no locations")
    args = parser.parse_args()
    if args.speed:
        time_add_regions(args.speed, args.worst_case)
    for name, path in SETS.items():
        start = time.perf_counter()
        metrics, errors = evaluate(load(path))
        elapsed = time.perf_counter() - start
        print(f"{name:8s} rows={metrics['rows']:4d}  precision={metrics['precision']:.3f}  "
              f"recall={metrics['recall']:.3f}  non-place rate={metrics['non_place_rate']:.3f}  "
              f"kabkota precision={metrics['kabkota_precision']:.3f}  "
              f"kabkota recall={metrics['kabkota_recall']:.3f}  ({elapsed:.2f} s)")
        if name in args.show_errors:
            print("\n".join("    " + e for e in errors))


if __name__ == "__main__":
    main()
