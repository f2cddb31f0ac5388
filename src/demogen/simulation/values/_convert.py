"""Turning raw values (enum cells, state values, formula results) into a property's type.

Converters are built once per property; the closures they return are cheap enough to run
per event (no regex, no parsing beyond ``float``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: "No value": a sampler hands over to the next one, or a key is left out.
MISS: Any = object()
MAX_LIST = 500

#: What a loose key drops: punctuation, spaces, "_" and "-"; letters of any script stay
#: (an ASCII-only key made every Korean or Chinese label "": all one entry).
_NOT_ALNUM = re.compile(r"[^\w+]+|_+")
_DIGITS = re.compile(r"\d+")


def loose(value: Any) -> str:
    """A forgiving key for matching enum values: ``ko-KR`` ~ ``ko_kr``; ``True`` ~ ``true``.

    Compile time, or once per user behind a sticky value: it uses a regex.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _NOT_ALNUM.sub("", str(value).lower())


def loose_lookup(index: dict[str, Any]) -> Callable[[Any], Any]:
    """``index.get(loose(x))``, remembered per string ``x``, so the regex runs once per
    distinct value (device and parent values repeat endlessly)."""
    seen: dict[str, Any] = {}

    def find(x: Any) -> Any:
        if type(x) is not str:
            return index.get(loose(x))
        hit = seen.get(x, MISS)
        if hit is MISS:
            hit = seen[x] = index.get(loose(x))
        return hit

    return find


def to_str(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    text = str(x)
    if len(text) > 512 and len(text.encode()) > 2048:  # ThinkingData's 2 KB string limit
        text = text.encode()[:2048].decode("utf-8", "ignore")
    return text


def number_value(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _number(x: Any) -> Any:
    if isinstance(x, bool) or x is None:
        return MISS
    if isinstance(x, int | float):
        return x if math.isfinite(x) else MISS
    try:
        f = float(str(x).replace(",", ""))
    except ValueError:
        return MISS
    return number_value(f) if math.isfinite(f) else MISS


def _boolean(x: Any) -> Any:
    if isinstance(x, bool):
        return x
    s = str(x).strip().lower()
    if s in ("true", "1", "y", "yes"):
        return True
    if s in ("false", "0", "n", "no"):
        return False
    return MISS


def converter(ptype: PropertyType) -> Callable[[Any], Any]:
    """Turns a value into the property's type, or ``MISS`` when it cannot be."""
    if ptype == PropertyType.STRING:
        return lambda x: MISS if x is None or isinstance(x, dict | list) else to_str(x)
    if ptype == PropertyType.NUMBER:
        return _number
    if ptype == PropertyType.BOOLEAN:
        return _boolean
    if ptype == PropertyType.TIME:
        return lambda x: x if isinstance(x, str) and len(x) >= 19 else MISS
    if ptype == PropertyType.LIST:
        return lambda x: [to_str(e) for e in x][:MAX_LIST] if isinstance(x, list) else MISS
    if ptype == PropertyType.OBJECT:
        return lambda x: x if isinstance(x, dict) else MISS
    return lambda x: x if isinstance(x, list) else MISS


def coerce_enum(prop: Property) -> list[Any]:
    """The enum's values in the property's type (numbers parsed, strings stringified)."""
    convert = converter(prop.type)
    out: list[Any] = []
    for raw in prop.enum or ():
        x = convert(raw)
        if x is not MISS and x not in out:
            out.append(x)
    return out


def state_form(prop: Property) -> Callable[[Any], Any]:
    """A user-state value as the event property ``prop`` writes it: in its type (VIP 3 in a
    string ``tmp_vip_level`` is ``"3"``) and, for an enumeration, as the entry naming it
    (``VIP3`` among ``VIP0 … VIP10``); ``MISS`` when the enumeration has no such entry."""
    convert = converter(prop.type)
    if not prop.enum or prop.type not in (PropertyType.STRING, PropertyType.NUMBER):
        return convert
    entries = coerce_enum(prop)
    by_key = {loose(e): e for e in entries}
    by_number: dict[int, Any] = {}
    for entry in entries:
        numbers = _DIGITS.findall(str(entry))
        if len(numbers) == 1:
            by_number.setdefault(int(numbers[0]), entry)

    def form(x: Any) -> Any:
        hit = by_key.get(loose(x), MISS)
        if hit is MISS and isinstance(x, int | float) and not isinstance(x, bool) \
                and float(x).is_integer():
            hit = by_number.get(int(x), MISS)
        return hit

    return form
