"""Checks across rows: duplicate names (ThinkingData names are case-insensitive)."""

from __future__ import annotations

from collections.abc import Iterable

from demogen.taxonomy._report import Report
from demogen.taxonomy._table import Record

__all__ = ["check_unique", "duplicate_message"]


def duplicate_message(kind: str, name: str, first: str, first_row: int, owner: str = "") -> str:
    """The text for a second definition of ``name``; ``owner`` says where ("in event 'x'")."""
    where = f" {owner}" if owner else ""
    if name == first:
        return f"duplicate {kind} '{name}'{where} (already defined at row {first_row})"
    return (f"duplicate {kind} '{name}'{where}: row {first_row} already defines '{first}', and "
            "ThinkingData names are case-insensitive")


def check_unique(kind: str, items: Iterable[tuple[str, Record, str]], report: Report) -> set[str]:
    """Report each repeated ``(name, record, field)``; return the case-folded repeated names."""
    seen: dict[str, tuple[str, Record]] = {}
    repeated: set[str] = set()
    for name, record, field in items:
        key = name.casefold()
        if key in seen:
            first, first_record = seen[key]
            report.problem(duplicate_message(kind, name, first, first_record.row),
                           record.at(field), hint="remove or rename one of the two rows")
            repeated.add(key)
        else:
            seen[key] = (name, record)
    return repeated
