"""A progress bar on stderr that is cheap in hot loops and silent when not wanted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from demogen.cli._console import err


@contextmanager
def progress_bar(description: str, total: int, *, quiet: bool) -> Iterator[Callable[[int], None]]:
    """Yields ``advance(n)``; transient, and off with ``--quiet`` or when stderr is no terminal."""
    disabled = quiet or not err.is_terminal
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=disabled,
    ) as progress:
        task = progress.add_task(description, total=total)
        # Rich's Progress.update is thread-safe but not free; batch the ticks.
        pending = 0
        step = max(1, total // 200)

        def advance(n: int) -> None:
            nonlocal pending
            pending += n
            if pending >= step:
                progress.advance(task, pending)
                pending = 0

        yield advance
        progress.advance(task, pending)


@contextmanager
def step_spinner(description: str, *, quiet: bool) -> Iterator[Callable[[str], None]]:
    """Yields ``step(text)``: a spinner on stderr showing ``description: text`` for work
    that has steps but no count (DuckDB passes); off like :func:`progress_bar`."""
    if quiet or not err.is_terminal:
        yield lambda text: None
        return
    with err.status(description) as status:
        yield lambda text: status.update(f"{description}: {text}")
