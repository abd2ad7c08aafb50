"""Streamlit glue shared by the page scripts in ``pages/``: cached resources, filter state,
session keys, and the larger forms (upload, issue editing, sentiment training).

The only package besides ``pages/``, ``navigation.py`` and ``dashboard.py`` that imports Streamlit.
"""
