"""Currency flows: which currency an event moves, in which direction, and which currency a
balance holds.

One ``token_get`` names its currency in ``token_id``; one ``currency_flow`` adds or takes
by its ``transaction_type`` (``gain`` / ``spend``). A balance (``current_gold``,
``current_premium_currency_balance`` described as "젬") holds one currency: the update
patterns move it only when the event names that currency, so the values the event shows
must be the ones the conditions test (an id-like ``token_id`` draws ``token_001``: it gets
a pool of the balances' currencies). Word lists in ``data/heuristic_updates.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import norm, read, split_words
from demogen.currencies import bundled_fx
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: Placeholder examples that are no values ("UUID", "예: …").
_NOT_A_VALUE = re.compile(r"예|e\.g\.|uuid|\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FlowShape:
    """How one event names what it moves."""

    #: The event property naming the currency (``token_id``), if any.
    currency: str | None = None
    #: The values that property shows (enum, else the plan's examples); empty: id-like.
    values: tuple[str, ...] = ()
    #: Whether ``values`` bind (an enum) or only illustrate (examples).
    closed: bool = False
    #: The event property saying gain or spend (``transaction_type``), if any.
    direction: str | None = None
    gains: tuple[str, ...] = ()
    spends: tuple[str, ...] = ()


@cache
def _data() -> dict[str, Any]:
    return load("updates")


def flow_shape(ctx: Context, event: str) -> FlowShape:
    currency = direction = None
    values: tuple[str, ...] = ()
    closed = False
    gains: tuple[str, ...] = ()
    spends: tuple[str, ...] = ()
    for name in ctx.props_of(event):
        prop = ctx.prop(name)
        if prop is None or prop.type is not PropertyType.STRING:
            continue
        shown, is_enum = _shown_values(prop)
        if currency is None and _names_currency(name) and not _real_money(shown):
            currency, values, closed = name, shown, is_enum
        elif direction is None and shown:
            split = _directions(shown)
            if split is not None:
                direction, (gains, spends) = name, split
    return FlowShape(currency, values, closed, direction, gains, spends)


def _real_money(values: tuple[str, ...]) -> bool:
    """Values that are real-money currency codes (KRW, USD): not a game currency."""
    codes = bundled_fx()[1]
    return any(v.upper() in codes for v in values)


def _shown_values(prop: Property) -> tuple[tuple[str, ...], bool]:
    if prop.enum:
        return tuple(str(v) for v in prop.enum), True
    examples = tuple(str(e).strip() for e in prop.examples)
    return tuple(e for e in examples if e and not _NOT_A_VALUE.search(e)), False


def _names_currency(name: str) -> bool:
    spec = _data()["currency_property"]
    words = split_words(name)
    if len(words) > 1 and words[-1] in spec["tails"]:
        words = words[:-1]
    return len(words) == 1 and words[0] in spec["nouns"]


def _directions(values: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(gain values, spend values) when every value is one or the other and both occur."""
    sides: dict[str, list[str]] = {"gain": [], "spend": []}
    for value in values:
        side = direction_of(value)
        if side is None:
            return None
        sides[side].append(value)
    if not sides["gain"] or not sides["spend"]:
        return None
    return tuple(sides["gain"]), tuple(sides["spend"])


def direction_of(value: str) -> str | None:
    """``gain`` / ``spend`` (or None) for one value of a direction property."""
    text = norm(value)
    words = set(split_words(value)) | read(value).keys
    for side, spec in _data()["direction"].items():
        if words & set(spec["classes"]) or words & set(spec["words"]) or \
                any(w in text for w in spec["words"] if not w.isascii()):
            return str(side)
    return None


def currency_of(prop: Property) -> str | None:
    """The currency a balance or total holds (its key in the word list), by its name, else
    its display name, else the first one its description names; None when unnamed."""
    currencies: dict[str, Any] = _data()["currencies"]
    words = set(read(prop.name).words) | set(split_words(prop.name))
    for key, spec in currencies.items():
        if words & set(spec["en"]):
            return str(key)
    for text in (prop.display_name, prop.description):
        found = _first_named(text, currencies)
        if found is not None:
            return found
    return None


def _first_named(text: str, currencies: dict[str, Any]) -> str | None:
    lowered = norm(text)
    words = set(split_words(text))
    hits = []
    for key, spec in currencies.items():
        at = [lowered.find(c) for c in spec["cjk"] if c in lowered]
        at += [lowered.find(w) for w in spec["en"] if w in words]
        if at:
            hits.append((min(at), str(key)))
    return min(hits)[1] if hits else None


def is_hard(prop: Property) -> bool:
    """A premium / paid currency balance (its currency then is the product's hard one)."""
    spec = _data()["hard_currency"]
    words = set(split_words(prop.name))
    text = norm(f"{prop.display_name} {prop.description}")
    return bool(words & set(spec["words"])) or any(c in text for c in spec["cjk"])


def value_for(currency: str, values: tuple[str, ...]) -> str | None:
    """The value among ``values`` that names ``currency`` (``GOLD``, ``골드``, ``gold``)."""
    spec = _data()["currencies"].get(currency, {"en": [currency], "cjk": []})
    for value in values:
        if set(split_words(value)) & {currency, *spec["en"]} or \
                any(c in value for c in spec["cjk"]):
            return value
    return None


def hard_value(values: tuple[str, ...]) -> str | None:
    """The first of the hard currencies among ``values``."""
    for currency in _data()["hard_currency"]["currencies"]:
        found = value_for(str(currency), values)
        if found is not None:
            return found
    return None


def hard_default() -> str:
    return str(_data()["hard_currency"]["currencies"][0])


def currency_words() -> frozenset[str]:
    """Every English word naming a currency (``gold``, ``gems``, ``diamond`` …)."""
    return frozenset(w for spec in _data()["currencies"].values() for w in spec["en"])


__all__ = ["FlowShape", "currency_of", "currency_words", "direction_of", "flow_shape",
           "hard_default", "hard_value", "is_hard", "value_for"]
