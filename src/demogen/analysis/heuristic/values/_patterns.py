"""Ordered name patterns from the heuristic's YAML tables, compiled once."""

from __future__ import annotations

import re
from typing import Any, TypeVar

T = TypeVar("T")


def ordered(rows: list[list[Any]], flags: int = 0) -> tuple[tuple[re.Pattern[str], Any], ...]:
    """``[[pattern, answer], …]`` compiled, in the file's order: callers take the first match,
    so the YAML lists specific patterns before general ones."""
    return tuple((re.compile(pattern, flags), answer) for pattern, answer in rows)


def first_match(rules: tuple[tuple[re.Pattern[str], T], ...], text: str) -> T | None:
    """The answer of the first pattern found in ``text``, or None."""
    return next((answer for pattern, answer in rules if pattern.search(text)), None)


__all__ = ["first_match", "ordered"]
