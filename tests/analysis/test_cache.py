"""The analysis cache: kept between runs, keyed on everything that changes the answer."""

from __future__ import annotations

from pathlib import Path

from demogen.analysis import AnalysisCache, Rules, analyze, cache_key
from demogen.analysis.rules import RULES_SCHEMA_VERSION
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo


class CountingAnalyzer:
    name = "counting"
    model = "m1"

    def __init__(self) -> None:
        self.calls = 0

    def analyze(self, taxonomy: EventTaxonomy, product: ProductInfo) -> Rules:
        self.calls += 1
        return Rules.from_data({"event_constraints": {"one_time_events": ["signup"]}})


TAXONOMY = EventTaxonomy(events=(Event(name="signup"), Event(name="login")))
PRODUCT = ProductInfo(industry="saas")


def test_second_run_is_a_cache_hit_without_analysis(tmp_path: Path) -> None:
    cache, analyzer = AnalysisCache(tmp_path), CountingAnalyzer()
    first = analyze(TAXONOMY, PRODUCT, analyzer, cache=cache)
    second = analyze(TAXONOMY, PRODUCT, analyzer, cache=cache)
    assert (first.cache_hit, second.cache_hit, analyzer.calls) == (False, True, 1)
    assert second.rules == first.rules
    analyze(TAXONOMY, PRODUCT, analyzer, cache=cache, refresh=True)
    assert analyzer.calls == 2


def test_key_changes_with_every_input() -> None:
    base = cache_key(TAXONOMY, PRODUCT, "heuristic", "")
    other_taxonomy = EventTaxonomy(events=(Event(name="signup"),))
    assert cache_key(other_taxonomy, PRODUCT, "heuristic", "") != base
    assert cache_key(TAXONOMY, ProductInfo(industry="game"), "heuristic", "") != base
    assert cache_key(TAXONOMY, PRODUCT, "openai", "") != base
    assert cache_key(TAXONOMY, PRODUCT, "heuristic", "gpt") != base
    assert cache_key(TAXONOMY, PRODUCT, "heuristic", "") == base
    assert RULES_SCHEMA_VERSION >= 1


def test_clear_and_corrupt_entries(tmp_path: Path) -> None:
    cache, analyzer = AnalysisCache(tmp_path), CountingAnalyzer()
    result = analyze(TAXONOMY, PRODUCT, analyzer, cache=cache)
    entry = cache.entries()[0]
    entry.write_text("{not json", encoding="utf-8")
    assert cache.get(result.cache_key) is None
    assert not entry.exists()
    analyze(TAXONOMY, PRODUCT, analyzer, cache=cache)
    assert cache.clear() == 1
    assert cache.entries() == []
