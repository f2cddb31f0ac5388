"""Step 1: read the plan and analyse it (cache first), a person's rules merged over."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from demogen.analysis import AnalysisCache, AnalysisResult, Rules, analyze
from demogen.analysis.cache import default_cache_dir
from demogen.analysis.check import check_against_plan
from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.merge import merge_rules
from demogen.output._writable import check_writable_dir
from demogen.taxonomy import EventTaxonomy, LoadedTaxonomy, ProductInfo, load_taxonomy

__all__ = ["Prepared", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """A plan read and analysed: what ``generate`` simulates and ``analyze`` shows."""

    plan: Path                   # absolute, as the manifest records it
    loaded: LoadedTaxonomy
    rules: Rules                 # the analysis, with ``rules_path`` merged over it
    analysis: AnalysisResult
    rules_path: Path | None

    @property
    def taxonomy(self) -> EventTaxonomy:
        return self.loaded.taxonomy

    @property
    def product(self) -> ProductInfo:
        return self.loaded.product


def prepare(plan: Path, *, rules_path: Path | None = None, industry: str | None = None,
            platform: str | None = None, product_name: str | None = None,
            refresh: bool = False, cache_dir: Path | None = None) -> Prepared:
    """Read ``plan`` (every problem at once, as a TaxonomyError) and analyse it.

    The cache folder is checked first: a run never does work it cannot keep.
    """
    cache_folder = cache_dir if cache_dir is not None else default_cache_dir()
    check_writable_dir(cache_folder, what="analysis cache",
                       how="point --cache-dir or DEMOGEN_CACHE_DIR at a writable folder")
    loaded = load_taxonomy(plan, industry=industry, platform=platform,
                           product_name=product_name)
    edit = None
    if rules_path is not None:  # before the analysis: a wrong file fails at once
        edit = Rules.load(rules_path)
        check_against_plan(edit, loaded.taxonomy, source=rules_path, plan=plan)
    where = Path(plan).resolve()
    result = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer(),
                     cache=AnalysisCache(cache_folder), refresh=refresh, plan=where)
    rules = result.rules if edit is None else merge_rules(result.rules, edit)
    return Prepared(where, loaded, rules, result, rules_path)
