"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path

import typer

TaxonomyArg = typer.Argument(
    ...,
    help="A folder (taxonomy.xlsx, or events.csv + properties.csv; optional product.json) "
    "or a single .xlsx / .json / .yaml file.",
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


def cache_dir_or_default(path: Path | None) -> Path:
    from demogen.analysis.cache import default_cache_dir

    return path if path is not None else default_cache_dir()
