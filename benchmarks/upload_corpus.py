"""Write a folder of realistic single-topic export files, as an analyst would upload them together.

    python benchmarks/upload_corpus.py --out /tmp/uploads [--split dev|holdout] [--seed 1] [--scale 1.0]

Each file is one topic in one real export format (about 14k rows in all at ``--scale 1``): tweet-harvest
CSV on the PPN 12% rise (3000, long tweets) and on KIP Kuliah (2500, many retweets and replies),
tweet-harvest saved as XLSX on corruption cases (2000), Apify Instagram comments on the Tapera regulation
(4000, short and emotional), youtube-comment-downloader under a Semarang flood video (1500, much chatter),
a news list ``judul,tanggal,sumber,link`` on food prices (300) and Apify TikTok comments JSON on PPDB
zoning (1000); see ``benchmarks/data/upload_files.json``.

Sentences come from ``benchmarks/data/upload_phrases_<split>.json`` (``dev`` and ``holdout`` share no
sentence) and ``upload_common.json``. Rows carry slang, typos, emoji, laughter, hashtags, links, friend
tags, retweets and replies; dates spread over 10 days before ``END``; some accounts post many times;
likes are skewed. ``--seed`` changes the sampling, never the banks. The folder also gets
``manifest.json`` and ``truth.csv`` (per row: file, kind = topic / reaction / chatter, framing, text);
they are not uploads.
"""
from __future__ import annotations

import argparse
import json
import re
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"
END = pd.Timestamp("2024-12-20T03:00:00Z")  # export time; pass it as --now to ingest and analyze
DAYS = 10
SPLITS = ("dev", "holdout")
ID_CHARS = string.ascii_letters + string.digits + "-_"
# Posting activity by hour of day (UTC+7 local), night low, evening high.
DIURNAL = np.array([.35, .2, .12, .08, .08, .15, .35, .6, .8, .85, .85, .9, 1, .95, .85, .8, .85, .95, 1.1, 1.35,
                    1.5, 1.45, 1.2, .7])
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MON_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


@dataclass(frozen=True)
class FileSpec:
    """One upload: its topic, format and the mix of rows it holds."""

    name: str
    topic: str
    writer: str  # tweet_harvest | tweet_xlsx | instagram | youtube | news | tiktok
    rows: int
    style: str  # tweet | comment | headline
    reaction_share: float = 0.0  # emoji / laughter / cheers / tags only
    chatter_share: float = 0.0  # off-topic
    retweet_share: float = 0.0
    reply_share: float = 0.0
    two_sentences: float = 0.2  # comments: chance of a second topic sentence
    peak_day: float = 5.0  # day (0..DAYS) when the topic peaks


def file_specs() -> list[FileSpec]:
    """The uploads to write, from ``benchmarks/data/upload_files.json``."""
    return [FileSpec(**spec) for spec in json.loads((DATA_DIR / "upload_files.json").read_text("utf-8"))["files"]]


def load_banks(split: str) -> tuple[dict, dict]:
    """Load the shared material and one split's phrase bank from ``benchmarks/data``."""
    common = json.loads((DATA_DIR / "upload_common.json").read_text(encoding="utf-8"))
    phrases = json.loads((DATA_DIR / f"upload_phrases_{split}.json").read_text(encoding="utf-8"))
    return common, phrases


def bank_sentences(phrases: dict) -> set[str]:
    """Every sentence template of a split (used to prove the splits are disjoint)."""
    found = set(phrases["openers"] + phrases["closers"] + phrases["reply_openers"] + phrases["reactions"])
    found.update(s for chatter in phrases["chatter"].values() for s in chatter)
    found.update(s for topic in phrases["topics"].values() for group in topic["framings"].values() for s in group)
    return found


class TextMaker:
    """Composes post texts for one topic of one split, the way people actually write them."""

    def __init__(self, common: dict, phrases: dict, topic: str, rng: np.random.Generator, handles: list[str]):
        self.common, self.phrases, self.rng, self.handles = common, phrases, rng, handles
        self.topic = phrases["topics"][topic]
        names = sorted(self.topic["framings"])
        # Framings are uneven within an upload: a few dominate, some are rare.
        self.framings, self.framing_p = names, rng.dirichlet(np.full(len(names), 1.5))
        self.last_template = ""

    def pick(self, items: list):
        return items[int(self.rng.integers(len(items)))]

    def pick_skewed(self, items: list):
        """Zipf-like pick: earlier items are much more common (a few emoji and cheers dominate)."""
        weights = 1.0 / np.arange(1, len(items) + 1)
        return items[int(self.rng.choice(len(items), p=weights / weights.sum()))]

    def fill(self, template: str) -> str:
        """Replace ``{slot}`` with a topic slot value or a friend's handle."""
        def value(match: re.Match) -> str:
            key = match.group(1)
            return self.pick(self.handles) if key == "friend" else self.pick(self.topic["slots"][key])
        return re.sub(r"\{(\w+)\}", value, template)

    def sentence(self, framing: str | None = None, avoid: str = "") -> tuple[str, str]:
        """A filled sentence of ``framing`` (default: drawn by the upload's framing mix)."""
        framing = framing or self.framings[self.rng.choice(len(self.framings), p=self.framing_p)]
        choices = [t for t in self.topic["framings"][framing] if t != avoid] or self.topic["framings"][framing]
        template = self.pick(choices)
        self.last_template = template
        return framing, self.fill(template)

    def emoji(self, most: int = 3) -> str:
        """One emoji repeated (``😭😭😭``) or a short mix of them."""
        count, ranked = int(self.rng.integers(1, most + 1)), self.common["emoji_rank"]
        if self.rng.random() < .6:
            return self.pick_skewed(ranked) * count
        return "".join(self.pick_skewed(ranked) for _ in range(count))

    def casual(self, text: str) -> str:
        """Slang spellings, a rare typo, elongation and shouting."""
        spell, rng, words = self.common["spellings"], self.rng, text.split(" ")
        for i, word in enumerate(words):
            bare = word.lower().strip(",.?!")
            if bare in spell and rng.random() < .5:
                words[i] = word.lower().replace(bare, self.pick(spell[bare]))
            elif len(word) > 4 and word.isalpha() and rng.random() < .02:
                j = int(rng.integers(1, len(word) - 1))
                words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2:]
            elif len(word) > 3 and word.isalpha() and rng.random() < .01:
                words[i] = word + word[-1] * int(rng.integers(2, 5))
        if len(words) > 2 and rng.random() < .25:
            words.insert(int(rng.integers(1, len(words))), self.pick(self.common["particles"]))
        text = " ".join(words)
        shout, capital = rng.random() < .03, rng.random() < .4
        return text.upper() + "!!!" if shout else (text[:1].upper() + text[1:] if capital else text)

    def decorate(self, text: str, *, emoji_p: float, tag_p: float, hashtag_p: float, laugh_p: float) -> str:
        """Add laughter, emoji, hashtags and tagged friends before or after the text."""
        rng = self.rng

        def attach(piece: str, front_p: float) -> str:
            return f"{piece} {text}" if rng.random() < front_p else f"{text} {piece}"
        if rng.random() < laugh_p:
            text = attach(self.pick_skewed(self.common["laughter"]), .5)
        if rng.random() < emoji_p:
            text = attach(self.emoji(), .15)
        if self.topic["hashtags"] and rng.random() < hashtag_p:
            text = attach(" ".join(rng.choice(self.topic["hashtags"], int(rng.integers(1, 3)), replace=False)), 0)
        if rng.random() < tag_p:
            text = attach(" ".join("@" + self.pick(self.handles) for _ in range(int(rng.integers(1, 3)))), .6)
        return text

    def tweet(self) -> tuple[str, str]:
        rng, parts = self.rng, []
        if rng.random() < .25:
            parts.append(self.pick(self.phrases["openers"]))
        framing, first = self.sentence()
        parts.append(first)
        for chance in (.6, .15):
            if rng.random() < chance:
                same = rng.random() < .5
                parts.append(self.sentence(framing if same else None, avoid=self.last_template)[1])
        if rng.random() < .3:
            parts.append(self.pick(self.phrases["closers"]))
        text = self.decorate(self.casual(join_sentences(parts, ". ")), emoji_p=.35, tag_p=.08, hashtag_p=.35,
                             laugh_p=.06)
        if rng.random() < .12:
            text += " https://t.co/" + random_id(rng, 10, string.ascii_letters + string.digits)
        return framing, text

    def reply(self, parent_author: str) -> tuple[str, str]:
        framing, body = self.sentence()
        if self.rng.random() < .5:
            body = f"{self.pick(self.phrases['reply_openers'])}, {body}"
        text = self.decorate(self.casual(body), emoji_p=.4, tag_p=0, hashtag_p=.1, laugh_p=.08)
        return framing, f"@{parent_author} {text}"

    def post(self, spec: FileSpec) -> tuple[str, str, str]:
        """An original post: its kind (topic / reaction / chatter), framing and text."""
        draw = self.rng.random()
        if draw < spec.chatter_share:
            chatter = self.phrases["chatter"]["youtube" if spec.writer == "youtube" else "social"]
            text = self.decorate(self.fill(self.pick(chatter)), emoji_p=.3, tag_p=0, hashtag_p=0, laugh_p=.05)
            return "chatter", "", text
        if draw < spec.chatter_share + spec.reaction_share:
            return "reaction", "", self.reaction()
        if spec.style != "comment":
            return ("topic", *(self.tweet() if spec.style == "tweet" else self.sentence()))
        framing, text = self.sentence()
        if self.rng.random() < spec.two_sentences:
            text = join_sentences([text, self.sentence()[1]], ", ")
        if self.rng.random() < .15:
            text = f"{self.pick_skewed(self.phrases['reactions'])}, {text}"
        return "topic", framing, self.decorate(self.casual(text), emoji_p=.6, tag_p=.12, hashtag_p=.08, laugh_p=.12)

    def reaction(self) -> str:
        """Content-free comment: cheers, jeers, laughter, emoji, or just friends tagged."""
        rng, form = self.rng, int(self.rng.integers(5))
        handles = " ".join("@" + self.pick(self.handles) for _ in range(int(rng.integers(1, 4))))
        return (self.pick_skewed(self.phrases["reactions"]) + " " + self.emoji(4), self.emoji(6),
                self.pick(self.common["laughter"]) + " " + self.emoji(3), handles,
                f"{handles} {self.pick_skewed(self.common['laughter'])}")[form]


def join_sentences(parts: list[str], glue: str) -> str:
    """Join sentences; after a sentence ending in punctuation only a space is added."""
    text = parts[0]
    for part in parts[1:]:
        text += (" " if text[-1:] in "?!." else glue) + part
    return text


def account_pool(common: dict, rng: np.random.Generator, size: int) -> list[str]:
    """Distinct, plausible account names."""
    names: set[str] = set()
    while len(names) < size:
        first, suffix = str(rng.choice(common["first_names"])), str(rng.choice(common["name_suffixes"]))
        extra = str(rng.choice(common["name_extras"]))
        digits = str(int(rng.integers(1, 9999))) if rng.random() < .4 else ""
        names.add((f"{extra}_{first}" if rng.random() < .25 else first) + suffix + digits)
    return sorted(names)


def draw_authors(pool: list[str], rng: np.random.Generator, n: int) -> np.ndarray:
    """Zipf-like activity: a few accounts post many times, most post once or twice."""
    weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.9
    return rng.choice(np.array(pool, dtype=object), size=n, p=weights / weights.sum())


def draw_times(spec: FileSpec, rng: np.random.Generator, n: int) -> pd.Series:
    """Times over the DAYS before END: a peak around the topic's day plus a steady background."""
    day = np.where(rng.random(n) < .65, rng.normal(spec.peak_day, 1.3, n), rng.uniform(0, DAYS, n))
    day = np.floor(np.clip(day, 0, DAYS - 1))
    hour_local = rng.choice(24, size=n, p=DIURNAL / DIURNAL.sum())
    seconds = (day * 86400 + (hour_local - 7) * 3600 + rng.integers(0, 3600, n)).astype("int64")
    start = END.floor("D") - pd.Timedelta(days=DAYS) + pd.Timedelta(hours=7)
    stamps = pd.to_datetime(start.value + seconds * 10**9, utc=True)
    return pd.Series(np.sort(np.minimum(stamps, END - pd.Timedelta(minutes=5))))


def skewed_counts(rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
    """Heavy-tailed counts (likes, replies): most near zero, a few very large."""
    return np.floor(rng.pareto(1.3, n) * scale).astype("int64")


def random_id(rng: np.random.Generator, length: int, alphabet: str = ID_CHARS) -> str:
    """A random id like the ones platforms put in URLs."""
    return "".join(rng.choice(list(alphabet), length))


def build_rows(spec: FileSpec, maker: TextMaker, rng: np.random.Generator, pool: list[str]) -> pd.DataFrame:
    """The file's rows in canonical form: time, author, text, kind, framing, parent row (or -1)."""
    n = spec.rows
    times, authors = draw_times(spec, rng, n), draw_authors(pool, rng, n)
    kinds, framings, texts, parents = [], [], [], []
    for i in range(n):
        parent, draw = -1, rng.random()
        if i > 20 and draw < spec.retweet_share + spec.reply_share:
            parent = int(rng.integers(max(0, i - 300), i))
            while parents[parent] != -1 and parent > 0:
                parent = parents[parent]  # reply to / retweet an original
        if parent >= 0 and draw < spec.retweet_share and spec.style == "tweet":
            kind, framing = kinds[parent], framings[parent]
            text = f"RT @{authors[parent]}: {texts[parent]}"
            text = text if len(text) <= 140 else text[:139].rstrip() + "…"
        elif parent >= 0 and kinds[parent] == "topic":
            (framing, text), kind = maker.reply(authors[parent]), "topic"
        else:
            kind, framing, text = maker.post(spec)
            parent = -1
        kinds.append(kind), framings.append(framing), texts.append(text), parents.append(parent)
    return pd.DataFrame({"created_at": times, "author": authors, "text": texts, "kind": kinds,
                         "framing": framings, "parent": parents})


def tweet_harvest_frame(rows: pd.DataFrame, common: dict, rng: np.random.Generator) -> pd.DataFrame:
    """tweet-harvest's newer CSV layout (alphabetical headers, Twitter dates, snowflake ids)."""
    n = len(rows)
    ms = rows["created_at"].astype("int64").to_numpy() // 10**6
    ids = ((ms - 1288834974657) << 22) + rng.integers(0, 2**22, n)
    parents = rows["parent"].to_numpy()
    is_reply = (parents >= 0) & ~rows["text"].str.startswith("RT @").to_numpy()
    user_ids = {a: str(int(rng.integers(10**8, 10**18))) for a in sorted(set(rows["author"]))}
    likes = skewed_counts(rng, n, 4)
    return pd.DataFrame({
        "conversation_id_str": [str(ids[p] if r else i) for i, p, r in zip(ids, parents, is_reply)],
        "created_at": [f"{_DAY_ABBR[t.day_of_week]} {_MON_ABBR[t.month - 1]} {t:%d %H:%M:%S} +0000 {t.year}"
                       for t in rows["created_at"]],
        "favorite_count": np.where(rows["text"].str.startswith("RT @"), 0, likes),
        "full_text": rows["text"], "id_str": ids.astype(str),
        "image_url": [f"https://pbs.twimg.com/media/{random_id(rng, 15)}.jpg" if rng.random() < .1 else ""
                      for _ in range(n)],
        "in_reply_to_screen_name": [rows["author"].iat[p] if r else "" for p, r in zip(parents, is_reply)],
        "lang": rng.choice(["in", "en", "und", "qme"], n, p=[.92, .04, .03, .01]),
        "location": rng.choice(common["locations"], n), "quote_count": skewed_counts(rng, n, .2),
        "reply_count": skewed_counts(rng, n, .6), "retweet_count": skewed_counts(rng, n, 1.2),
        "tweet_url": [f"https://x.com/{a}/status/{i}" for a, i in zip(rows["author"], ids)],
        "user_id_str": rows["author"].map(user_ids), "username": rows["author"],
    })


def instagram_frame(rows: pd.DataFrame, common: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Apify Instagram comment scraper, exported as CSV (comments under two posts of one account)."""
    n, posts = len(rows), [f"https://www.instagram.com/p/{random_id(rng, 11)}/" for _ in range(2)]
    ids = rng.integers(17_800_000_000_000_000, 18_400_000_000_000_000, n)
    post_urls = rng.choice(posts, n, p=[.7, .3])
    return pd.DataFrame({
        "id": ids.astype(str), "postUrl": post_urls,
        "commentUrl": [f"{p}c/{i}/" for p, i in zip(post_urls, ids)], "text": rows["text"],
        "ownerUsername": rows["author"],
        "ownerProfilePicUrl": [f"https://scontent.cdninstagram.com/v/t51.2885-19/{random_id(rng, 12)}_n.jpg"
                               for _ in range(n)],
        "timestamp": rows["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "repliesCount": skewed_counts(rng, n, .3), "likesCount": skewed_counts(rng, n, 3),
    })


def relative_time(delta: pd.Timedelta) -> str:
    """YouTube's Indonesian relative time, as youtube-comment-downloader stores it."""
    minutes = int(delta.total_seconds() // 60)
    for size, unit in ((10080, "minggu"), (1440, "hari"), (60, "jam"), (1, "menit")):
        if minutes >= size:
            return f"{minutes // size} {unit} yang lalu"
    return "baru saja"


def youtube_frame(rows: pd.DataFrame, common: dict, rng: np.random.Generator) -> pd.DataFrame:
    """youtube-comment-downloader CSV: cid, relative time, @handles, votes like '1,2 rb'."""
    n, parents = len(rows), rows["parent"].to_numpy()
    base = [f"Ugz{random_id(rng, 21)}4AaABAg" for _ in range(n)]
    cids = [base[p] + "." + random_id(rng, 22) if p >= 0 else base[i] for i, p in enumerate(parents)]
    votes = skewed_counts(rng, n, 5)
    return pd.DataFrame({
        "cid": cids, "text": rows["text"], "time": [relative_time(END - t) for t in rows["created_at"]],
        "author": "@" + rows["author"].astype(str), "channel": [f"UC{random_id(rng, 22)}" for _ in range(n)],
        "votes": [f"{v / 1000:.1f} rb".replace(".", ",") if v >= 1000 else str(v) for v in votes],
        "replies": ["" if p >= 0 else str(int(c)) for p, c in zip(parents, skewed_counts(rng, n, .4))],
        "photo": [f"https://yt3.ggpht.com/ytc/{random_id(rng, 30)}=s88-c-k-c0x00ffffff-no-rj" for _ in range(n)],
        "heart": rng.random(n) < .02, "reply": parents >= 0,
    })


def news_frame(rows: pd.DataFrame, common: dict, rng: np.random.Generator) -> pd.DataFrame:
    """A news listing: ``judul,tanggal,sumber,link`` with Indonesian dates in WIB."""
    sources = [common["news_sources"][int(rng.integers(len(common["news_sources"])))] for _ in range(len(rows))]
    local = rows["created_at"] + pd.Timedelta(hours=7)
    slug = rows["text"].str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-")
    return pd.DataFrame({
        "judul": rows["text"],
        "tanggal": [f"{_HARI[t.day_of_week]}, {t.day} {_BULAN[t.month - 1]} {t.year} {t:%H:%M} WIB" for t in local],
        "sumber": [s[0] for s in sources],
        "link": [f"https://{s[1]}/{int(rng.integers(10**6, 10**7))}/{g}" for s, g in zip(sources, slug)],
    })


def tiktok_records(rows: pd.DataFrame, common: dict, rng: np.random.Generator) -> list[dict]:
    """Apify TikTok comment scraper JSON (one video)."""
    video = f"https://www.tiktok.com/@infoppdb/video/{int(rng.integers(7.3e18, 7.4e18))}"
    cids = [str(int(rng.integers(7.3e18, 7.4e18))) for _ in range(len(rows))]
    return [{
        "videoWebUrl": video, "submittedVideoUrl": video, "cid": cids[i], "createTime": int(row.created_at.timestamp()),
        "createTimeISO": row.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "text": row.text,
        "diggCount": int(skewed_counts(rng, 1, 6)[0]), "likedByAuthor": bool(rng.random() < .01),
        "pinnedByAuthor": False, "repliesToId": cids[row.parent] if row.parent >= 0 else None,
        "replyCommentTotal": 0 if row.parent >= 0 else int(skewed_counts(rng, 1, .5)[0]),
        "uid": str(int(rng.integers(10**17, 10**18))), "uniqueId": row.author,
        "avatarThumbnail": f"https://p16-sign-sg.tiktokcdn.com/{random_id(rng, 24)}~c5_100x100.jpeg",
    } for i, row in enumerate(rows.itertuples())]


def write_file(spec: FileSpec, rows: pd.DataFrame, common: dict, rng: np.random.Generator, path: Path) -> None:
    """Write ``rows`` in the file's export format."""
    if spec.writer == "tiktok":
        path.write_text(json.dumps(tiktok_records(rows, common, rng), ensure_ascii=False, indent=1), encoding="utf-8")
        return
    builder = {"tweet_harvest": tweet_harvest_frame, "tweet_xlsx": tweet_harvest_frame, "instagram": instagram_frame,
               "youtube": youtube_frame, "news": news_frame}[spec.writer]
    frame = builder(rows, common, rng)
    if spec.writer == "tweet_xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding="utf-8")


def generate(out: Path, *, split: str = "dev", seed: int = 1, scale: float = 1.0) -> dict:
    """Write every export file, ``truth.csv`` and ``manifest.json`` into ``out``; return the manifest."""
    common, phrases = load_banks(split)
    overlap = bank_sentences(phrases) & bank_sentences(load_banks(next(s for s in SPLITS if s != split))[1])
    if overlap:
        raise ValueError(f"dev and holdout share sentences: {sorted(overlap)[:5]}")
    out.mkdir(parents=True, exist_ok=True)
    handles = account_pool(common, np.random.default_rng([seed, SPLITS.index(split)]), 400)
    truth, files = [], []
    for number, spec in enumerate(file_specs()):
        rng = np.random.default_rng([seed, SPLITS.index(split), number])
        spec_rows = FileSpec(**{**spec.__dict__, "rows": max(20, round(spec.rows * scale))})
        maker = TextMaker(common, phrases, spec.topic, rng, handles)
        rows = build_rows(spec_rows, maker, rng, account_pool(common, rng, max(10, spec_rows.rows // 3)))
        write_file(spec, rows, common, rng, out / spec.name)
        truth.append(rows.assign(file=spec.name)[["file", "kind", "framing", "text"]])
        files.append({"file": spec.name, "topic": spec.topic, "format": spec.writer, "rows": len(rows)})
    pd.concat(truth, ignore_index=True).to_csv(out / "truth.csv", index=False, encoding="utf-8")
    manifest = {"split": split, "seed": seed, "scale": scale, "now": END.isoformat(), "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="folder to write the files into")
    parser.add_argument("--split", default="dev", choices=SPLITS, help="phrase bank (default dev)")
    parser.add_argument("--seed", type=int, default=1, help="sampling seed (default 1)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every file's row count")
    args = parser.parse_args()
    manifest = generate(args.out, split=args.split, seed=args.seed, scale=args.scale)
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
