"""Read tracking plans (xlsx, csv, json, yaml) into an :class:`EventTaxonomy`.

``load_taxonomy(path)`` is the entry point; every problem in the input is reported at once
in one :class:`demogen.errors.TaxonomyError`, with file, sheet, row and column. Names are
imported on first use: a cached ``demogen analyze`` only fingerprints the files and must
not pay for pydantic or openpyxl.
"""

from __future__ import annotations

from demogen._lazy import lazy_exports

_EXPORTS = {
    "Event": "_models",
    "EventTaxonomy": "_models",
    "ProductInfo": "_models",
    "Property": "_models",
    "ReadStats": "_models",
    "SourceRef": "_models",
    "ValueRange": "_models",
    "LoadedTaxonomy": "_loader",
    "load_taxonomy": "_loader",
    "source_fingerprint": "_files",
    "GENERIC": "_industry",
    "check_industry": "_industry",
    "industry_preset": "_industry",
    "industry_words": "_industry",
    "infer_industry": "_industry",
    "plan_industry": "_industry",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
