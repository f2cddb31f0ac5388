"""The ``demogen`` command line. Only this package prints or exits."""

from __future__ import annotations

import typer

from demogen import __version__
from demogen.cli import (
    _analyze,
    _cache,
    _generate,
    _init,
    _interactive,
    _live,
    _logbus,
    _presets,
    _report,
    _rules,
    _upload,
    _validate,
)

app = typer.Typer(
    name="demogen",
    help="Turn an event taxonomy into realistic ThinkingData analytics data.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
app.command("analyze")(_analyze.analyze)
app.command("generate")(_generate.generate)
app.command("validate")(_validate.validate)
app.command("report")(_report.report)
app.command("presets")(_presets.presets)
app.command("init")(_init.init)
app.command("interactive")(_interactive.interactive)
app.command("upload")(_upload.upload)
app.command("logbus-config")(_logbus.logbus_config)
app.command("live")(_live.live)
app.add_typer(_rules.app, name="rules")
app.add_typer(_cache.app, name="cache")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"demogen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Turn an event taxonomy into realistic ThinkingData analytics data."""
