"""``demogen validate``: check an output folder; exit 0 clean, 1 violations, 2 bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from demogen.cli import _options as opt
from demogen.cli._console import err, out, reports_errors, warn
from demogen.cli._load import run_inputs_for
from demogen.cli._progress import step_spinner

#: Exit status when the output has violations.
EXIT_VIOLATIONS = 1

OutArg = typer.Argument(..., help="Output folder of 'demogen generate' (logs_*.jsonl[.gz]).",
                        show_default=False)


@reports_errors
def validate(
    output: Path = OutArg,
    taxonomy: Path | None = typer.Option(
        None, "--taxonomy", help="Check against this plan (analysed as 'generate' does, "
        "cached) instead of the copy saved in OUTPUT (rules.yaml, plan.json)."
    ),
    rules_path: Path | None = typer.Option(
        None, "--rules", help="Rules (.yaml/.json): merged over the analysis with --taxonomy, "
        "else used instead of OUTPUT's rules.yaml."
    ),
    memory_limit: str = typer.Option(
        "2GB", "--memory-limit", help="DuckDB memory limit; larger sorts spill to disk."
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Processes for the record pass (default: CPUs)."
    ),
    industry: str | None = opt.IndustryOpt,
    platform: str | None = opt.PlatformOpt,
    product_name: str | None = opt.ProductNameOpt,
    refresh_analysis: bool = opt.RefreshOpt,
    cache_dir: Path | None = opt.CacheDirOpt,
    quiet: bool = opt.QuietOpt,
    verbose: bool = opt.VerboseOpt,
) -> None:
    """Check OUTPUT: every record as ThinkingData receives it (format, types, times,
    identities) and, with the run's rules (saved in OUTPUT, or from --taxonomy / --rules),
    one-time events, prerequisites, sessions, lifecycle, install order, constraints,
    user-property state, and what the plan means: declared formulas, update methods,
    progress that never goes down, event properties that mirror a user property."""
    from demogen.validate import LIMITS, progress_text, validate_output

    inputs = run_inputs_for(output, taxonomy=taxonomy, rules_path=rules_path,
                            industry=industry, platform=platform, product_name=product_name,
                            refresh=refresh_analysis, cache_dir=cache_dir, quiet=quiet,
                            verbose=verbose)
    if inputs.rules is None and not quiet:
        warn("no rules for this output: only the record format is checked (pass --taxonomy "
             "PLAN for the rule checks)")
    past_days = LIMITS["past_days"]
    if inputs.first_day is not None and (date.today() - inputs.first_day).days > past_days:
        past_days = (date.today() - inputs.first_day).days + 2   # + the zones ahead of UTC
        if not quiet:
            warn(f"the run starts {inputs.first_day}, more than 3 years back: times are not "
                 "held to ThinkingEngine's default receive window; check your project's")
    with step_spinner("validating", quiet=quiet) as step:
        report = validate_output(output, rules=inputs.written_rules(), workers=workers,
                                 memory_limit=memory_limit, max_past_days=past_days,
                                 plan=inputs.taxonomy,
                                 progress=lambda *at: step(progress_text(*at)))
    _print(report, verbose=verbose)
    if not report.ok:
        raise typer.Exit(code=EXIT_VIOLATIONS)


def _print(report, *, verbose: bool = False) -> None:  # type: ignore[no-untyped-def]
    from demogen.validate import CHECKS

    out.print(
        f"{report.out_dir}: {report.files} files, {report.records:,} records, "
        f"{report.users:,} users checked in {report.seconds:.1f} s",
        highlight=False, markup=False,
    )
    table = Table(box=None, pad_edge=False)
    table.add_column("check", style="bold")
    table.add_column("violations", justify="right")
    table.add_column("")
    table.add_column("what it verifies")
    for check in CHECKS:
        if check not in report.checks:
            table.add_row(check, "—", Text("skipped", style="dim"), CHECKS[check])
            continue
        count = report.count(check)
        mark = Text("✓ ok", style="green") if count == 0 else Text("✗ fail", style="red")
        table.add_row(check, f"{count:,}", mark, CHECKS[check])
    out.print(table)
    for note in report.notes:
        out.print(Text(f"note: {note}", style="yellow"))
    for detail in report.details if verbose else ():
        out.print(Text(f"  {detail}", style="dim"))
    for check in CHECKS:
        count = report.count(check)
        if not count:
            continue
        out.print(Text(f"\n{check}: {count:,} violation{'s' if count != 1 else ''}",
                       style="bold red"))
        for issue in report.examples(check):
            out.print(Text(f"  {issue}"))
        if count > len(report.examples(check)):
            out.print(Text(f"  … and {count - len(report.examples(check)):,} more",
                           style="dim"))
    if report.ok:
        err.print("[green]valid:[/] no violations", highlight=False)
    else:
        err.print(f"[red]invalid:[/] {report.violations:,} violations", highlight=False)
