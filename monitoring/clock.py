"""Times as the store keeps them: UTC timestamps, and the ``--now`` a command is pinned to."""
from __future__ import annotations

import pandas as pd

from monitoring.errors import UserError


def as_utc(value) -> pd.Timestamp:
    """``value`` as a UTC timestamp; a naive one is taken as UTC."""
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def parse_now(value: str | None) -> pd.Timestamp | None:
    """Parse an ISO date/time given on the command line or the API (UTC when no zone is given)."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise UserError(f"Waktu '{value}' tidak dikenali. Gunakan format ISO, mis. 2024-05-01T08:00+07:00.") from err
    return as_utc(stamp)
