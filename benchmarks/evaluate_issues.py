"""Score issue detection against a labelled corpus and time it.

    OPENBLAS_NUM_THREADS=1 python benchmarks/evaluate_issues.py [--n-posts 20000] [--corpus synthetic|demo]
    OPENBLAS_NUM_THREADS=1 python benchmarks/evaluate_issues.py --n-posts 1000000 --scale-only

The script sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS to 1 itself (when unset) before numpy is
imported: on the 2-core machine BLAS otherwise oversubscribes threads and timings are noisy.

Corpus: ``monitoring.demo.generator.generate_demo_posts(seed, n_posts)`` (column ``true_issue``, noise =
``'noise'``) when that module exists and ``--corpus demo`` is asked, else :func:`synthetic_posts`
below (labelled topics, chatter noise, copy-paste campaigns and retweets, in Indonesian with
slang and code-mixing). Tokens come from ``monitoring.text.cleaning.add_tokens`` when it exists, else
from :func:`simple_tokens`.

Reported: NMI, ARI and purity over the posts that are neither true noise nor predicted noise
("non-noise"), the same over all posts with noise as one more class ("all"), the share of true
noise predicted as noise, and wall-clock seconds for dedup, fit and predict.
"""
from __future__ import annotations

import os
import sys

if __name__ == "__main__":  # before numpy is imported anywhere
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import importlib.util
import re
import time

import numpy as np
import pandas as pd

from monitoring import schema

NOISE = "noise"

TOPICS = {
    "bbm": [
        "harga bbm naik lagi", "pertalite langka di spbu", "antre solar berjam jam di spbu",
        "subsidi bbm dicabut pemerintah", "harga pertamax naik per liter", "spbu kehabisan stok pertalite",
        "kuota bbm subsidi dibatasi", "ojol protes harga bensin", "sopir angkot mogok karena solar mahal",
    ],
    "mbg": [
        "program makan bergizi gratis", "menu mbg di sekolah kurang gizi", "siswa keracunan makanan mbg",
        "anggaran makan siang gratis membengkak", "dapur mbg belum dibayar", "susu ikan buat anak sekolah",
        "ahli gizi kritik menu makan gratis", "sppg mbg tutup sementara",
    ],
    "banjir": [
        "banjir rob di pesisir utara", "hujan deras bikin banjir lagi", "tanggul jebol warga mengungsi",
        "bpbd evakuasi korban banjir", "jalan tergenang air setinggi lutut", "posko pengungsian butuh bantuan",
        "pompa air rusak pas banjir", "sungai meluap rumah terendam",
    ],
    "ppn": [
        "ppn naik jadi 12 persen", "pajak makin mencekik rakyat kecil", "daya beli masyarakat turun",
        "tarif ppn 12 persen mulai januari", "barang mewah kena pajak tambahan", "umkm keberatan kenaikan pajak",
        "struk belanja ada ppn 12 persen", "menkeu jelaskan soal ppn",
    ],
    "judol": [
        "judi online makin marak", "situs judol diblokir komdigi", "terjerat pinjol gara gara judol",
        "rekening judi online dibekukan ppatk", "bandar judol ditangkap polisi", "iklan slot gacor di medsos",
        "satgas judi online dibentuk", "gaji habis buat deposit slot",
    ],
    "ukt": [
        "ukt kampus naik drastis", "mahasiswa demo tolak kenaikan ukt", "biaya kuliah makin mahal",
        "kip kuliah tidak tepat sasaran", "rektor janji tinjau ulang ukt", "orang tua mahasiswa keberatan ukt",
        "kemendikbud batalkan kenaikan ukt",
    ],
}
TAGS = {
    "bbm": ["#BBMNaik", "#pertalite"], "mbg": ["#MBG", "#MakanBergiziGratis"],
    "banjir": ["#banjir", "#PrayForJakarta"], "ppn": ["#TolakPPN12Persen", "#PPN12"],
    "judol": ["#BerantasJudol", "#judol"], "ukt": ["#TolakKenaikanUKT", "#UKTMahal"],
}
OPENERS = ["duh", "wkwk", "astaga", "gila sih", "min tolong", "jujur aja", "anjir", "lho kok",
           "hadeh", "guys", "ya allah", "serius deh", "piye iki", "aduh mas", "breaking", "fyi"]
CLOSERS = ["parah banget", "gimana nih pemerintah", "tolong dong diperhatikan", "capek banget",
           "so sad", "literally bikin pusing", "mbok yo mikir", "semoga cepat beres",
           "no comment deh", "kok bisa ya", "rakyat kecil lagi yang kena", "auto emosi"]
EMOJI = ["😡", "😭", "🙏", "🔥", "😤", "👍", "🤦", ""]
CHATTER = ("selamat pagi semua lagi nonton drakor sambil makan seblak resep rendang kucingku lucu "
           "otw kerja kopi susu gula aren weekend rebahan mantap jiwa nunggu ojek skripsi kelar bola "
           "semalam seru besok gajian alhamdulillah playlist galau malam mie ayam kantor enak pulang "
           "kos indomie liburan pantai foto kamera sepatu baru konser tiket nonton film bioskop "
           "ulang tahun adik kakak sepupu hujan gerimis ngantuk tidur siang game rank push mabar "
           "cuci motor masak sambal belanja bulanan diskon").split()
GENERAL = ("pemerintah rakyat warga hari ini kemarin minggu katanya berita viral netizen indonesia "
           "jakarta presiden menteri kebijakan masyarakat naik turun mahal murah harga tolong "
           "semua orang kita mereka bener banget sekarang nanti tahun bulan").split()
STOP = {"di", "dan", "yang", "ya", "lagi", "jadi", "buat", "ada", "aja", "sih", "deh", "dong", "nih",
        "kok", "mas", "min", "guys", "dulu", "makin", "soal", "karena", "gara", "pas", "bikin", "banget"}


def simple_tokens(text: str) -> list[str]:
    """Lower-case words without a tiny stopword list: a stand-in for monitoring.text.cleaning."""
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 1]


def _words(rng: np.random.Generator, pool: list[str], low: int, high: int) -> list[str]:
    return [pool[i] for i in rng.integers(0, len(pool), rng.integers(low, high + 1))]


def _topic_post(rng: np.random.Generator, topic: str) -> str:
    phrase = [w for w in TOPICS[topic][rng.integers(len(TOPICS[topic]))].split() if rng.random() > 0.15]
    keywords = sorted({w for p in TOPICS[topic] for w in p.split() if len(w) > 3})
    extra = _words(rng, keywords, 0, 3) + _words(rng, GENERAL, 0, 4)
    rng.shuffle(extra)
    parts = phrase + extra
    if rng.random() < 0.6:
        parts.insert(0, OPENERS[rng.integers(len(OPENERS))])
    if rng.random() < 0.5:
        parts.append(CLOSERS[rng.integers(len(CLOSERS))])
    if rng.random() < 0.4:
        parts.append(TAGS[topic][rng.integers(2)])
    text = " ".join(parts) + " " + EMOJI[rng.integers(len(EMOJI))]
    return text.strip().capitalize() if rng.random() < 0.5 else text.strip()


def _chatter_post(rng: np.random.Generator) -> str:
    words = _words(rng, CHATTER, 3, 8) + _words(rng, GENERAL, 0, 2)
    rng.shuffle(words)
    return " ".join(words) + " " + EMOJI[rng.integers(len(EMOJI))]


def synthetic_posts(seed: int = 0, n_posts: int = 5000, *, topics: tuple[str, ...] | None = None,
                    noise_share: float = 0.15, campaign_share: float = 0.1) -> pd.DataFrame:
    """Labelled posts: topic posts, chatter noise, copy-paste campaigns and retweets.

    Args:
        seed: random seed; the same seed gives the same frame.
        n_posts: number of rows.
        topics: subset of :data:`TOPICS` keys (default: all).
        noise_share: share of chatter posts (``true_issue == 'noise'``).
        campaign_share: share of rows that are copies of a few campaign texts (small variations,
            many authors) or retweets of earlier posts.

    Returns:
        Frame with post_key, text, author, created_at (UTC), tokens, ``true_issue`` and
        ``true_coordinated`` (campaign copies, posted within a few hours of each other).
    """
    rng = np.random.default_rng(seed)
    names = list(topics or TOPICS)
    texts, labels = [], []
    for _ in range(n_posts):
        if rng.random() < noise_share:
            texts.append(_chatter_post(rng)), labels.append(NOISE)
        else:
            topic = names[rng.integers(len(names))]
            texts.append(_topic_post(rng, topic)), labels.append(topic)
    n_copies = int(n_posts * campaign_share)
    start = pd.Timestamp("2025-01-01", tz="UTC")
    seconds = rng.integers(0, 7 * 86400, n_posts)
    campaigns = [(_topic_post(rng, t), t, rng.integers(0, 6 * 86400)) for t in rng.choice(names, size=max(1, n_copies // 50))]
    coordinated = np.zeros(n_posts, dtype=bool)
    for row in rng.choice(n_posts, size=n_copies, replace=False):
        if rng.random() < 0.5:  # campaign copy with a small variation, posted in a burst
            text, topic, burst = campaigns[rng.integers(len(campaigns))]
            texts[row] = text + " " + EMOJI[rng.integers(len(EMOJI))] + (" #viral" if rng.random() < 0.3 else "")
            labels[row], seconds[row], coordinated[row] = topic, burst + rng.gamma(2.0, 1200.0), True
        else:  # retweet of another post
            source = int(rng.integers(n_posts))
            texts[row] = f"RT @akun{source % 97}: {texts[source]}"
            labels[row] = labels[source]
    return pd.DataFrame({
        schema.POST_KEY: [f"p{i:07d}" for i in range(n_posts)],
        schema.TEXT: texts,
        schema.AUTHOR: [f"user{a}" for a in rng.integers(0, max(10, n_posts // 3), n_posts)],
        schema.CREATED_AT: start + pd.to_timedelta(seconds, unit="s"),
        schema.TOKENS: [simple_tokens(t) for t in texts],
        "true_issue": labels,
        "true_coordinated": coordinated,
    })


def load_corpus(name: str, seed: int, n_posts: int, tokenizer: str = "text") -> pd.DataFrame:
    """The labelled corpus with tokens: ``demo`` (monitoring.demo.generator) or ``synthetic``.

    ``tokenizer='text'`` uses monitoring.text.cleaning.add_tokens when it exists, ``'simple'`` always
    uses :func:`simple_tokens` (fast enough to build a million-post corpus).
    """
    if name == "demo":
        if importlib.util.find_spec("monitoring.demo.generator") is None:
            raise SystemExit("monitoring/demo.py does not exist yet: use --corpus synthetic")
        from monitoring.demo.generator import generate_demo_posts
        posts = generate_demo_posts(seed=seed, n_posts=n_posts)
        posts[schema.POST_KEY] = posts[schema.PLATFORM] + ":" + posts[schema.POST_ID].astype(str)
    else:
        posts = synthetic_posts(seed, n_posts)
    if tokenizer == "text" and importlib.util.find_spec("monitoring.text.cleaning") is not None:
        from monitoring.text.cleaning import add_tokens
        result = add_tokens(posts.drop(columns=[schema.TOKENS], errors="ignore"))
        return result[0] if isinstance(result, tuple) else result
    if schema.TOKENS not in posts or tokenizer == "simple":
        posts = posts.assign(**{schema.TOKENS: posts[schema.TEXT].map(simple_tokens)})
    return posts


def purity(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Share of documents whose cluster's majority true class is their own class."""
    table = pd.crosstab(predicted, truth)
    return float(table.max(axis=1).sum() / max(len(truth), 1))


def scores(truth: pd.Series, predicted: np.ndarray) -> dict[str, float]:
    """NMI / ARI / purity on non-noise posts and on all posts (noise as one more class)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    truth = truth.to_numpy()
    kept = (truth != NOISE) & (predicted >= 0)
    result = {}
    for name, mask in (("non-noise", kept), ("all", np.ones(len(truth), dtype=bool))):
        t, p = truth[mask], predicted[mask]
        result[f"NMI {name}"] = normalized_mutual_info_score(t, p)
        result[f"ARI {name}"] = adjusted_rand_score(t, p)
        result[f"purity {name}"] = purity(t, p)
    is_noise = truth == NOISE
    result["noise recall"] = float((predicted[is_noise] < 0).mean()) if is_noise.any() else float("nan")
    result["topic posts kept"] = float((predicted[~is_noise] >= 0).mean())
    return result


def run(posts: pd.DataFrame, n_issues: int | None, clusterer_name: str) -> dict[str, float]:
    """Dedup, fit on one document per group, predict every post; scores and timings."""
    from monitoring.issues.dedup import add_duplicate_groups
    from monitoring.issues.model import IssueModel, NMFClusterer

    timings = {}
    start = time.perf_counter()
    posts = add_duplicate_groups(posts)
    timings["dedup s"] = time.perf_counter() - start
    groups = posts.drop_duplicates(schema.DUP_GROUP)
    clusterer = NMFClusterer() if clusterer_name == "nmf" else None
    start = time.perf_counter()
    model = IssueModel(n_issues=n_issues, clusterer=clusterer).fit(groups[schema.TOKENS])
    timings["fit s"] = time.perf_counter() - start
    start = time.perf_counter()
    predicted = model.predict(posts[schema.TOKENS])
    timings["predict s"] = time.perf_counter() - start
    result = {"posts": len(posts), "dup groups": len(groups), "issues found": model.n_issues_,
              "noise threshold": model.threshold_,
              "k scores": " ".join(f"{k}:{v:.2f}" for k, v in getattr(model, "k_scores_", {}).items())}
    if "true_coordinated" in posts:
        truth, flagged = posts["true_coordinated"].astype(bool), posts[schema.IS_COORDINATED]
        result["coordinated precision"] = float((truth & flagged).sum() / max(flagged.sum(), 1))
        result["coordinated recall"] = float((truth & flagged).sum() / max(truth.sum(), 1))
    if "true_issue" in posts:
        result["true issues"] = posts.loc[posts["true_issue"] != NOISE, "true_issue"].nunique()
        result.update(scores(posts["true_issue"], predicted))
    result.update(timings)
    result["top terms"] = [" ".join(t[:4]) for t in model.top_terms_]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=("synthetic", "demo"), default="synthetic")
    parser.add_argument("--n-posts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-issues", type=int, default=None, help="fix k (default: automatic)")
    parser.add_argument("--clusterer", choices=("kmeans", "nmf"), default="kmeans")
    parser.add_argument("--tokenizer", choices=("text", "simple"), default="text",
                        help="monitoring.text.cleaning.add_tokens (default) or a fast lower-case split")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    posts = load_corpus(args.corpus, args.seed, args.n_posts, args.tokenizer)
    print(f"corpus {args.corpus}: {len(posts)} posts in {time.perf_counter() - start:.1f} s "
          f"(OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')})")
    for key, value in run(posts, args.n_issues, args.clusterer).items():
        if isinstance(value, list):
            print(f"{key}:")
            for i, line in enumerate(value):
                print(f"  {i:>2}  {line}")
        else:
            print(f"{key:>22}: {value:.3f}" if isinstance(value, float) else f"{key:>22}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
