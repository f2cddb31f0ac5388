"""What a constraint cell or a description says about a property's values.

Both the constraint column (strict: a bad value is a problem) and description hints
(lenient: never a problem) produce :class:`Values`; the small text helpers they share live here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from demogen.taxonomy._models import Scalar, ValueRange

__all__ = ["NUMBER", "Values", "dedupe", "make_range", "split_items", "to_bool", "to_number"]

#: A plain decimal number, sign allowed: ``-5.5``, ``0.01``, ``7200``.
NUMBER = r"[-+]?\d+(?:\.\d+)?"
_NUMBER = re.compile(rf"^{NUMBER}$")
_SEPARATORS = re.compile(r"\s*[,，、;；|]\s*")
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})
_T = TypeVar("_T")


@dataclass(frozen=True)
class Values:
    """Ranges, enumerations and examples for one property (all optional)."""

    value_range: ValueRange | None = None
    enum: tuple[Scalar, ...] | None = None
    examples: tuple[str, ...] = ()
    list_length: ValueRange | None = None
    #: A parsed JSON sample of an object or object group, to derive its fields from.
    sample: Any = None


def to_number(text: str) -> int | float | None:
    """``"10"`` → 10, ``"0.5"`` → 0.5, anything else → None."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    return float(text) if "." in text else int(text)


def to_bool(text: str) -> bool | None:
    word = text.strip().casefold()
    return True if word in _TRUE else False if word in _FALSE else None


def split_items(text: str) -> list[str]:
    """Split an enumeration on ``,`` ``，`` ``、`` ``;`` ``|`` and drop empty items."""
    return [item for item in _SEPARATORS.split(text.strip()) if item]


def dedupe(items: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(items))


def make_range(low: str, high: str, *, integer: bool | None = None) -> ValueRange | None:
    """A range from two bound texts, None when min > max.

    ``integer=None`` means "integer if both bounds are written as integers", which is what
    ``1-150`` (a level) means; ``[0.5,2]`` style callers pass ``integer=False`` explicitly.
    """
    lo, hi = to_number(low), to_number(high)
    if lo is None or hi is None or lo > hi:
        return None
    if integer is None:
        integer = isinstance(lo, int) and isinstance(hi, int)
    return ValueRange(min=lo, max=hi, integer=integer)
