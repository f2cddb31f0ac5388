"""Turn an :class:`EventTaxonomy` into :class:`Rules` (heuristic, later AI providers).

Names are imported on first use, so the cache can be read without importing pydantic.
"""

from __future__ import annotations

from demogen._lazy import lazy_exports

_EXPORTS = {
    "AnalysisResult": "_run",
    "analyze": "_run",
    "Analyzer": "base",
    "AnalysisCache": "cache",
    "cache_key": "cache",
    "default_cache_dir": "cache",
    "RULES_SCHEMA_VERSION": "rules",
    "Rules": "rules",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
