"""What the demo posts say: the phrase banks the PantauIsu team wrote (no third-party data), read
from ``data/demo_corpus.json`` once, when this module is imported (a few dozen kilobytes).

Templates are ``str.format`` strings. ``{place}`` is a town in the author's (or the story's) province
and marks the post as naming a place; the other slots are filled from :attr:`IssueBank.slots` or the
generic slots ``{n}`` (a digit 2-9, the same within one post) and ``{emo}`` (an emoji of the post's
sentiment). Province codes are checked against ``lokal`` by :mod:`monitoring.demo.generator`; populations are
rounded 2024 figures (millions). The file's ``about`` entry explains every bank.

JSON lists are read as tuples, so every bank is immutable like the rest of the plan. How the banks
become text is :mod:`monitoring.demo.writer`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from monitoring.data_files import read_json

CORPUS_FILE = "demo_corpus.json"


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


class ProvinceFacts(NamedTuple):
    """What the demo knows of a province (a tuple: ``facts[3]`` are its towns)."""

    population: float               # millions
    short_name: str                 # everyday name in bios ("Jabar")
    utc_offset: int                 # hours
    towns: tuple[str, ...]          # main town first
    suffixes: tuple[str, ...]       # regional particles ("euy", "rek")


class Outlet(NamedTuple):
    """A fictional news outlet; ``province`` is the code of a regional one, None for a national one."""

    account: str
    domain: str
    province: str | None


def read_demo_corpus(name: str = CORPUS_FILE) -> dict[str, Any]:
    """The phrase banks of the data file ``name``, every JSON list as a tuple (``about`` left out).

    Args:
        name: file name in ``data/``.

    Returns:
        One entry per bank, keyed as in the file: issue banks as :class:`IssueBank`, provinces
        as :class:`ProvinceFacts`, outlets as :class:`Outlet`, the rest as tuples and dicts.
    """
    raw = {key: _frozen(value) for key, value in read_json(name).items() if key != "about"}
    raw["issues"] = tuple(IssueBank(**bank) for bank in raw["issues"])
    raw["emerging"] = IssueBank(**raw["emerging"])
    raw["province_facts"] = {code: ProvinceFacts(**facts) for code, facts in raw["province_facts"].items()}
    raw["outlets"] = tuple(Outlet(**outlet) for outlet in raw["outlets"])
    return raw


def _frozen(value: Any) -> Any:
    """JSON value with every list (nested too) turned into a tuple."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


_BANKS = read_demo_corpus()

# --- the issues --------------------------------------------------------------------------------
ISSUES: tuple[IssueBank, ...] = _BANKS["issues"]
# The emerging issue: a local water crisis in Kota Kupang (NTT), surging in the last 24 hours.
EMERGING: IssueBank = _BANKS["emerging"]
# Places of the emerging story (all in Kota Kupang), and what people elsewhere write about it.
EMERGING_PLACES: tuple[str, ...] = _BANKS["emerging_places"]
EMERGING_SYMPATHY: dict[str, tuple[str, ...]] = _BANKS["emerging_sympathy"]
# A buzzer campaign praising the free-meal programme: one text, small variations.
CAMPAIGN_ISSUE: str = _BANKS["campaign_issue"]
CAMPAIGN_PARTS: tuple[tuple[str, ...], ...] = _BANKS["campaign_parts"]
CAMPAIGN_HASHTAGS: tuple[str, ...] = _BANKS["campaign_hashtags"]
CAMPAIGN_HANDLE_WORDS: tuple[str, ...] = _BANKS["campaign_handle_words"]
CAMPAIGN_LOCATIONS: tuple[str, ...] = _BANKS["campaign_locations"]
# Off-topic posts (noise) by sentiment, and off-topic English ones (lang "en").
NOISE: dict[str, tuple[str, ...]] = _BANKS["noise"]
NOISE_ENGLISH: dict[str, tuple[str, ...]] = _BANKS["noise_english"]

# --- generic pieces, by sentiment where keyed so ----------------------------------------------
OPENERS: dict[str, tuple[str, ...]] = _BANKS["openers"]
REACTIONS: dict[str, tuple[str, ...]] = _BANKS["reactions"]
EMOJI: dict[str, tuple[str, ...]] = _BANKS["emoji"]
ENGLISH_MIX: tuple[str, ...] = _BANKS["english_mix"]
# Formal word -> social-media spellings, applied per author's slang level.
SLANG: dict[str, tuple[str, ...]] = _BANKS["slang"]
ELONGATE: tuple[str, ...] = _BANKS["elongate"]

# --- people and places -------------------------------------------------------------------------
FIRST_NAMES: tuple[str, ...] = _BANKS["first_names"]
HANDLE_WORDS: tuple[str, ...] = _BANKS["handle_words"]
NONPLACE_LOCATIONS: tuple[str, ...] = _BANKS["nonplace_locations"]
# Bio styles for a town; {short} is the province's everyday short name.
BIO_STYLES: tuple[str, ...] = _BANKS["bio_styles"]
PROVINCE_FACTS: dict[str, ProvinceFacts] = _BANKS["province_facts"]
# Extra bio spellings people really use for some provinces.
SPECIAL_BIOS: dict[str, tuple[str, ...]] = _BANKS["special_bios"]
# Accounts and titles of the videos / posts that comments are left under.
MEDIA_CHANNELS: tuple[str, ...] = _BANKS["media_channels"]
MEDIA_TITLES: tuple[str, ...] = _BANKS["media_titles"]
OUTLETS: tuple[Outlet, ...] = _BANKS["outlets"]
