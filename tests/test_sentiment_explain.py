"""Explanations of the default sentiment model (monitoring.sentiment.explain), in Indonesian."""
from __future__ import annotations

import pytest

from monitoring.sentiment.explain import explain_post, explain_posts
from monitoring.sentiment.model import default_model


@pytest.mark.parametrize("text, starts, contains", [
    ("pelayanannya tidak puas", "negatif karena", '"puas" dinegasikan oleh "tidak"'),
    ("petugasnya gak ramah sama sekali", "negatif karena", '"ramah" dinegasikan oleh "tidak"'),
    ("programnya bagus sih tapi pelaksanaannya amburadul", "negatif karena", '"amburadul" (−3,3, setelah kata pembalik)'),
    ("Selamat, juara korupsi se-Asia", "negatif karena", '"juara" dibaca ironis'),
    ("Makasih ya pak, harga beras naik lagi 🙃", "negatif karena", "penanda sindiran"),
    ("kesel bgt sama kelurahan", "negatif karena", '"kesal"'),
    ("alhamdulillah bansos udah cair, makasih pak lurah", "positif karena", '"terima kasih"'),
    ("ada yg tau kapan bansos tahap 3 cair?", "netral:", "pertanyaan meminta informasi"),
    ("KPK tetapkan Bupati X tersangka kasus suap https://t.co/a1b2", "netral:", "gaya berita/pengumuman"),
    ("Rapat koordinasi digelar hari Senin", "netral: tidak ada kata bermuatan sentimen", ""),
])
def test_explanations_name_the_words_and_what_flipped_them(text, starts, contains):
    explanation = explain_post(default_model(), text)
    assert explanation.startswith(starts) and contains in explanation


def test_explanation_follows_the_label_it_is_given():
    """A trained model's label is explained with the lexicon evidence that backs it."""
    text = "mantap, pelayanannya cepat tapi petugasnya jutek"
    own, given = explain_posts([text, text], [None, "positive"])
    assert own.startswith("negatif karena") and '"jutek"' in own
    assert given.startswith("positif karena") and '"mantap"' in given and '"jutek"' not in given
    assert explain_posts([None]) == ["netral: tidak ada kata bermuatan sentimen"]
