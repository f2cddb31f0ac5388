"""``demogen rules``: the rules schema, and checking a rules file."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from demogen.cli._console import out, reports_errors, warn

app = typer.Typer(help="Work with rules files (the analysis result).", no_args_is_help=True)


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a rules document."""
    from demogen.analysis.rules import Rules

    typer.echo(json.dumps(Rules.json_schema(), indent=2, ensure_ascii=False))


@app.command("check")
@reports_errors
def check(
    path: Path = typer.Argument(..., help="A rules .yaml or .json file."),
    taxonomy: Path | None = typer.Option(
        None, "--taxonomy", "-t", help="The plan the rules are for: every event and property "
        "they name must be the plan's."),
) -> None:
    """Validate a rules file, e.g. after editing it by hand (with --taxonomy, against its plan)."""
    from demogen.analysis.check import check_against_plan
    from demogen.analysis.rules import Rules

    rules = Rules.load(path)
    for notice in rules.notices:
        warn(notice)
    against = ""
    if taxonomy is not None:
        from demogen.taxonomy import load_taxonomy

        check_against_plan(rules, load_taxonomy(taxonomy).taxonomy, source=path, plan=taxonomy)
        against = f" for {taxonomy}"
    ec = rules.event_constraints
    out.print(
        f"{path}: valid rules{against} ({len(ec.sequences)} sequences, {len(ec.funnels)} "
        f"funnels, {len(rules.segment_analysis)} segments, {len(rules.update_patterns)} "
        "update patterns)", markup=False, highlight=False)
