"""Taxonomy + rules as every command that needs them loads them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from demogen.cli._console import err, warn


@dataclass(frozen=True)
class Inputs:
    loaded: object          # demogen.taxonomy.LoadedTaxonomy
    rules: object           # demogen.analysis.Rules
    cache_hit: bool
    cache_key: str


def load_inputs(taxonomy: Path, *, rules_path: Path | None, industry: str | None,
                platform: str | None, product_name: str | None, refresh: bool,
                cache_dir: Path | None, quiet: bool) -> Inputs:
    """Read the taxonomy, then rules: analysed (cache first), with ``--rules`` merged over."""
    from demogen.analysis import AnalysisCache, Rules, analyze
    from demogen.analysis.heuristic import HeuristicAnalyzer
    from demogen.analysis.merge import merge_rules
    from demogen.cli._options import cache_dir_or_default
    from demogen.taxonomy import load_taxonomy

    loaded = load_taxonomy(taxonomy, industry=industry, platform=platform,
                           product_name=product_name)
    if not quiet:
        for warning in loaded.taxonomy.warnings:
            warn(warning)
    cache = AnalysisCache(cache_dir_or_default(cache_dir))
    result = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer(), cache=cache,
                     refresh=refresh)
    rules = result.rules
    if rules_path is not None:
        rules = merge_rules(rules, Rules.load(rules_path))
    if not quiet:
        where = "cache hit" if result.cache_hit else "analysed"
        err.print(f"[dim]rules: {where} ({result.cache_key})"
                  f"{', merged with ' + str(rules_path) if rules_path else ''}[/]", highlight=False)
    return Inputs(loaded=loaded, rules=rules, cache_hit=result.cache_hit,
                  cache_key=result.cache_key)
