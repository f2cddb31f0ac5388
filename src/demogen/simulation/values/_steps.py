"""One step of a thing's level: a record showing a level before and after
(``from_level`` / ``to_level``: :func:`~demogen.analysis.heuristic.values.steps.step_pairs`)
shows the level the thing it names (its id: ``building_id``) reached at its last step, and
one more. Each user keeps one level per pair and thing (in ``user.sticky``), starting low in
the before side's range, so a building's upgrades form a chain that only rises; an unnamed
thing is the user's one. Drawn apart, they showed 28 → 7."""

from __future__ import annotations

from typing import Any

from demogen.analysis.heuristic._catalogues import ID, catalogue_role
from demogen.analysis.heuristic.values.steps import step_pairs
from demogen.simulation._context import UserContext
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: Where a new thing's first step starts: within this share of the range above its bottom.
_START_SHARE = 0.2


def step_sampler(tables: Tables, prop: Property, event: str | None,
                 present: frozenset[str], deps: set[str]) -> Sampler | None:
    """The sampler of ``prop`` when it is one side of a step pair on ``event``, else None."""
    if event is None or prop.type != PropertyType.NUMBER:
        return None
    pair = next((p for p in step_pairs(present) if prop.name in p), None)
    before = tables.props.get(pair[0]) if pair is not None else None
    if pair is None or before is None:
        return None
    thing = next((n for n in sorted(present) if (r := catalogue_role(n)) is not None
                  and r.field == ID), None)
    if thing is not None:
        deps.add(thing)
    if prop.name == pair[1]:
        deps.add(pair[0])
        return _after(pair, thing)
    bounds = tables.bounds(before, event)
    lo, hi = (bounds[0], bounds[1]) if bounds is not None else (1.0, 100.0)
    return _before(pair, thing, int(lo), int(hi))


def _key(pair: tuple[str, str], thing: str | None, v: dict[str, Any]) -> tuple[Any, ...]:
    return ("step", *pair, v.get(thing) if thing is not None else None)


def _before(pair: tuple[str, str], thing: str | None, lo: int, hi: int) -> Sampler:
    def value(u: UserContext, v: dict[str, Any], t: str) -> int:
        level = u.sticky.get(_key(pair, thing, v))
        if level is None:   # the thing's first step seen: its level where the user is now
            level = lo + int(u.rnd.random() * max(0, hi - lo) * _START_SHARE)
        return int(min(level, hi))

    return value


def _after(pair: tuple[str, str], thing: str | None) -> Sampler:
    def value(u: UserContext, v: dict[str, Any], t: str) -> int:
        level = int(v[pair[0]]) + 1
        u.sticky[_key(pair, thing, v)] = level
        return level

    return value
