"""How a demo post's text is written: :class:`PostWriter` fills a template of the phrase banks
(:mod:`monitoring.demo.corpus`) and roughens it into social-media text: regional particles,
openers and reactions, slang, reduplication as ``2``, typos, elongation, casing, emoji, hashtags,
mentions and short links, each by chance per platform and per author's slang level.
"""
from __future__ import annotations

import random
import re

import pandas as pd

from monitoring import schema as S
from monitoring.demo.corpus import (
    CAMPAIGN_HASHTAGS,
    CAMPAIGN_PARTS,
    ELONGATE,
    EMERGING,
    EMERGING_PLACES,
    EMERGING_SYMPATHY,
    EMOJI,
    ENGLISH_MIX,
    ISSUES,
    NOISE,
    NOISE_ENGLISH,
    OPENERS,
    PROVINCE_FACTS,
    REACTIONS,
    SLANG,
    IssueBank,
)

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
            towns = PROVINCE_FACTS[story].towns
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
            suffixes = PROVINCE_FACTS[province].suffixes if province in PROVINCE_FACTS else ()
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
