"""Quality, calibration and speed of PantauIsu sentiment models.

    OPENBLAS_NUM_THREADS=1 python benchmarks/evaluate_sentiment.py               # dev sets only
    OPENBLAS_NUM_THREADS=1 python benchmarks/evaluate_sentiment.py --holdout     # + never-tuned holdout
    OPENBLAS_NUM_THREADS=1 python benchmarks/evaluate_sentiment.py --speed 1000000
    python benchmarks/evaluate_sentiment.py --fit-calibration                    # refit the confidence curve

Sets (tests/data/): ``sentiment_tweets_dev_a`` / ``_dev_b`` (written like real tweets by two authors;
the lexicon, rules and thresholds were tuned while reading them), ``sentiment_tweets_holdout`` and
``sentiment_tweets_holdout_b`` (a third and a fourth author, the fourth written after the model was
finished; never read while changing the model: only their aggregate figures are printed, and only with
``--holdout``), and the team's earlier sets ``sentiment_dev`` / ``sentiment_holdout``.

Printed: the default model's macro-F1, accuracy and per-class recall on every set and its
reliability (confidence bins vs accuracy, ECE); the trained model (a blend with the default, see
monitoring/sentiment/training.py) by 5-fold cross-validation on the tweet dev sets and trained on
both tweet dev sets -> scored on the holdout; a learning curve (cross-validated macro-F1 by number of
labelled tweets). BLAS threads are pinned to 1 (2-core machine).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from monitoring import schema as S  # noqa: E402
from monitoring.sentiment import calibration  # noqa: E402
from monitoring.sentiment.lexicon import LexiconSentimentModel  # noqa: E402
from monitoring.sentiment.model import (  # noqa: E402
    evaluate_model,
    normalize_labels,
    predict_sentiment,
)
from monitoring.sentiment.training import fit_blend  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEV_SETS = ("sentiment_tweets_dev_a", "sentiment_tweets_dev_b", "sentiment_dev", "sentiment_holdout")
HOLDOUTS = ("sentiment_tweets_holdout", "sentiment_tweets_holdout_b")  # two more authors, never tuned on
CALIBRATION_SETS = ("sentiment_tweets_dev_a", "sentiment_tweets_dev_b", "sentiment_dev")   # no holdout
HASHTAGS = ("#TolakKenaikanBBM", "#infojkt", "#BansosTepatSasaran", "#PemiluDamai", "#banjir", "#KawalAPBN")


def load(name: str) -> pd.DataFrame:
    table = pd.read_csv(DATA / f"{name}.csv")
    return table.assign(label=normalize_labels(table["label"]))


def synthetic_posts(n: int, seed: int = 0) -> list[str]:
    """``n`` realistic-looking posts: dev texts plus URLs, mentions, hashtags and new words."""
    texts = pd.concat([load(name) for name in DEV_SETS])["text"].tolist()
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    pick = rng.integers(0, len(texts), n)
    coin = rng.random((n, 4))
    words = ["".join(w) for w in letters[rng.integers(0, 26, (n, 7))]]
    posts = []
    for i in range(n):
        parts = [f"@user{rng.integers(0, 50_000)}"] if coin[i, 0] < 0.4 else []
        parts.append(texts[pick[i]])
        if coin[i, 1] < 0.5:
            parts.append(words[i])
        if coin[i, 2] < 0.25:
            parts.append(HASHTAGS[i % len(HASHTAGS)])
        if coin[i, 3] < 0.3:
            parts.append(f"https://t.co/{words[i]}{i}")
        posts.append(" ".join(parts))
    return posts


def speed(n: int) -> None:
    """Print posts/s of the default model's predict_proba on ``n`` synthetic posts (one process)."""
    posts = synthetic_posts(n)
    model = LexiconSentimentModel().fit()
    model.predict_proba(posts[:1000])                      # warm-up
    start, cpu = time.perf_counter(), time.process_time()
    model.predict_proba(posts)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"default model: {n:,} posts in {elapsed:.2f} s wall = {n / elapsed:,.0f} posts/s "
          f"({cpu:.2f} s CPU = {n / cpu:,.0f} posts/s; wall time suffers when other jobs share the cores)")


def _recalls(report: dict) -> str:
    return " ".join(f"{S.SENTIMENT_LABELS[k]} {v['recall']:.2f}" for k, v in report["per_class"].items())


def default_figures(sets: dict[str, pd.DataFrame]) -> None:
    print("== default model (lexicon) ==")
    for name, table in sets.items():
        report = evaluate_model(None, table["text"], table["label"])
        labels, conf = predict_sentiment(table["text"].tolist())
        ece = calibration.expected_calibration_error(conf, labels == table["label"].to_numpy())
        print(f"{name:<26} n={len(table):<4} macro-F1 {report['macro_f1']:.3f}  accuracy {report['accuracy']:.3f}  "
              f"recall: {_recalls(report)}  ECE {ece:.3f}")
    from monitoring.demo.generator import TRUE_SENTIMENT, generate_demo_posts

    demo = generate_demo_posts(seed=5, n_posts=4000)       # another author's generator; its own labels
    report = evaluate_model(None, demo[S.TEXT], demo[TRUE_SENTIMENT])
    print(f"{'demo generator corpus':<26} n={len(demo):<4} macro-F1 {report['macro_f1']:.3f}  "
          f"accuracy {report['accuracy']:.3f}  recall: {_recalls(report)}")


def reliability(sets: dict[str, pd.DataFrame], names: list[str], title: str) -> None:
    table = pd.concat([sets[n] for n in names if n in sets])
    labels, conf = predict_sentiment(table["text"].tolist())
    correct = labels == table["label"].to_numpy()
    frame = calibration.reliability_table(conf, correct)
    print(f"\nreliability of sentiment_score, default model, {title} ({len(table)} posts): "
          f"ECE {calibration.expected_calibration_error(conf, correct):.3f}")
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def trained_figures(sets: dict[str, pd.DataFrame], holdout: bool) -> None:
    print("\n== trained model (word + char n-grams + lexicon evidence, blended with the default) ==")
    tweets = pd.concat([sets["sentiment_tweets_dev_a"], sets["sentiment_tweets_dev_b"]], ignore_index=True)
    for name, table in (("sentiment_tweets_dev_a", sets["sentiment_tweets_dev_a"]),
                        ("sentiment_tweets_dev_b", sets["sentiment_tweets_dev_b"]), ("tweets dev a+b", tweets)):
        _, report = fit_blend(table["text"].tolist(), table["label"].to_numpy(), folds=5)
        print(f"5-fold CV on {name:<22} blend macro-F1 {report['metrics']['macro_f1']:.3f} (weight "
              f"{report['weight']:.2f}); trained alone {report['trained_only']['macro_f1']:.3f}; "
              f"default {report['baseline']['macro_f1']:.3f}")
    print("learning curve (tweets dev a+b, 5-fold CV of a stratified sample):")
    rng = np.random.default_rng(0)
    for size in (150, 300, 600, len(tweets)):
        sample = tweets.iloc[np.sort(rng.permutation(len(tweets))[:size])]
        _, report = fit_blend(sample["text"].tolist(), sample["label"].to_numpy(), folds=5)
        print(f"  {size:>5} labelled tweets: blend {report['metrics']['macro_f1']:.3f}, trained alone "
              f"{report['trained_only']['macro_f1']:.3f}, default {report['baseline']['macro_f1']:.3f}")
    if not holdout:
        return
    model, _ = fit_blend(tweets["text"].tolist(), tweets["label"].to_numpy(), folds=5)
    for name in HOLDOUTS:
        table = sets[name]
        report = evaluate_model(model, table["text"], table["label"])
        labels, conf = predict_sentiment(table["text"].tolist(), model)
        ece = calibration.expected_calibration_error(conf, labels == table["label"].to_numpy())
        print(f"trained on tweets dev a+b ({len(tweets)}) -> {name}: macro-F1 {report['macro_f1']:.3f}, "
              f"accuracy {report['accuracy']:.3f}, recall: {_recalls(report)}, ECE {ece:.3f}")


def fit_default_calibration(sets: dict[str, pd.DataFrame]) -> None:
    """Print the confidence curve of the default model fitted on the dev sets (paste into calibration.py)."""
    table = pd.concat([sets[n] for n in CALIBRATION_SETS])
    model = LexiconSentimentModel().fit()
    score = model.decision_function(table["text"].tolist())
    label, margin = calibration.label_margins(score, model.thresholds_)
    correct = np.array(S.SENTIMENTS, dtype=object)[label] == table["label"].to_numpy()
    print("DEFAULT_CALIBRATION =", calibration.fit_calibration(label, margin, correct))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=int, default=0, metavar="N", help="only time the default model on N posts")
    parser.add_argument("--holdout", action="store_true", help="also score the never-tuned tweet holdout")
    parser.add_argument("--fit-calibration", action="store_true", help="fit the default model's confidence curve")
    args = parser.parse_args()
    if args.speed:
        speed(args.speed)
        return
    sets = {name: load(name) for name in DEV_SETS}
    if args.fit_calibration:
        fit_default_calibration(sets)
        return
    if args.holdout:
        sets.update({name: load(name) for name in HOLDOUTS})
    default_figures(sets)
    reliability(sets, list(DEV_SETS), "all dev sets")
    if args.holdout:
        for name in HOLDOUTS:
            reliability(sets, [name], name)
    trained_figures(sets, args.holdout)


if __name__ == "__main__":
    main()
