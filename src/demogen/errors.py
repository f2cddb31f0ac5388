"""demogen's errors, one tree rooted at :class:`DemogenError`.

```
DemogenError
├── TaxonomyError (ValueError)      bad taxonomy input; carries every Problem found
├── RulesError (ValueError)         rules file that does not validate
│   └── FormulaError                formula that cannot be parsed or evaluated safely
├── ConfigError (ValueError)        bad option or configuration value
├── CacheError (OSError)            the analysis cache cannot be read or written
└── AIError                         an AI provider failed (down, over budget); exit status 1
```

The CLI turns any ``DemogenError`` into a red message on stderr and exit status 2 (an
error's ``exit_code`` says otherwise).
Library code never prints or exits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace


class DemogenError(Exception):
    """Root of every error demogen raises on purpose."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a piece of input lives: file, and for tables sheet, row and column."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: what, where and how to fix it."""

    message: str
    location: Location | None = None
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} ({self.hint})" if self.hint else text


class TaxonomyError(DemogenError, ValueError):
    """The taxonomy cannot be used. Lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self._format())

    def _format(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the taxonomy:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class RulesError(DemogenError, ValueError):
    """A rules document (YAML/JSON) does not match the rules schema."""


class FormulaError(RulesError):
    """A formula in the rules cannot be parsed or evaluated in the sandbox."""


class ConfigError(DemogenError, ValueError):
    """An option or configuration value is invalid."""


class CacheError(DemogenError, OSError):
    """The analysis cache cannot be read or written."""


class AIError(DemogenError):
    """An AI provider could not give an analysis (down after retries, over ``--max-cost``).

    Not bad input: the same command may work later, so its exit status is 1. Messages name
    the provider and model, never the key.
    """

    exit_code = 1


@dataclass
class ProblemCollector:
    """Gathers problems while reading, so all of them are reported at once.

    Readers wrap each sheet and row in :meth:`at`; code inside can call :meth:`add`
    without knowing where it is.
    """

    problems: list[Problem] = field(default_factory=list)
    _where: Location | None = None

    @contextmanager
    def at(self, location: Location) -> Iterator[None]:
        previous, self._where = self._where, location
        try:
            yield
        finally:
            self._where = previous

    def add(self, message: str, *, hint: str | None = None, column: str | None = None,
            location: Location | None = None) -> None:
        where = location or self._where
        if where is not None and column is not None:
            where = replace(where, column=column)
        self.problems.append(Problem(message, where, hint))

    def raise_if_any(self) -> None:
        if self.problems:
            raise TaxonomyError(self.problems)
