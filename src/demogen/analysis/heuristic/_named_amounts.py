"""A number an id names agrees with the id: ``pack_id coins_6480`` carries ``coin_amount
6480``.

A plan listing its packs twice, as ids (``coins_60 … coins_6480``) and as the amounts they
hold (``60 … 6480``), drew them apart (``coins_6480`` with 1,980 coins). Where one event
carries a string enum each of whose values names exactly one number, every such number is
a value of a number enum carried beside it, the number follows the string (Rules'
``property_constraints``: ``coin_amount`` depends on ``pack_id``, each id allowing its own
number).
"""

from __future__ import annotations

import re

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.rules import PropertyConstraint
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

_NUMBER = re.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+)?(?![0-9.])")


def _numbers(prop: Property) -> set[float] | None:
    """A number enum's values (None: not one)."""
    if prop.type != PropertyType.NUMBER or not prop.enum:
        return None
    try:
        return {float(v) for v in prop.enum}
    except (TypeError, ValueError):
        return None


def _stems(text: str) -> set[str]:
    """Words without a plural ``s`` (``coins`` and ``coin`` alike), numbers left out."""
    return {w.rstrip("s") for w in split_words(text) if not w.isdigit()}


def _named(prop: Property, allowed: set[float], number: str) -> dict[str, float] | None:
    """Each value of a string enum → the one number it names, when all name one in
    ``allowed`` beside a word of the number's name (``coins_60`` for ``coin_amount``, not
    ``lv1`` for ``banner_num``) and at least two differ."""
    if prop.type != PropertyType.STRING or not prop.enum:
        return None
    words = _stems(number)
    found: dict[str, float] = {}
    for value in prop.enum:
        numbers = {float(n) for n in _NUMBER.findall(str(value))}
        if len(numbers) != 1 or not numbers <= allowed or not _stems(str(value)) & words:
            return None
        found[str(value)] = numbers.pop()
    return found if len(set(found.values())) >= 2 else None


def named_amount_constraints(ctx: Context) -> dict[str, PropertyConstraint]:
    """The number enum depends on the string enum naming its values, on events carrying
    both."""
    out: dict[str, PropertyConstraint] = {}
    for number_name, number_events in ctx.events_with.items():
        prop = ctx.prop(number_name)
        allowed = _numbers(prop) if prop is not None else None
        if allowed is None:
            continue
        for name, events in ctx.events_with.items():
            parent = ctx.prop(name)
            if parent is None or name == number_name or not set(events) & set(number_events):
                continue
            named = _named(parent, allowed, number_name)
            if named is not None:
                values = {float(v): v for v in prop.enum}
                out[number_name] = PropertyConstraint(
                    depends_on=[name], mapping={k: [values[n]] for k, n in named.items()})
                break
    return out


__all__ = ["named_amount_constraints"]
