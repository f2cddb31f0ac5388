"""docs/cli.md, written from the real command line (typer's click commands).

``python -m tests.cli.cli_reference > docs/cli.md`` rewrites it; ``test_cli_reference``
fails when an option or command changed without it.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer

from demogen.cli._app import app

HEADER = """\
# Command reference

Every `demogen` command with its arguments and options, written from the command line
itself (`python -m tests.cli.cli_reference > docs/cli.md`; a test keeps this page in step).
The README walks through them; `demogen COMMAND --help` says the same in the terminal.
Bad input exits with status 2 and one line saying what, where and how to fix it.
"""


def reference() -> str:
    root = typer.main.get_command(app)
    rows, sections = [], []
    for path, command in _commands(root, ("demogen",)):
        name = " ".join(path)
        rows.append(f"| [`{name}`](#{_anchor(name)}) | {_first_line(command.help)} |")
        sections.append(_section(name, command))
    return "\n".join([HEADER, "| command | what it does |", "|---|---|", *rows, "",
                      *sections]).rstrip() + "\n"


def _commands(group: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for name, command in group.commands.items():
        here = (*path, name)
        if hasattr(command, "commands"):
            found += _commands(command, here)
        else:
            found.append((here, command))
    return found


def _section(name: str, command: Any) -> str:
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    options = [p for p in command.params if p.param_type_name == "option"]
    usage = " ".join([name, *(_argument(a) for a in arguments), "[OPTIONS]" if options else ""])
    lines = [f"## {name}", "", "```", usage.strip(), "```", "",
             inspect.cleandoc(command.help or ""), ""]
    if arguments:
        lines += ["| argument | what it is |", "|---|---|"]
        lines += [f"| `{a.human_readable_name.upper()}` | {_cell(getattr(a, 'help', ''))} |"
                  for a in arguments]
        lines.append("")
    if options:
        lines += ["| option | default | what it does |", "|---|---|---|"]
        lines += [f"| {_names(o)} | {_default(o)} | {_cell(o.help)} |" for o in options]
        lines.append("")
    return "\n".join(lines)


def _argument(param: Any) -> str:
    name = param.human_readable_name.upper()
    return name if param.required else f"[{name}]"


def _names(option: Any) -> str:
    return ", ".join(f"`{n}`" for n in (*option.opts, *option.secondary_opts))


def _default(option: Any) -> str:
    if option.is_flag:
        return "off"
    if option.default is None or option.default == "":
        return ""
    return f"`{option.default}`"


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _first_line(text: str | None) -> str:
    return _cell(inspect.cleandoc(text or "").split("\n\n")[0])


def _anchor(name: str) -> str:
    return name.replace(" ", "-")


if __name__ == "__main__":
    print(reference(), end="")
