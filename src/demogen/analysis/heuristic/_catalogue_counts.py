"""How many of a thing a pack gives, read from its id: ``coin_100`` gives 100 coins.

A family of numbered pack ids (``coin_100`` … ``coin_10000``) whose numbers are not the
plan currency's price points (``gem_30`` in a CNY plan is a price: ``_catalogue_rules``) is
a family of counts. A number property of a record naming one of them, made of the family's
word and a count word (``coin_amount``: ``data/catalogues.yaml`` quantity_words.after_stem),
whose range holds every number, shows the pack's count: the analyzer writes it as the
entry's attribute (``attributes: {coin_amount: "100"}``), which a user may edit.

Packs of several things in one list (a dating app's ``boost_1`` … ``boost_10`` and
``super_like_5`` … ``super_like_25``) are families of counts too when every family has
numbers that are no price points: a bare count property beside the id (``quantity``,
``qty``: ``quantity_words.bare``) shows each pack's count (``quantity: "15"``). Before, the
``quantity`` of 5 of 6 purchases differed from its id's number (Sparkd, 300 × 10 seed 3).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from demogen.analysis.heuristic._catalogues import ID, catalogue_data, catalogue_role
from demogen.analysis.heuristic._text import split_words
from demogen.taxonomy import EventTaxonomy
from demogen.vocab import PropertyType

_NUMBERED = re.compile(r"^([a-z]+(?:_[a-z]+)*)_(\d+)$")


def count_attributes(stem: str, ids: Sequence[str], taxonomy: EventTaxonomy,
                     price_points: Sequence[float]) -> dict[str, dict[str, str]]:
    """Id → {count property: the id's number} for a family of counts (none: {})."""
    numbered = {i: m for i in ids if (m := _NUMBERED.match(i.lower()))}
    words = {m.group(1) for m in numbered.values()}
    numbers = sorted({int(m.group(2)) for m in numbered.values()})
    if len(numbers) < 2 or all(n in price_points for n in numbers):
        return {}
    if len(words) == 1:
        names = _count_properties(stem, next(iter(words)), numbers, taxonomy)
    elif len(numbered) == len(ids) and all(
            len({int(m.group(2)) for m in numbered.values() if m.group(1) == w}) >= 2
            for w in words):
        # Several families in one list (boost_#, super_like_#): only a bare count says
        # how many of each, and only when every id is a numbered pack.
        names = _count_properties(stem, None, numbers, taxonomy)
    else:
        names = []
    return {i: {n: m.group(2) for n in names} for i, m in numbered.items()} if names else {}


def _count_properties(stem: str, word: str | None, numbers: Sequence[int],
                      taxonomy: EventTaxonomy) -> list[str]:
    """Number properties beside an id of ``stem`` named the family's word and a count
    word (``coin_amount``, ``coin_count``; with no ``word``, several families, a bare count
    word: ``quantity``) whose range there (the event's own, else the plan's) holds every
    number, in the plan's order."""
    after = set(catalogue_data()["quantity_words"]["after_stem"])
    bare = set(catalogue_data()["quantity_words"]["bare"])
    out: list[str] = []
    for event in taxonomy.events:
        roles = [catalogue_role(n) for n in event.properties]
        if not any(r is not None and r.stem == stem and r.field == ID for r in roles):
            continue
        own = dict(event.ranges)
        for name in event.properties:
            prop = taxonomy.property(name)
            parts = split_words(name)
            named = parts[:1] == [word] and len(parts) == 2 and parts[1] in after \
                if word is not None else len(parts) == 1 and parts[0] in bare
            if prop is None or prop.type != PropertyType.NUMBER or name in out or not named:
                continue
            span = own.get(name) or prop.value_range
            if span is not None and span.min <= numbers[0] and numbers[-1] <= span.max:
                out.append(name)
    return out


__all__ = ["count_attributes"]
