"""``demogen cache``: look at or empty the analysis cache."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from demogen.cli._console import human_size, out, reports_errors
from demogen.cli._options import CacheDirOpt, cache_dir_or_default

if TYPE_CHECKING:
    from demogen.analysis.cache import CacheEntry

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
    """Show where the cache lives and what it holds: per analysis the product, the plan,
    the analyzer, when it was cached and its size, newest first."""
    from demogen.analysis.cache import AnalysisCache

    cache = AnalysisCache(cache_dir_or_default(cache_dir))
    entries = cache.describe_entries()
    noun = "analysis" if len(entries) == 1 else "analyses"
    total = f", {human_size(sum(e.size for e in entries))}" if entries else ""
    out.print(f"{cache.directory}: {len(entries)} cached {noun}{total}", markup=False,
              highlight=False)
    for entry in entries:
        out.print(_describe(entry), markup=False, highlight=False)


def _describe(entry: CacheEntry) -> str:
    what = entry.product or "(no description: cached by an older demogen)"
    kind = ", ".join(v for v in (entry.industry, entry.platform) if v)
    when = entry.cached_at.astimezone().strftime("%Y-%m-%d %H:%M")
    head = [what + (f" ({kind})" if kind else ""), entry.analyzer, f"cached {when}",
            human_size(entry.size)]
    lines = ["  " + " · ".join(head)]
    if entry.plan:
        events = f" ({entry.events} events)" if entry.events is not None else ""
        lines.append(f"    plan: {entry.plan}{events}")
    lines.append(f"    key:  {entry.key}")
    return "\n".join(lines)
