"""``demogen analyze``: read a taxonomy, infer rules (cached), print a summary."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from demogen.cli import _options as opt
from demogen.cli._console import err, out, reports_errors
from demogen.cli._load import load_plan, show_plan_warnings


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
    verbose: bool = opt.VerboseOpt,
    explain: str | None = typer.Option(
        None, "--explain", metavar="NAME",
        help="Show everything the rules say about one event or property and where each "
        "fact comes from (the plan, the analysis, your --rules file), instead of the summary."),
    ai: str = opt.AiOpt,
    model: str | None = opt.ModelOpt,
    base_url: str | None = opt.BaseUrlOpt,
    strict_ai: bool = opt.StrictAiOpt,
    max_cost: float | None = opt.MaxCostOpt,
) -> None:
    """Analyse TAXONOMY (offline, or with an AI model) and print what was inferred."""
    from demogen.analysis._documents import RULES_SCHEMA_VERSION, write_document
    from demogen.analysis.ai import resolve_ai
    from demogen.analysis.cache import AnalysisCache, heuristic_revision
    from demogen.taxonomy import source_fingerprint

    ai_options = opt.ai_options(ai, model, base_url, strict_ai, max_cost)
    if explain is not None:
        from demogen.cli._explain import print_explanation

        prepared = load_plan(taxonomy, rules_path=rules_path, industry=industry,
                             platform=platform, product_name=product_name,
                             refresh=refresh_analysis, cache_dir=cache_dir, quiet=quiet,
                             verbose=verbose, ai=ai_options)
        print_explanation(explain, prepared)
        if output is not None:
            write_document(prepared.rules.to_data(), output)
        return

    cache = AnalysisCache(opt.cache_dir_or_default(cache_dir))
    # Fast path: byte-identical files were analysed before; no need to read them again.
    fingerprint = source_fingerprint(taxonomy, "heuristic", heuristic_revision(),
                                     str(RULES_SCHEMA_VERSION),
                                     industry or "", platform or "", product_name or "")
    recalled = None
    choice = resolve_ai(ai_options)
    # The fast path knows the heuristic's analyses only; an AI's goes through the cache.
    if fingerprint and not refresh_analysis and rules_path is None and \
            choice.provider == "heuristic":
        recalled = cache.recall_source(fingerprint)
    if recalled is not None:
        rules, key, summary = recalled
        if not quiet:
            err.print(choice.describe(), style="dim", markup=False, highlight=False)
            show_plan_warnings(taxonomy, summary.get("warnings", []), full=True)
            err.print(f"[dim]rules: cache hit{f' ({key})' if verbose else ''}[/]",
                      highlight=False)
    else:
        prepared = load_plan(taxonomy, rules_path=rules_path, industry=industry,
                             platform=platform, product_name=product_name,
                             refresh=refresh_analysis, cache_dir=cache_dir, quiet=quiet,
                             verbose=verbose, full_warnings=True, ai=ai_options)
        rules, summary = prepared.rules.to_data(), _summary(prepared)
        if fingerprint and rules_path is None and prepared.analysis.origin is None:
            cache.remember_source(fingerprint, prepared.analysis.cache_key, summary)
    if not quiet:
        _print_summary(summary, rules)
        if verbose:
            from demogen.cli._explain import print_event_listing

            print_event_listing(taxonomy, rules, industry=industry, platform=platform,
                                product_name=product_name)
        for line in plan_notes(summary):
            err.print(line, markup=False, highlight=False)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_document(rules, output)
        if not quiet:
            out.print(f"Rules written to {output}", markup=False)


def _summary(prepared) -> dict:  # type: ignore[no-untyped-def]
    """What the summary shows of the taxonomy, small enough to keep in the cache."""
    from demogen.simulation.state import never_written
    from demogen.simulation.unreached import never_generated

    tax, product = prepared.taxonomy, prepared.product
    return {
        "product_name": product.product_name, "industry": product.industry,
        "industry_inferred": product.industry_inferred,
        "platform": product.platform, "events": len(tax.events),
        "properties": len(tax.properties), "common": len(tax.common_properties),
        "user": len(tax.user_properties), "warnings": list(tax.warnings),
        "not_generated": never_generated(tax, prepared.rules),
        "not_written": never_written(tax, prepared.rules),
    }


def prepared_notes(prepared) -> list[str]:  # type: ignore[no-untyped-def]
    """:func:`plan_notes` of a plan just read (``generate`` says them too)."""
    return plan_notes(_summary(prepared))


def plan_notes(summary: dict) -> list[str]:
    """What ``analyze`` and ``generate`` say about the plan beyond its warnings: the
    industry inferred (and how to set it), and every plan event that is never generated."""
    lines = []
    if summary.get("industry_inferred"):
        lines.append(f"industry: {summary['industry']}, inferred from the plan: "
                     f"{summary['industry_inferred']}; set it with --industry NAME or "
                     "\"industry\" in product.json")
    for event, reason in summary.get("not_generated", {}).items():
        lines.append(f"not generated: {event}: {reason}")
    for prop in summary.get("not_written", []):
        lines.append(f"warning: user property {prop} is tied to no event and has no starting "
                     "value: it is never written (tie it to an event in update_patterns)")
    return lines


def _print_summary(summary: dict, rules: dict) -> None:
    """What was inferred, from the rules as plain data (cached or just analysed)."""
    out.print(
        f"[bold]{escape(summary['product_name'])}[/] "
        f"({escape(summary['industry'])}, {escape(summary['platform'])}): "
        f"{summary['events']} events, {summary['properties']} event properties, "
        f"{summary['common']} common, {summary['user']} user properties"
    )
    ec = rules.get("event_constraints", {})
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("inferred")
    table.add_column("details", overflow="fold")
    scopes = {tuple(d["events"]): d.get("scope", "user") for d in ec.get("sequence_details", [])}
    table.add_row("sequences", "; ".join(
        " → ".join(s) + (f" ({scopes[tuple(s)]})" if tuple(s) in scopes else "")
        for s in ec.get("sequences", [])) or "-")
    # The funnels' conversions are the only ones: each drives the data (edit them there).
    for funnel in ec.get("funnels", []):
        steps = zip(funnel["steps"], funnel.get("conversion") or [None] * len(funnel["steps"]),
                    strict=False)
        table.add_row(f"funnel {funnel['name']}", " → ".join(
            step if p is None else f"{step} ({p:.0%})" for step, p in steps))
    table.add_row("one-time events", ", ".join(ec.get("one_time_events", [])) or "-")
    table.add_row("session start/end",
                  f"{', '.join(ec.get('session_start_events', [])) or '-'} / "
                  f"{', '.join(ec.get('session_end_events', [])) or '-'}")
    table.add_row("prerequisites", "; ".join(
        f"{event} ⇐ {', '.join(pre)}" for event, pre in ec.get("prerequisites", {}).items())
        or "-")
    table.add_row("monetary", ", ".join(
        f"{prop} ({m.get('currency_property') or 'no currency'})"
        for prop, m in rules.get("monetary_properties", {}).items()) or "-")
    table.add_row("update patterns", ", ".join(
        f"{event}→{'/'.join(props)}" for event, props in rules.get("update_patterns", {}).items())
        or "-")
    table.add_row("segments", ", ".join(
        f"{segment} ({len(p.get('event_sequence', []))} steps)"
        for segment, p in rules.get("segment_analysis", {}).items()) or "-")
    out.print(table, markup=False)
