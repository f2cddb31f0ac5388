"""Things earned once, the values' side (see :mod:`demogen.simulation.earned`).

The records showing a distance (``distance_km`` beside ``workout_type`` on
``workout_complete``) note the farthest per activity (:func:`covered_recorder`); an
earning event shows a value the user has not earned and has reached
(:func:`earned_sampler`): the plain draw where it is one (the catalogue's weights), else
one of those left. The planner holds the event back when none is left.
"""

from __future__ import annotations

from typing import Any

from demogen.simulation._context import UserContext
from demogen.simulation.earned import covered_slots, earnable
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property


def earned_sampler(tables: Tables, prop: Property, event: str, fn: Sampler) -> Sampler:
    """``fn``, or on an earning event of ``prop`` a value the user has not earned and has
    reached."""
    spec = tables.rules.properties.get(prop.name)
    found = spec.earned if spec is not None else None
    if found is None or event not in found.events or not found.values:
        return fn
    things = earnable(prop.name, found)

    def value(u: UserContext, v: dict[str, Any], t: str) -> Any:
        held: dict[Any, None] = u.sticky.setdefault(things.held_slot, {})
        x = fn(u, v, t)
        if x in held or not things.reached(u.sticky, x):
            fresh = things.fresh(u.sticky)
            if fresh:   # else all are earned (the planner keeps that from happening)
                x = fresh[int(u.rnd.random() * len(fresh))]
        held[x] = None
        return x

    return value


def covered_recorder(tables: Tables, prop: Property, present: frozenset[str],
                     fn: Sampler) -> tuple[Sampler, frozenset[str]]:
    """``fn``, noting the farthest ``prop`` per activity (and its sum) where a thing earned needs a
    distance of it (``distance_km`` beside ``workout_type``); the activity it reads."""
    activity = next((spec.earned.activity for spec in tables.rules.properties.values()
                     if spec.earned is not None and spec.earned.distance == prop.name
                     and spec.earned.activity in present), None)
    if activity is None:
        return fn, frozenset()
    farthest, total = covered_slots(prop.name)

    def noted(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = fn(u, v, t)
        if isinstance(x, int | float) and not isinstance(x, bool):
            far: dict[str, float] = u.sticky.setdefault(farthest, {})
            kind = str(v.get(activity))
            if x > far.get(kind, 0):
                far[kind] = x
            sums: dict[str, float] = u.sticky.setdefault(total, {})
            sums[kind] = sums.get(kind, 0) + x
        return x

    return noted, frozenset({activity})


__all__ = ["covered_recorder", "earned_sampler"]
