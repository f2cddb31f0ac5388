"""Analyse a taxonomy once, through the cache: the entry point other stages call."""

from __future__ import annotations

import os
from dataclasses import dataclass

from demogen.analysis.base import Analyzer
from demogen.analysis.cache import AnalysisCache, cache_key, describe
from demogen.analysis.rules import Rules
from demogen.taxonomy import EventTaxonomy, ProductInfo


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    rules: Rules
    cache_hit: bool
    cache_key: str


def analyze(
    taxonomy: EventTaxonomy,
    product: ProductInfo,
    analyzer: Analyzer,
    *,
    cache: AnalysisCache | None = None,
    refresh: bool = False,
    plan: str | os.PathLike[str] | None = None,
) -> AnalysisResult:
    """Rules for the taxonomy: from the cache when present (and not ``refresh``). ``plan``,
    the plan's path, is noted with the cached rules for ``demogen cache info``."""
    key = cache_key(taxonomy, product, analyzer.name, analyzer.model)
    if cache is not None and not refresh:
        cached = cache.get(key)
        if cached is not None:
            return AnalysisResult(cached, cache_hit=True, cache_key=key)
    rules = analyzer.analyze(taxonomy, product)
    if cache is not None:
        cache.put(key, rules, about=describe(taxonomy, product, analyzer.name, analyzer.model,
                                             plan))
    return AnalysisResult(rules, cache_hit=False, cache_key=key)
