"""What reading found: problems stop loading, warnings travel with the taxonomy."""

from __future__ import annotations

from dataclasses import dataclass, field

from demogen.errors import Location, ProblemCollector

__all__ = ["Report"]


@dataclass
class Report:
    """Problems (bad input, reported all at once) and warnings (kept quirks, never silent).

    Real tracking plans have quirks that must not stop a run (a property typed two ways,
    ``ta_`` event names); those become warnings, so nothing is dropped silently.
    """

    problems: ProblemCollector = field(default_factory=ProblemCollector)
    warnings: list[str] = field(default_factory=list)

    def problem(self, message: str, location: Location | None, hint: str | None = None) -> None:
        self.problems.add(message, hint=hint, location=location)

    def warn(self, message: str, location: Location | None = None) -> None:
        self.warnings.append(f"{location}: {message}" if location else message)

    @property
    def failed(self) -> bool:
        return bool(self.problems.problems)
