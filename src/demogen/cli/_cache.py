"""``demogen cache``: look at or empty the analysis cache."""

from __future__ import annotations

from pathlib import Path

import typer

from demogen.cli._console import out, reports_errors
from demogen.cli._options import CacheDirOpt, cache_dir_or_default

app = typer.Typer(help="Manage the analysis cache.", no_args_is_help=True)


@app.command("clear")
@reports_errors
def clear(cache_dir: Path | None = CacheDirOpt) -> None:
    """Remove every cached analysis."""
    from demogen.analysis.cache import AnalysisCache

    cache = AnalysisCache(cache_dir_or_default(cache_dir))
    removed = cache.clear()
    noun = "analysis" if removed == 1 else "analyses"
    out.print(f"Removed {removed} cached {noun} from {cache.directory}")


@app.command("info")
@reports_errors
def info(cache_dir: Path | None = CacheDirOpt) -> None:
    """Show where the cache lives and what it holds."""
    from demogen.analysis.cache import AnalysisCache

    cache = AnalysisCache(cache_dir_or_default(cache_dir))
    entries = cache.entries()
    noun = "analysis" if len(entries) == 1 else "analyses"
    out.print(f"{cache.directory}: {len(entries)} cached {noun}")
    for entry in entries:
        out.print(f"  {entry.name}")
