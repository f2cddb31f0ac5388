"""``demogen analyze``: read a taxonomy, infer rules (cached), print a summary."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from demogen.cli import _options as opt
from demogen.cli._console import out, reports_errors
from demogen.cli._load import load_inputs


@reports_errors
def analyze(
    taxonomy: Path = opt.TaxonomyArg,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the rules here (.yaml or .json) to edit and pass back."
    ),
    rules_path: Path | None = typer.Option(
        None, "--rules", help="Rules (.yaml/.json) merged over the analysis."
    ),
    industry: str | None = opt.IndustryOpt,
    platform: str | None = opt.PlatformOpt,
    product_name: str | None = opt.ProductNameOpt,
    refresh_analysis: bool = opt.RefreshOpt,
    cache_dir: Path | None = opt.CacheDirOpt,
    quiet: bool = opt.QuietOpt,
) -> None:
    """Analyse TAXONOMY offline and print what was inferred."""
    inputs = load_inputs(taxonomy, rules_path=rules_path, industry=industry, platform=platform,
                         product_name=product_name, refresh=refresh_analysis,
                         cache_dir=cache_dir, quiet=quiet)
    if not quiet:
        _print_summary(inputs.loaded, inputs.rules)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        inputs.rules.save(output)
        if not quiet:
            out.print(f"Rules written to {output}", markup=False)


def _print_summary(loaded, rules) -> None:  # type: ignore[no-untyped-def]
    tax, product = loaded.taxonomy, loaded.product
    out.print(
        f"[bold]{escape(product.product_name)}[/] "
        f"({escape(product.industry)}, {escape(product.platform)}): "
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
