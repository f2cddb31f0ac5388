"""One step of a thing's level: a record showing a level before and after
(``from_level`` / ``to_level``: :func:`~demogen.analysis.heuristic.values.steps.step_pairs`)
shows the level the thing it names (its id: ``building_id``) reached at its last step, and
one more. Each user keeps one level per pair and thing (in ``user.sticky``), starting low in
the before side's range, so a building's upgrades form a chain that only rises; an unnamed
thing is the user's one. Drawn apart, they showed 28 → 7.

A chain stops at its top (the after side's max, or one above the before side's): a record
names a thing that can still step (:func:`step_thing`), so no building at 30 of ``(1~30)``
upgrades to 31. Only when every thing drawn is at its top does the record repeat the last
step (top - 1 → top) rather than pass it."""

from __future__ import annotations

from typing import Any

from demogen.analysis.heuristic.values.steps import (
    start_share,
    step_pairs,
    step_thing_id,
    step_top,
)
from demogen.simulation._context import UserContext
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: Draws of the thing a record names before it settles for one at its top (the analyzer's
#: ``max_per_user`` leaves one below it; a draw of seven that misses it 64 times: 5e-5).
_TRIES = 64


def step_sampler(tables: Tables, prop: Property, event: str | None,
                 present: frozenset[str], deps: set[str]) -> Sampler | None:
    """The sampler of ``prop`` when it is one side of a step pair on ``event``, else None."""
    if event is None or prop.type != PropertyType.NUMBER:
        return None
    pair = next((p for p in step_pairs(present) if prop.name in p), None)
    before = tables.props.get(pair[0]) if pair is not None else None
    if pair is None or before is None:
        return None
    thing = step_thing_id(present)
    if thing is not None:
        deps.add(thing)
    if prop.name == pair[1]:
        deps.add(pair[0])
        return _after(pair, thing)
    bounds = tables.bounds(before, event)
    lo = int(bounds[0]) if bounds is not None else 1
    return _before(pair, thing, lo, _top(tables, pair, event))


def step_thing(tables: Tables, prop: Property, event: str | None, present: frozenset[str],
               fn: Sampler) -> Sampler:
    """``fn``, or when ``prop`` names the thing of the record's step pairs (``building_id``),
    ``fn`` drawn again while the thing it drew is at the top of a pair's chain."""
    if event is None or step_thing_id(present) != prop.name:
        return fn
    tops = [(pair, _top(tables, pair, event)) for pair in step_pairs(present)
            if pair[0] in tables.props]
    if not tops:
        return fn

    def value(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = fn(u, v, t)
        for _ in range(_TRIES):
            if all(u.sticky.get(("step", *pair, x), 0) < top for pair, top in tops):
                break
            x = fn(u, v, t)
        return x

    return value


def _top(tables: Tables, pair: tuple[str, str], event: str) -> int:
    """The highest level ``pair`` reaches: the after side's max, at most one above the
    before side's (100 when the plan gives neither)."""
    ranges = [(b[0], b[1]) if (prop := tables.props.get(name)) is not None
              and (b := tables.bounds(prop, event)) is not None else None for name in pair]
    return step_top(ranges[0], ranges[1])


def _key(pair: tuple[str, str], thing: str | None, v: dict[str, Any]) -> tuple[Any, ...]:
    return ("step", *pair, v.get(thing) if thing is not None else None)


def _before(pair: tuple[str, str], thing: str | None, lo: int, top: int) -> Sampler:
    lo, share = min(lo, top - 1), start_share()

    def value(u: UserContext, v: dict[str, Any], t: str) -> int:
        level = u.sticky.get(_key(pair, thing, v))
        if level is None:   # the thing's first step seen: its level where the user is now
            level = lo + int(u.rnd.random() * max(0, top - 1 - lo) * share)
        return int(min(level, top - 1))     # at its top: the last step again, never past

    return value


def _after(pair: tuple[str, str], thing: str | None) -> Sampler:
    def value(u: UserContext, v: dict[str, Any], t: str) -> int:
        level = int(v[pair[0]]) + 1
        u.sticky[_key(pair, thing, v)] = level
        return level

    return value
