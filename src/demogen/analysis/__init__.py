"""Turn an :class:`EventTaxonomy` into :class:`Rules` (heuristic, later AI providers).

Names are imported on first use, so the cache can be read without importing pydantic.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'demogen.analysis' has no attribute {name!r}")
    value = getattr(import_module(f"demogen.analysis.{module}"), name)
    globals()[name] = value
    return value
