"""Command line: ``python -m monitoring …`` (for cron jobs and scripted checks).

Takes: arguments. Gives: the same work as the app, JSON or files on stdout, one Indonesian line
and a non-zero exit on bad input. :mod:`main` holds the parser and the ingest/analyze/demo
commands; :mod:`briefing`, :mod:`deliver` and :mod:`sentiment` register their sub-commands.

Read first: :mod:`monitoring.cli.main`.
"""
