"""The server: the dashboard's process owns the store, and every other door goes through it.

DuckDB lets one process write a file. While the dashboard runs, that process is the store's only
writer: uploads on the Data page, the HTTP API (``/api/v1/``, bearer tokens), files dropped in the
inbox folder and commands on the same machine (which find the server through a credential file
beside the database) all become jobs on one queue, run one at a time by one worker thread, while
pages and API reads answer on their own cursors.

Takes: requests, uploads and inbox files. Gives: jobs (:mod:`jobs`), JSON/CSV/briefing answers
(:mod:`api`, :mod:`reads`, :mod:`writes`), the credential file (:mod:`credentials`) and the client
commands use (:mod:`client`). No Streamlit here: ``dashboard.py`` mounts :func:`api.routes` and runs
:class:`runtime.Server` in its lifespan.

Read first: :mod:`monitoring.server.runtime`, then :mod:`monitoring.server.api`.
"""
