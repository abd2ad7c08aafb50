"""What a Dask worker loads when it starts: ``dask worker tcp://… --preload monitoring.worker``.

Dask calls :func:`dask_setup` once per worker process. It imports the analysis's task code and
runs the enrichment stages on one post, so the lexicons, the gazetteer and the stemmer are in
memory before the first chunk arrives (~3-4 s per worker, otherwise paid by the first analysis).
Nothing here reads a store: workers only ever get their data with the tasks.
"""
from __future__ import annotations

from typing import Any


def dask_setup(worker: Any = None) -> None:
    """Dask's preload hook: warm this worker process up."""
    warm_up()


def warm_up() -> None:
    """Import the task modules and load what the enrichment stages read from disk."""
    import pandas as pd

    from monitoring import schema as S
    from monitoring.enrichment import EnrichmentSettings, enrich_posts
    from monitoring.issues import chunk_tasks, dedup, model  # noqa: F401 (the issue stage's tasks and the
    # issue model they get: unpickling it imports scikit-learn, ~1-2 s)

    post = pd.DataFrame({S.POST_KEY: ["warm-up"], S.DATASET_ID: [0], S.TEXT: ["harga beras naik lagi di pasar"],
                         S.LOCATION_RAW: ["Kota Bandung"]})
    enrich_posts(post, EnrichmentSettings(), processes=1)
