"""Which field a column header means and which role a sheet plays (EN/KO/ZH aliases)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from demogen.taxonomy._words import load_data, normalize

__all__ = ["accepted_headers", "field_of", "sheet_role"]

_FILE = "header_aliases.yaml"


@cache
def _column_index() -> dict[str, frozenset[str]]:
    columns = load_data(_FILE)["columns"]
    return {field: frozenset(normalize(alias) for alias in aliases)
            for field, aliases in columns.items()}


@cache
def _sheet_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for role, aliases in load_data(_FILE)["sheets"].items():
        for alias in aliases:
            index.setdefault(normalize(alias), role)
    return index


def field_of(header: str, fields: Sequence[str]) -> str | None:
    """The first of ``fields`` that ``header`` names, or None.

    Order matters: in the ThinkingData event sheet a bare "설명" means the event's
    description because ``event_description`` comes before ``property_description``.
    """
    key = normalize(header)
    if not key:
        return None
    index = _column_index()
    return next((field for field in fields if key in index[field]), None)


def accepted_headers(field: str) -> tuple[str, ...]:
    """The headers a column may carry, as written in the data file (for messages)."""
    return tuple(load_data(_FILE)["columns"][field])


def sheet_role(name: str) -> str | None:
    """The role a sheet plays judging by its name: 'events', 'te_user', … or None."""
    return _sheet_index().get(normalize(name))
