"""Analyse a taxonomy once, through the cache: the entry point other stages call."""

from __future__ import annotations

import os
from dataclasses import dataclass

from demogen.analysis.base import Analyzer, ReportsOrigin, RuleOrigin
from demogen.analysis.cache import AnalysisCache, cache_key, describe
from demogen.analysis.rules import Rules
from demogen.errors import RulesError
from demogen.taxonomy import EventTaxonomy, ProductInfo


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    rules: Rules
    cache_hit: bool
    cache_key: str
    #: The part another analyzer (an AI) wrote, when it was not all the heuristic's.
    origin: RuleOrigin | None = None


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
    key = cache_key(taxonomy, product, analyzer.name, analyzer.model,
                    getattr(analyzer, "prompt_version", ""))
    if cache is not None and not refresh:
        cached = cache.get(key)
        if cached is not None:
            return AnalysisResult(cached, cache_hit=True, cache_key=key,
                                  origin=_cached_origin(cache, key))
    rules = analyzer.analyze(taxonomy, product)
    origin = analyzer.origin() if isinstance(analyzer, ReportsOrigin) else None
    if cache is not None:
        cache.put(key, rules, about=describe(taxonomy, product, analyzer.name, analyzer.model,
                                             plan))
        if origin is not None:
            cache.put_origin(key, origin.label, origin.rules)
    return AnalysisResult(rules, cache_hit=False, cache_key=key, origin=origin)


def _cached_origin(cache: AnalysisCache, key: str) -> RuleOrigin | None:
    found = cache.get_origin(key)
    if found is None:
        return None
    label, data = found
    try:
        return RuleOrigin(label, Rules.from_data(data, source=label))
    except RulesError:      # an unreadable note only loses the attribution
        return None
