"""The analysis cache: kept between runs, keyed on everything that changes the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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


def test_entries_say_what_they_are(tmp_path: Path) -> None:
    cache, analyzer = AnalysisCache(tmp_path), CountingAnalyzer()
    named = ProductInfo(industry="saas", platform="web", product_name="Trackwise")
    result = analyze(TAXONOMY, named, analyzer, cache=cache, plan=tmp_path / "plan.xlsx")
    (entry,) = cache.describe_entries()
    assert entry.key == result.cache_key and entry.path == cache.entries()[0]
    assert (entry.product, entry.industry, entry.platform) == ("Trackwise", "saas", "web")
    assert (entry.plan, entry.events, entry.analyzer) == (str(tmp_path / "plan.xlsx"), 2,
                                                          "counting")
    assert entry.size == entry.path.stat().st_size > 0
    assert abs(datetime.now(UTC) - entry.cached_at) < timedelta(minutes=1)
    # without its path, the plan is named by the files its events came from (none here)
    analyze(TAXONOMY, PRODUCT, analyzer, cache=cache)
    assert {e.plan for e in cache.describe_entries()} == {str(tmp_path / "plan.xlsx"), None}


def test_entries_cached_before_descriptions_are_listed(tmp_path: Path) -> None:
    old = tmp_path / "analysis_heuristic_0123456789abcdef.json"
    old.write_text("{}", encoding="utf-8")
    (entry,) = AnalysisCache(tmp_path).describe_entries()
    assert (entry.key, entry.analyzer, entry.product, entry.plan) == (
        "heuristic_0123456789abcdef", "heuristic", None, None)
    assert entry.size == 2
    # `demogen analyze` kept a summary of the plan: its product names the entry
    AnalysisCache(tmp_path).remember_source("f" * 40, entry.key,
                                            {"product_name": "Rune Knights", "industry": "game"})
    (entry,) = AnalysisCache(tmp_path).describe_entries()
    assert (entry.product, entry.industry) == ("Rune Knights", "game")
