"""A free flag agrees with the way a thing was had: ``is_free`` beside ``unlock_type``.

A boolean named free (``is_free``) and, on one event, a list of ways whose labels say which
are free (``unlock_type``: ``1:무료,2:기다리면 무료,3:대여권,4:소장(코인)``; a text enum's values
are their own labels) are one fact: the analyzer writes ``property_constraints`` (the flag
depends on the way: ``{"1": [true], "3": [false]}``), which the run draws and validate's
``constraint`` check reads. A price in an in-app currency beside the flag or the way
(``episode_price``: "유료 회차의 코인 가격 (0~4)") is the range's minimum on a free thing and
above it on a paid one (``is_free`` true → 0, false → 1~4). Words:
``heuristic_properties.yaml`` free_flag_words, free_words.
"""

from __future__ import annotations

import re

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.heuristic.values.reading import IN_APP_AMOUNT, kind_of
from demogen.analysis.rules import PropertyConstraint
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: ``1:무료`` / ``2=free`` in a code list's description: the code and its label.
_CODE_LABEL = re.compile(r"(?:^|(?<=[,;、\s(]))([-+]?\d+)\s*[:=]\s*([^,;、)]+)")


def free_constraints(ctx: Context) -> dict[str, PropertyConstraint]:
    """``is_free`` depends on the way listed beside it, where the labels tell free ways
    from paid ones (at least one of each)."""
    spec = load("properties")
    flag_words = set(spec["free_flag_words"])
    free_words = tuple(w.lower() for w in spec["free_words"])
    out: dict[str, PropertyConstraint] = {}
    for flag in ctx.event_props.values():
        if flag.type != PropertyType.BOOLEAN or not flag_words & set(split_words(flag.name)):
            continue
        events = set(ctx.events_with.get(flag.name, ()))
        for way in ctx.event_props.values():
            if way is flag or not events & set(ctx.events_with.get(way.name, ())):
                continue
            labels = _labels(way)
            free = {code: any(w in label.lower() for w in free_words)
                    for code, label in labels.items()}
            if len(set(free.values())) == 2:
                out[flag.name] = PropertyConstraint(
                    depends_on=[way.name], mapping={c: [f] for c, f in free.items()})
                break
    return out


#: The widest range of a price in coins whose paid values are listed one by one.
_LISTED_PRICES = 100


def free_amount_constraints(ctx: Context) -> dict[str, PropertyConstraint]:
    """A price in an in-app currency (``episode_price``: "유료 회차의 코인 가격 (0~4)") is the
    range's minimum where the record says its thing is free (``is_free`` true, or a free way
    of ``unlock_type``) and above it where not: the free flag beside it on one event, else a
    way whose labels tell free from paid."""
    spec = load("properties")
    flag_words = set(spec["free_flag_words"])
    free_words = tuple(w.lower() for w in spec["free_words"])
    out: dict[str, PropertyConstraint] = {}
    for amount in ctx.event_props.values():
        if amount.type != PropertyType.NUMBER or kind_of(amount) != IN_APP_AMOUNT:
            continue
        low, paid = _prices(amount)
        events = set(ctx.events_with.get(amount.name, ()))
        beside = [p for p in ctx.event_props.values()
                  if p is not amount and events & set(ctx.events_with.get(p.name, ()))]
        for parent in beside:
            if parent.type == PropertyType.BOOLEAN and flag_words & set(split_words(parent.name)):
                mapping = {"true": [low]} | ({"false": paid} if paid else {})
            else:
                free = {code: any(w in label.lower() for w in free_words)
                        for code, label in _labels(parent).items()}
                if len(set(free.values())) != 2:
                    continue
                mapping = {c: [low] if f else paid for c, f in free.items() if f or paid}
            out[amount.name] = PropertyConstraint(depends_on=[parent.name], mapping=mapping)
            break
    return out


def _prices(amount: Property) -> tuple[int, list[int]]:
    """A price's free value (the plan range's minimum, else 0) and its paid values (the
    whole numbers above it, when the range is short enough to list; else none: drawn)."""
    span = amount.value_range
    if span is None:
        return 0, []
    low, high = int(span.min), int(span.max)
    return low, list(range(low + 1, high + 1)) if high - low <= _LISTED_PRICES else []


def _labels(prop: Property) -> dict[str, str]:
    """Code → label of a listed property: its description's ``1:무료`` pairs (a number
    code list), else a text enum's values as their own labels."""
    if prop.type == PropertyType.NUMBER and prop.enum:
        pairs = dict(_CODE_LABEL.findall(prop.description))
        return {str(c): pairs[str(c)].strip() for c in prop.enum if str(c) in pairs}
    if prop.type == PropertyType.STRING and prop.enum:
        return {str(v): str(v) for v in prop.enum}
    return {}


__all__ = ["free_amount_constraints", "free_constraints"]
