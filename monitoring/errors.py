"""User-facing errors. Each message says, in Bahasa Indonesia, what is wrong and how to fix it.

Pages catch :class:`UserError` and show ``st.error(str(err))``; the CLI prints it on one line
and exits non-zero. Any other exception is a bug.
"""
from __future__ import annotations


class UserError(Exception):
    """An input problem the analyst can fix. ``str(err)`` is the Indonesian message."""


class UnreadableFileError(UserError):
    """The file cannot be read as any supported format."""


class EmptyFileError(UserError):
    """The file holds no data rows."""


class UnsafeFileError(UserError):
    """The file looks like a decompression bomb or exceeds a size limit."""


class MappingError(UserError):
    """The columns cannot be mapped onto the post schema (e.g. no text column)."""


class ModelError(UserError):
    """A model is missing, unfitted, or its training data is unusable."""


class SettingError(UserError):
    """A setting has an invalid value."""


class ClusterError(UserError):
    """The Dask cluster set in ``dask_scheduler`` cannot be reached, has no usable workers, or
    was lost during an analysis."""
