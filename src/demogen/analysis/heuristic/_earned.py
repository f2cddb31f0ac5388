"""Things earned once: ``badge_id`` (first_5k, first_10k, streak_7 …) on ``badge_earned``.

A user earns a badge, an achievement or a trophy once: drawn per event, the same user
earned ``first_5k`` twice, and earned it without ever running 5 km. Where a text property
named for such a thing (``heuristic_properties.yaml`` earned ``things``) rides an event
whose name says it is earned (``verbs``), the analyzer writes ``properties.<p>.earned``
(Rules :class:`~demogen.analysis.rules.Earned`): its values, once each per user, and for a
value naming a distance (``5k``, ``century``) the distance to cover first, on the kind of
activity it names (a ride for ``century_ride``, else a run) of the plan's distance measure
beside an activity enum (``activity_measures``): in one workout (``first_5k``), or over
all of them where the value names a total (``distance_50k``, any activity). The event
itself comes at most as often as there are values (``events.<e>.max_per_user``).
"""

from __future__ import annotations

import re
from typing import Any

from demogen.analysis.heuristic._activity_measures import activity_of
from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.rules import Earned, EventSpec, PropertySpec
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: A distance a value names once its unit says miles: km per mile.
_KM_PER_MILE = 1.609344


def earned_things(ctx: Context) -> dict[str, Earned]:
    """Per property of a thing earned, what its events may show (see the module)."""
    spec = load("properties")["earned"]
    things, verbs = set(spec["things"]), set(spec["verbs"])
    ground = _distance(ctx)
    out: dict[str, Earned] = {}
    for prop in ctx.event_props.values():
        if prop.type != PropertyType.STRING or not set(split_words(prop.name)) & things:
            continue
        values = [str(v) for v in (prop.enum or prop.examples)]
        events = [e for e in ctx.events_with.get(prop.name, ())
                  if set(split_words(e)) & verbs]
        if len(values) < 2 or not events:
            continue
        needs = _needs(spec, values, ground) if ground is not None else {}
        totals = [v for v in needs if set(split_words(v)) & set(spec["total_words"])]
        out[prop.name] = Earned(events=events, values=values,
                                distance=ground[0].name if needs and ground else None,
                                activity=ground[1].name if needs and ground else None,
                                needs=needs, totals=totals)
    return out


def with_earned(specs: dict[str, PropertySpec], earned: dict[str, Earned]
                ) -> dict[str, PropertySpec]:
    """``specs`` with ``earned`` on the properties of things earned once."""
    out = dict(specs)
    for name, found in earned.items():
        if name in out and out[name].earned is None:
            out[name] = out[name].model_copy(update={"earned": found})
    return out


def with_earned_caps(events: dict[str, EventSpec], earned: dict[str, Earned]
                     ) -> dict[str, EventSpec]:
    """An earning event at most as often per user as there are things to earn on it (its
    own cap, where smaller, kept)."""
    caps: dict[str, int] = {}
    for found in earned.values():
        for event in found.events:
            caps[event] = min(caps.get(event, len(found.values)), len(found.values))
    out = dict(events)
    for event, cap in caps.items():
        spec = out.get(event) or EventSpec()
        if spec.max_per_user is None or spec.max_per_user > cap:
            out[event] = spec.model_copy(update={"max_per_user": cap})
    return out


def _distance(ctx: Context) -> tuple[Property, Property] | None:
    """(the distance measure, the activity enum beside it): ``distance_km`` beside
    ``workout_type``; None without one."""
    spec = load("properties")["activity_measures"]
    words = set(spec["measures"][0]["words"]) - set(spec["pace_words"]) - \
        set(spec["speed_words"])
    rates = set(spec["pace_words"]) | set(spec["speed_words"])
    for prop in ctx.event_props.values():
        named = set(split_words(prop.name))
        if prop.type != PropertyType.NUMBER or not named & words or named & rates:
            continue
        activity = activity_of(ctx, prop)
        if activity is not None:
            return prop, activity
    return None


def _needs(spec: dict, values: list[str], ground: tuple[Property, Property]
           ) -> dict[str, list[Any]]:
    """Per value naming a distance: [the distance in the measure's unit, the activity
    values it counts on…]."""
    measure, activity = ground
    miles = bool(set(split_words(measure.name)) & set(spec["mile_units"]))
    kinds = load("properties")["activity_measures"]["paces"]
    enum = [str(v) for v in activity.enum or ()]
    out: dict[str, list[Any]] = {}
    for value in values:
        km = _km(spec, value)
        if km is None:
            continue
        said = set(split_words(value))
        total = bool(said & set(spec["total_words"]))   # over all workouts: any activity
        kind = next((set(k["words"]) for k in kinds if said & set(k["words"])),
                    set() if total else set(spec["default_activity"]))
        counted = [v for v in enum if set(split_words(v)) & kind]
        far = km / _KM_PER_MILE if miles else km
        out[value] = [round(far, 4), *counted]
    return out


def _km(spec: dict, value: str) -> float | None:
    """The km a value names (``first_5k`` 5, ``half_marathon`` 21.0975), else None."""
    found = re.search(spec["distance_pattern"], value.lower())
    if found is not None:
        far = float(found.group(1))
        return far * _KM_PER_MILE if found.group(2) in spec["mile_units"] else far
    words = spec["distance_words"]
    return next((float(words[w]) for w in split_words(value) if w in words), None)


__all__ = ["earned_things", "with_earned", "with_earned_caps"]
