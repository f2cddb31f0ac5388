"""Every command in README.md and docs/ works: each ``demogen …`` line of a code block
parses against the real command line (placeholders such as TAXONOMY or [--seed S] mark a
synopsis and are skipped), the quick ones are run (scaled down: few users, few days, in a
temporary folder), the README's demogen.yaml and the Python snippets of README.md and
docs/api.md run as written but smaller; docs/cli.md lists every command and option with
its default."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer

from demogen.cli._app import app
from tests.cli.cli_reference import _commands
from tests.simulation.generated_outputs import run_cli

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
_PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_]{2,}\b|\[|\||…")
#: Scaled-down runs: options added to each generate command the docs show.
_SMALL = ["--users", "60", "--days", "3", "-q"]


def _blocks(path: Path, kinds: tuple[str, ...]) -> list[str]:
    return [body for kind, body in _FENCE.findall(path.read_text(encoding="utf-8"))
            if kind in kinds]


def _blocks_of_commands() -> list[tuple[str, list[str]]]:
    """(file, the block's concrete ``demogen`` lines in order), continuations joined."""
    found = []
    for path in DOCS:
        if path.name == "cli.md":
            continue
        for body in _blocks(path, ("", "bash", "sh", "console")):
            text = body.replace("\\\n", " ")
            lines = [line.split("  #")[0].strip() for line in text.splitlines()]
            lines = [line for line in lines
                     if line.startswith("demogen ") and not _PLACEHOLDER.search(line)]
            if lines:
                found.append((path.name, lines))
    return found


BLOCKS = _blocks_of_commands()
COMMANDS = [(doc, line) for doc, lines in BLOCKS for line in lines]


def _command(args: list[str]) -> tuple[Any, list[str]]:
    group: Any = typer.main.get_command(app)
    while hasattr(group, "commands"):
        group, args = group.commands[args[0]], args[1:]
    return group, args


def test_the_docs_have_commands() -> None:
    assert len(COMMANDS) >= 4, COMMANDS


@pytest.mark.parametrize(("doc", "line"), COMMANDS)
def test_every_documented_command_parses(doc: str, line: str) -> None:
    command, args = _command(shlex.split(line)[1:])
    command.make_context(line.split()[1], args)   # raises on an unknown option or value


@pytest.mark.parametrize(("doc", "lines"), BLOCKS)
def test_documented_commands_run(doc: str, lines: list[str], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block's commands in order, in a folder holding the examples; calibration runs
    (--target) are left to their own tests (tests/cli/test_generate_calibrate.py)."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for line in lines:
        args = shlex.split(line)[1:]
        if "--target" in args:
            continue
        if args[0] == "analyze" and "--rules" in args:
            Path(args[args.index("--rules") + 1]).write_text("{}\n", encoding="utf-8")
        if args[0] == "generate":
            args += _SMALL
        result = run_cli(args)
        assert result.exit_code == 0, f"{doc}: {line}\n{result.output}"


def test_readme_config_file_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (yaml_text,) = _blocks(REPO / "README.md", ("yaml",))
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    (tmp_path / "demogen.yaml").write_text(yaml_text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["generate", "--config", "demogen.yaml", *_SMALL])
    assert result.exit_code == 0, result.output
    output = re.search(r"^output: (\S+)", yaml_text, re.M)
    assert output and list((tmp_path / output.group(1)).glob("logs_*.jsonl"))


@pytest.mark.parametrize("doc", ["README.md", "docs/api.md"])
def test_python_snippets_run(doc: str, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEMOGEN_CACHE_DIR", os.environ.get("DEMOGEN_CACHE_DIR")
                       or str(tmp_path / "cache"))
    for code in _blocks(REPO / doc, ("python",)):
        small = re.sub(r"users=\d+", "users=60", re.sub(r"days=\d+", "days=3", code))
        exec(compile(small, f"{doc} (python block)", "exec"), {})


def _documented_options() -> dict[str, dict[str, str]]:
    """docs/cli.md: command → option names → default cell."""
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    found: dict[str, dict[str, str]] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        name, _, body = section.partition("\n")
        rows = found.setdefault(name.strip(), {})
        for line in body.splitlines():
            if line.startswith("| `-"):
                names, default = line.strip("|").split(" | ")[:2]
                for option in re.findall(r"`(-[^`]+)`", names):
                    rows[option] = default.strip()
    return found


def test_cli_reference_lists_every_command_and_option() -> None:
    """If this fails: python -m tests.cli.cli_reference > docs/cli.md"""
    from tests.cli.cli_reference import _default

    documented = _documented_options()
    real = {" ".join(path): {name: _default(option) for option in command.params
                             if option.param_type_name == "option"
                             for name in (*option.opts, *option.secondary_opts)}
            for path, command in _commands(typer.main.get_command(app), ("demogen",))}
    assert set(documented) == set(real), "commands differ: regenerate docs/cli.md"
    for name, options in real.items():
        assert documented[name] == options, f"{name}: regenerate docs/cli.md"
