"""What the demo posts say: phrase banks (written by the PantauIsu team, no third-party data) and
:class:`PostWriter`, which assembles them into social-media text (slang, typos, emoji, hashtags...).

Templates are ``str.format`` strings. ``{place}`` is a town in the author's (or the story's) province
and marks the post as naming a place; the other slots are filled from :attr:`IssueBank.slots` or the
generic slots ``{n}`` (a digit 2-9, the same within one post) and ``{emo}`` (an emoji of the post's
sentiment). Province codes are checked against ``lokal`` by :mod:`monitoring.demo.generator`; populations are
rounded 2024 figures (millions).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import pandas as pd

from monitoring import schema as S


def _lines(block: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in block.strip().splitlines() if line.strip())


@dataclass(frozen=True)
class IssueBank:
    """Vocabulary and behaviour of one public issue in the demo data."""

    key: str
    label: str
    share: float                             # share of the topical (non-noise) posts
    sentiment: tuple[float, float, float]    # probabilities of positive, neutral, negative
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    positive: tuple[str, ...]
    neutral: tuple[str, ...]
    negative: tuple[str, ...]
    headlines: tuple[str, ...]               # news titles (always neutral)
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)
    province_boost: dict[str, float] = field(default_factory=dict)
    base: float = 1.0                        # daily level outside events
    events: tuple[tuple[float, float, float], ...] = ()  # (day from start, amplitude, decay in days)


ISSUES = (
    IssueBank(
        "kenaikan_bbm", "Kenaikan harga BBM", 0.16, (0.07, 0.30, 0.63),
        ("#BBMNaik", "#TolakKenaikanBBM", "#Pertalite", "#HargaBBM"), ("@infoenergi_id", "@layanan_bbm135"),
        positive=_lines("""
            subsidi {fuel} dialihin ke bansos, menurutku langkah yg tepat biar lebih tepat sasaran
            syukurlah {fuel} di {place} udah normal lagi, gak perlu antri {n} jam kayak kemarin
            pake QR code bikin solar subsidi gak disalahgunakan, good job
            harga {fuel} turun Rp{cut}, lumayan banget buat ojol kayak kita {emo}
            SPBU di {place} sekarang tertib, petugasnya ramah. apresiasi
        """),
        neutral=_lines("""
            harga {fuel} per hari ini Rp{price}/liter, berlaku mulai pukul 14.00 WIB
            ada yg tau {fuel} di SPBU daerah {place} masih ada gak?
            beli {fuel} sekarang wajib pake QR code ya, daftar dulu di aplikasinya
            kira2 harga {fuel} bakal turun lagi gak tahun depan?
            rekap harga BBM terbaru: pertalite, pertamax, solar. cek thread di bawah
            {fuel} di {place} berapa sekarang? di sini udah Rp{price}
            motor matic 110cc sebaiknya isi pertalite atau pertamax sih? mumpung harganya beda tipis
        """),
        negative=_lines("""
            {fuel} naik lagi jadi Rp{price}, gaji segitu2 aja. rakyat disuruh makan apa?
            baru isi {fuel} 50rb udah abis {n} hari, mahal banget sekarang
            antrian SPBU di {place} panjang banget, {fuel} kosong dari pagi
            ojol kayak kita mau untung dari mana kalau {fuel} naik terus tapi tarif tetap
            tiap harga BBM naik semua ikut naik, sayur, ongkos, cabe. yang tidak naik cuma gaji
            mantap pak, {fuel} naik lagi. terima kasih atas kejutannya 👏👏
            subsidi katanya tepat sasaran tapi yang antri {fuel} tetep mobil mewah
            nelayan di {place} tidak bisa melaut, solar susah dicari dan mahal
            kenaikan BBM di saat harga kebutuhan pokok sudah tinggi itu tidak masuk akal
            {vehicle} aku mending dijual aja kali ya, isi bensin udah kayak bayar cicilan
            ongkos angkot di {place} ikut naik {n} ribu gara2 {fuel}, anak sekolah yang kena
        """),
        headlines=_lines("""
            Harga Pertalite Naik Jadi Rp{price} per Liter Mulai Hari Ini
            Antrean Kendaraan Mengular di SPBU {place} Usai Pengumuman Kenaikan BBM
            Pemerintah: Penyesuaian Harga BBM untuk Jaga Kesehatan APBN
            Mahasiswa di {place} Gelar Aksi Tolak Kenaikan Harga BBM
            Stok Solar Menipis, Nelayan di {place} Tak Bisa Melaut
        """),
        slots={"fuel": ("pertalite", "Pertalite", "pertamax", "solar", "BBM", "bensin"),
               "price": ("10.000", "10.500", "11.000", "11.500", "12.000", "12.500"),
               "cut": ("200", "300", "500"),
               "vehicle": ("motor", "motor butut", "mobil pick up", "angkot")},
        events=((4.0, 4.0, 2.5),),
    ),
    IssueBank(
        "ppn_12_persen", "PPN 12 persen", 0.12, (0.05, 0.35, 0.60),
        ("#TolakPPN12Persen", "#PPN12Persen", "#PajakNaik"), ("@infopajak_ri", "@kemenkeu_info"),
        positive=_lines("""
            selama sembako, pendidikan & kesehatan tetap bebas PPN, menurutku masih wajar
            pajak naik gpp asal dipakai buat sekolah & rumah sakit. awasi bareng2
            setuju barang mewah kena pajak lebih tinggi, yang kaya bayar lebih
            kalau PPN 12% bikin APBN sehat dan subsidi aman, aku dukung
        """),
        neutral=_lines("""
            PPN 12% berlaku untuk barang apa aja sih? ada yang punya daftarnya?
            penjelasan DJP: barang kebutuhan pokok tetap bebas PPN
            simulasi: belanja Rp{n} juta, dengan PPN 11% vs 12% selisihnya Rp{n}0 ribu
            struk belanja hari ini sudah pakai tarif PPN baru ya
            diskusi malam ini: dampak PPN 12% ke daya beli, join space jam 8
            {item} kena PPN 12% juga gak sih? bingung
        """),
        negative=_lines("""
            PPN 12% itu bukan cuma buat barang mewah, {item} aja ikut naik. jangan bohongin rakyat
            gaji tidak naik, pajak naik. kelas menengah makin kejepit
            belanja bulanan jadi tambah {n}0rb gara2 PPN 12%, parah
            katanya pajak buat rakyat, tapi rakyat yang diperas terus
            UMKM makin berat, modal naik, daya beli turun, PPN naik. lengkap sudah penderitaan
            sudah bayar pajak, jalan di {place} tetep bolong. terus duitnya kemana?
            harga {item} naik lagi, kasirnya bilang karena PPN. makasih loh
            pedagang kecil di {place} pada ngeluh sepi pembeli sejak PPN naik
        """),
        headlines=_lines("""
            PPN 12 Persen Berlaku, Ini Daftar Barang dan Jasa yang Terdampak
            Kemenkeu: Bahan Pokok Tetap Dibebaskan dari PPN
            Ekonom Ingatkan Dampak PPN 12 Persen terhadap Daya Beli
            Pedagang di {place} Keluhkan Sepinya Pembeli Usai Kenaikan PPN
        """),
        slots={"item": ("skincare", "langganan streaming", "pulsa", "tiket pesawat", "sabun cuci",
                        "elektronik", "kopi susu", "token listrik")},
        events=((9.0, 2.0, 2.0),),
    ),
    IssueBank(
        "banjir_cuaca_ekstrem", "Banjir dan cuaca ekstrem", 0.12, (0.08, 0.42, 0.50),
        ("#Banjir", "#CuacaEkstrem", "#InfoBMKG", "#SiagaBencana"), ("@infobmkg_cuaca", "@bpbd_siaga"),
        positive=_lines("""
            salut sama relawan & tim SAR di {place} yg evakuasi warga semalaman {emo}
            alhamdulillah air di {place} sudah surut, warga mulai bersih2 rumah
            dapur umum di {place} sudah jalan, makasih buat semua yang bantu
            BPBD gerak cepat, pompa air sudah dipasang di {place}. semoga cepet kering
        """),
        neutral=_lines("""
            BMKG: waspada hujan lebat disertai petir di {place} sampai {n} hari ke depan
            update: ketinggian air di {place} pagi ini sekitar {n}0 cm, warga mulai mengungsi
            jalur {place} tidak bisa dilewatin, cari jalan alternatif ya
            posko pengungsian dibuka di balai desa {place}, yang butuh bantuan bisa ke sana
            ada yg tau kondisi banjir di {place} sekarang? mau lewat situ
            titik banjir hari ini: {place}. cek dulu sebelum berangkat
        """),
        negative=_lines("""
            banjir lagi di {place}, air udah sepinggang. tiap tahun gini terus tidak ada solusi
            rumah kebanjiran, kasur, kulkas, motor semua terendam {emo}
            drainase di {place} mampet, hujan sejam aja langsung banjir
            sudah {n} hari mati lampu & air belum surut. bantuan belum dateng sama sekali
            jalan ke {place} putus kena longsor, anak-anak tidak bisa sekolah
            tiap musim hujan {place} tenggelam, pejabat cuma foto2 pake sepatu boot
            hujan deres + angin kenceng di {place}, pohon tumbang nimpa rumah tetangga. serem banget
        """),
        headlines=_lines("""
            Banjir Rendam Ratusan Rumah di {place}, Ribuan Warga Mengungsi
            BMKG Keluarkan Peringatan Dini Cuaca Ekstrem untuk Wilayah {place}
            Tanah Longsor Tutup Akses Jalan di {place}
            BPBD {place} Tetapkan Status Tanggap Darurat Banjir
        """),
        province_boost={"33": 2.2, "32": 1.6, "31": 1.8, "63": 2.5, "12": 1.4, "16": 1.4, "73": 1.3},
        base=0.6, events=((12.0, 5.0, 2.0),),
    ),
    IssueBank(
        "makan_bergizi_gratis", "Program Makan Bergizi Gratis", 0.13, (0.35, 0.35, 0.30),
        ("#MakanBergiziGratis", "#MBG"), ("@info_bgn", "@makanbergizi_id"),
        positive=_lines("""
            anakku semangat sekolah sejak ada MBG, pulang2 cerita makan ayam {emo}
            MBG bikin warung & petani lokal di {place} ikut kebagian rezeki
            program makan bergizi gratis ini bagus buat anak-anak yang jarang sarapan
            lihat anak-anak makan bareng di sekolah itu terharu sih
            menu MBG di SD anakku lengkap: {menu}. mantap
        """),
        neutral=_lines("""
            menu MBG hari ini: {menu}. gimana di sekolah kalian?
            MBG katanya mulai diperluas ke ibu hamil & balita, ada yg tau cara daftarnya?
            berapa sih anggaran per porsi MBG sebenernya?
            anak saya sekolah di {place}, kapan ya MBG sampai sini?
            dapur MBG di {place} buka lowongan relawan masak, info lengkap di kelurahan
        """),
        negative=_lines("""
            menu MBG di sekolah anakku hari ini cuma nasi sama tempe {n} potong. gizinya dimana?
            ada siswa keracunan abis makan MBG di {place}, tolong diusut tuntas
            anggarannya triliunan tapi porsinya kecil banget, yang untung siapa?
            dapur MBG di {place} telat bayar ke supplier, katering lokal pada ngeluh
            makanannya dateng basi, anak-anak tidak mau makan. mubazir
        """),
        headlines=_lines("""
            Program Makan Bergizi Gratis Mulai Dilaksanakan di {place}
            BGN Evaluasi Menu MBG Usai Laporan Keracunan Siswa di {place}
            Ribuan Siswa di {place} Terima Makan Bergizi Gratis
        """),
        slots={"menu": ("nasi, ayam, sayur bayam, pisang", "nasi, telur, tempe, jeruk",
                        "nasi, ikan, tumis kangkung", "roti & susu", "nasi, lele, sayur sop, semangka")},
        events=((15.0, 1.5, 1.5),),
    ),
    IssueBank(
        "bansos_blt", "Bansos dan BLT", 0.11, (0.25, 0.40, 0.35),
        ("#Bansos", "#BLT", "#CekBansos"), ("@kemensos_bantu", "@infobansos_id"),
        positive=_lines("""
            alhamdulillah BLT cair, lumayan buat bayar sekolah anak {emo}
            bansos sembako sampe ke rumah, makasih pak RT yang sudah bantu urus
            pembagian bansos di {place} tertib, gak pake antri lama
            ibu2 di {place} seneng banget PKH cair sebelum akhir bulan
        """),
        neutral=_lines("""
            cara cek penerima bansos: buka situs cek bansos, masukin NIK & wilayah
            BLT tahap {n} cair tanggal berapa ya?
            PKH & BPNT bulan ini sudah cair belum di {place}?
            syarat dapet BLT apa aja sih? KTP, KK, terdaftar di DTKS?
            pendataan ulang penerima bansos di {place} sampai akhir bulan ya
        """),
        negative=_lines("""
            tetangga punya mobil dapet bansos, yang janda tua malah tidak dapet. datanya ngaco
            BLT belum cair juga padahal katanya bulan ini, ditanya ke desa malah dilempar2
            bansos kok dibagi pas mau pemilu doang
            potongan BLT di {place} {n}0rb katanya buat uang administrasi. pungli ini mah
            nama ibu saya hilang dari DTKS, sudah {n} bulan tidak dapat bantuan
        """),
        headlines=_lines("""
            Penyaluran BLT Tahap II Dimulai Pekan Ini
            Kemensos Perbarui Data Penerima Bansos di {place}
            Warga {place} Keluhkan Data Bansos Tidak Tepat Sasaran
        """),
        events=((7.0, 1.5, 3.0),),
    ),
    IssueBank(
        "judi_online", "Judi online", 0.10, (0.12, 0.30, 0.58),
        ("#StopJudol", "#BerantasJudiOnline", "#JudiOnline"), ("@aduankonten_id", "@humas_polri_info"),
        positive=_lines("""
            salut polisi {place} berhasil bongkar jaringan judol, lanjutkan!
            bagus rekening penampung judol diblokir, bandar harus dimiskinkan
            akhirnya ada tindakan tegas buat influencer yang promosiin judol
        """),
        neutral=_lines("""
            ribuan situs judi online diblokir minggu ini, tapi muncul lagi dengan nama baru
            modus baru judol: nyamar jadi game top up. hati-hati
            cara laporin situs judi online ke aduan konten gimana ya?
            webinar pencegahan judi online buat pelajar di {place}, gratis
        """),
        negative=_lines("""
            judol sudah ngerusak keluarga, tetangga jual motor buat depo slot
            iklan judi online masih berseliweran di mana2, katanya diblokir?
            gaji sebulan abis di slot dalam semalam. tolong berantas sampai bandarnya
            oknum yang harusnya berantas judol malah ikut jaga situsnya, miris
            anak SMP di {place} sudah kecanduan judol, orang tua harus waspada
            suami kalah judol {n}0 juta, rumah mau disita. tolong pemerintah jangan diam
        """),
        headlines=_lines("""
            Polisi Tangkap Operator Judi Online di {place}
            Pemerintah Blokir Ribuan Situs Judi Online dalam Sepekan
            PPATK: Perputaran Dana Judi Online Capai Ratusan Triliun
        """),
        events=((10.0, 2.5, 1.5),),
    ),
    IssueBank(
        "ppdb_zonasi", "PPDB/SPMB jalur zonasi", 0.07, (0.08, 0.37, 0.55),
        ("#PPDB", "#PPDBZonasi", "#SPMB"), ("@disdik_info", "@kemendikdas_info"),
        positive=_lines("""
            zonasi bikin anak-anak tidak perlu jauh2 ke sekolah, hemat ongkos
            alhamdulillah anakku keterima di SMP negeri deket rumah lewat zonasi
            aturan domisili SPMB yang baru lebih jelas, semoga tidak ada titip KK lagi
        """),
        neutral=_lines("""
            jadwal sosialisasi SPMB jalur domisili di {place} minggu depan
            pendaftaran SPMB tahun depan pakai akun baru ya, siapin KK & akta dari sekarang
            gimana cara hitung jarak zonasi? pakai titik koordinat rumah?
            ada yang tau kuota jalur afirmasi SMA negeri di {place}?
        """),
        negative=_lines("""
            rumah {n}00 meter dari SMA negeri tapi tidak keterima, yang jauh malah masuk. zonasi apaan
            ada yang numpang KK biar masuk zonasi, curang banget
            server pendaftaran down terus dari pagi, sudah {n} jam nunggu
            anak nilai bagus kalah sama yang rumahnya deket, kasian yang pinter
            di {place} sekolah negeri cuma {n}, yang daftar ribuan. zonasi bikin stres ortu
        """),
        headlines=_lines("""
            Pendaftaran SPMB di {place} Dibuka, Ini Jadwal dan Syaratnya
            Disdik Temukan Dugaan Manipulasi KK dalam Seleksi Jalur Zonasi
        """),
        province_boost={"32": 1.3, "33": 1.3, "35": 1.3, "31": 1.2},
        base=0.8, events=((2.0, 1.5, 3.0),),
    ),
    IssueBank(
        "harga_beras", "Harga beras", 0.10, (0.08, 0.35, 0.57),
        ("#HargaBeras", "#BerasMahal"), ("@infopangan_id", "@bulog_info"),
        positive=_lines("""
            operasi pasar ngebantu banget, beras 5 kg jadi lebih murah
            panen raya di {place}, harga beras mulai turun alhamdulillah
            beras SPHP di {place} gampang didapet sekarang, kualitasnya juga oke
        """),
        neutral=_lines("""
            operasi pasar beras SPHP di {place} besok jam 8 di kantor kelurahan
            harga beras di pasar {place} hari ini: medium {rice}, premium lebih mahal 2rb
            stok beras Bulog aman katanya, tapi harga kok tetep naik?
            beli beras 25 kg sekarang berapa ya di tempat kalian?
        """),
        negative=_lines("""
            beras medium sekarang Rp{rice}/kg, kemarin masih 13rb. gimana mau nabung
            beras premium dioplos, beli 5 kg isinya campur. tolong ditindak
            petani panen harga gabah murah, pas beli beras mahal. yang untung tengkulak
            warung nasi di {place} terpaksa naikin harga, beras mahal banget
            negara agraris tapi beras mahal dan impor terus, ironis
        """),
        headlines=_lines("""
            Harga Beras Medium di {place} Tembus Rp{rice} per Kilogram
            Bulog Gelar Operasi Pasar untuk Stabilkan Harga Beras di {place}
        """),
        slots={"rice": ("14.500", "15.000", "15.500", "16.000", "16.500", "17.000")},
    ),
    IssueBank(
        "layanan_bpjs", "Layanan BPJS Kesehatan", 0.09, (0.18, 0.37, 0.45),
        ("#BPJSKesehatan", "#JKN"), ("@bpjs_bantu", "@layananjkn_id"),
        positive=_lines("""
            operasi ayah full ditanggung BPJS, tidak keluar biaya sama sekali. makasih JKN
            pelayanan BPJS di puskesmas {place} sekarang cepet, daftar online
            cuci darah rutin ditanggung BPJS, alhamdulillah sangat membantu
        """),
        neutral=_lines("""
            cara pindah faskes BPJS lewat aplikasi Mobile JKN gimana ya?
            KRIS berlaku, kelas 1 2 3 BPJS dihapus? ada yang paham?
            kartu BPJS nonaktif karena nunggak, bisa diaktifin lagi tidak?
            jam layanan BPJS di RSUD {place} mulai jam berapa ya?
        """),
        negative=_lines("""
            pasien BPJS disuruh pulang padahal belum sembuh, katanya kuota rawat inap penuh
            antri BPJS di RS {place} dari subuh, dapet nomor {n}43
            obatnya tidak ditanggung BPJS, disuruh beli sendiri di apotek luar
            iuran naik tapi layanan gitu2 aja, dibedain sama pasien umum
            rujukan BPJS ribet banget, bolak balik {n} kali cuma buat tanda tangan
        """),
        headlines=_lines("""
            BPJS Kesehatan Terapkan Kelas Rawat Inap Standar di {place}
            Pasien BPJS Keluhkan Antrean Panjang di RSUD {place}
        """),
        events=((17.0, 1.0, 2.0),),
    ),
)

# The emerging issue: a local water crisis in Kota Kupang (NTT), surging in the last 24 hours.
EMERGING = IssueBank(
    "krisis_air_kupang", "Krisis air bersih di Kota Kupang", 0.0, (0.04, 0.26, 0.70),
    ("#KrisisAirKupang", "#KupangButuhAir", "#AirBersih"), ("@pdam_kupang_info", "@pemkot_kupang_info"),
    positive=_lines("""
        terima kasih relawan yang bagi air gratis di {place} {emo}
        akhirnya mobil tangki BPBD sampai di {place}, semoga rutin tiap hari
    """),
    neutral=_lines("""
        info: jadwal distribusi air tangki gratis di {place} hari ini jam 10 pagi
        ada yang tau nomor pengaduan PDAM? air di {place} sonde jalan
        jadwal giliran air di {place} berubah, cek pengumuman kelurahan
        berapa harga air tangki di {place} sekarang? tolong info
    """),
    negative=_lines("""
        air PDAM di {place} mati su {n} hari, beta pung tampungan kosong
        air tangki sekarang Rp{tank} satu tangki di {place}, mahal sekali. rakyat kecil mau mandi pake apa
        sumur kering, PDAM sonde jalan, anak-anak sonde mandi ke sekolah {emo}
        warga {place} antre air dari jam 3 subuh, jeriken berjejer sampai jalan
        sudah seminggu air sonde mengalir di {place}, pemkot ke mana?
        krisis air di {place} makin parah, tolong perhatikan kami di NTT
        mau masak, cuci, mandi semua pake air beli. gaji habis buat air {emo}
        PDAM bilang debit sumber air turun, tapi tagihan tetap jalan. lucu
    """),
    headlines=_lines("""
        Krisis Air Bersih Landa {place}, Warga Antre Air Tangki
        Pemkot Kupang Distribusikan Air Bersih Gratis ke {n} Kelurahan
        Debit Sumber Air Menurun, Pasokan PDAM di {place} Terganggu
        Warga {place} Keluhkan Air PDAM Tidak Mengalir Sepekan
    """),
    slots={"tank": ("150.000", "175.000", "200.000", "250.000")},
)
# Places of the emerging story (all in Kota Kupang), and what people elsewhere write about it.
EMERGING_PLACES = ("Kupang", "Kota Kupang", "Oebobo, Kupang", "Kelapa Lima, Kota Kupang",
                   "Maulafa Kupang", "Oesapa, Kupang", "Sikumana, Kota Kupang", "Alak, Kupang")
EMERGING_SYMPATHY = {
    "negative": _lines("""
        kasian warga {place}, krisis air sudah seminggu. semoga cepet ditangani {emo}
        baca berita krisis air di {place} sedih banget, air bersih itu hak dasar
        krisis air di {place} kok sepi pemberitaan? tolong diviralkan
    """),
    "neutral": _lines("""
        saudara2 di {place} lagi susah air bersih, ada yang buka donasi?
        ada yang punya info kondisi air bersih di {place} sekarang?
    """),
}

# A buzzer campaign praising the free-meal programme: one text, small variations.
CAMPAIGN_ISSUE = "makan_bergizi_gratis"
CAMPAIGN_PARTS = (
    ("", "", "", "Setuju! ", "Sepakat, ", "Dukung penuh! "),
    ("Program Makan Bergizi Gratis", "Program MBG", "Makan Bergizi Gratis", "Program makan bergizi gratis"),
    (" adalah bukti nyata", " bukti nyata", " wujud nyata", " adalah wujud nyata"),
    (" negara hadir untuk anak bangsa.", " negara hadir utk anak2 bangsa.", " negara hadir untuk generasi muda."),
    (" Gizi cukup, generasi emas 2045 siap!", " Anak sehat, Indonesia kuat!", " Gizi cukup, generasi emas siap!"),
    ("", " 🇮🇩", " 💪🇮🇩", " 🙏", " 👍"),
)
CAMPAIGN_HASHTAGS = ("#MBGuntukNegeri", "#GiziAnakBangsa", "#MakanBergiziGratis")
CAMPAIGN_HANDLE_WORDS = ("garuda", "nusantara", "pejuang", "rakyat", "srikandi", "merah_putih", "bangsa",
                         "nkri", "pemuda", "generasi", "indonesia", "patriot")
CAMPAIGN_LOCATIONS = ("", "", "", "Indonesia", "NKRI 🇮🇩", "Indonesia Maju", "🇮🇩")

# Off-topic posts (noise), by sentiment.
NOISE = {
    "positive": _lines("""
        akhirnya weekend, waktunya rebahan seharian {emo}
        kopi pagi dulu biar waras ☕
        timnas menang semalem!! gila sih mainnya {emo}
        drakor yang baru seru banget, nangis di episode {n}
        bias aku ulang tahun hari ini 🥳 happy birthday!!
        nemu tempat ngopi enak di {place}, cozy banget buat nugas
        alhamdulillah sidang skripsi lancar, makasih semua yang doain
    """),
    "neutral": _lines("""
        laper banget jam segini, enaknya makan apa ya
        ada rekomendasi kuliner enak di {place}?
        siapa yang masih bangun jam segini
        GIVEAWAY saldo e-wallet {n}00rb! cara ikut: follow, like, RT, tag 3 teman. diumumin hari minggu #giveaway
        GA HP baru buat 1 pemenang, syarat ada di pinned tweet ya #giveaway
        PROMO 11.11! diskon s/d 70% semua produk skincare, cek link di bio #promo
        open PO hijab voal motif terbaru, DM ya kak #racunshopee
        ready stock sepatu lokal size 37-44, bisa COD area {place}
        jasa joki tugas & skripsi, fast respon, harga mahasiswa
        kuota murah {n}0GB cuma 75rb, order via WA
        slot gacor malam ini, maxwin dijamin, link di bio 🔥🔥
        tiket konser war jam 12, doain dapet ya
        lagi dengerin lagu lama, jadi keinget masa SMA
    """),
    "negative": _lines("""
        senin lagi senin lagi 😩
        motor mogok di jalan, apes banget hari ini
        tugas kuliah numpuk, deadline besok, belum mulai sama sekali
        macet parah di {place}, mau nangis rasanya
        sinyal di rumah jelek banget, buat buka video aja muter terus
        paket dari minggu lalu belum nyampe juga, kurirnya kemana
    """),
}

# Off-topic English posts (lang "en"), by sentiment.
NOISE_ENGLISH = {
    "positive": ("good morning twitter ☀️ have a nice day", "finally friday, time to chill {emo}"),
    "neutral": ("can't believe it's already november", "anyone else still awake?"),
    "negative": ("worst monday ever {emo}",),
}

# --- generic pieces ---------------------------------------------------------------------------
OPENERS = {
    "positive": ("Alhamdulillah,", "Wah", "Akhirnyaa", "Jujur", "Salut,", "Keren,"),
    "neutral": ("Btw", "Guys,", "Info:", "Tanya dong,", "Lur,", "Min,", "Thread:", "Update:"),
    "negative": ("Hadeh", "Astaghfirullah", "Anjir", "Duh", "Gila sih", "Jujur", "Ya Allah", "Wkwk", "Fix"),
}
REACTIONS = {
    "positive": ("mantap, lanjutkan!", "semoga makin baik", "salut", "terima kasih pak", "good job",
                 "ini baru bener", "semoga merata ya", "bangga sih", "semoga konsisten"),
    "neutral": ("gimana menurut kalian?", "cmiiw", "ada yang tau?", "info dong", "sekadar info",
                "nyimak dulu", "pantau terus", "mohon pencerahan"),
    "negative": ("parah sih", "capek banget jadi rakyat", "sampai kapan kayak gini", "rakyat kecil makin susah",
                 "tidak habis pikir", "kecewa berat", "miris", "tolong lah pak", "ngelus dada",
                 "sedih banget liatnya", "auto emosi", "red flag banget", "so sad"),
}
EMOJI = {
    "positive": ("👍", "🙏", "❤️", "🥰", "😍", "👏", "💪", "✨", "🇮🇩", "😊"),
    "neutral": ("🤔", "👀", "📢", "📌", "🧐", "🙏"),
    "negative": ("😡", "🤬", "😤", "😭", "😢", "🙄", "🤦‍♂️", "💔", "😩", "🥲"),
}
ENGLISH_MIX = ("honestly", "literally", "which is", "no debat", "anyway", "big no", "relate banget",
               "worth it", "so sad", "plot twist")
# Formal word -> social-media spellings, applied per author's slang level.
SLANG = {
    "tidak": ("gak", "ga", "nggak", "engga", "tdk", "gk"), "sudah": ("udah", "udh", "dah"),
    "yang": ("yg",), "banget": ("bgt", "bngt", "bangettt"), "sama": ("sm",), "dengan": ("dgn", "dg"),
    "karena": ("krn", "karna"), "tapi": ("tp",), "juga": ("jg",), "saja": ("aja", "aj"),
    "bagaimana": ("gimana", "gmn"), "sekarang": ("skrg", "skrng"), "orang": ("org",),
    "untuk": ("utk", "buat"), "kalau": ("kalo", "klo"), "belum": ("blm",), "lagi": ("lg",),
    "bisa": ("bs",), "makasih": ("makasi", "mksh", "thx"), "tolong": ("tlg",), "pakai": ("pake",),
    "dari": ("dr",), "aku": ("aq", "gw", "gue"), "gimana": ("gmn",), "udah": ("udh",), "gak": ("ga", "gk"),
}
ELONGATE = ("mahal", "parah", "banget", "capek", "sedih", "mantap", "gila", "lama", "susah", "tolong",
            "kenapa", "semangat", "panas", "keren")

# --- people and places ------------------------------------------------------------------------
FIRST_NAMES = tuple("""
    budi siti agus dewi rina andi putri rizky fajar ayu dimas nur ahmad yusuf eka tri wahyu indah
    lestari bayu gilang sri made ketut wayan nyoman ucok butet poltak daeng yosef maria yohanes
    marthen frans kornelis melky lukas yakob asep ujang neng euis dadang cecep joko slamet paijo
    mbok_darmi cak_nur rahmat hendra ikhsan nabila salsa aisyah dinda tasya kevin reza arif
    intan mega wulan bagus hafiz irfan fitri novi anisa yogi teguh ilham hasan la_ode wa_ode
    rudi ratna sinta tono tini yuli yanti evi okta melati kiki doni anton ferdi stevan jefri
""".split())
HANDLE_WORDS = ("santai", "receh", "ngopi", "senja", "halu", "gabut", "rebahan", "kopi", "jalan2", "official",
                "id", "real", "aja", "kece", "bucin", "nyantai", "ceria", "the_great", "ganteng", "manis")
NONPLACE_LOCATIONS = ("", "", "", "", "", "Indonesia", "Indonesia", "Bumi", "Earth", "di hatimu", "NKRI 🇮🇩",
                      "rumah", "Planet Namek", "somewhere", "🇮🇩", "she/her", "kosan", "Konoha",
                      "dunia tipu2", "wkwk")
# Bio styles for a town; {short} is the province's everyday short name.
BIO_STYLES = ("{city}", "{city}", "{city}, {short}", "{city}, Indonesia", "{city} | {short}", "{city}🔥",
              "{lower}", "{city} 📍", "{city} - {short}")

# code: (population in millions, short name, UTC offset, towns (main first), regional suffixes)
PROVINCE_FACTS = {
    "11": (5.6, "Aceh", 7, ("Banda Aceh", "Lhokseumawe", "Langsa", "Aceh Besar"), ()),
    "12": (15.6, "Sumut", 7, ("Medan", "Binjai", "Pematangsiantar", "Deli Serdang"), ("bah", "lae")),
    "13": (5.8, "Sumbar", 7, ("Padang", "Bukittinggi", "Payakumbuh"), ("bana",)),
    "14": (6.7, "Riau", 7, ("Pekanbaru", "Dumai", "Kampar"), ()),
    "15": (3.7, "Jambi", 7, ("Kota Jambi", "Muaro Jambi", "Sungai Penuh"), ()),
    "16": (8.8, "Sumsel", 7, ("Palembang", "Prabumulih", "Lubuklinggau"), ("nian", "wong kito")),
    "17": (2.1, "Bengkulu", 7, ("Kota Bengkulu", "Rejang Lebong"), ()),
    "18": (9.4, "Lampung", 7, ("Bandar Lampung", "Metro", "Pringsewu"), ()),
    "19": (1.5, "Babel", 7, ("Pangkalpinang", "Belitung"), ()),
    "21": (2.2, "Kepri", 7, ("Batam", "Tanjungpinang"), ()),
    "31": (10.7, "DKI Jakarta", 7, ("Jakarta Selatan", "Jakarta Timur", "Jakarta Barat", "Jakarta Utara",
                                    "Jakarta Pusat", "Jakarta"), ("dah", "bener dah", "gue bilang")),
    "32": (50.3, "Jabar", 7, ("Bandung", "Bekasi", "Bogor", "Depok", "Cirebon", "Tasikmalaya", "Karawang",
                              "Sukabumi", "Garut"), ("euy", "atuh", "mah")),
    "33": (37.9, "Jateng", 7, ("Semarang", "Solo", "Tegal", "Purwokerto", "Pekalongan", "Magelang", "Kudus",
                               "Demak"), ("lur", "piye iki", "wes angel", "tenan")),
    "34": (3.8, "DIY", 7, ("Jogja", "Yogyakarta", "Sleman", "Bantul"), ("lur", "ndes")),
    "35": (41.6, "Jatim", 7, ("Surabaya", "Malang", "Sidoarjo", "Kediri", "Jember", "Gresik", "Banyuwangi",
                              "Madiun"), ("rek", "cak", "yo opo iki rek")),
    "36": (12.4, "Banten", 7, ("Tangerang", "Tangerang Selatan", "Serang", "Cilegon"), ("dah",)),
    "51": (4.4, "Bali", 8, ("Denpasar", "Badung", "Gianyar", "Singaraja"), ("bli",)),
    "52": (5.6, "NTB", 8, ("Mataram", "Lombok Timur", "Bima", "Sumbawa"), ()),
    "53": (5.7, "NTT", 8, ("Kupang", "Ende", "Maumere", "Labuan Bajo", "Atambua", "Waingapu"),
           ("sonde tau lai", "kaka", "e")),
    "61": (5.6, "Kalbar", 7, ("Pontianak", "Singkawang", "Ketapang"), ()),
    "62": (2.8, "Kalteng", 7, ("Palangka Raya", "Sampit"), ()),
    "63": (4.2, "Kalsel", 8, ("Banjarmasin", "Banjarbaru", "Martapura"), ()),
    "64": (4.0, "Kaltim", 8, ("Samarinda", "Balikpapan", "Bontang"), ()),
    "65": (0.7, "Kaltara", 8, ("Tarakan", "Tanjung Selor", "Nunukan"), ()),
    "71": (2.7, "Sulut", 8, ("Manado", "Bitung", "Tomohon"), ("ngana", "torang")),
    "72": (3.1, "Sulteng", 8, ("Palu", "Poso", "Luwuk"), ()),
    "73": (9.4, "Sulsel", 8, ("Makassar", "Gowa", "Parepare", "Bone", "Palopo"), ("mi", "ji", "iye")),
    "74": (2.8, "Sultra", 8, ("Kendari", "Baubau"), ()),
    "75": (1.2, "Gorontalo", 8, ("Kota Gorontalo", "Limboto"), ()),
    "76": (1.5, "Sulbar", 8, ("Mamuju", "Majene"), ()),
    "81": (1.9, "Maluku", 9, ("Ambon", "Tual", "Masohi"), ("ale", "seng bae")),
    "82": (1.4, "Malut", 9, ("Ternate", "Tidore", "Sofifi"), ()),
    "91": (1.0, "Papua", 9, ("Jayapura", "Biak", "Keerom"), ("kaka", "sa bilang")),
    "92": (0.6, "Papua Barat", 9, ("Manokwari", "Fakfak"), ("kaka",)),
    "93": (0.5, "Papua Selatan", 9, ("Merauke", "Boven Digoel"), ("kaka",)),
    "94": (1.4, "Papua Tengah", 9, ("Nabire", "Timika"), ("kaka", "sa bilang")),
    "95": (1.5, "Papua Pegunungan", 9, ("Wamena", "Jayawijaya"), ("kaka",)),
    "96": (0.6, "Papua Barat Daya", 9, ("Sorong", "Raja Ampat"), ("kaka",)),
}
# Extra bio spellings people really use for some provinces.
SPECIAL_BIOS = {
    "31": ("Jakarta Selatan, DKI Jakarta", "jkt", "Jakarta, Indonesia", "Jaksel"),
    "32": ("Bandung, Indonesia", "Bandung 🌄", "Bekasi, Jawa Barat", "Bogor | Jabar"),
    "33": ("Semarang, Jawa Tengah", "Solo, Indonesia"),
    "34": ("Jogja", "Yogyakarta, Indonesia", "Jogja istimewa"),
    "35": ("Suroboyo", "Surabaya", "Malang, Jawa Timur"),
    "12": ("Medan | Sumut", "Medan"),
    "73": ("Makassar🔥", "Makassar, Sulawesi Selatan"),
    "53": ("Kupang, NTT", "Kota Kupang", "Kupang"),
    "81": ("Ambon Manise", "Ambon, Maluku"),
    "64": ("Samarinda, Kalimantan Timur", "Balikpapan"),
}
# Accounts and titles of the videos / posts that comments are left under.
MEDIA_CHANNELS = ("wartanusantara", "infonetizen", "kabarviral_id", "podcastwarungkopi", "dialogpublik_tv",
                  "ruangwarga", "suaratimur_news", "beritarakyat24")
MEDIA_TITLES = ("Suara Warga", "Dialog Publik", "Fakta atau Hoaks?", "Liputan Khusus", "Live Streaming",
                "Kata Netizen")
# Fictional news outlets: (account, domain, province code of a regional outlet or None).
OUTLETS = (
    ("wartanusantara", "wartanusantara.example", None), ("kabarharian_kita", "kabarharian.example", None),
    ("beritarakyat24", "beritarakyat24.example", None), ("pantaunews_id", "pantaunews.example", None),
    ("koranpagi_online", "koranpagi.example", None), ("lensadaerah", "lensadaerah.example", None),
    ("suaratimur_news", "suaratimur.example", "53"), ("kupangterkini", "kupangterkini.example", "53"),
    ("jatimpos_digital", "jatimpos.example", "35"), ("jabarhariini", "jabarhariini.example", "32"),
)


# --- assembling posts from the banks ----------------------------------------------------------

_BANKS = {bank.key: bank for bank in ISSUES + (EMERGING,)}
_SLANG_RE = re.compile(r"\b(" + "|".join(sorted(SLANG, key=len, reverse=True)) + r")\b")
_REDUP_RE = re.compile(r"\b(\w+)-\1\b")
_SHORT_LINK = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Chance of each decoration by platform: (emoji, hashtags, link, line break before tags).
_DECOR = {"x": (0.35, 0.3, 0.12, 0.1), "instagram": (0.6, 0.45, 0.0, 0.25), "tiktok": (0.65, 0.4, 0.0, 0.05),
          "youtube": (0.3, 0.05, 0.0, 0.0)}


class _Slots(dict):
    """Fills template slots on demand and remembers whether a place was named."""

    def __init__(self, rnd: random.Random, places: tuple[str, ...], sentiment: str,
                 bank: IssueBank | None) -> None:
        super().__init__()
        self.rnd, self.places, self.sentiment, self.bank = rnd, places, sentiment, bank
        self.named_place = False

    def __missing__(self, key: str) -> str:
        if key == "place":
            self.named_place = True
            value = self.rnd.choice(self.places)
        elif key == "n":
            value = str(self.rnd.randint(2, 9))
        elif key == "emo":
            value = self.rnd.choice(EMOJI[self.sentiment])
        else:
            value = self.rnd.choice(self.bank.slots[key])
        self[key] = value
        return value


class PostWriter:
    """Writes the text of each planned post (Python ``random.Random`` for speed and determinism)."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd

    def add_texts(self, plan: pd.DataFrame) -> pd.DataFrame:
        """Return ``plan`` with ``text``, ``lang`` and ``named_place`` (the text names a town)."""
        columns = ("kind", "true_issue", "true_sentiment", S.PLATFORM, "city", "province", "story_province",
                   "slang", S.IN_REPLY_TO)
        values = (plan[c].astype(object).where(plan[c].notna(), None).to_numpy() for c in columns)
        written = [self._write(*row) for row in zip(*values)]
        plan = plan.copy()
        plan[S.TEXT], plan[S.LANG], plan["named_place"] = (list(values) for values in zip(*written))
        plan["named_place"] = plan["named_place"].astype(bool)
        return plan

    def _write(self, kind, issue, sentiment, platform, city, province, story, slang, reply_to):
        if kind == "campaign":
            return self._campaign(), "in", False
        bank = _BANKS.get(issue)
        if kind == "emerging":
            places = EMERGING_PLACES
        else:
            towns = PROVINCE_FACTS[story][3]
            places = (city,) * len(towns) + towns if city else towns
        slots = _Slots(self.rnd, places, sentiment, bank)
        if platform == "news":
            text = self.rnd.choice(bank.headlines).format_map(slots)
            return text, None, slots.named_place or (kind == "emerging" and "Kupang" in text)
        english = kind == "noise" and self.rnd.random() < 0.06
        if kind == "noise":
            templates = (NOISE_ENGLISH if english else NOISE)[sentiment]
        elif kind == "emerging" and province != story and sentiment in EMERGING_SYMPATHY:
            templates = EMERGING_SYMPATHY[sentiment]
        else:
            templates = getattr(bank, sentiment)
        core = self.rnd.choice(templates).format_map(slots)
        text = self._decorate(core, kind, sentiment, platform, slang or 0.0, province, bank)
        if reply_to:
            text = f"@{reply_to} {text}"
        lang = ("en" if english else "in") if platform == "x" else None
        return text, lang, slots.named_place

    def _decorate(self, core, kind, sentiment, platform, slang, province, bank):
        rnd, parts = self.rnd, [core]
        if kind != "noise":
            suffixes = PROVINCE_FACTS[province][4] if province in PROVINCE_FACTS else ()
            if suffixes and rnd.random() < 0.3 and not core.endswith(suffixes):
                parts[0] += rnd.choice((", ", " ")) + rnd.choice(suffixes)
            if rnd.random() < 0.25:
                parts.insert(0, rnd.choice(OPENERS[sentiment]))
            if rnd.random() < 0.35:
                parts.append(rnd.choice(REACTIONS[sentiment]))
            if rnd.random() < 0.06:
                parts.insert(rnd.choice((0, len(parts))), rnd.choice(ENGLISH_MIX))
        separator = rnd.choice((" ", ". ", ", "))
        text = parts[0]
        for part in parts[1:]:
            text += (" " if text[-1] in ".,!?:" else separator) + part
        text = self._roughen(text, slang, sentiment)
        p_emoji, p_tags, p_link, p_break = _DECOR[platform]
        if rnd.random() < p_emoji:
            text += " " + "".join(rnd.choices(EMOJI[sentiment], k=rnd.choice((1, 1, 2, 3))))
        if bank is not None and rnd.random() < p_tags:
            tags = rnd.sample(bank.hashtags, rnd.randint(1, min(2, len(bank.hashtags))))
            text += ("\n\n" if rnd.random() < p_break else " ") + " ".join(tags)
        if bank is not None and rnd.random() < 0.07:
            text += " cc " + rnd.choice(bank.mentions)
        if rnd.random() < p_link:
            text += " https://t.co/" + "".join(rnd.choices(_SHORT_LINK, k=10))
        return text

    def _roughen(self, text: str, slang: float, sentiment: str) -> str:
        """Social-media spelling: slang, reduplication as '2', typos, elongation, casing."""
        rnd = self.rnd
        if slang > 0:
            text = _SLANG_RE.sub(lambda m: rnd.choice(SLANG[m.group(1)]) if rnd.random() < slang else m.group(1),
                                 text)
            text = _REDUP_RE.sub(lambda m: m.group(1) + "2" if rnd.random() < slang else m.group(0), text)
        words = text.split(" ")
        if rnd.random() < 0.04 + 0.16 * slang:
            _typo(rnd, words)
        if sentiment != "neutral" and rnd.random() < 0.15 + 0.3 * slang:
            candidates = [i for i, w in enumerate(words) if w.lower() in ELONGATE]
            if candidates:
                i = rnd.choice(candidates)
                words[i] += words[i][-1] * rnd.randint(2, 4)
        text = " ".join(words)
        draw = rnd.random()
        if sentiment == "negative" and draw < 0.04:
            return text.upper()
        return text[:1].upper() + text[1:] if draw < 0.5 else text

    def _campaign(self) -> str:
        rnd = self.rnd
        text = "".join(options[0] if rnd.random() < 0.7 else rnd.choice(options) for options in CAMPAIGN_PARTS)
        tags = list(CAMPAIGN_HASHTAGS[:2]) if rnd.random() < 0.6 else rnd.sample(CAMPAIGN_HASHTAGS, 3)
        return text + " " + " ".join(tags)


def _typo(rnd: random.Random, words: list[str]) -> None:
    """One keyboard slip in a word of five letters or more: swap, drop or double a letter."""
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return
    i = rnd.choice(candidates)
    word, at = words[i], rnd.randint(1, len(words[i]) - 2)
    operation = rnd.randint(0, 2)
    if operation == 0:
        words[i] = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif operation == 1:
        words[i] = word[:at] + word[at + 1:]
    else:
        words[i] = word[:at] + word[at] + word[at:]
