"""Per-chunk tasks of the issue stage, run by an executor (threads here, or a Dask cluster).

Each is a module-level function ``function(chunk, shared)`` wrapped in a
:class:`~monitoring.executors.ChunkTask`; the stage calls ``executor.run(TASK, n, make_chunk,
executor.share(model))``. MinHash signatures are :data:`monitoring.issues.dedup.MINHASH`. A new
per-document step of the issue stage adds its task here (narratives come with :data:`ASSIGN`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from monitoring.executors import ChunkTask
from monitoring.store.token_codes import TokenCodes

if TYPE_CHECKING:
    from monitoring.issues.model import IssueModel


def assign_chunk(chunk: TokenCodes, shared: tuple[IssueModel, bool]) -> tuple[np.ndarray, np.ndarray]:
    """Issue and narrative index of each document of ``chunk`` (see :meth:`IssueModel.assign`);
    ``shared`` is the model and whether to assign narratives too."""
    model, narratives = shared
    return model.assign_chunk(chunk, narratives)


# NumPy/SciPy work: threads locally; 100k documents per chunk (~0.1 GB of TF-IDF rows each)
ASSIGN = ChunkTask("assign", assign_chunk, holds_gil=False, max_chunk=100_000, min_per_worker=100_000)
