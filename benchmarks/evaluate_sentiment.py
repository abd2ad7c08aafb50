"""Quality and speed of PantauIsu sentiment models.

    OPENBLAS_NUM_THREADS=1 python benchmarks/evaluate_sentiment.py            # quality (dev + holdout)
    OPENBLAS_NUM_THREADS=1 python benchmarks/evaluate_sentiment.py --speed 1000000

Quality: macro-F1 of the default lexicon model on tests/data/sentiment_dev.csv (rules and lexicon
were written while looking at this set) and tests/data/sentiment_holdout.csv (never used for tuning);
5-fold cross-validation of the trainable model on each set (with and without the lexicon features);
the trainable model fitted on dev and scored on holdout; and the default model on the demo
generator's corpus (monitoring/demo_corpus.py, another author; its labels are the generator's; seed 5
was never inspected, seed 3 was). All of these are team-written posts: expect lower figures on real data.

Speed: posts/s of the default model on synthetic posts made from both sets plus random URLs,
mentions, camel-case hashtags and unseen words (so the vocabulary keeps growing, as in real data).
BLAS threads are pinned to 1 (2-core machine).
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
from monitoring.demo.generator import TRUE_SENTIMENT, generate_demo_posts  # noqa: E402
from monitoring.sentiment.lexicon import LexiconSentimentModel  # noqa: E402
from monitoring.sentiment.model import cross_validate_model, evaluate_model, train_model  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
HASHTAGS = ("#TolakKenaikanBBM", "#infojkt", "#BansosTepatSasaran", "#PemiluDamai", "#banjir", "#KawalAPBN")


def synthetic_posts(n: int, seed: int = 0) -> list[str]:
    """``n`` realistic-looking posts: team-written texts plus URLs, mentions, hashtags and new words."""
    base = pd.concat([pd.read_csv(DATA / "sentiment_dev.csv"), pd.read_csv(DATA / "sentiment_holdout.csv")])
    texts = base["text"].tolist()
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
    """Print posts/s of the default model's predict_proba on ``n`` synthetic posts."""
    posts = synthetic_posts(n)
    model = LexiconSentimentModel().fit()
    model.predict_proba(posts[:1000])                      # warm-up
    start, cpu = time.perf_counter(), time.process_time()
    model.predict_proba(posts)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"default model: {n:,} posts in {elapsed:.2f} s wall = {n / elapsed:,.0f} posts/s "
          f"({cpu:.2f} s CPU = {n / cpu:,.0f} posts/s; wall time suffers when other jobs share the cores)")


def quality() -> None:
    """Print macro-F1 of the default model and of the trainable model (CV and dev -> holdout)."""
    sets = {name: pd.read_csv(DATA / f"sentiment_{name}.csv") for name in ("dev", "holdout")}
    default = LexiconSentimentModel().fit()
    for name, table in sets.items():
        report = evaluate_model(default, table["text"], table["label"])
        print(f"default lexicon, {name} ({len(table)} posts): macro-F1 {report['macro_f1']:.3f}, "
              f"accuracy {report['accuracy']:.3f}")
    for name, table in sets.items():
        for lexicon_features, variant in ((True, "TF-IDF + lexicon"), (False, "TF-IDF only")):
            cv = cross_validate_model(table["text"], table["label"], folds=5, lexicon_features=lexicon_features)
            print(f"trainable ({variant}), 5-fold CV on {name}: macro-F1 {cv['macro_f1']:.3f}, "
                  f"accuracy {cv['accuracy']:.3f}")
    demo_posts = generate_demo_posts(seed=5, n_posts=4000)
    report = evaluate_model(default, demo_posts[S.TEXT], demo_posts[TRUE_SENTIMENT])
    print(f"default lexicon, demo generator corpus (another author, 4000 posts): "
          f"macro-F1 {report['macro_f1']:.3f}, accuracy {report['accuracy']:.3f}")
    trained = train_model(sets["dev"]["text"], sets["dev"]["label"])
    report = evaluate_model(trained, sets["holdout"]["text"], sets["holdout"]["label"])
    print(f"trainable, fitted on dev, scored on holdout: macro-F1 {report['macro_f1']:.3f}, "
          f"accuracy {report['accuracy']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=int, default=0, metavar="N", help="only time the default model on N posts")
    args = parser.parse_args()
    if args.speed:
        speed(args.speed)
    else:
        quality()


if __name__ == "__main__":
    main()
