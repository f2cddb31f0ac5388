"""README's `demogen generate` section documents every option of `demogen generate --help`,
with its default, and nothing that is not an option: the README cannot drift from the CLI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from demogen.cli._app import app

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "### `demogen generate`"
_OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z-]*")


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    assert HEADING in text, f"README.md has no {HEADING!r} section"
    body = text.split(HEADING, 1)[1]
    return re.split(r"^#{2,3} ", body, maxsplit=1, flags=re.M)[0]


def _synopsis(section: str) -> str:
    match = re.search(r"```\n(demogen generate .*?)```", section, flags=re.S)
    assert match, "the section opens with a ```demogen generate …``` synopsis"
    return match.group(1)


def _table(section: str) -> dict[str, str]:
    """Each option of the options table → its default cell."""
    rows: dict[str, str] = {}
    for line in section.splitlines():
        if not line.startswith("| `-"):
            continue
        # `--engine local\|dask`: an escaped pipe does not end the cell
        first, default, *_ = line.strip().strip("|").replace("\\|", "/").split("|")
        for option in _OPTION.findall(first):
            rows[option] = default.strip()
    return rows


def _options() -> dict[str, Any]:
    """Option name → its click option (typer's own click: matched by kind, not class)."""
    generate = typer.main.get_command(app).commands["generate"]  # type: ignore[attr-defined]
    found: dict[str, Any] = {}
    for param in generate.params:
        if param.param_type_name == "option":
            for name in (*param.opts, *param.secondary_opts):
                found[name] = param
    return found


def test_every_option_is_in_the_synopsis_and_the_table() -> None:
    section = _section()
    synopsis, table = _synopsis(section), _table(section)
    options = _options()
    in_synopsis = set(_OPTION.findall(synopsis))
    missing = {o.opts[0] for o in options.values() if not in_synopsis & set(o.opts)}
    assert missing == set(), "options missing from the synopsis (by any of their names)"
    assert in_synopsis - set(options) == set(), "the synopsis names options that do not exist"
    assert set(options) - set(table) == set(), "options missing from the table"
    assert set(table) - set(options) == set(), "the table names options that do not exist"


def test_every_default_is_the_cli_default() -> None:
    table = _table(_section())
    for name, option in _options().items():
        cell = table[name]
        if option.is_flag:
            assert cell == "off", f"{name}: a flag is documented as 'off', not {cell!r}"
        elif option.default is None:
            assert cell, f"{name}: say what happens without it"
        else:
            assert str(option.default) in cell.replace(",", ""), (
                f"{name}: README says {cell!r}, the CLI's default is {option.default!r}")


@pytest.mark.parametrize("value", ["2,000", "ending yesterday"])
def test_defaults_decided_in_code_are_documented(value: str) -> None:
    # --users and --start have no click default (calibration and today decide them)
    assert value in _section()


def test_help_lists_the_same_options() -> None:
    result = CliRunner().invoke(app, ["generate", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    shown = set(_OPTION.findall(result.stdout)) - {"--help"}
    assert {o for o in _options() if o.startswith("--")} <= shown
