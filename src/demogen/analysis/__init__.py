"""Turn an :class:`EventTaxonomy` into :class:`Rules` (heuristic, later AI providers)."""

from demogen.analysis._run import AnalysisResult, analyze
from demogen.analysis.base import Analyzer
from demogen.analysis.cache import AnalysisCache, cache_key, default_cache_dir
from demogen.analysis.rules import RULES_SCHEMA_VERSION, Rules

__all__ = [
    "RULES_SCHEMA_VERSION",
    "AnalysisCache",
    "AnalysisResult",
    "Analyzer",
    "Rules",
    "analyze",
    "cache_key",
    "default_cache_dir",
]
