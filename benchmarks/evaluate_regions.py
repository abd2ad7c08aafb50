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
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitoring.regions import resolve_location  # noqa: E402

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


def main() -> None:
    """Print the figures for both sets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", choices=sorted(SETS), action="append", default=[])
    args = parser.parse_args()
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
