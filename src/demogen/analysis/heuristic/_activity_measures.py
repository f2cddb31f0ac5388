"""A workout's kind decides what it can measure: ``distance_km`` and ``steps`` beside
``workout_type`` run | walk | cycle | yoga | strength.

A yoga or strength session covers no ground (no distance, no pace, no steps) and a ride or a
swim takes no steps. Where one event carries a number named for such a measure and a text
enum of activities some of which cannot measure it, the analyzer writes
``property_constraints``: the measure depends on the activity, ``0`` for those kinds
(``distance_km: {depends_on: [workout_type], mapping: {yoga: [0], strength: [0]}}``); the
other kinds keep the measure's own draw or formula. A pace or a speed also falls in its
kind's human range (``avg_pace_sec_per_km: {…, ranges: {run: [240, 480], walk: [540,
900]}}``): a walk at a run's pace reads as made up. The run draws it and validate's
``constraint`` check reads it. Words: ``heuristic_properties.yaml`` activity_measures.
"""

from __future__ import annotations

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.rules import PropertyConstraint
from demogen.taxonomy import Property
from demogen.vocab import PropertyType


def activity_measure_constraints(ctx: Context) -> dict[str, PropertyConstraint]:
    """Each measure (a number named by a measure's words) 0 for the activities of an enum
    beside it on one event that cannot measure it (at least one can, one cannot)."""
    spec = load("properties")["activity_measures"]
    out: dict[str, PropertyConstraint] = {}
    for measure in ctx.event_props.values():
        if measure.type != PropertyType.NUMBER or measure.name in out:
            continue
        words = set(split_words(measure.name))
        for entry in spec["measures"]:
            if not words & set(entry["words"]):
                continue
            without = set(_flat(entry["without"]))
            paced = {w for kind in spec["paces"] for w in kind["words"]}
            kinds = _activities(ctx, measure, set(spec["activities"]) | without | paced)
            if kinds is None:
                break
            enum = kinds[1].enum or ()
            zero = [v for v in enum if set(split_words(str(v))) & without]
            mapping = {str(v): [0] for v in zero} if zero and len(zero) < len(enum) else {}
            ranges = _pace_ranges(spec, measure, [v for v in enum if v not in zero])
            if mapping or ranges:
                out[measure.name] = PropertyConstraint(
                    depends_on=[kinds[1].name], mapping=mapping, ranges=ranges)
            break
    return out


def _pace_ranges(spec: dict, measure: Property, kinds: list) -> dict[str, list[float]]:
    """[low, high] of a pace or speed per activity of ``kinds`` that has a human range
    (``paces``), in the measure's unit and inside its declared range; {} for another
    measure (a distance)."""
    words = set(split_words(measure.name))
    pace = bool(words & set(spec["pace_words"]))
    if not pace and not words & set(spec["speed_words"]):
        return {}
    units = spec["pace_units" if pace else "speed_units"]
    factor = 1.0    # minutes and miles both scale a pace_min_per_mile (mph_miles once)
    for scale in dict.fromkeys(float(units[w]) for w in split_words(measure.name) if w in units):
        factor *= scale
    own = measure.value_range
    out: dict[str, list[float]] = {}
    for value in kinds:
        said = set(split_words(str(value)))
        kind = next((k for k in spec["paces"] if said & set(k["words"])), None)
        if kind is None:
            continue
        fast, slow = (float(x) for x in kind["sec_per_km"])
        ends = sorted((fast * factor, slow * factor) if pace else
                      (3600 / slow * factor, 3600 / fast * factor))
        low, high = (max(ends[0], own.min), min(ends[1], own.max)) if own else ends
        if low < high:  # a declared range beside the kind's: its unit is another, leave it
            out[str(value)] = [round(low, 2), round(high, 2)]
    return out


def activity_of(ctx: Context, measure: Property) -> Property | None:
    """The text enum of activities beside ``measure`` on one of its events (any activity
    word of ``activity_measures``), else None."""
    spec = load("properties")["activity_measures"]
    words = set(spec["activities"]) | {w for k in spec["paces"] for w in k["words"]} | \
        {w for entry in spec["measures"] for w in _flat(entry["without"])}
    found = _activities(ctx, measure, words)
    return found[1] if found is not None else None


def _flat(words: list) -> list[str]:
    """A word list that may hold another (a YAML alias: the still kinds inside steps')."""
    return [w for item in words for w in (item if isinstance(item, list) else [item])]


def _activities(ctx: Context, measure: Property,
                words: set[str]) -> tuple[str, Property] | None:
    """(event, property) of a text enum of activities on an event carrying ``measure``:
    most of its values name an activity word."""
    for event in ctx.events_with.get(measure.name, ()):
        for name in ctx.props_of(event):
            prop = ctx.event_props.get(name)
            if prop is None or prop.type != PropertyType.STRING or not prop.enum:
                continue
            named = [v for v in prop.enum if set(split_words(str(v))) & words]
            if 2 * len(named) > len(prop.enum):
                return event, prop
    return None


__all__ = ["activity_measure_constraints", "activity_of"]
