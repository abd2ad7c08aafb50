"""Reactions are not topics: emoji, laughter and cheers are left out of issue detection."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitoring import schema
from monitoring.issues.chatter import content_tokens, is_content_free, is_reaction
from monitoring.issues.dedup import duplicate_groups
from monitoring.issues.detection import detect_issues
from monitoring.issues.model import IssueModel
from monitoring.store.token_codes import TokenCodes


@pytest.mark.parametrize("token,reaction", [
    ("emoji_wajah_gembira_berurai_air_mata", True), ("emoji_api", True), ("wkwk", True), ("wkwkwkwk", True),
    ("hahaha", True), ("awokawok", True), ("akwoakwoak", True), ("xixixi", True), ("mantap", True),
    ("menyala", True), ("abangku", True), ("astagfirullah", True), ("setuju", True),
    ("tapera", False), ("kenaikan", False), ("kak", False), ("anak", False), ("wakil", False), ("tolak", False),
    ("hak", False), ("ppn", False),
])
def test_is_reaction(token, reaction):
    assert is_reaction(token) is reaction


def test_content_tokens_drop_reactions_and_keep_every_document():
    docs = pd.Series([["gaji", "emoji_wajah_menangis_keras", "potong"], ["wkwk", "mantap"], [], ["tapera"]])
    content = content_tokens(TokenCodes.of(docs))
    assert content.lengths.tolist() == [2, 0, 0, 1]
    words = content.vocabulary[content.codes].tolist()
    assert words == ["gaji", "potong", "tapera"]
    assert is_content_free(["wkwk", "emoji_api"]) and not is_content_free(["wkwk", "tapera"])


def test_copies_that_differ_only_in_reactions_are_one_group():
    groups = duplicate_groups(pd.Series([["kiamat", "dekat", "emoji_wajah_menangis_keras"],
                                         ["wkwk", "kiamat", "dekat"], ["kiamat", "dekat"],
                                         ["mantap", "emoji_api"], ["mantap", "emoji_api"], ["mantap"]]))
    assert groups[0] == groups[1] == groups[2]
    assert groups[3] == groups[4] != groups[5]  # a reaction-only post is a copy only of the same reactions


def _posts(rows: list[tuple[str, list[str]]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["topic", schema.TOKENS])
    frame[schema.TEXT] = frame[schema.TOKENS].map(" ".join)
    frame[schema.POST_KEY] = [f"p{i}" for i in range(len(frame))]
    frame[schema.AUTHOR] = [f"akun{i % 61}" for i in range(len(frame))]
    return frame


def _topic_posts(topic: str, words: list[str], n: int, rng: np.random.Generator) -> list[tuple[str, list[str]]]:
    crying, fire = "emoji_wajah_menangis_keras", "emoji_api"
    rows = []
    for _ in range(n):
        tokens = list(rng.choice(words, 4, replace=False))
        if rng.random() < 0.4:  # both topics' commenters cry and cheer with the same emoji
            tokens.insert(int(rng.integers(0, 5)), crying if rng.random() < 0.7 else fire)
        rows.append((topic, tokens))
    return rows


@pytest.mark.parametrize("ignore_reactions", [True, False])
def test_a_shared_emoji_neither_merges_topics_nor_names_an_issue(ignore_reactions):
    rng = np.random.default_rng(3)
    floods = ["banjir", "tanggul", "jebol", "pengungsi", "perahu", "rob", "posko", "evakuasi"]
    taxes = ["pajak", "ppn", "persen", "tarif", "struk", "belanja", "mahal", "kasir"]
    rows = _topic_posts("banjir", floods, 150, rng) + _topic_posts("ppn", taxes, 150, rng)
    cheers = [["emoji_wajah_menangis_keras", "mantap", "emoji_api"], ["menyala", "abangku", "emoji_api"],
              ["wkwk", "emoji_wajah_menangis_keras", "mantap"], ["mantap", "menyala", "emoji_api"]]
    rows += [("reaksi", cheers[int(rng.integers(len(cheers)))]) for _ in range(80)]
    posts = _posts(rows)
    detection = detect_issues(posts, model=IssueModel(ignore_reactions=ignore_reactions))
    issue = detection.posts[schema.ISSUE_ID]
    names = " ".join(i.label + " " + i.headline for i in detection.registry.issues.values())
    clean = (issue[posts["topic"] == "reaksi"].isna().all()  # reactions alone are noise
             and not any(w in names for w in ("emoji_", "wkwk", "mantap", "menyala")))
    assert bool(clean) is ignore_reactions  # without the filter, cheers become an issue named by emoji
    for topic in ("banjir", "ppn"):
        assert issue[posts["topic"] == topic].value_counts(normalize=True).iloc[0] >= 0.95
    assert issue[posts["topic"] == "banjir"].mode()[0] != issue[posts["topic"] == "ppn"].mode()[0]
