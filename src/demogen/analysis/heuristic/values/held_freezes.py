"""The streak freezes a user holds (Rules ``progression.streak_freeze_counts``,
``streak_freeze_buys``).

A freeze event (``streak_freeze_used``) that shows a count of freezes (``freezes_left``)
spends one of those the user holds: the count drops by one on it, and rises on an event
that buys one (``gems_spent`` whose ``shop_item`` is ``streak_freeze``). Read from the
names when the rules do not say; shared by the generator and validate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from demogen.analysis.heuristic.values.names import normalize
from demogen.analysis.heuristic.values.progression import streak_ends, words
from demogen.analysis.rules import Progression
from demogen.taxonomy import EventTaxonomy
from demogen.vocab import PropertyType

#: Words of a value that names a freeze itself (``streak_freeze``), not only a kept
#: thing (``saved``, ``protected`` are freeze words of an event, too loose for a value).
_FREEZE_ITEM = frozenset({"freeze", "freezes", "shield"})


def _words(name: str) -> set[str]:
    return set(normalize(name).split("_"))


def freeze_counts(taxonomy: EventTaxonomy, freezes: Iterable[str],
                  given: Iterable[str] | None) -> tuple[str, ...]:
    """Number properties of a freeze event that count freezes (``freezes_left``): Rules'
    ``progression.streak_freeze_counts`` when given, else names with a freeze word and no
    streak word (``streak_days`` on the same event is the streak kept)."""
    if given is not None:
        return tuple(given)
    w, found = words(), dict[str, None]()
    for event in freezes:
        definition = taxonomy.event(event)
        for name in definition.properties if definition else ():
            prop = taxonomy.property(name)
            said = _words(name)
            if prop is not None and prop.type is PropertyType.NUMBER and \
                    said & w.streak_freeze and said.isdisjoint(w.streak):
                found[name] = None
    return tuple(found)


def freeze_buys(taxonomy: EventTaxonomy, ends: Iterable[str],
                given: Mapping[str, Mapping[str, list[Any]]] | None
                ) -> dict[str, dict[str, list[Any]]]:
    """Per event that gets the user a freeze, the property values that say so
    (``gems_spent: {shop_item: [streak_freeze]}``): Rules' ``progression.streak_freeze_buys``
    when given, else an enum value naming a freeze on any event but a streak's ends."""
    if given is not None:
        return {e: {p: list(v) for p, v in c.items()} for e, c in given.items()}
    skip, found = frozenset(ends), dict[str, dict[str, list[Any]]]()
    for event in taxonomy.events:
        if event.name in skip:
            continue
        for name in event.properties:
            prop = taxonomy.property(name)
            values = [v for v in (prop.enum or ()) if isinstance(v, str)
                      and not _words(v).isdisjoint(_FREEZE_ITEM)] if prop else []
            if values:
                found.setdefault(event.name, {})[name] = values
    return found


def held_counts(taxonomy: EventTaxonomy, given: Progression) -> dict[str, tuple[str, ...]]:
    """Per freeze event, the properties it carries that count the freezes held."""
    _, freezes = streak_ends((e.name for e in taxonomy.events), given.streak_losses,
                             given.streak_freezes)
    counts = freeze_counts(taxonomy, freezes, given.streak_freeze_counts)
    out: dict[str, tuple[str, ...]] = {}
    for event in freezes:
        definition = taxonomy.event(event)
        here = tuple(c for c in counts if definition and c in definition.properties)
        if here:
            out[event] = here
    return out
