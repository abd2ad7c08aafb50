"""A second background for the emerging-issue benchmark, with other topics than the demo's.

Written by the PantauIsu team. Posts are composed from phrase banks (an event, a comment of the
post's sentiment, a question; or a news headline), so texts vary much more than the demo's
templates. The background covers ``days`` days ending at ``end`` and holds twelve topics at
their own daily levels (with past event waves), ~22 % chatter, ~5 % random-word posts, retweets,
a forest-fire wave about a week before ``end`` that fades, a football surge on the last evening (an
existing topic growing fast: not a new issue) and two one-off stories that are new issues of their
own (a viral extortion video on the last day, an earthquake three days before). Column
``true_issue`` is the topic ("noise" for chatter).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from benchmarks.emerging_corpus import TRUE_ISSUE, _lines, _Slots, roughen
from monitoring import schema as S
from monitoring.demo import corpus as C
from monitoring.demo.timeline import DIURNAL


@dataclass(frozen=True)
class Topic:
    key: str
    share: float
    events: tuple[str, ...]
    negative: tuple[str, ...]
    neutral: tuple[str, ...]
    positive: tuple[str, ...]
    questions: tuple[str, ...]
    headlines: tuple[str, ...]
    hashtags: tuple[str, ...]
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)
    waves: tuple[tuple[float, float, float], ...] = ()  # (days before end, amplitude, decay days)
    base: float = 1.0                                     # level outside waves (0: a one-off story)


TOPICS = (
    Topic("tarif_krl", 0.09,
          _lines("""
              tarif KRL mau naik jadi Rp{fare} per perjalanan
              subsidi tiket KRL katanya mau pakai NIK
              KRL telat {n}0 menit lagi pagi ini di stasiun {station}
              penumpang numpuk di stasiun {station} gara2 gangguan sinyal
              transjakarta rute {station} dikurangi armadanya
              LRT dan MRT rencana integrasi tarif tahun depan
              antrean tap in di {station} panjang banget tiap jam berangkat kerja
          """),
          _lines("""
              pekerja kayak kita makin berat ongkosnya
              yang naik harga tiket, yang turun kualitas layanan
              desak2an tiap hari kayak ikan pepes
              subsidi berbasis NIK itu ribet dan gak adil
          """),
          _lines("""
              mending naik motor atau tetap KRL ya
              nanti ada sosialisasi dari KAI katanya
          """),
          _lines("""
              KRL tetap paling murah dan cepat buat ke kantor
              AC di gerbong baru adem, mantap
          """),
          _lines("""
              tarif KRL jadi naik kapan sih?
              ada yang tau jadwal KRL {station} malam ini normal gak?
          """),
          _lines("""
              Pemerintah Kaji Skema Subsidi Tarif KRL Berbasis NIK
              Gangguan Sinyal, Perjalanan KRL Lintas {station} Terlambat
          """),
          ("#KRL", "#TarifKRL", "#AnkerKRL"),
          {"fare": ("5.000", "7.000", "8.000"), "station": ("Manggarai", "Bogor", "Bekasi", "Tanah Abang", "Depok")}),
    Topic("honorer_pppk", 0.08,
          _lines("""
              guru honorer di {place} gajinya cuma Rp{wage} sebulan
              hasil seleksi PPPK tahap {n} belum juga diumumkan
              honorer yang sudah mengabdi {n}0 tahun tidak lolos PPPK
              penghapusan tenaga honorer tinggal hitungan bulan
              formasi PPPK guru di {place} cuma sedikit
              SK PPPK paruh waktu belum turun sampai sekarang
          """),
          _lines("""
              pengabdian puluhan tahun tidak dihargai
              gaji segitu buat bensin aja kurang
              honorer selalu jadi korban kebijakan
              janji pengangkatan cuma manis pas kampanye
          """),
          _lines("""
              semoga ada kejelasan buat teman2 honorer
              cek pengumuman di laman SSCASN ya
          """),
          _lines("""
              alhamdulillah lolos PPPK setelah {n} kali ikut tes
              selamat buat guru honorer yang akhirnya diangkat
          """),
          _lines("""
              nilai ambang batas PPPK tahun ini berapa?
              honorer yang tidak lolos nasibnya gimana?
          """),
          _lines("""
              Ribuan Guru Honorer di {place} Tunggu Kepastian Status PPPK
              Pemerintah Umumkan Jadwal Seleksi PPPK Tahap {n}
          """),
          ("#GuruHonorer", "#PPPK", "#Honorer"),
          {"wage": ("300.000", "450.000", "500.000", "750.000")}),
    Topic("pinjol", 0.08,
          _lines("""
              pinjol ilegal sebar data KTP ke semua kontak
              debt collector pinjol teror keluarga tiap hari
              bunga pinjol {n}% per hari, utang beranak pinak
              OJK blokir ratusan aplikasi pinjaman online ilegal
              gali lubang tutup lubang pakai {n} aplikasi pinjol
              korban pinjol di {place} lapor ke polisi
          """),
          _lines("""
              sekali kejebak susah keluarnya
              penagihannya kayak preman, tidak manusiawi
              kenapa aplikasi ilegal masih bebas di playstore
          """),
          _lines("""
              cek dulu legalitas pinjol di situs OJK
              jangan asal klik link pinjaman
          """),
          _lines("""
              akhirnya lunas juga semua utang pinjol, lega banget
              bagus OJK makin tegas sama pinjol ilegal
          """),
          _lines("""
              kalau galbay pinjol legal apa yang terjadi?
              cara lapor pinjol ilegal ke mana ya?
          """),
          _lines("""
              OJK Blokir {n}00 Pinjol Ilegal Sepanjang Tahun Ini
              Polisi Tangkap Penagih Utang Pinjol di {place}
          """),
          ("#Pinjol", "#PinjolIlegal", "#StopPinjol")),
    Topic("harga_cabai", 0.09,
          _lines("""
              harga cabai rawit di pasar {place} tembus Rp{price} sekilo
              bawang merah ikut naik jadi Rp{price} per kilo
              minyak goreng kemasan langka di minimarket {place}
              pedagang sayur di {place} sepi pembeli karena harga naik
              harga telur ayam naik lagi minggu ini
              operasi pasar cabai digelar di {place}
          """),
          _lines("""
              masak sambal sekarang kayak barang mewah
              emak2 pusing ngatur uang belanja
              petani cabai gak ikut untung, tengkulak yang kaya
          """),
          _lines("""
              harga di pasar beda2 tiap hari
              mending tanam cabai sendiri di pot
          """),
          _lines("""
              harga cabai mulai turun di pasar {place}, lumayan
              operasi pasar bantu banget buat ibu rumah tangga
          """),
          _lines("""
              harga cabai di tempat kalian berapa sekarang?
              kapan harga bawang turun lagi?
          """),
          _lines("""
              Harga Cabai Rawit di {place} Tembus Rp{price} per Kilogram
              Pemerintah Gelar Operasi Pasar Tekan Harga Cabai
          """),
          ("#HargaCabai", "#Sembako"),
          {"price": ("80.000", "95.000", "110.000", "120.000")},
          ((9.0, 1.5, 2.0),)),
    Topic("timnas", 0.10,
          _lines("""
              timnas menang {n}-1 lawan {rival} di kualifikasi piala dunia
              pelatih timnas panggil {n} pemain naturalisasi baru
              tiket timnas lawan {rival} ludes dalam {n} menit
              GBK penuh suporter garuda malam ini
              gol menit akhir bikin timnas lolos ke babak berikutnya
              wasit kontroversial di laga timnas lawan {rival}
          """),
          _lines("""
              wasitnya berat sebelah banget
              lini belakang timnas masih rapuh
              PSSI harus evaluasi pelatih
          """),
          _lines("""
              nonton bareng di mana malam ini?
              line up timnas udah keluar
          """),
          _lines("""
              bangga sama perjuangan garuda
              merinding denger GBK nyanyi Indonesia Raya
              timnas main keren banget malam ini
          """),
          _lines("""
              jam berapa kick off timnas lawan {rival}?
              streaming timnas di mana yang legal?
          """),
          _lines("""
              Timnas Indonesia Tundukkan {rival} di Kualifikasi Piala Dunia
              Ribuan Suporter Padati GBK Dukung Timnas
          """),
          ("#TimnasDay", "#GarudaMendunia", "#KitaGaruda"),
          {"rival": ("Bahrain", "Arab Saudi", "Vietnam", "Jepang", "Australia")},
          ((12.0, 2.0, 1.0), (0.35, 12.0, 0.4))),
    Topic("polusi_udara", 0.06,
          _lines("""
              kualitas udara {place} masuk kategori tidak sehat lagi
              langit {place} abu2 tertutup polusi dari pagi
              anak2 batuk pilek terus gara2 polusi udara
              pemerintah minta kerja dari rumah buat kurangi polusi
              uji emisi kendaraan digelar di {place}
          """),
          _lines("""
              tiap hari napas racun
              PLTU dan kendaraan harus ditindak tegas
              solusinya cuma tambal sulam
          """),
          _lines("""
              cek aplikasi kualitas udara sebelum keluar rumah
              pakai masker kalau naik motor
          """),
          _lines("""
              hujan semalam bikin udara lebih bersih, alhamdulillah
          """),
          _lines("""
              masker yang bagus buat polusi apa ya?
              indeks kualitas udara hari ini berapa?
          """),
          _lines("""
              Kualitas Udara {place} Terburuk Kedua di Dunia Pagi Ini
          """),
          ("#PolusiUdara", "#LangitAbu")),
    Topic("pilkada", 0.09,
          _lines("""
              debat calon gubernur semalam rame banget
              paslon nomor {n} janji gratiskan sekolah di {place}
              baliho caleg dan cagub rusak kena angin di {place}
              hasil quick count pilkada {place} beda tipis
              KPU {place} tetapkan daftar pemilih tetap
              serangan fajar ketahuan di {place}, bawaslu turun
          """),
          _lines("""
              janji manis tiap lima tahun sekali
              politik uang masih merajalela
              yang menang nanti juga lupa sama rakyat
          """),
          _lines("""
              jangan lupa datang ke TPS ya
              cek nama di DPT lewat situs KPU
          """),
          _lines("""
              debat semalam programnya jelas dan masuk akal
              pilkada damai di {place}, salut warganya
          """),
          _lines("""
              TPS saya di mana ya?
              siapa menurut kalian yang menang debat?
          """),
          _lines("""
              KPU {place} Gelar Debat Publik Calon Kepala Daerah
              Bawaslu Temukan Dugaan Politik Uang di {place}
          """),
          ("#PilkadaDamai", "#DebatPilkada")),
    Topic("tilang_etle", 0.06,
          _lines("""
              dapat surat tilang ETLE padahal gak merasa melanggar
              kamera ETLE di {place} tangkap pengendara tanpa helm
              denda tilang elektronik bisa dibayar lewat bank
              polisi razia pajak kendaraan di {place}
              plat nomor ditempel orang lain, tilangnya ke saya
          """),
          _lines("""
              razia kok di tikungan, kayak jebakan
              ETLE bagus biar gak ada damai di tempat
          """),
          _lines("""
              cek tilang ETLE lewat situs polda
          """),
          _lines("""
              tilang elektronik bikin jalanan lebih tertib
          """),
          _lines("""
              kalau kena ETLE tapi motor udah dijual gimana?
          """),
          _lines("""
              Polda Pasang Kamera ETLE Baru di {n} Titik {place}
          """),
          ("#ETLE", "#Tilang")),
    Topic("karhutla", 0.06,
          _lines("""
              kabut asap kebakaran hutan selimuti {fireplace}
              titik api di lahan gambut {fireplace} bertambah jadi {n}0
              sekolah di {fireplace} diliburkan karena asap
              helikopter water bombing dikerahkan padamkan api di hutan {fireplace}
              jarak pandang di {fireplace} cuma {n}00 meter karena asap
              penerbangan di bandara {fireplace} tertunda akibat kabut asap
          """),
          _lines("""
              tiap tahun karhutla terulang, pembakar lahan gak pernah jera
              anak2 kena ISPA semua
              perusahaan pembakar hutan harus dicabut izinnya
          """),
          _lines("""
              pakai masker N95 kalau keluar rumah
              pantau titik api lewat aplikasi BMKG
          """),
          _lines("""
              hujan turun di {fireplace}, asap mulai berkurang alhamdulillah
              salut manggala agni yang padamkan api siang malam
          """),
          _lines("""
              kapan asap di {fireplace} hilang?
          """),
          _lines("""
              Kebakaran Hutan dan Lahan di {fireplace} Meluas
              Kabut Asap Karhutla, Sekolah di {fireplace} Diliburkan
          """),
          ("#Karhutla", "#KabutAsap", "#MelawanAsap"),
          {"fireplace": ("Riau", "Pekanbaru", "Kalimantan Tengah", "Palangka Raya", "Jambi", "Ogan Ilir")},
          ((7.0, 6.0, 1.2),)),
    Topic("tagihan_listrik", 0.07,
          _lines("""
              tagihan listrik bulan ini naik padahal pemakaian sama
              token listrik Rp100 ribu cuma dapat {n}0 kWh
              tarif listrik golongan 900 VA naik mulai bulan depan
              meteran PLN di rumah diganti tanpa pemberitahuan
              diskon listrik {n}0% buat pelanggan kecil berakhir
          """),
          _lines("""
              PLN seenaknya naikin tagihan
              rakyat kecil lagi yang kena
          """),
          _lines("""
              cek tagihan listrik lewat aplikasi PLN Mobile
          """),
          _lines("""
              diskon listrik kemarin lumayan banget buat rumah tangga
          """),
          _lines("""
              kenapa tagihan listrik saya bengkak ya?
          """),
          _lines("""
              PLN Umumkan Penyesuaian Tarif Listrik Triwulan Depan
          """),
          ("#TarifListrik", "#PLN")),
    Topic("stunting", 0.05,
          _lines("""
              angka stunting di {place} turun jadi {n}%
              posyandu di {place} bagi telur dan susu buat balita
              kader posyandu keliling ukur tinggi badan anak
              program cegah stunting sasar ibu hamil di {place}
          """),
          _lines("""
              dana stunting malah dipakai buat rapat di hotel
              balita gizi buruk masih banyak di desa
          """),
          _lines("""
              jadwal posyandu bulan ini tanggal {n}0
          """),
          _lines("""
              salut kader posyandu yang kerja tanpa pamrih
          """),
          _lines("""
              tinggi badan anak {n} tahun normalnya berapa?
          """),
          _lines("""
              Prevalensi Stunting di {place} Turun Dua Tahun Berturut-turut
          """),
          ("#CegahStunting", "#Posyandu")),
    Topic("tiket_pesawat", 0.06,
          _lines("""
              harga tiket pesawat Jakarta-{city} tembus Rp{ticket}
              tiket pesawat buat libur akhir tahun mahal banget
              penerbangan ke {city} delay {n} jam tanpa kompensasi
              maskapai tambah extra flight ke {city}
          """),
          _lines("""
              mending ke luar negeri sekalian, lebih murah
              monopoli maskapai bikin harga seenaknya
          """),
          _lines("""
              pesan tiket dari jauh2 hari biar dapet harga normal
          """),
          _lines("""
              dapat promo tiket ke {city} setengah harga, senangnya
          """),
          _lines("""
              tiket pesawat ke {city} kapan murahnya sih?
          """),
          _lines("""
              Harga Tiket Pesawat Rute Jakarta-{city} Melonjak Jelang Libur Panjang
          """),
          ("#TiketPesawat", "#Mudik"),
          {"city": ("Medan", "Makassar", "Jayapura", "Kupang", "Padang", "Balikpapan"),
           "ticket": ("2,5 juta", "3 juta", "4,2 juta")}),
)
# One-off stories of the background itself: a viral video on the last day and an earthquake three
# days before. They are new issues too; the injected one competes with the first nationally.
ONE_OFF = (
    Topic("viral_pungli", 0.005,
          _lines("""
              video oknum petugas jembatan timbang minta uang ke sopir truk viral
              sopir truk direkam dipalak petugas di jembatan timbang {place}
              oknum dishub pungli sopir truk, videonya ditonton jutaan kali
          """),
          _lines("""
              pungli begini sudah rahasia umum, sopir selalu jadi sapi perah
              pecat saja oknumnya, jangan cuma dimutasi
          """),
          _lines("""
              katanya oknumnya sudah diperiksa propam
          """),
          _lines("""
              salut sopir yang berani merekam pungli
          """),
          _lines("""
              jembatan timbang yang di video itu di mana sih?
          """),
          _lines("""
              Video Pungli Petugas Jembatan Timbang Viral, Kemenhub Turun Tangan
          """),
          ("#StopPungli", "#JembatanTimbang"), waves=((0.8, 1.0, 0.6),), base=0.0),
    Topic("gempa", 0.006,
          _lines("""
              gempa magnitudo 5,{n} guncang {place} barusan, kenceng banget
              rumah retak kena gempa tadi pagi di {place}
              warga {place} lari keluar rumah pas gempa
              BMKG: gempa tidak berpotensi tsunami
          """),
          _lines("""
              masih deg2an, semoga tidak ada gempa susulan
              kasian yang rumahnya rusak
          """),
          _lines("""
              cek info gempa terkini di aplikasi BMKG
          """),
          _lines("""
              alhamdulillah keluarga di {place} aman semua
          """),
          _lines("""
              kalian kerasa gempa gak barusan?
          """),
          _lines("""
              Gempa Magnitudo 5,{n} Guncang {place}, Tidak Berpotensi Tsunami
          """),
          ("#Gempa", "#InfoBMKG"), waves=((3.2, 1.0, 0.3),), base=0.0),
)
CHATTER = _lines("""
    lagi nunggu hujan reda di {place}, mager banget
    sarapan nasi uduk depan kos enak parah
    akhirnya gajian, waktunya checkout keranjang
    kucing tetangga tiap pagi nongkrong di motor aku
    drakor baru episode {n} bikin nangis
    ngopi dulu biar gak ngantuk di kantor
    ada rekomendasi bakso enak di {place}?
    macet di {place} parah, telat lagi deh
    rebahan seharian, besok senin lagi huhu
    main game sampe subuh, mata panda
    konser minggu depan udah dapet tiket belum?
    nemu cafe cozy di {place}, wifi kenceng
    anak kosan masak indomie jam 2 pagi
    motor mogok di jalan, dorong sampe bengkel
    bias aku comeback bulan depan!!
    selamat ulang tahun buat mama tersayang
    lagi belajar masak rendang, doain berhasil
    sinyal di rumah ilang terus dari sore
    giveaway pulsa {n}0rb, follow dan retweet ya
    open jasa edit foto, harga pelajar
""")


def mixed_background(seed: int = 0, n_posts: int = 12_000, *, days: int = 14,
                     end: pd.Timestamp = pd.Timestamp("2026-11-20 23:00", tz="UTC")) -> pd.DataFrame:
    """Canonical posts with ``true_issue`` (see the module docstring); same seed, same frame."""
    rng, rnd = np.random.default_rng(seed), random.Random(seed)
    topics = TOPICS + ONE_OFF
    keys = [t.key for t in topics] + ["noise", "random"]
    shares = np.array([t.share for t in topics] + [0.22, 0.05])
    issue = np.array(keys)[rng.choice(len(keys), n_posts, p=shares / shares.sum())]
    created = _times(rng, issue, days, end)
    authors, locations = _authors(rng, rnd, n_posts)
    texts = np.empty(n_posts, dtype=object)
    platforms = np.array(("x", "instagram", "tiktok", "youtube", "news"))[
        rng.choice(5, n_posts, p=(0.58, 0.14, 0.13, 0.07, 0.08))]
    platforms[np.isin(issue, ("noise", "random"))] = "x"
    by_key = {t.key: t for t in topics}
    for i in range(n_posts):
        texts[i] = _write(rnd, by_key.get(issue[i]), issue[i], platforms[i], authors)
    randoms = np.flatnonzero(issue == "random")
    if len(randoms):
        from benchmarks.posts_generator import generate_posts
        texts[randoms] = generate_posts(len(randoms), seed=seed)[S.TEXT].to_numpy()
    for i in np.flatnonzero(rng.random(n_posts) < 0.05):  # retweets of an earlier post
        source = int(rng.integers(max(i, 1)))
        if created[source] <= created[i]:
            texts[i], issue[i] = f"RT @{authors[source]}: {texts[source]}", issue[source]
    return pd.DataFrame({
        S.POST_ID: [f"bg-{seed}-{i}" for i in range(n_posts)], S.PLATFORM: platforms, S.CREATED_AT: created,
        S.AUTHOR: authors, S.TEXT: texts, S.LOCATION_RAW: locations,
        S.LIKES: pd.array(rng.integers(0, 200, n_posts), dtype="Int64"), TRUE_ISSUE: issue,
    }).sort_values(S.CREATED_AT, ignore_index=True)


def _times(rng: np.random.Generator, issue: np.ndarray, days: int, end: pd.Timestamp) -> pd.DatetimeIndex:
    hours = days * 24
    age = (hours - np.arange(hours) - 0.5) / 24.0          # days before end, per hour slot
    local = (np.arange(hours) + end.hour + 7) % 24         # WIB hour of each slot
    diurnal = DIURNAL[local]
    seconds = np.zeros(len(issue), dtype=np.int64)
    topics = {t.key: t for t in TOPICS + ONE_OFF}
    for key in np.unique(issue):
        index = np.flatnonzero(issue == key)
        topic = topics.get(key)
        level = np.full(hours, topic.base if topic else 1.0)
        waves = topic.waves if topic else ()
        for ago, amplitude, decay in waves:
            level += amplitude * np.where(age <= ago, np.exp(-(ago - age) / decay), 0.0)
        weight = level * diurnal
        slots = rng.choice(hours, len(index), p=weight / weight.sum())
        seconds[index] = slots * 3600 + rng.integers(0, 3600, len(index))
    return (end - pd.Timedelta(hours=hours)) + pd.to_timedelta(seconds, unit="s")


def _authors(rng: np.random.Generator, rnd: random.Random, n_posts: int) -> tuple[np.ndarray, np.ndarray]:
    n_accounts = max(200, n_posts // 3)
    weights = pd.Series({code: facts[0] for code, facts in C.PROVINCE_FACTS.items()})
    codes = rng.choice(weights.index.to_numpy(), n_accounts, p=(weights / weights.sum()).to_numpy())
    handles, bios = [], []
    for i, code in enumerate(codes):
        handles.append(f"{rnd.choice(C.FIRST_NAMES)}{rnd.choice(C.HANDLE_WORDS)}{i}")
        town = rnd.choice(C.PROVINCE_FACTS[code][3])
        if rnd.random() < 0.6:
            bios.append(rnd.choice(C.BIO_STYLES).format(city=town, short=C.PROVINCE_FACTS[code][1],
                                                        lower=town.lower()))
        else:
            bios.append(rnd.choice(C.NONPLACE_LOCATIONS) or None)
    pick = np.minimum(rng.zipf(1.3, n_posts) - 1, n_accounts - 1)
    pick = rng.permutation(n_accounts)[pick]
    return np.array(handles, dtype=object)[pick], np.array(bios, dtype=object)[pick]


def _write(rnd: random.Random, topic: Topic | None, key: str, platform: str, authors: np.ndarray) -> str:
    sentiment = rnd.choice(("negative", "negative", "neutral", "positive"))
    towns = C.PROVINCE_FACTS[rnd.choice(tuple(C.PROVINCE_FACTS))][3]
    slots = _Slots(rnd, {"place": towns, **(topic.slots if topic else {})}, sentiment)
    if topic is None:
        return roughen(rnd, rnd.choice(CHATTER).format_map(slots), rnd.random()) if key == "noise" else ""
    if platform == "news":
        return rnd.choice(topic.headlines).format_map(slots)
    event = rnd.choice(topic.events)
    comment = rnd.choice(getattr(topic, sentiment))
    shape = rnd.random()
    if shape < 0.4:
        core = f"{event}, {comment}" if rnd.random() < 0.7 else event
    elif shape < 0.6:
        core = f"{comment}. {event}"
    elif shape < 0.8:
        core = f"{rnd.choice(topic.questions)} {event}" if rnd.random() < 0.5 else rnd.choice(topic.questions)
    else:
        core = comment
    text = rnd.choice(C.OPENERS[sentiment]) + " " + core if rnd.random() < 0.25 else core
    if rnd.random() < 0.3:
        text += " " + rnd.choice(C.REACTIONS[sentiment])
    text = roughen(rnd, text.format_map(slots), rnd.choice((0.1, 0.5, 0.85)))
    if rnd.random() < 0.35:
        text += " " + rnd.choice(C.EMOJI[sentiment])
    if rnd.random() < 0.3:
        text += " " + rnd.choice(topic.hashtags)
    if rnd.random() < 0.12:
        text = f"@{rnd.choice(authors)} {text}"
    return text
