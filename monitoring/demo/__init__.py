"""Demo data: a seeded, realistic dataset the app generates itself.

Takes: a seed and a size. Gives: canonical posts with their true issue and sentiment
(:func:`generator.generate_demo_posts`) over three weeks, many provinces and platforms, one issue
emerging in one province. The phrase banks are the team's data (``data/demo_corpus.json``),
loaded by :mod:`corpus`. The generator's steps: :mod:`plan` (what each post is, the ground truth)
▸ :mod:`accounts` (who posts, from where) ▸ :mod:`timeline` (when, in reply to whom) ▸
:mod:`writer` (the text) ▸ :mod:`engagement` ▸ :mod:`identifiers` (ids, links); :mod:`tweet_harvest`
lays the X posts out as tweet-harvest's CSV.

Read first: :mod:`monitoring.demo.generator`.
"""
