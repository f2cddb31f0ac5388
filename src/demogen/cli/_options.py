"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path

import typer

TaxonomyArg = typer.Argument(
    ...,
    help="A folder (taxonomy.xlsx, events.csv + properties.csv, or one tracking-plan CSV; "
    "optional product.json) or a single .xlsx / .json / .yaml / tracking-plan .csv file.",
    show_default=False,
)
IndustryOpt = typer.Option(None, "--industry", help="Override product.json's industry.")
PlatformOpt = typer.Option(None, "--platform", help="Override product.json's platform.")
ProductNameOpt = typer.Option(None, "--product-name", help="Override product.json's name.")
RefreshOpt = typer.Option(
    False, "--refresh-analysis", help="Ignore the cached analysis and analyse again."
)
CacheDirOpt = typer.Option(
    None,
    "--cache-dir",
    help="Analysis cache folder (default: $DEMOGEN_CACHE_DIR or ~/.cache/demogen).",
)
QuietOpt = typer.Option(False, "--quiet", "-q", help="Print only errors and results.")
VerboseOpt = typer.Option(
    False, "--verbose", "-v",
    help="Also print details: every warning about the plan, the analysis cache key.")


AiOpt = typer.Option(
    "auto", "--ai", metavar="heuristic|openai|anthropic|auto",
    help="Who analyses the plan: the offline heuristic, OpenAI (or an OpenAI-compatible "
    "server with --base-url), Anthropic, or auto: a provider whose key is set "
    "(OPENAI_API_KEY, ANTHROPIC_API_KEY, also read from ./.env), else the heuristic. "
    "The model's rules are checked and merged over the heuristic's (docs/ai.md).")
ModelOpt = typer.Option(None, "--model", help="The AI model (default: gpt-4.1-mini for "
                        "OpenAI, claude-haiku-4-5 for Anthropic).")
BaseUrlOpt = typer.Option(
    None, "--base-url",
    help="An OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio), e.g. "
    "http://127.0.0.1:11434/v1; no key needed (default: $OPENAI_BASE_URL).")
StrictAiOpt = typer.Option(
    False, "--strict-ai",
    help="Exit 1 when the AI provider fails, instead of using the heuristic analysis.")
MaxCostOpt = typer.Option(
    None, "--max-cost", metavar="USD", min=0,
    help="Stop before an AI call that could bring the estimated cost above this.")
AiReviewOpt = typer.Option(
    False, "--ai-review",
    help="After a sample run, send its KPIs and check counts (never records) to the model, "
    "which may revise the rules once; the revision is shown as a diff and kept only if the "
    "sample's violations and KPIs outside their bands are no worse.")


def ai_options(ai: str, model: str | None, base_url: str | None, strict: bool,
               max_cost: float | None):  # type: ignore[no-untyped-def]
    """The ``--ai`` options as :class:`demogen.analysis.ai.AIOptions`."""
    from demogen.analysis.ai import AIOptions

    return AIOptions(ai=ai, model=model, base_url=base_url, strict=strict, max_cost=max_cost)


def cache_dir_or_default(path: Path | None) -> Path:
    from demogen.analysis.cache import default_cache_dir

    return path if path is not None else default_cache_dir()
