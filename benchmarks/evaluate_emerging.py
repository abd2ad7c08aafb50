"""Does a brand-new local issue become the top emerging issue? Injection benchmark (issue 7).

    python benchmarks/evaluate_emerging.py [--seeds 1 2 3] [--backgrounds demo mixed] [--split all]
    python benchmarks/evaluate_emerging.py --scale 1000000     # fit + predict time, with and without
    python benchmarks/evaluate_emerging.py --mode incremental  # the daily scrape: no re-fit

The script sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS to 1 itself (when unset).

For every background x seed a store is built (``storage.connect`` on a temp file, posts imported with
``imports.import_posts_frame`` and enriched once), then for every scenario a copy of it gets the
scenario's posts (:mod:`benchmarks.emerging_corpus`: 40-150 posts in the last 22 hours, located in
one province through bio locations) and ``pipeline.analyze(con, refit=True)`` runs. With
``--mode incremental`` the store is analysed (fitted) on the background posts older than its last 24
hours; every scenario then imports those last 24 hours with its posts and runs ``pipeline.analyze(con)``,
which finds the new window's issues without a re-fit (:mod:`monitoring.issues.refresh`). Checked:

1. the injected issue's cluster (the issue id holding most injected posts) is the top row of
   ``emerging_table`` for the scenario's province;
2. it is in the national top 3 (province code 'ID');
3. purity: share of the cluster's posts of the last 24 hours that are injected (>= 0.5); capture:
   share of the injected posts in the cluster (reported).

Backgrounds: ``demo`` = ``monitoring.demo.generator.generate_demo_posts`` without its own emerging issue
(whose posts are the ``demo_kupang`` scenario instead), ``mixed`` = :mod:`benchmarks.background_corpus`
(other topics, freer text, a football surge on the last evening). Scenario ``none`` injects nothing:
it reports the top national emerging issue and the new-issue clusters the model created, to show
whether the burst stage invents issues. Splits: ``dev`` scenarios (and the demo's own) were used
to tune; ``holdout`` and ``holdout-b`` were written before tuning and not tuned on, but one
failure of each was inspected and led to a change (the margin rule, the two-way split);
``holdout-c`` was written after the last change and run once.
"""
from __future__ import annotations

import os
import sys

if __name__ == "__main__":  # before numpy is imported anywhere
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.emerging_corpus import (
    DEV,
    HOLDOUT,
    HOLDOUT_B,
    HOLDOUT_C,
    SCENARIOS,
    inject_posts,
)
from monitoring import schema as S
from monitoring.ingest.imports import import_posts_frame
from monitoring.issues.store import load_issue_model
from monitoring.pipeline import analyze, enrich_new_posts
from monitoring.signals.emerging import emerging_table
from monitoring.store import database as storage
from monitoring.store.queries import Filters

SIZES = (40, 90, 150)  # injected posts, cycled over seeds
DEMO_SCENARIO = "demo_kupang"


def background(name: str, seed: int, n_posts: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(background posts, the demo's own emerging posts or an empty frame)."""
    if name == "demo":
        from monitoring.demo.generator import (
            EMERGING_ISSUE,
            TRUE_ISSUE,
            generate_demo_posts,
        )
        posts = generate_demo_posts(seed=seed, n_posts=n_posts)
        own = posts[TRUE_ISSUE] == EMERGING_ISSUE
        return posts[~own].reset_index(drop=True), posts[own].reset_index(drop=True)
    from benchmarks.background_corpus import mixed_background
    return mixed_background(seed, n_posts), pd.DataFrame()


def build_base(path: Path, posts: pd.DataFrame, incremental: bool = False) -> pd.DataFrame:
    """The scenarios' starting store; returns the background posts each scenario still imports."""
    later = pd.DataFrame(columns=posts.columns)
    if incremental:
        times = pd.to_datetime(posts[S.CREATED_AT], utc=True)
        recent = times > times.max() - pd.Timedelta(hours=24)
        posts, later = posts[~recent], posts[recent]
    con = storage.connect(path)
    try:
        import_posts_frame(con, posts, name="background")
        if incremental:
            analyze(con)
        else:
            enrich_new_posts(con)
    finally:
        con.close()
    return later


def evaluate(con, injected: pd.DataFrame | None, province: str | None) -> dict:
    """Checks (1)-(3) for one analysed store; ``injected`` None = no injection."""
    posts = storage.query_df(con, f"""SELECT p.{S.POST_ID}, p.{S.PLATFORM}, p.{S.CREATED_AT}, i.{S.ISSUE_ID},
        e.{S.PROVINCE_CODE} FROM posts p JOIN post_issues i USING ({S.POST_KEY})
        JOIN enrichment e USING ({S.POST_KEY})""")
    table = emerging_table(con, Filters())
    national = table[table[S.PROVINCE_CODE] == S.NATIONAL_CODE].reset_index(drop=True)
    model, cluster_ids = load_issue_model(con)
    n_new = len(getattr(model, "bursts_", []))
    new_ids = set(cluster_ids[len(cluster_ids) - n_new:]) if n_new else set()
    row = {"new issues": n_new, "top national": national["issue_label"].iloc[0] if len(national) else "",
           "top is new": bool(len(national) and national[S.ISSUE_ID].iloc[0] in new_ids)}
    if injected is None:
        row["new labels"] = " | ".join(national.loc[national[S.ISSUE_ID].isin(new_ids), "issue_label"].head(3))
        return row
    keys = injected[[S.POST_ID, S.PLATFORM]].assign(_injected=True)
    posts = posts.merge(keys, on=[S.POST_ID, S.PLATFORM], how="left")
    is_injected = posts["_injected"].fillna(False).astype(bool)
    counts = posts.loc[is_injected, S.ISSUE_ID].dropna().value_counts()
    cluster = counts.index[0] if len(counts) else None
    times = pd.to_datetime(posts[S.CREATED_AT], utc=True)
    recent = times > times.max() - pd.Timedelta(hours=24)
    in_cluster = posts[S.ISSUE_ID] == cluster
    local = table[table[S.PROVINCE_CODE] == province].reset_index(drop=True)
    row.update({
        "injected": int(is_injected.sum()),
        "located": round(float((posts.loc[is_injected, S.PROVINCE_CODE] == province).mean()), 2),
        "cluster new": cluster in new_ids,
        "province rank": _rank(local, cluster), "national rank": _rank(national, cluster),
        "purity": round(float((in_cluster & recent & is_injected).sum() / max((in_cluster & recent).sum(), 1)), 3),
        "capture": round(float((in_cluster & is_injected).sum() / is_injected.sum()), 3),
        "label": table.loc[table[S.ISSUE_ID] == cluster, "issue_label"].head(1).str.cat(),
    })
    row["pass"] = bool(row["province rank"] == 1 and row["national rank"] <= 3 and row["purity"] >= 0.5)
    return row


def _rank(frame: pd.DataFrame, issue_id: str | None) -> int:
    hits = frame.index[frame[S.ISSUE_ID] == issue_id]
    return int(hits[0]) + 1 if len(hits) else 999


def run(backgrounds: list[str], seeds: list[int], n_posts: int, split: str, workdir: Path,
        incremental: bool = False) -> pd.DataFrame:
    names = {"dev": DEV, "holdout": HOLDOUT, "holdout-b": HOLDOUT_B, "holdout-c": HOLDOUT_C,
             "all": DEV + HOLDOUT + HOLDOUT_B + HOLDOUT_C}[split]
    rows = []
    for name in backgrounds:
        for index, seed in enumerate(seeds):
            posts, own = background(name, seed, n_posts)
            base = workdir / f"{name}-{seed}.duckdb"
            later = build_base(base, posts, incremental)
            end = pd.to_datetime(posts[S.CREATED_AT], utc=True).max()
            scenarios = [("none", None)] + [(k, k) for k in names]
            if len(own):
                scenarios.append((DEMO_SCENARIO, DEMO_SCENARIO))
            for position, (label, key) in enumerate(scenarios):
                size = SIZES[(index + position) % len(SIZES)]
                if key == DEMO_SCENARIO:
                    injected, province = own, "53"
                elif key is not None:
                    injected = inject_posts(key, size, end=end, seed=seed)
                    province = SCENARIOS[key].province_code
                else:
                    injected, province = None, None
                rows.append(_one(base, workdir / "run.duckdb", injected, province, later) | {
                    "background": name, "seed": seed, "scenario": label,
                    "split": _split(key)})
                print(_line(rows[-1]), flush=True)
    return pd.DataFrame(rows)


def _split(key: str | None) -> str:
    if key is None:
        return "-"
    for name, keys in (("holdout", HOLDOUT), ("holdout-b", HOLDOUT_B), ("holdout-c", HOLDOUT_C)):
        if key in keys:
            return name
    return "dev"


def _one(base: Path, path: Path, injected: pd.DataFrame | None, province: str | None,
         later: pd.DataFrame) -> dict:
    shutil.copy(base, path)
    con = storage.connect(path)
    try:
        if len(later):
            import_posts_frame(con, later, name="background, last 24 hours")
        if injected is not None:
            import_posts_frame(con, injected, name="injected")
        start = time.perf_counter()
        report = analyze(con, refit=not len(later))
        seconds = time.perf_counter() - start
        return evaluate(con, injected, province) | {"analyze s": round(seconds, 1),
                                                    "issues s": report.timings.get("issues")}
    finally:
        con.close()
        path.unlink(missing_ok=True)


def _line(row: dict) -> str:
    head = f"{row['background']:>5} seed {row['seed']} {row['scenario']:<28}"
    if "pass" not in row:
        return (f"{head} new issues {row['new issues']} [{row['new labels']}]  top national: "
                f"{row['top national']!r} (new: {row['top is new']})  {row['analyze s']} s")
    return (f"{head} n={row['injected']:<3} prov#{row['province rank']:<3} nat#{row['national rank']:<3} "
            f"purity {row['purity']:.2f} capture {row['capture']:.2f} new={row['cluster new']!s:<5} "
            f"{'PASS' if row['pass'] else 'FAIL'}  [{row['label']}] new issues {row['new issues']}  "
            f"{row['analyze s']} s")


def scale(n_posts: int, repeat: int = 2) -> None:
    """Time fit (with its per-group times / authors / counts) + predict of every post, on ``n_posts``
    synthetic posts over 7 days (benchmarks.evaluate_issues) with two injected issues; dedup excluded."""
    from benchmarks.evaluate_issues import simple_tokens, synthetic_posts
    from monitoring.issues.dedup import add_duplicate_groups
    from monitoring.issues.detection import _fit_context
    from monitoring.issues.model import IssueModel

    start = time.perf_counter()
    posts = synthetic_posts(0, n_posts)
    end = posts[S.CREATED_AT].max()
    injected = [inject_posts(key, size, end=end, seed=3).assign(true_issue=key)
                for key, size in (("kebakaran_pasar_ambon", 60), ("antrean_lpg_palu", 150))]
    posts = pd.concat([posts] + [i.assign(**{S.POST_KEY: i[S.POST_ID], S.TOKENS: i[S.TEXT].map(simple_tokens)})
                                 for i in injected], ignore_index=True)
    posts = add_duplicate_groups(posts)
    groups = posts.loc[~posts[S.DUP_GROUP].duplicated().to_numpy()]
    print(f"{len(posts):,} posts, {len(groups):,} duplicate groups ready in {time.perf_counter() - start:.0f} s "
          f"(OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')})")
    for _ in range(repeat):
        for hours in (None, 24):
            start = time.perf_counter()
            model = IssueModel(burst_hours=hours).fit(groups[S.TOKENS], **_fit_context(posts, groups))
            fitted = time.perf_counter() - start
            labels = model.predict(posts[S.TOKENS])
            total = time.perf_counter() - start
            found = []
            for key, _ in (("kebakaran_pasar_ambon", 60), ("antrean_lpg_palu", 150)):
                mine = (posts["true_issue"] == key).to_numpy()
                issue = pd.Series(labels[mine]).mode()[0]
                found.append(f"{key}: issue {issue}, capture {(labels[mine] == issue).mean():.2f}, "
                             f"cluster size {(labels == issue).sum() if issue >= 0 else 0}")
            print(f"new-issue stage {'on ' if hours else 'off'}: fit {fitted:.1f} s + predict {total - fitted:.1f} s "
                  f"= {total:.1f} s; {model.n_issues_} issues; " + "; ".join(found))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backgrounds", nargs="+", choices=("demo", "mixed"), default=["demo", "mixed"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--n-posts", type=int, default=6000, help="background posts")
    parser.add_argument("--split", choices=("dev", "holdout", "holdout-b", "holdout-c", "all"), default="all")
    parser.add_argument("--mode", choices=("refit", "incremental"), default="refit",
                        help="refit: analyse each scenario with a full fit; incremental: fit before the last "
                             "24 hours, then analyse them as a newer upload")
    parser.add_argument("--csv", help="also write the table here")
    parser.add_argument("--no-bursts", action="store_true", help="disable the new-issue stage (before/after)")
    parser.add_argument("--scale", type=int, help="only time fit + predict on this many synthetic posts")
    args = parser.parse_args(argv)
    if args.scale:
        scale(args.scale)
        return 0
    if args.no_bursts:
        import functools

        from monitoring.issues import store as issue_store
        from monitoring.issues.model import IssueModel
        issue_store.IssueModel = functools.partial(IssueModel, burst_hours=None)
    with tempfile.TemporaryDirectory() as tmp:
        table = run(args.backgrounds, args.seeds, args.n_posts, args.split, Path(tmp), args.mode == "incremental")
    if args.csv:
        table.to_csv(args.csv, index=False)
    scored = table[table["split"] != "-"]
    if len(scored):
        summary = scored.groupby(["split", "background"]).agg(
            runs=("pass", "size"), passed=("pass", "sum"), top_province=("province rank", lambda r: (r == 1).mean()),
            top3_national=("national rank", lambda r: (r <= 3).mean()), purity=("purity", "median"),
            capture=("capture", "median"), min_purity=("purity", "min"))
        print("\n" + summary.round(2).to_string())
    quiet = table[table["split"] == "-"]
    if len(quiet):
        print("\nwithout injection: new issues created", quiet["new issues"].tolist(),
              "| top national is a new issue:", quiet["top is new"].tolist())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
