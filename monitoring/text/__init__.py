"""Indonesian text processing: post text into clean text and stemmed tokens.

Takes: canonical posts. Gives: ``clean_text``, ``tokens``, ``hashtags``, ``mentions``
(:func:`cleaning.add_tokens`, the stage over a frame). The rules of clean text (links, mentions,
hashtags, emoji, numbers) are :mod:`patterns`; :class:`analyzer.TextAnalyzer` applies them per
distinct chunk and word. Slang, stopwords, emoji names and hashtag splitting come from
:mod:`lexicons` (the team's files in ``data/`` and bundled word lists), stemming from
:mod:`stemming` (exactly PySastrawi, once per distinct word); the analyst's own slang and
stopwords are stored by :mod:`dictionaries`.

Read first: :mod:`monitoring.text.cleaning`.
"""
