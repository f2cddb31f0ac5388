"""Streaming every record once through every coherence checker."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import orjson

from demogen.validate._reader import OutputReadError, _lines, json_problem
from demogen.validate._scan import Finding
from demogen.validate.coherence._base import Checker, CoherenceInput, Where

__all__ = ["CoherenceResult", "check_coherence"]


class CoherenceResult:
    """Per check its findings, and the notes of what was left out."""

    def __init__(self) -> None:
        self.findings: dict[str, Finding] = {}
        self.notes: list[str] = []


def check_coherence(files: Sequence[Path], given: CoherenceInput,
                    checkers: Sequence[type[Checker]] | None = None) -> CoherenceResult:
    """Run ``checkers`` (default: every one) over the day ``files`` in order."""
    if checkers is None:
        from demogen.validate.coherence import CHECKERS

        checkers = CHECKERS
    result = CoherenceResult()
    built = [c(given) for c in checkers]
    for checker in built:
        result.notes += [f"{checker.name}: {note}" for note in checker.notes()]
    active = [c for c in built if c.active]
    if not active:
        return result
    reports = {c.name: _reporter(result, c.name) for c in active}
    for path in files:
        for number, raw in _lines(path):
            if not raw.strip():
                continue
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise OutputReadError(path.name, number, json_problem(exc)) from None
            if not isinstance(record, dict):
                continue
            where = Where(path.name, number)
            for checker in active:
                checker.record(record, where, reports[checker.name])
    for checker in active:
        checker.finish(reports[checker.name])
    return result


def _reporter(result: CoherenceResult, name: str):  # type: ignore[no-untyped-def]
    finding = result.findings.setdefault(name, Finding())

    def report(where: Where | None, message: str) -> None:
        finding.add(where.file if where else "", where.line if where else None, message)

    return report
