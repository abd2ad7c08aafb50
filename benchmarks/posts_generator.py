"""Seeded generator of Indonesian social-media-like posts for benchmarks (not realistic prose).

``generate_posts(n, seed)`` draws words from a Zipf-like distribution over a vocabulary of
function words and slang at the top, topic words, affixed forms built from PySastrawi's root
words (me-N-, di-, ber-, ke-an, peN-an, -kan, -i, -nya), slang keys from nahiarhdNLP, English,
invented names, typos and elongations in the tail. On top: hashtags, mentions, URLs, emoji,
numbers, reduplication (``anak2``), ``RT`` copies, exact duplicates, capitalisation, and fresh
typos (about 2 % of words) so that the vocabulary keeps growing with ``n`` as real data does.
Resources are read from the installed packages at run time; nothing is copied.
"""
from __future__ import annotations

import importlib.resources
import string

import numpy as np
import pandas as pd

from monitoring import schema

FUNCTION_WORDS = """yang di dan ini itu ke dari untuk dengan tidak ada aja yg gak ga udah sudah bgt banget
sih ya kok dong jadi tapi juga saya gw aku kita mereka lagi lg bisa mau harus hrs sama sm karena
krn kalau kalo apa gimana kenapa knp masih belum blm jangan jgn buat pada akan sangat lebih cuma
doang nih tuh deh wkwk wkwkwk haha orang org udh tdk dgn utk kalian kamu lu gue emang emg terus
trs pas biar sampai sampe kayak kek gitu gini mana siapa kapan tau tahu banyak semua nya lah kan
dulu sekarang skrg nanti ntar hari tahun pak bu min mas mbak kak bro gais amin aamiin""".split()
TOPIC_WORDS = """harga bbm naik pemerintah rakyat subsidi pajak listrik beras minyak gaji kerja sekolah guru
jalan rusak banjir macet korupsi kpk dpr presiden menteri bansos blt vaksin rumah sakit bpjs pemilu
polisi hukum adil demo mahasiswa buruh petani nelayan pasar murah mahal susah miskin bantuan dana
desa kota provinsi gubernur bupati warga air bersih sampah tol kereta bandara pelabuhan internet
sinyal data bocor hoaks viral berita media kebijakan program anggaran utang impor ekspor pangan
gizi stunting sekolah zonasi ujian kuliah ukt beasiswa tenaga honorer pns asn pensiun thr umr phk
investasi tambang hutan asap kebakaran gempa bencana pengungsi relawan tilang pungli izin sertifikat
tanah sengketa pupuk solar pertalite lpg gas elpiji antre kelangkaan inflasi rupiah dolar ikn
mbg makan gratis susu posyandu puskesmas dokter obat bpom halal judi online pinjol""".split()
COMMON_ROOTS = """tolak naik bangun perintah bijak baik bantu bayar beli jual kirim terima tunggu jaga
pilih pimpin dukung lapor periksa tangkap hukum adil tanam panen ajar didik rawat obat periksa
lindung kelola atur batal tunda ubah tambah kurang hapus buka tutup pakai guna laku kerja
dengar lihat pikir rasa harap minta janji bohong tipu curi rugi untung hasil capai""".split()
ENGLISH = """good nice please sorry thanks government policy issue update news real fake trust
viral trending healthy strong fight love hate best worst crazy please stop save pray for
the and you me we happy sad angry honestly literally actually basically anyway seriously
maybe deal meeting online offline checkout cashback discount vibes mood""".split()
EMOJI = "😡 😂 🤣 😭 🙏 👍 🔥 ❤️ 💔 😢 🤬 👎 😤 🙄 😍 🥰 💪 🇮🇩 😅 😆 😊 🤔 😱 😩 👍🏽".split()
HASHTAGS = """TolakKenaikanBBM BBMNaik IndonesiaMaju SaveKPK dirumahaja TurunkanHarga
HapusPajak UsutTuntas PemiluDamai RakyatMenjerit ReformasiDikorupsi IndonesiaGelap
KaburAjaDulu MakanBergiziGratis BansosTepatSasaran JalanRusak BanjirLagi PolisiBaik""".split()
# Share of words replaced by a fresh typo. With 0.05 the generator gives about as many distinct
# tokens per post as the 48.6k real posts measured in DESIGN.md (69k distinct in 1.07M tokens).
FRESH_TYPO_RATE = 0.05
_SYLLABLES = ["ba", "bu", "di", "do", "ga", "gi", "ja", "jo", "ka", "ko", "la", "li", "ma", "mi",
              "na", "no", "pra", "ri", "ro", "sa", "si", "ta", "to", "wa", "wi", "yo", "an", "on"]


def _meN(root: str) -> str:
    """meN- with the usual assimilation (tolak -> menolak, pukul -> memukul, kirim -> mengirim)."""
    first = root[0]
    if first in "lrwymn":
        return "me" + root
    if first in "bfv":
        return "mem" + root
    if first == "p":
        return "mem" + root[1:]
    if first in "cdjz":
        return "men" + root
    if first == "t":
        return "men" + root[1:]
    if first == "s":
        return "meny" + root[1:]
    if first == "k":
        return "meng" + root[1:]
    return "meng" + root


def _affixed(root: str, rng: np.random.Generator) -> str:
    forms = (_meN(root), "di" + root, "di" + root + "kan", "ber" + root, "ter" + root,
             "pe" + _meN(root)[2:] + "an", "ke" + root + "an", root + "an", root + "nya",
             _meN(root) + "kan", _meN(root) + "i", "per" + root + "an", "se" + root + "nya")
    return forms[rng.integers(len(forms))]


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 3:
        return word + word[-1]
    i = int(rng.integers(1, len(word)))
    kind = rng.choice(4, p=(0.3, 0.3, 0.3, 0.1))
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 2:
        return word[:i] + string.ascii_lowercase[rng.integers(26)] + word[i:]
    return word[:i] + word[i] * int(rng.integers(3, 6)) + word[i + 1:]  # elongation


def _vocabulary(rng: np.random.Generator) -> list[str]:
    """Types in rank order: function words, topic words, then a shuffled tail."""
    files = importlib.resources.files
    roots = [w for w in files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text(
        encoding="utf-8").split("\n") if w.isalpha()]
    slang = [line.split(",", 1)[0] for line in files("nahiarhdNLP.datasets").joinpath(
        "slang.csv").read_text(encoding="utf-8").splitlines()[1:] if line[:1].isalpha()]
    root_sample = list(rng.choice(roots, 9000, replace=False))
    tail = (root_sample[:6000]
            + [_affixed(r, rng) for r in COMMON_ROOTS * 8 + root_sample[:14000]]
            + list(rng.choice(slang, 4000, replace=False)) + ENGLISH
            + ["".join(rng.choice(_SYLLABLES, rng.integers(2, 5))) for _ in range(20000)]
            + [_typo(w, rng) for w in rng.choice(TOPIC_WORDS + root_sample[:3000], 9000)]
            + [w + "2" for w in rng.choice(COMMON_ROOTS + TOPIC_WORDS, 200)])
    tail = list(dict.fromkeys(tail))
    rng.shuffle(tail)
    head = list(dict.fromkeys(FUNCTION_WORDS + TOPIC_WORDS))
    return head + [w for w in tail if w not in set(head)]


def _decorate(words: list[str], rng: np.random.Generator, users: list[str]) -> str:
    roll = rng.random(8)
    if roll[0] < 0.15:
        words.insert(int(rng.integers(len(words) + 1)), "#" + HASHTAGS[rng.integers(len(HASHTAGS))])
    if roll[1] < 0.20:
        words.insert(0, "@" + users[rng.integers(len(users))])
    if roll[2] < 0.25:
        emoji = EMOJI[rng.integers(len(EMOJI))] * int(rng.integers(1, 4))
        words.insert(int(rng.integers(len(words) + 1)), emoji)
    if roll[3] < 0.10:
        words.append(f"https://t.co/{rng.integers(16**8):08x}")
    if roll[4] < 0.10:
        number = rng.choice(["12%", "2024", "rp10.000", "3", "100rb"])
        words.insert(int(rng.integers(len(words) + 1)), number)
    if roll[5] < 0.02:
        i = int(rng.integers(len(words)))
        words[i] = words[i].upper()
    text = " ".join(words)
    if roll[6] < 0.30:
        text = text[:1].upper() + text[1:]
    if roll[7] < 0.5:
        text += rng.choice(["!", "!!", "?", ".", "...", " 😡", " wkwk"])
    return text


def generate_posts(n: int, seed: int = 0, *, zipf_s: float = 1.05) -> pd.DataFrame:
    """``n`` posts with POST_ID, PLATFORM, CREATED_AT, AUTHOR, TEXT; same seed, same frame."""
    rng = np.random.default_rng(seed)
    vocab = np.array(_vocabulary(rng), dtype=object)
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** zipf_s
    lengths = np.clip(rng.poisson(22, n), 3, 80)
    ids = rng.choice(len(vocab), int(lengths.sum()), p=weights / weights.sum())
    words = vocab[ids]
    fresh = np.flatnonzero(rng.random(len(words)) < FRESH_TYPO_RATE)  # vocabulary keeps growing
    words[fresh] = [_typo(w, rng) for w in words[fresh]]
    users = ["".join(rng.choice(_SYLLABLES, 3)) + str(rng.integers(100)) for _ in range(5000)]
    bounds = np.concatenate(([0], np.cumsum(lengths)))
    texts = [_decorate(list(words[bounds[i]:bounds[i + 1]]), rng, users) for i in range(n)]
    for i in np.flatnonzero(rng.random(n) < 0.10)[1:]:  # retweets and copy-paste campaigns
        source = texts[int(rng.integers(i))]
        user = users[rng.integers(len(users))]
        texts[i] = source if rng.random() < 0.5 else f"RT @{user}: {source}"
    start = pd.Timestamp("2025-01-01", tz="UTC")
    return pd.DataFrame({
        schema.POST_ID: [f"p{i}" for i in range(n)],
        schema.PLATFORM: rng.choice(["x", "instagram", "tiktok", "youtube", "facebook"], n),
        schema.CREATED_AT: start + pd.to_timedelta(rng.integers(0, 14 * 86400, n), unit="s"),
        schema.AUTHOR: rng.choice(users, n),
        schema.TEXT: texts,
    })
