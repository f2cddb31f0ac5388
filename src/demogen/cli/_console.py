"""The two consoles: results to stdout, messages and progress to stderr."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from demogen.errors import DemogenError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

#: Exit status for bad input: a taxonomy, rules file or option that cannot be used.
EXIT_BAD_INPUT = 2

def warn(message: str) -> None:
    """A yellow warning on stderr; the text is printed as is, never read as markup."""
    err.print(f"[yellow]warning:[/] {escape(message)}", highlight=False)


P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`DemogenError` into a red message on stderr and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DemogenError as exc:
            # The message may hold brackets ("[min,max]") that rich would read as markup.
            err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(code=getattr(exc, "exit_code", EXIT_BAD_INPUT)) from None

    return wrapper


def human_size(n: float) -> str:
    """``1234567`` → ``1.2 MB``: sizes as people read them."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"
