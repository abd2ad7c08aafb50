"""Text for the emerging-issue benchmark: injected new issues and a second background.

Everything here was written by the PantauIsu team (no third-party data). Two things:

- :data:`SCENARIOS`: brand-new local issues to inject into a background, each with its province,
  the towns posts name, bio locations of that province, and templates by sentiment. Templates
  are ``str.format`` strings with the scenario's slots plus ``{n}`` (a digit) and ``{emo}``.
  :func:`inject_posts` writes ``n`` posts of one scenario in the last hours before ``end``, with
  slang, typos, emoji, hashtags, replies and some posts from other provinces.
- :func:`mixed_background`: a background with other topics than the demo's (transport fares,
  honorary teachers, online loans, chilli prices, football, air pollution, local elections,
  e-tickets, forest fires, electricity bills, stunting, air fares) written compositionally
  (event + comment + question phrases) so texts vary more than the demo's templates, plus
  chatter, random-word posts, retweets, a forest-fire wave a week earlier and a football
  surge on the last evening (an existing issue growing fast: it must not become a new issue).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from monitoring import schema as S
from monitoring.demo import corpus as C

INJECTED = "injected"        # ground-truth column: True for injected posts
TRUE_ISSUE = "true_issue"    # ground-truth topic of a background post ("noise" for chatter)


def _lines(block: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in block.strip().splitlines() if line.strip())


@dataclass(frozen=True)
class Scenario:
    """A brand-new local issue to inject."""

    key: str
    label: str
    province_code: str
    locations: tuple[str, ...]        # bio locations inside the province
    negative: tuple[str, ...]
    neutral: tuple[str, ...]
    positive: tuple[str, ...]
    headlines: tuple[str, ...]
    sympathy: tuple[str, ...]          # what people in other provinces write
    hashtags: tuple[str, ...]
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)
    suffixes: tuple[str, ...] = ()     # regional particles appended to some posts
    sentiment: tuple[float, float, float] = (0.1, 0.3, 0.6)  # positive, neutral, negative


SCENARIOS = {
    "kebakaran_pasar_ambon": Scenario(
        "kebakaran_pasar_ambon", "Kebakaran Pasar Mardika di Kota Ambon", "81",
        ("Ambon, Maluku", "Ambon Manise", "Kota Ambon", "Ambon", "ambon 🌴", "Maluku", "Tual, Maluku", "Masohi"),
        negative=_lines("""
            {market} terbakar dari subuh, api belum padam sampai sekarang {emo}
            ratusan kios di {market} hangus, pedagang kehilangan semua barang dagangan
            ya Tuhan, kios mama beta di {market} abis terbakar samua
            damkar datang telat, api su merambat ke los ikan {market}
            asap hitam dari {market} kelihatan sampai {area}, ngeri sekali
            pedagang {market} menangis liat lapak hangus, modal habis semua
            su berapa kali {market} terbakar, pemkot seng belajar kah?
            harga ikan deng sayur di Ambon langsung naik gara2 pasar terbakar
            kasihan pedagang kecil, baru mau stok barang buat natal malah kebakaran
            hidran di {market} seng ada air, damkar kesulitan padamkan api
        """),
        neutral=_lines("""
            info: kebakaran di {market}, hindari jalur {area} dulu
            ada yang tau penyebab kebakaran {market}? katanya korsleting listrik
            posko bantuan pedagang korban kebakaran {market} dibuka di {area}
            update kebakaran {market}: {n} unit damkar dikerahkan, api mulai dipadamkan
            pedagang korban kebakaran direlokasi sementara ke {area}
            jalan ke {market} masih ditutup polisi, lewat {area} saja
        """),
        positive=_lines("""
            salut petugas damkar Ambon kerja semalaman padamkan api di {market} {emo}
            terima kasih relawan yang bantu pedagang {market} selamatkan barang
            pemkot janji bangun ulang {market}, semoga cepat e
        """),
        headlines=_lines("""
            Kebakaran Hebat Landa {market}, Ratusan Kios Hangus
            Pedagang {market} Rugi Miliaran Rupiah Akibat Kebakaran
            Pemkot Ambon Siapkan Lokasi Relokasi Pedagang Korban Kebakaran
            Api di {market} Berhasil Dipadamkan Setelah {n} Jam
        """),
        sympathy=_lines("""
            turut prihatin buat pedagang pasar Mardika Ambon yang kena kebakaran {emo}
            kebakaran pasar di Ambon parah banget ya, semoga gak ada korban jiwa
            liat video kebakaran pasar Mardika Ambon merinding, kuat2 buat pedagangnya
        """),
        hashtags=("#KebakaranPasarMardika", "#Ambon", "#PrayForAmbon"),
        slots={"market": ("Pasar Mardika", "pasar Mardika", "pasar mardika ambon", "Pasar Mardika Ambon",
                          "pasar Mardika"),
               "area": ("Batu Merah", "jalan Pantai Mardika", "Belakang Soya", "terminal Mardika", "Tugu Trikora")},
        suffixes=("ale", "seng bae", "beta bilang", "e"),
    ),
    "phk_tekstil_sukoharjo": Scenario(
        "phk_tekstil_sukoharjo", "PHK massal pabrik tekstil di Kab. Sukoharjo", "33",
        ("Sukoharjo", "Kartasura, Sukoharjo", "Sukoharjo, Jawa Tengah", "Grogol Sukoharjo", "Sukoharjo 📍",
         "Solo", "Solo Raya"),
        negative=_lines("""
            {n}.000 buruh {factory} di {place} kena PHK massal, mau makan apa keluarga kami
            suami saya salah satu yg di-PHK {factory}, pesangon belum jelas sampai sekarang
            pabrik tekstil tutup, {place} bakal banyak pengangguran baru
            PHK tanpa pesangon itu zalim, tolong Kemnaker turun tangan
            kerja {n}0 tahun di {factory} ujungnya di PHK lewat grup WA, sakit hati
            buruh {factory} demo di depan pabrik, nuntut gaji dan THR dibayar
            cicilan motor, sekolah anak, kontrakan, terus PHK. piye iki urip
            bapakku {n}5 tahun kerja di pabrik tekstil {place}, sekarang nganggur
            PHK massal di {place} kok pemerintah diem aja, katanya mau buka lapangan kerja
        """),
        neutral=_lines("""
            serikat buruh {place} gelar aksi besok pagi soal PHK {factory}
            ada info lowongan buat korban PHK pabrik tekstil {place}? bantu share
            Disnaker {place} buka posko pengaduan PHK di kantor kecamatan
            berapa sih hitungan pesangon PHK sesuai aturan sekarang?
            kurator {factory} bilang aset pabrik mau dijual buat bayar pesangon
        """),
        positive=_lines("""
            Bupati Sukoharjo janji bantu pelatihan kerja buat buruh korban PHK
            salut warga {place} buka dapur umum buat buruh yang di-PHK {emo}
            alhamdulillah beberapa pabrik di Solo Raya mau tampung eks buruh {factory}
        """),
        headlines=_lines("""
            {n}.000 Buruh {factory} di {place} Terkena PHK Massal
            Pabrik Tekstil di {place} Tutup, Ribuan Pekerja Kehilangan Pekerjaan
            Buruh Korban PHK di {place} Tuntut Pembayaran Pesangon
            Kemnaker Turunkan Tim ke {place} Tangani PHK Massal Pabrik Tekstil
        """),
        sympathy=_lines("""
            sedih baca berita PHK massal pabrik tekstil di Sukoharjo, industri tekstil lagi hancur
            ribuan buruh Sukoharjo di-PHK, semoga cepet dapet kerjaan baru {emo}
        """),
        hashtags=("#PHKMassal", "#TolakPHK", "#BuruhTekstil", "#Sukoharjo"),
        slots={"factory": ("PT Sandang Makmur", "PT Sandang Makmur Tekstil", "pabrik tekstil Sandang Makmur",
                           "pabrik tekstil", "pabrik PT SMT"),
               "place": ("Sukoharjo", "Kab. Sukoharjo", "Nguter", "Grogol", "Kartasura", "sukoharjo")},
        suffixes=("lur", "piye iki", "wes angel tenan", "ngenes tenan"),
    ),
    "longsor_trans_papua": Scenario(
        "longsor_trans_papua", "Longsor jalan Trans Papua di Kab. Jayawijaya", "95",
        ("Wamena", "Jayawijaya, Papua Pegunungan", "Wamena, Papua", "wamena 🏔", "Jayawijaya", "Lembah Baliem"),
        negative=_lines("""
            jalan trans papua di {place} putus total kena longsor, truk logistik tertahan
            harga bensin di Wamena su tembus Rp{price} seliter gara2 jalan longsor
            sudah {n} hari jalan {route} tertutup longsor, kami di {place} susah dapat sembako
            mama-mama di pasar {place} bilang barang tra masuk karena longsor
            sa pu keluarga terjebak di {place}, jalan longsor tra bisa lewat
            longsor lagi di {route}, pemerintah kapan bikin jalan yang aman kah
            beras di {place} naik jadi Rp{price} sekilo sejak jalan trans papua putus
        """),
        neutral=_lines("""
            info: ruas {route} KM {km} longsor, kendaraan belum bisa lewat
            alat berat dari PU sedang dikirim ke lokasi longsor di {place}
            ada yang tau kapan jalan {route} dibuka lagi?
            sopir truk yang tertahan di {place} bikin tenda di pinggir jalan
        """),
        positive=_lines("""
            terima kasih TNI Polri dan warga yang gotong royong bersihkan longsor di {place}
            puji Tuhan satu jalur {route} su bisa dilewati motor {emo}
        """),
        headlines=_lines("""
            Longsor Putus Jalan Trans Papua di {place}, Distribusi Logistik Terhambat
            Harga BBM di Wamena Melonjak Usai Jalan Trans Papua Tertutup Longsor
            PUPR Kerahkan Alat Berat Buka Akses Jalan {route}
        """),
        sympathy=_lines("""
            kasian saudara2 di Wamena, jalan trans papua longsor harga2 langsung naik
            jalan trans papua longsor lagi, semoga cepat diperbaiki {emo}
        """),
        hashtags=("#TransPapua", "#Wamena", "#Longsor"),
        slots={"place": ("Wamena", "Jayawijaya", "Kurulu", "Walesi", "Pelebaga"),
               "route": ("Wamena-Elelim", "trans papua Wamena-Jayapura", "jalan trans papua", "Wamena-Tiom"),
               "price": ("25.000", "30.000", "40.000", "50.000"), "km": ("12", "27", "45", "63")},
        suffixes=("kaka", "sa bilang", "tra tipu"),
    ),
    "antrean_lpg_palu": Scenario(
        "antrean_lpg_palu", "Antrean dan kelangkaan LPG 3 kg di Kota Palu", "72",
        ("Palu", "Kota Palu, Sulteng", "Palu, Sulawesi Tengah", "palu 📍", "Kota Palu", "Sigi, Sulteng"),
        negative=_lines("""
            cari gas melon 3 kg di {place} susahnya minta ampun, antre dari subuh
            LPG 3 kg di pangkalan {place} habis terus, di pengecer Rp{price}
            sudah {n} pangkalan didatangi, gas elpiji 3 kilo kosong semua {emo}
            mau masak pake apa kalau gas melon langka begini
            antrean tabung gas di {place} mengular, ibu2 sampai pingsan
            pengecer di {place} jual gas 3 kg Rp{price}, ini penimbunan kah?
            warung makan di {place} terpaksa tutup karena tidak dapat gas elpiji
        """),
        neutral=_lines("""
            pangkalan gas 3 kg di {place} yg masih ada stok di mana ya?
            Pertamina: pasokan LPG 3 kg ke Palu ditambah {n}0 ribu tabung
            operasi pasar LPG 3 kg di {place} besok jam 8, bawa KTP
            beli gas melon sekarang wajib bawa KTP ya di pangkalan {place}
        """),
        positive=_lines("""
            alhamdulillah dapat gas melon di operasi pasar {place} {emo}
            makasih pak lurah {place} sudah kawal pembagian LPG 3 kg biar tertib
        """),
        headlines=_lines("""
            Warga Palu Antre Berjam-jam Demi LPG 3 Kg
            Kelangkaan Gas Melon di Kota Palu, Harga di Pengecer Tembus Rp{price}
            Pertamina Tambah Pasokan LPG 3 Kg untuk Kota Palu
        """),
        sympathy=_lines("""
            di Palu gas melon langka, antrenya panjang banget kasian ibu2
        """),
        hashtags=("#LPG3Kg", "#GasMelonLangka", "#Palu"),
        slots={"place": ("Palu", "Palu Barat", "Tatura", "Talise", "Birobuli", "kota Palu"),
               "price": ("35.000", "40.000", "45.000", "50.000")},
        suffixes=("mi", "to", "bah"),
    ),
    # --- holdout: never tuned on -------------------------------------------------------
    "keracunan_hajatan_garut": Scenario(
        "keracunan_hajatan_garut", "Keracunan massal nasi kotak hajatan di Kab. Garut", "32",
        ("Garut", "Garut, Jawa Barat", "Tarogong Kidul", "garut 🌄", "Kab. Garut", "Garut | Jabar"),
        negative=_lines("""
            puluhan warga {place} keracunan setelah makan nasi kotak hajatan {emo}
            tetangga saya {n} orang dilarikan ke puskesmas, muntah2 abis makan di hajatan
            puskesmas {place} penuh pasien keracunan, sampai dirawat di lorong
            anak2 juga ikut keracunan nasi kotak, pusing dan diare semalaman
            katering hajatan di {place} harus diperiksa, ini sudah {n}0 orang lebih
            IGD RSUD dr Slamet penuh korban keracunan dari {place}, ya Allah
        """),
        neutral=_lines("""
            Dinkes Garut ambil sampel nasi kotak hajatan di {place} buat diperiksa lab
            update korban keracunan di {place}: {n}0 orang dirawat, sebagian sudah pulang
            ada posko kesehatan di balai desa {place} buat warga yg masih mual
        """),
        positive=_lines("""
            salut nakes puskesmas {place} yang begadang rawat korban keracunan {emo}
        """),
        headlines=_lines("""
            Puluhan Warga {place} Keracunan Usai Santap Nasi Kotak Hajatan
            Dinkes Garut Selidiki Penyebab Keracunan Massal di {place}
            Korban Keracunan Hajatan di Garut Bertambah Jadi {n}0 Orang
        """),
        sympathy=_lines("""
            keracunan massal hajatan di Garut serem banget, hati2 sama katering
        """),
        hashtags=("#KeracunanMassal", "#Garut"),
        slots={"place": ("Garut", "Tarogong", "Cibatu", "Leles", "Kadungora", "desa Sukamukti")},
        suffixes=("euy", "atuh", "mah"),
    ),
    "pemadaman_listrik_pontianak": Scenario(
        "pemadaman_listrik_pontianak", "Pemadaman listrik bergilir di Kota Pontianak", "61",
        ("Pontianak", "Pontianak, Kalbar", "Kota Pontianak", "ptk 📍", "Kubu Raya", "Pontianak Timur"),
        negative=_lines("""
            listrik di {place} padam lagi {n} jam, PLN ni kenape sih
            pemadaman bergilir di {place} bikin kulkas rusak, dagangan es basi semua
            mati lampu dari siang sampai malam di {place}, anak mau belajar gelap gulita
            sehari bisa {n} kali padam, alat elektronik rusak siapa yang ganti?
            pompa air mati karena listrik padam, {place} sudah {n} hari begini
            UMKM di {place} rugi besar gara2 pemadaman bergilir PLN
        """),
        neutral=_lines("""
            jadwal pemadaman bergilir PLN wilayah {place} hari ini jam 10-14 dan 18-22
            PLN bilang pemadaman karena gangguan pembangkit di Kalbar, berapa lama lagi?
            ada yang tau {place} kebagian giliran padam jam berapa?
        """),
        positive=_lines("""
            listrik di {place} sudah nyala lagi, semoga tidak padam2 lagi {emo}
        """),
        headlines=_lines("""
            PLN Berlakukan Pemadaman Bergilir di {place}
            Warga {place} Keluhkan Pemadaman Listrik Berjam-jam
            Gangguan Pembangkit, Pemadaman Listrik di Kalbar Berlanjut
        """),
        sympathy=_lines("""
            Pontianak mati lampu bergilir terus, kasian warga sana
        """),
        hashtags=("#PemadamanBergilir", "#PLN", "#Pontianak"),
        slots={"place": ("Pontianak", "Pontianak Timur", "Siantan", "Kubu Raya", "Sungai Raya", "kota Pontianak")},
        suffixes=("bah", "kite", "ape ye"),
    ),
    "dbd_kendari": Scenario(
        "dbd_kendari", "Lonjakan kasus DBD di Kota Kendari", "74",
        ("Kendari", "Kendari, Sultra", "Kota Kendari", "kendari 📍", "Kendari, Sulawesi Tenggara"),
        negative=_lines("""
            kasus DBD di {place} naik drastis, bangsal anak RS {hospital} penuh
            anak saya kena DBD, trombosit tinggal {n}0 ribu, di {hospital} antre kamar
            sudah {n} anak di kompleks kami kena demam berdarah, fogging kapan?
            pasien DBD di {place} sampai dirawat di lorong rumah sakit
            nyamuk di {place} banyak sekali, genangan air tidak pernah dibersihkan
        """),
        neutral=_lines("""
            Dinkes {place} catat {n}00 kasus DBD bulan ini, warga diminta 3M plus
            jadwal fogging di {place} minggu ini, cek pengumuman kelurahan
            gejala DBD apa saja sih? anak saya demam {n} hari
        """),
        positive=_lines("""
            terima kasih petugas puskesmas {place} yang keliling fogging sampai malam {emo}
        """),
        headlines=_lines("""
            Kasus DBD di {place} Melonjak, Rumah Sakit Kewalahan
            Pemkot Kendari Tetapkan KLB Demam Berdarah
        """),
        sympathy=_lines("""
            DBD di Kendari lagi tinggi, hati2 buat yang di Sultra {emo}
        """),
        hashtags=("#DBD", "#Kendari", "#DemamBerdarah"),
        slots={"place": ("Kendari", "Mandonga", "Poasia", "Kadia", "kota Kendari"),
               "hospital": ("Bahteramas", "RSUD Kota Kendari", "Abunawas")},
        suffixes=("iye", "dih"),
    ),
    # --- second holdout: written after the stage was frozen, run once ---------------------
    "banjir_bandang_luwu_utara": Scenario(
        "banjir_bandang_luwu_utara", "Banjir bandang di Masamba, Kab. Luwu Utara", "73",
        ("Masamba", "Luwu Utara", "Masamba, Luwu Utara", "Luwu Utara, Sulsel", "Palopo", "masamba 🌊"),
        negative=_lines("""
            banjir bandang terjang {place} tengah malam, lumpur setinggi atap rumah
            keluarga saya di {place} belum bisa dihubungi sejak banjir bandang semalam {emo}
            jembatan di {place} putus dihantam banjir bandang, desa terisolasi
            {n}0 rumah hanyut di {place}, warga mengungsi ke masjid dan sekolah
            sungai Masamba meluap bawa kayu gelondongan, ini akibat hutan gundul
            pengungsi banjir bandang {place} butuh air bersih, selimut, dan obat2an
        """),
        neutral=_lines("""
            update banjir bandang {place}: {n} orang dilaporkan hilang, tim SAR masih mencari
            posko bantuan korban banjir bandang Luwu Utara dibuka di kantor bupati
            akses jalan trans sulawesi ke {place} tertutup lumpur, cari jalur lain
            yang mau donasi untuk korban banjir bandang Masamba bisa lewat rekening posko
        """),
        positive=_lines("""
            salut tim SAR dan relawan yang evakuasi warga {place} sampai subuh {emo}
            bantuan logistik dari Makassar sudah tiba di {place}, terima kasih semua
        """),
        headlines=_lines("""
            Banjir Bandang Terjang {place}, Puluhan Rumah Hanyut
            Tim SAR Gabungan Cari Korban Hilang Banjir Bandang di Luwu Utara
            Jalan Trans Sulawesi di {place} Lumpuh Tertimbun Lumpur Banjir Bandang
        """),
        sympathy=_lines("""
            doa terbaik buat saudara2 di Masamba Luwu Utara yang kena banjir bandang
            banjir bandang Luwu Utara ngeri banget videonya, semoga korban cepat ditemukan
        """),
        hashtags=("#BanjirBandang", "#LuwuUtara", "#PrayForMasamba"),
        slots={"place": ("Masamba", "Luwu Utara", "Baebunta", "Sabbang", "desa Radda", "Masamba, Luwu Utara")},
        suffixes=("mi", "ji", "iye"),
    ),
    "mogok_angkot_medan": Scenario(
        "mogok_angkot_medan", "Mogok massal sopir angkot di Kota Medan", "12",
        ("Medan", "Medan, Sumatera Utara", "Medan | Sumut", "medan 🔥", "Kota Medan", "Deli Serdang"),
        negative=_lines("""
            sopir angkot di {place} mogok massal, anak sekolah terlantar di pinggir jalan
            dari pagi nunggu angkot di {place} gak ada satupun yang lewat, telat kerja
            sopir angkot {route} demo di kantor wali kota, tolak ojol masuk trayek mereka
            penghasilan sopir angkot sekarang cuma {n}0 ribu sehari, setoran aja gak cukup
            ojek online ambil semua penumpang, angkot {place} mati pelan2 bah
        """),
        neutral=_lines("""
            info: angkot trayek {route} tidak beroperasi hari ini karena aksi mogok
            Dishub {place} siapkan bus gratis selama sopir angkot mogok
            ada yang tau sampai kapan mogok angkot di Medan?
        """),
        positive=_lines("""
            makasih bapak polisi yang kasih tumpangan anak sekolah pas angkot mogok di {place} {emo}
        """),
        headlines=_lines("""
            Ribuan Sopir Angkot di Medan Mogok, Penumpang Telantar
            Sopir Angkot Demo di Balai Kota Medan Tuntut Pembatasan Ojol
        """),
        sympathy=_lines("""
            mogok angkot di Medan bikin susah semua orang ya, semoga cepat ada solusi
        """),
        hashtags=("#MogokAngkot", "#Medan"),
        slots={"place": ("Medan", "Amplas", "Pinang Baris", "Medan Johor", "Sei Sikambing"),
               "route": ("Amplas-Pinang Baris", "KPUM 64", "Rahayu 103", "Morina 81")},
        suffixes=("bah", "lae", "kali"),
    ),
    "koperasi_gagal_bayar_malang": Scenario(
        "koperasi_gagal_bayar_malang", "Koperasi simpan pinjam gagal bayar di Kota Malang", "35",
        ("Malang", "Malang, Jawa Timur", "Kota Malang", "ngalam 📍", "Batu, Malang"),
        negative=_lines("""
            tabungan pensiun ibu saya {n}0 juta di koperasi {coop} gak bisa dicairkan
            ratusan nasabah koperasi {coop} geruduk kantornya di {place}, uang gak kembali
            koperasi {coop} gagal bayar, pengurusnya kabur ke luar kota
            janji bunga tinggi, ujungnya uang nasabah koperasi raib. yo opo iki rek
            nasabah {coop} di {place} lapor polisi, total kerugian katanya miliaran
        """),
        neutral=_lines("""
            nasabah koperasi {coop} diminta kumpulkan bukti simpanan buat laporan ke polres {place}
            Dinas Koperasi {place} panggil pengurus {coop} soal gagal bayar
            ada grup WA korban koperasi {coop}? ibu saya juga nasabah
        """),
        positive=_lines("""
            akhirnya polisi tetapkan tersangka kasus koperasi {coop}, semoga uang nasabah kembali {emo}
        """),
        headlines=_lines("""
            Koperasi {coop} di {place} Gagal Bayar, Ratusan Nasabah Merugi
            Polisi Selidiki Dugaan Penipuan Koperasi Simpan Pinjam di {place}
        """),
        sympathy=_lines("""
            kasus koperasi gagal bayar di Malang, hati2 sama koperasi yang janji bunga tinggi
        """),
        hashtags=("#KoperasiGagalBayar", "#Malang"),
        slots={"coop": ("KSP Sejahtera Abadi", "KSP SA", "koperasi Sejahtera Abadi", "ksp sejahtera abadi"),
               "place": ("Malang", "Lowokwaru", "Klojen", "Blimbing", "kota Malang")},
        suffixes=("rek", "cak", "yo opo"),
    ),
    # --- third holdout: written after the split step was added, run once ------------------
    "atap_sekolah_ambruk_bima": Scenario(
        "atap_sekolah_ambruk_bima", "Atap ruang kelas ambruk di Kab. Bima", "52",
        ("Bima", "Bima, NTB", "Kota Bima", "Kab. Bima", "bima 📍", "Dompu, NTB"),
        negative=_lines("""
            atap ruang kelas SDN {n} {place} ambruk pas jam pelajaran, {n} siswa luka2
            anak saya sekolah di {place}, atap kelasnya memang sudah lapuk dari lama
            sudah berkali2 lapor atap kelas retak ke dinas, baru ditanggapi setelah ambruk
            murid {place} sekarang belajar di tenda, kasian kepanasan
            dana BOS kemana? gedung SD di {place} kayak mau roboh semua
        """),
        neutral=_lines("""
            update: {n} siswa korban atap kelas ambruk di {place} dirawat di RSUD Bima
            Dinas Pendidikan Bima periksa semua gedung SD yang rusak setelah kejadian di {place}
            siswa SDN {n} {place} sementara belajar di balai desa
        """),
        positive=_lines("""
            terima kasih guru2 di {place} yang sigap evakuasi murid pas atap ambruk {emo}
        """),
        headlines=_lines("""
            Atap Ruang Kelas SD di {place} Ambruk, Sejumlah Siswa Terluka
            Pemkab Bima Janji Perbaiki Gedung Sekolah Rusak Usai Atap Kelas Ambruk
        """),
        sympathy=_lines("""
            atap kelas ambruk nimpa murid di Bima, sekolah rusak begini masih banyak di daerah
        """),
        hashtags=("#SekolahRusak", "#Bima"),
        slots={"place": ("Bima", "Woha", "Monta", "Sape", "Belo")},
        suffixes=("ta", "ndi"),
    ),
    "antrean_pelabuhan_bakauheni": Scenario(
        "antrean_pelabuhan_bakauheni", "Antrean kendaraan berhari-hari di Pelabuhan Bakauheni", "18",
        ("Lampung Selatan", "Kalianda, Lampung", "Bandar Lampung", "Lampung", "Bakauheni 🚢"),
        negative=_lines("""
            sudah {n}0 jam antre di pelabuhan {port}, kapal ferry gak jalan2
            truk sembako numpuk di {port}, sayur di dalam bak sudah busuk
            antrean kendaraan di {port} mengular {n} km sampai tol, anak2 kehausan
            tiket ferry online sudah dibeli tapi tetap nunggu {n}0 jam, ASDP parah
            dermaga {port} cuma {n} yang beroperasi, sisanya rusak
        """),
        neutral=_lines("""
            info arus penyeberangan {port}: antrean kendaraan masih {n} km, siapkan bekal
            ASDP tambah kapal di lintasan {port} - Merak mulai malam ini
            yang mau nyebrang ke Jawa lewat {port} mending tunda dulu
        """),
        positive=_lines("""
            makasih relawan yang bagi nasi bungkus ke pengemudi yang antre di {port} {emo}
        """),
        headlines=_lines("""
            Antrean Kendaraan di Pelabuhan Bakauheni Mengular Belasan Kilometer
            ASDP Tambah Armada Kapal Urai Penumpukan di {port}
        """),
        sympathy=_lines("""
            liat antrean di pelabuhan Bakauheni ngeri banget, kasian sopir truk berhari2 di sana
        """),
        hashtags=("#Bakauheni", "#ASDP"),
        slots={"port": ("Bakauheni", "pelabuhan Bakauheni", "dermaga Bakauheni", "Bakauheni, Lampsel")},
    ),
    "antraks_gunungkidul": Scenario(
        "antraks_gunungkidul", "Sapi mati mendadak diduga antraks di Kab. Gunungkidul", "34",
        ("Gunungkidul", "Wonosari, Gunungkidul", "Gunungkidul, DIY", "Jogja", "Semanu Gunungkidul"),
        negative=_lines("""
            {n} ekor sapi warga {place} mati mendadak, katanya positif antraks
            warga {place} sempat makan daging sapi yang mati, sekarang {n} orang dirawat
            peternak di {place} rugi puluhan juta, sapi mati satu per satu
            takut beli daging sekarang, antraks di {place} belum jelas penanganannya
            tradisi brandu (bagi daging sapi mati) di {place} bikin antraks nyebar
        """),
        neutral=_lines("""
            Dinas Peternakan vaksinasi ternak di {place} setelah kasus antraks
            gejala antraks pada manusia apa aja? warga {place} banyak yang luka di kulit
            lalu lintas ternak dari {place} ditutup sementara karena antraks
        """),
        positive=_lines("""
            petugas puskeswan sigap suntik vaksin sapi di {place}, matur nuwun {emo}
        """),
        headlines=_lines("""
            Kasus Antraks di {place}, Puluhan Ternak Mati Mendadak
            Warga {place} Dirawat Usai Konsumsi Daging Sapi Terpapar Antraks
        """),
        sympathy=_lines("""
            antraks di Gunungkidul lagi, hati2 beli daging sapi dari sana
        """),
        hashtags=("#Antraks", "#Gunungkidul"),
        slots={"place": ("Gunungkidul", "Semanu", "Ponjong", "Wonosari", "Karangmojo", "Candirejo")},
        suffixes=("lur", "ndes"),
    ),
}
DEV = ("kebakaran_pasar_ambon", "phk_tekstil_sukoharjo", "longsor_trans_papua", "antrean_lpg_palu")
HOLDOUT = ("keracunan_hajatan_garut", "pemadaman_listrik_pontianak", "dbd_kendari")
HOLDOUT_B = ("banjir_bandang_luwu_utara", "mogok_angkot_medan", "koperasi_gagal_bayar_malang")
HOLDOUT_C = ("atap_sekolah_ambruk_bima", "antrean_pelabuhan_bakauheni", "antraks_gunungkidul")
OPENERS = ("Ya Allah", "Astaga", "Duh", "Info:", "Guys,", "Tolong", "Breaking:", "Jujur", "Sedih,", "Gila sih")
CLOSERS = ("tolong diviralkan", "mohon perhatian pemerintah", "semoga cepat ditangani", "pantau terus",
           "sedih liatnya", "kapan beres?", "cmiiw", "share biar banyak yang tau")
PLATFORMS = ("x", "instagram", "tiktok", "youtube", "news")
PLATFORM_MIX = (0.6, 0.12, 0.13, 0.05, 0.1)


class _Slots(dict):
    def __init__(self, rnd: random.Random, slots: dict[str, tuple[str, ...]], sentiment: str):
        super().__init__()
        self.rnd, self.slots, self.sentiment = rnd, slots, sentiment

    def __missing__(self, key: str) -> str:
        if key == "n":
            value = str(self.rnd.randint(2, 9))
        elif key == "emo":
            value = self.rnd.choice(C.EMOJI[self.sentiment])
        else:
            value = self.rnd.choice(self.slots[key])
        self[key] = value
        return value


def roughen(rnd: random.Random, text: str, slang: float) -> str:
    """Social-media spelling: slang words, '2' reduplication, a typo, elongation, casing."""
    words = []
    for word in text.split(" "):
        key = word.lower()
        if key in C.SLANG and rnd.random() < slang:
            word = rnd.choice(C.SLANG[key])
        words.append(word)
    if rnd.random() < 0.1 + 0.2 * slang:
        candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if candidates:
            i = rnd.choice(candidates)
            at = rnd.randint(1, len(words[i]) - 2)
            words[i] = words[i][:at] + words[i][at + 1] + words[i][at] + words[i][at + 2:]
    text = " ".join(words)
    draw = rnd.random()
    if draw < 0.03:
        return text.upper()
    return text[:1].upper() + text[1:] if draw < 0.5 else text


def _decorate(rnd: random.Random, core: str, sentiment: str, hashtags, suffixes, platform: str) -> str:
    text = core
    if suffixes and rnd.random() < 0.3:
        text += rnd.choice((", ", " ")) + rnd.choice(suffixes)
    if rnd.random() < 0.25:
        text = rnd.choice(OPENERS) + " " + text
    if rnd.random() < 0.3:
        text += rnd.choice((". ", ", ", " ")) + rnd.choice(CLOSERS)
    text = roughen(rnd, text, rnd.choice((0.1, 0.5, 0.85)))
    if rnd.random() < 0.45:
        text += " " + "".join(rnd.choices(C.EMOJI[sentiment], k=rnd.choice((1, 1, 2, 3))))
    if hashtags and rnd.random() < (0.45 if platform in ("x", "instagram") else 0.15):
        text += " " + " ".join(rnd.sample(hashtags, rnd.randint(1, min(2, len(hashtags)))))
    return text


def inject_posts(key: str, n: int, *, end: pd.Timestamp, seed: int = 0, hours: float = 22.0) -> pd.DataFrame:
    """``n`` canonical posts of scenario ``key`` in the ``hours`` before ``end`` (a growing surge).

    About 80 % of authors have a bio location in the scenario's province, 8 % live elsewhere
    (and write sympathy posts), the rest have no place in their bio. Column :data:`INJECTED` is True.
    """
    scenario = SCENARIOS[key]
    rng, rnd = np.random.default_rng(seed), random.Random(seed)
    n_authors = max(5, int(n * 0.8))
    others = [c for c in C.PROVINCE_FACTS if c != scenario.province_code]
    authors, locations, home = [], [], []
    for i in range(n_authors):
        authors.append(f"{rnd.choice(C.FIRST_NAMES)}_{rnd.choice(C.HANDLE_WORDS)}{rnd.randint(1, 9999)}x{i}")
        draw = rnd.random()
        if draw < 0.8:
            locations.append(rnd.choice(scenario.locations)), home.append(True)
        elif draw < 0.88:
            code = rnd.choice(others)
            locations.append(C.PROVINCE_FACTS[code][3][0]), home.append(False)
        else:
            locations.append(rnd.choice(C.NONPLACE_LOCATIONS) or None), home.append(True)
    who = rng.integers(0, n_authors, n)
    # onset 'hours' before end, growing: later hours hold more posts
    offsets = hours * 3600 * (1 - np.sqrt(rng.random(n)))
    created = end - pd.to_timedelta(np.sort(offsets)[::-1].astype(np.int64) + 60, unit="s")
    platforms = np.array(PLATFORMS)[rng.choice(len(PLATFORMS), n, p=PLATFORM_MIX)]
    p_pos, p_neu, _ = scenario.sentiment
    texts = []
    for i in range(n):
        draw = rnd.random()
        sentiment = "positive" if draw < p_pos else "neutral" if draw < p_pos + p_neu else "negative"
        slots = _Slots(rnd, scenario.slots, sentiment)
        if platforms[i] == "news":
            texts.append(rnd.choice(scenario.headlines).format_map(slots))
            continue
        bank = scenario.sympathy if not home[who[i]] else getattr(scenario, sentiment)
        core = rnd.choice(bank).format_map(slots)
        text = _decorate(rnd, core, sentiment, scenario.hashtags, scenario.suffixes, platforms[i])
        if i > 3 and rnd.random() < 0.15:
            text = f"@{authors[who[rnd.randrange(i)]]} {text}"
        texts.append(text)
    news = platforms == "news"
    author_col = np.array(authors, dtype=object)[who]
    author_col[news] = rnd.choice(("kabarmaluku", "beritadaerah_id", "lensadaerah", "wartanusantara"))
    location_col = np.array(locations, dtype=object)[who]
    location_col[news] = None
    return pd.DataFrame({
        S.POST_ID: [f"inj-{key}-{seed}-{i}" for i in range(n)], S.PLATFORM: platforms,
        S.CREATED_AT: created, S.AUTHOR: author_col, S.TEXT: texts, S.LOCATION_RAW: location_col,
        S.LIKES: pd.array(rng.integers(0, 300, n), dtype="Int64"),
        S.REPLIES: pd.array(rng.integers(0, 40, n), dtype="Int64"),
        S.SHARES: pd.array(rng.integers(0, 80, n), dtype="Int64"), INJECTED: True,
    })
