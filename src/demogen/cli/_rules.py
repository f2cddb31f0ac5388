"""``demogen rules``: the rules schema, and checking a rules file."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from demogen.cli._console import out, reports_errors

app = typer.Typer(help="Work with rules files (the analysis result).", no_args_is_help=True)


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a rules document."""
    from demogen.analysis.rules import Rules

    typer.echo(json.dumps(Rules.json_schema(), indent=2, ensure_ascii=False))


@app.command("check")
@reports_errors
def check(path: Path = typer.Argument(..., help="A rules .yaml or .json file.")) -> None:
    """Validate a rules file, e.g. after editing it by hand."""
    from demogen.analysis.rules import Rules

    rules = Rules.load(path)
    ec = rules.event_constraints
    out.print(
        f"{path}: valid rules ({len(ec.sequences)} sequences, {len(ec.funnels)} funnels, "
        f"{len(rules.segment_analysis)} segments, {len(rules.update_patterns)} update patterns)"
    )
