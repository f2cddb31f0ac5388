"""The constraint column: numeric ranges, enumerations and list lengths.

Accepted forms (format doc §13 and the seed's CSV conventions):

- ranges ``1-150``, ``-10-10``, ``0.01-999.99``, ``[60,7200]`` (real), ``{1,10}`` (integer),
  ``(0~100)``, ``0~100``;
- enumerations ``KR,JP,US`` (also ``，`` ``、`` ``;`` ``|``); numbers on a number property
  (``0,1`` → ``(0, 1)``), ``true,false`` on a boolean;
- on a list or object-group property, the number of elements: ``3`` or ``1-5``;
- examples, not a closed list: ``e.g. cr_000123``, ``ex: a, b``, ``예: x``, ``例: y`` (a
  customer's CSV often shows an id's shape this way; read as an enum, every record would
  carry the literal "e.g. cr_000123").

Anything else is a :class:`ConstraintError` whose text says what is wrong.
"""

from __future__ import annotations

import re

from demogen.taxonomy._models import ValueRange
from demogen.taxonomy._values import (
    NUMBER,
    Values,
    dedupe,
    make_range,
    split_items,
    to_bool,
    to_number,
)
from demogen.vocab import PropertyType

__all__ = ["ConstraintError", "parse_constraint", "parse_range"]

_RANGES: tuple[tuple[re.Pattern[str], bool | None], ...] = (
    (re.compile(rf"^\[\s*({NUMBER})\s*[,，]\s*({NUMBER})\s*\]$"), False),
    (re.compile(rf"^\{{\s*({NUMBER})\s*[,，]\s*({NUMBER})\s*\}}$"), True),
    (re.compile(rf"^\(?\s*({NUMBER})\s*[~～]\s*({NUMBER})\s*\)?$"), None),
    (re.compile(rf"^({NUMBER})\s*(?:-|\.\.)\s*({NUMBER})$"), None),
)
#: A cell that opens with an example marker lists examples ("e.g." and "for example" may go
#: without a colon; the shorter words need one, so a value such as "example_pack" stays one).
_EXAMPLES = re.compile(
    r"^(?:(?:e\.g\.|for example)\s*[:：]?|(?:eg|ex|examples?|예시\s*값|예시|예|比如|例如|例)"
    r"\s*[:：])\s*(.+)$", re.IGNORECASE | re.DOTALL)


class ConstraintError(ValueError):
    """A constraint cell that cannot be read; the message says why."""


def parse_range(text: str) -> ValueRange | None:
    """A range in one of the accepted forms, None when ``text`` is not a range at all.

    Raises :class:`ConstraintError` for a range written backwards (``5-1``).
    """
    for pattern, integer in _RANGES:
        match = pattern.match(text.strip())
        if match:
            low, high = match.groups()
            found = make_range(low, high, integer=integer)
            if found is None:
                raise ConstraintError(
                    f"the minimum {low} is greater than the maximum {high}")
            return found
    return None


def parse_constraint(text: str, kind: PropertyType) -> Values:
    """What the constraint cell ``text`` allows for a property of type ``kind``."""
    text = text.strip()
    if not text:
        return Values()
    if kind in (PropertyType.LIST, PropertyType.OBJECT_GROUP):
        return Values(list_length=_length(text))
    examples = _EXAMPLES.match(text)
    if examples:
        return _examples(split_items(examples.group(1)), kind)
    if kind is PropertyType.NUMBER:
        return _numbers(text)
    if kind is PropertyType.BOOLEAN:
        return _booleans(text)
    if kind is PropertyType.OBJECT:
        raise ConstraintError("object properties take no constraint; "
                              "describe their fields as 'parent.child' rows")
    if kind is PropertyType.TIME:
        return Values(examples=dedupe(split_items(text)))
    return Values(enum=dedupe(split_items(text)))


def _examples(items: list[str], kind: PropertyType) -> Values:
    """Examples in the property's type (numbers that are not numbers are left out)."""
    if kind is PropertyType.NUMBER:
        return Values(examples=dedupe(i for i in items if to_number(i) is not None))
    return Values(examples=dedupe(items))


def _numbers(text: str) -> Values:
    found = parse_range(text)
    if found is not None:
        return Values(value_range=found)
    numbers = [to_number(item) for item in split_items(text)]
    if not numbers or any(n is None for n in numbers):
        raise ConstraintError(f"'{text}' is neither a range (min-max, [min,max] or {{min,max}}) "
                              "nor a list of numbers")
    return Values(enum=dedupe(n for n in numbers if n is not None))


def _booleans(text: str) -> Values:
    values = [to_bool(item) for item in split_items(text)]
    if not values or any(v is None for v in values):
        raise ConstraintError("a boolean takes only true and false")
    return Values(enum=dedupe(v for v in values if v is not None))


def _length(text: str) -> ValueRange:
    number = to_number(text)
    found = (ValueRange(min=number, max=number, integer=True) if number is not None
             else parse_range(text))
    if found is None or found.min < 0 or found.min != int(found.min) or found.max != int(
            found.max):
        raise ConstraintError(f"'{text}' is not a number of elements "
                              "(a whole number like 3, or a range like 1-5)")
    return found.model_copy(update={"integer": True})
