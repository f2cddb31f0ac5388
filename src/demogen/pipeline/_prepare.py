"""Step 1: read the plan and analyse it (cache first), a person's rules merged over."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from demogen.analysis import AnalysisCache, AnalysisResult, Rules, analyze
from demogen.analysis.ai import AIAnalyzer, AIOptions, Usage, resolve_ai
from demogen.analysis.cache import default_cache_dir
from demogen.analysis.check import check_against_plan
from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.merge import merge_rules
from demogen.errors import AIError
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
    #: Which analyzer ran and why ("analysis: AI, openai/gpt-4.1-mini (OPENAI_API_KEY is
    #: set)"), to say on stderr; empty when no choice was asked for.
    analysis_notes: tuple[str, ...] = ()
    #: What an AI analysis dropped from its answers, or why it fell back to the heuristic.
    analysis_warnings: tuple[str, ...] = ()
    #: An AI analysis' calls, tokens and estimated cost (``None``: no call was made).
    ai_usage: Usage | None = None

    @property
    def taxonomy(self) -> EventTaxonomy:
        return self.loaded.taxonomy

    @property
    def product(self) -> ProductInfo:
        return self.loaded.product


def prepare(plan: Path, *, rules_path: Path | None = None, industry: str | None = None,
            platform: str | None = None, product_name: str | None = None,
            refresh: bool = False, cache_dir: Path | None = None,
            ai: AIOptions | None = None) -> Prepared:
    """Read ``plan`` (every problem at once, as a TaxonomyError) and analyse it.

    The cache folder is checked first: a run never does work it cannot keep. ``ai``
    picks the analyzer (``None``: the heuristic); when the AI provider fails the heuristic
    analysis is used with a warning, unless ``ai.strict`` (then the AIError is raised).
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
    choice = resolve_ai(ai) if ai is not None else None
    notes = [choice.describe()] if choice is not None else []
    warnings: list[str] = []
    cache = AnalysisCache(cache_folder)
    analyzer = None
    if choice is not None and choice.provider != "heuristic":
        analyzer = AIAnalyzer(choice, ai)  # type: ignore[arg-type]
    try:
        result = analyze(loaded.taxonomy, loaded.product, analyzer or HeuristicAnalyzer(),
                         cache=cache, refresh=refresh, plan=where)
    except AIError as exc:
        if ai is None or ai.strict:
            raise
        warnings.append(f"{exc}; the offline heuristic analysis is used instead "
                        "(--strict-ai makes this an error)")
        result = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer(), cache=cache,
                         refresh=refresh, plan=where)
    usage = None
    if analyzer is not None:
        warnings[:0] = analyzer.warnings
        usage = analyzer.usage if analyzer.usage.calls else None
    rules = result.rules if edit is None else merge_rules(result.rules, edit)
    return Prepared(where, loaded, rules, result, rules_path, tuple(notes), tuple(warnings),
                    usage)
