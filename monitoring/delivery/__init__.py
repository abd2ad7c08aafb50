"""Delivery: the daily briefing and the alerts leave the dashboard by e-mail, webhook and Telegram.

Takes: the store (briefing data from :mod:`monitoring.report`, emerging scores and spike alerts from
:mod:`monitoring.signals`) and the delivery settings (secrets from the environment or
``.streamlit/secrets.toml`` only). Gives: messages sent through the channels (:mod:`mail`,
:mod:`webhook`, :mod:`telegram`; the shared :class:`_base.Channel` retries with backoff), each recorded
with the server's answer in the delivery log (:mod:`outbox`, which also retries later and never sends
a message twice), the briefing's files beside the database (:mod:`briefing_mail`), and one alert per
issue (:mod:`alerts`). :mod:`jobs` holds the entry points the CLI, an API and the :mod:`scheduler` call:
``deliver_briefing``, ``deliver_alerts``, ``run_due``, ``send_test``.

Read first: :mod:`monitoring.delivery.jobs`.
"""
