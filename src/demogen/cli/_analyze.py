"""``demogen analyze``: read a taxonomy, infer rules (cached), print a summary."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from demogen.cli import _options as opt
from demogen.cli._console import err, out, reports_errors


@reports_errors
def analyze(
    taxonomy: Path = opt.TaxonomyArg,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the rules here (.yaml or .json) to edit and pass back."
    ),
    industry: str | None = opt.IndustryOpt,
    platform: str | None = opt.PlatformOpt,
    product_name: str | None = opt.ProductNameOpt,
    refresh_analysis: bool = opt.RefreshOpt,
    cache_dir: Path | None = opt.CacheDirOpt,
    quiet: bool = opt.QuietOpt,
) -> None:
    """Analyse TAXONOMY offline and print what was inferred."""
    from demogen.analysis import AnalysisCache
    from demogen.analysis import analyze as run_analysis
    from demogen.analysis.heuristic import HeuristicAnalyzer
    from demogen.taxonomy import load_taxonomy

    loaded = load_taxonomy(
        taxonomy, industry=industry, platform=platform, product_name=product_name
    )
    cache = AnalysisCache(opt.cache_dir_or_default(cache_dir))
    result = run_analysis(
        loaded.taxonomy, loaded.product, HeuristicAnalyzer(), cache=cache, refresh=refresh_analysis
    )
    if not quiet:
        for warning in loaded.taxonomy.warnings:
            err.print(f"[yellow]warning:[/] {warning}", highlight=False)
        source = "cache hit" if result.cache_hit else "analysed"
        err.print(f"[dim]{source} ({result.cache_key})[/]", highlight=False)
        _print_summary(loaded, result.rules)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        result.rules.save(output)
        if not quiet:
            out.print(f"Rules written to {output}")


def _print_summary(loaded, rules) -> None:  # type: ignore[no-untyped-def]
    tax, product = loaded.taxonomy, loaded.product
    out.print(
        f"[bold]{product.product_name}[/] ({product.industry}, {product.platform}): "
        f"{len(tax.events)} events, {len(tax.properties)} event properties, "
        f"{len(tax.common_properties)} common, {len(tax.user_properties)} user properties"
    )
    ec = rules.event_constraints
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("inferred")
    table.add_column("details", overflow="fold")
    table.add_row("sequences", "; ".join(" → ".join(s) for s in ec.sequences) or "-")
    for funnel in ec.funnels:
        steps = " → ".join(
            f"{step} ({p:.0%})" for step, p in zip(funnel.steps, funnel.conversion, strict=False)
        ) or " → ".join(funnel.steps)
        table.add_row(f"funnel {funnel.name}", steps)
    table.add_row("one-time events", ", ".join(ec.one_time_events) or "-")
    table.add_row("session start/end", f"{', '.join(ec.session_start_events) or '-'} / "
                  f"{', '.join(ec.session_end_events) or '-'}")
    table.add_row("prerequisites", "; ".join(
        f"{event} ⇐ {', '.join(pre)}" for event, pre in ec.prerequisites.items()) or "-")
    table.add_row("monetary", ", ".join(
        f"{prop} ({m.currency_property or 'no currency'})"
        for prop, m in rules.monetary_properties.items()) or "-")
    table.add_row("update patterns", ", ".join(
        f"{event}→{'/'.join(props)}" for event, props in rules.update_patterns.items()) or "-")
    table.add_row("segments", ", ".join(
        f"{seg.value} ({len(p.event_sequence)} steps)" for seg, p in rules.segment_analysis.items())
        or "-")
    out.print(table)
