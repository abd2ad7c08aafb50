"""PantauIsu: issue monitoring for Indonesian government communication teams (no Streamlit here)."""

__version__ = "0.1.0"
