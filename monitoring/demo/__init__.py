"""Demo data: a seeded, realistic dataset the app generates itself.

Takes: a seed and a size. Gives: canonical posts with their true issue and sentiment
(:func:`generator.generate_demo_posts`) over three weeks, many provinces and platforms, one issue
emerging in one province. The phrase banks are the team's data (``data/demo_corpus.json``),
loaded by :mod:`corpus`.

Read first: :mod:`monitoring.demo.generator`.
"""
