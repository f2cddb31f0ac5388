"""User state as values see it: event properties that mirror it, and its starting values.

A mirror (``cur_level`` ↔ user ``level``) shows exactly the user's current state, clipped
into the event property's range; a "before" mirror (``previous_level``) shows it less
what the event itself added. Only when the state has no usable value does either fall
back (to a per-user draw, so it still never changes from event to event).
"""

from __future__ import annotations

import math
from typing import Any

from demogen.analysis.heuristic.values import priors
from demogen.simulation._context import UserContext
from demogen.simulation.values._codegen import Writer, indent, with_source
from demogen.simulation.values._convert import (
    MISS,
    coerce_enum,
    converter,
    number_value,
    state_form,
)
from demogen.simulation.values._derived import formula_wins
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._number_shapes import number_sampler
from demogen.simulation.values._numbers import number_spec, prior_sampler, range_sampler
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, Segment, UpdateMethod, UpdateType

_CONTAINERS = (PropertyType.LIST, PropertyType.OBJECT, PropertyType.OBJECT_GROUP)


#: Number kinds that advance one step at a time (set from an event, they go up one).
PROGRESS_KINDS = frozenset({"level", "tier", "star", "vip", "step", "position"})
#: Number kinds that change by what events add or take (never by a reported value).
TALLY_KINDS = frozenset({"balance", "count", "total", "money", "score", "stat", "days"})
#: How far a reported measurement (a weight, a body-fat share, a blood pressure) moves
#: from one report to the next, relative to its value: day-to-day noise, not a trend.
MEASUREMENT_DRIFT = 0.01


def mirrors(tables: Tables) -> dict[str, str]:
    """Event property → the user property it shows and steps up (``level`` →
    ``player_level``): where an event sets a progress from its own value, the update is one
    step. A measurement (``weight_kg``) is not one: the event reports a new value."""
    out: dict[str, str] = {}
    for name, prop in tables.props.items():
        target = tables.mirror_target(prop)
        if target is None or formula_wins(tables, prop):
            continue
        if target.type != PropertyType.NUMBER or tables.spec(target).kind in PROGRESS_KINDS:
            out[name] = target.name
    return out


def reports_measurement(tables: Tables, prop: Property, target: Property, event: str) -> bool:
    """Whether ``event`` reports a new value of the number ``target`` in ``prop`` and sets
    the profile from it (``weight_record.weight_kg``), rather than showing a level or a
    balance that other updates move."""
    rule = tables.rules.update_patterns.get(event, {}).get(target.name)
    return (prop.type == PropertyType.NUMBER and target.type == PropertyType.NUMBER
            and rule is not None and rule.type is UpdateType.SET
            and str(rule.value).replace(" ", "") == "{{" + prop.name + "}}"
            and tables.spec(target).kind not in PROGRESS_KINDS | TALLY_KINDS)


def mirror_sampler(tables: Tables, prop: Property, state_name: str,
                   fallback: Sampler, *, measurement: bool = False) -> Sampler:
    """The user's current ``state_name``, in the property's type, enum and range; a
    measurement drifts a little from it (:data:`MEASUREMENT_DRIFT`)."""
    if measurement:
        return _measurement(tables, prop, state_name, fallback)
    if prop.type == PropertyType.NUMBER:
        # Only the top is clipped (a level past the plan's max): below its min the state
        # is still what the user has (an MRR of 0 under a plan range that starts at 8).
        bounds = tables.bounds(prop, None)
        return _number_mirror(state_name, -math.inf, bounds[1] if bounds else 1e13, fallback)
    convert = state_form(prop)      # a VIP number shown in a string (or enum) property
    allowed = frozenset(coerce_enum(prop)) if prop.enum else None
    container = prop.type in _CONTAINERS

    as_is = str if prop.type == PropertyType.STRING else None  # the common case, no copy

    def mirror(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = u.state.get(state_name)
        if x is None or (container and not x):  # an empty team shows the user's usual one
            return fallback(u, v, t)
        if x.__class__ is not as_is:
            x = convert(x)
        if x is MISS or (allowed is not None and x not in allowed):
            return fallback(u, v, t)
        return x

    if as_is is None:
        return mirror

    def source(w: Writer, out: str) -> list[str]:
        # A string in the state, as it nearly always is; anything else: the closure.
        lines = [f"{out} = st.get({w.ref(state_name)})", f"if {out}.__class__ is str:"]
        if allowed is not None:
            lines += [f"    if {out} not in {w.ref(allowed)}:",
                      *indent(w.value(fallback, out), 2)]
        else:
            lines.append("    pass")
        return [*lines, "else:", f"    {out} = {w.ref(mirror)}(u, v, t)"]

    return with_source(mirror, source)


def before_sampler(tables: Tables, prop: Property, target: Property, event: str,
                   fallback: Sampler) -> Sampler:
    """``previous_level`` on ``level_up``: the state less what the event's update pattern
    added before the event was drawn (``level +1``), in the property's range."""
    bounds = tables.bounds(prop, None)
    lo, hi = (bounds[0], bounds[1]) if bounds else (-1e13, 1e13)
    return _number_mirror(target.name, lo, hi, fallback, _step(tables, event, target))


def _step(tables: Tables, event: str, target: Property) -> float:
    """How much ``event`` changes ``target`` before its properties are drawn."""
    rule = tables.rules.update_patterns.get(event, {}).get(target.name)
    if rule is None:
        return 0
    if isinstance(rule.value, str):  # "{{level}}": set from a mirror means one step up
        shown = tables.props.get(rule.value.strip("{} "))
        mirrored = shown is not None and tables.mirror_target(shown) == target
        return 1 if rule.type == UpdateType.SET and mirrored else 0
    amount = rule.value if isinstance(rule.value, int | float) else 0
    if rule.type == UpdateType.INCREMENT:
        return amount
    return -amount if rule.type == UpdateType.DECREMENT else 0


def _number_mirror(state_name: str, lo: float, hi: float, fallback: Sampler,
                   step: float = 0) -> Sampler:
    convert = converter(PropertyType.NUMBER)
    ilo, ihi = number_value(lo), number_value(hi)

    def mirror(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = u.state.get(state_name)
        if x.__class__ is not int and x.__class__ is not float:  # rare: parse, or fall back
            x = MISS if x is None else convert(x)
            if x is MISS:
                return fallback(u, v, t)
        x -= step
        return ilo if x < lo else ihi if x > hi else x

    def source(w: Writer, out: str) -> list[str]:
        # An int or float in the state, as it nearly always is; anything else: the closure.
        return [f"{out} = st.get({w.ref(state_name)})",
                f"if {out}.__class__ is int or {out}.__class__ is float:",
                *([f"    {out} -= {w.ref(step)}"] if step else []),
                *([f"    if {out} < {w.ref(lo)}:", f"        {out} = {w.ref(ilo)}"]
                  if lo > -math.inf else []),
                f"    if {out} > {w.ref(hi)}:", f"        {out} = {w.ref(ihi)}",
                "else:", f"    {out} = {w.ref(mirror)}(u, v, t)"]

    return with_source(mirror, source)


def _measurement(tables: Tables, prop: Property, state_name: str,
                 fallback: Sampler) -> Sampler:
    """The user's last reported value moved by a little noise, inside the property's range
    and with its precision; the first report is drawn like any value."""
    bounds = tables.bounds(prop, None)
    lo, hi = (bounds[0], bounds[1]) if bounds else (-math.inf, math.inf)
    # A plan's "40-150" bounds the value; it does not make a body weight a whole number.
    whole = priors.whole_kind(tables.spec(prop).kind, prop.value_range)

    def report(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = u.state.get(state_name)
        if x.__class__ is not int and x.__class__ is not float:
            return fallback(u, v, t)
        x = min(max(x * (1 + MEASUREMENT_DRIFT * (2 * u.rnd.random() - 1)), lo), hi)
        return number_value(round(x) if whole else round(x, 1))

    return report


def borrowed_enum(tables: Tables, prop: Property) -> Property:
    """A user property without an enum takes the enum of an event property that shows
    it (``vip_level`` common ``lv1,lv2``), so state and events agree."""
    if prop.enum:
        return prop
    for event_prop in tables.props.values():
        if event_prop.enum and event_prop.type == prop.type and not event_prop.is_preset:
            target = tables.mirror_target(event_prop)
            if target is not None and target.name == prop.name:
                return prop.model_copy(update={"enum": event_prop.enum})
    return prop


def initial_sampler(tables: Tables, prop: Property, fresh: Sampler) -> Sampler:
    """The start value of a user property (``fresh``: its plain sampler); ``MISS`` leaves
    the property out of the initial state."""
    ptype, start = prop.type, tables.spec(prop).start
    if tables.device(prop.name) is not None and \
            ptype in (PropertyType.STRING, PropertyType.NUMBER):
        return fresh
    if start == "unset":
        return lambda u, s, t: MISS
    if ptype == PropertyType.NUMBER:
        return _number_start(tables, prop, start)
    if ptype == PropertyType.BOOLEAN:
        p = tables.flag_probability(prop)
        if start == "drawn":
            return lambda u, s, t: u.rnd.random() < p
        if prop.update_method is UpdateMethod.USER_SET_ONCE and any(
                prop.name in pattern for pattern in tables.rules.update_patterns.values()):
            return lambda u, s, t: MISS     # a first false would stay: the event sets it
        return lambda u, s, t: False
    if ptype == PropertyType.STRING:
        if start == "first" and prop.enum:
            first = coerce_enum(prop)[0]
            return lambda u, s, t: first
        return fresh
    if ptype == PropertyType.TIME:
        if start == "install":
            return lambda u, s, t: t if t else MISS
        return lambda u, s, t: MISS
    if ptype in (PropertyType.LIST, PropertyType.OBJECT_GROUP):
        return lambda u, s, t: []
    return lambda u, s, t: {}


def role_start(tables: Tables, prop: Property, fresh: Sampler) -> Sampler:
    """A new role's start value of user property ``prop`` (a role created on a new
    server): a number at the bottom of its range (a level at 1, whatever the user's
    segment: the role is new, not the user), anything else as a new user's."""
    if prop.type != PropertyType.NUMBER or tables.device(prop.name) is not None:
        return initial_sampler(tables, prop, fresh)
    bounds = tables.bounds(prop, None)
    low = bounds[0] if bounds else 0.0
    spec = tables.spec(prop)
    value = number_value(max(low, 1.0) if "level" in (spec.start, spec.kind) else max(low, 0.0))
    return lambda u, s, t: value


def _number_start(tables: Tables, prop: Property, start_as: str | None) -> Sampler:
    """Counters at 0, levels at 1 (new users), others from the segment's or own range."""
    prior = tables.number_prior(prop)
    bounds = tables.bounds(prop, None)
    by_segment = {
        seg: range_sampler(prop, prior, rng, bounds)
        for seg, profile in tables.rules.segment_analysis.items()
        if (rng := profile.property_ranges.get(prop.name)) is not None
    }
    counter, progress = start_as == "counter", start_as == "level"
    if start_as == "drawn":     # everyone, new users too, somewhere in the range
        drawn = number_sampler(number_spec(prop, prior, *bounds)) if bounds else \
            prior_sampler(prior)
        return lambda u, s, t: (by_segment.get(u.segment) or drawn)(u, s, t)
    lo = bounds[0] if bounds else 0.0
    start = number_value(max(lo, 1.0) if progress else max(lo, 0.0))
    ranged = number_sampler(number_spec(prop, prior, *bounds)) if bounds else None

    def number_start(u: UserContext, s: dict[str, Any], t: str) -> Any:
        seg = by_segment.get(u.segment)
        if seg is not None:
            return seg(u, s, t)
        if counter and u.segment == Segment.NEW_USER:
            # A counter counts what the user did: 0 on a new device, whatever the bottom
            # of its range (total_playtime_minutes 1–240 describes histories).
            return 0
        if counter or ranged is None or u.segment == Segment.NEW_USER:
            return start
        return ranged(u, s, t)

    return number_start
