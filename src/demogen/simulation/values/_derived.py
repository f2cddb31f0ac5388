"""Values the rules derive from other values: formulas and parent-child constraints.

``xp = level * 100 + randint(0, 50)`` (``property_relationships``) and ``carrier`` ∈
mapping[``country``] (``property_constraints``). Both read the values drawn so far for
the event, then the user's state, then the device; each wraps the plain sampler of the
property and falls back to it when what it reads is missing.

A formula holds wherever its property appears: on events (:func:`formula_sampler`; a
declared formula beats a mirror guessed from the name, :func:`formula_wins`), and in the
user's state (:func:`state_derivations`: the state applier recomputes a user property
when an update changes what its formula reads, and sends the new value too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from demogen.analysis.formula import EVALUATION_ERRORS, Formula
from demogen.simulation._context import UserContext
from demogen.simulation.state import Derivation
from demogen.simulation.values._convert import MISS, coerce_enum, converter, loose, loose_lookup
from demogen.simulation.values._device import device_getter
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._tables import Bounds, Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, RecordType, UpdateMethod

_COMPUTABLE = (PropertyType.NUMBER, PropertyType.STRING, PropertyType.BOOLEAN)


def formula_sampler(tables: Tables, prop: Property, formula: Formula, fallback: Sampler,
                    present: frozenset[str], deps: set[str], event: str | None) -> Sampler:
    """Derived properties: ``xp = level * 100 + randint(0, 50)``."""
    if prop.type not in _COMPUTABLE:
        tables.warn(f"formula of '{prop.name}' ignored: {prop.type} properties "
                    "cannot be computed")
        return fallback
    unknown = [n for n in formula.names if n not in present and n not in tables.user_props]
    if unknown:
        key = f"formula of '{prop.name}' reads {', '.join(unknown)}"
        tables.skipped_formulas.setdefault(key, []).append(event or "(user)")
        return fallback
    deps.update(n for n in formula.names if n in present and n != prop.name)
    compute, bridge, needs = tables.evaluator.function(formula), tables.bridge, formula.names
    finish = _formula_result(prop, tables.bounds(prop, None))

    def derived(u: UserContext, v: dict[str, Any], t: str) -> Any:
        args: list[Any] = []
        state = u.state
        for n in needs:
            x = v.get(n, MISS)
            if x is MISS:
                x = state.get(n, MISS)
            if x is MISS or x is None:
                return fallback(u, v, t)
            args.append(x)
        bridge.rnd = u.rnd
        try:
            result = finish(compute(*args))
        except EVALUATION_ERRORS:
            return fallback(u, v, t)
        return fallback(u, v, t) if result is MISS else result

    return derived


def formula_wins(tables: Tables, prop: Property) -> bool:
    """``prop`` has a formula of its own that the user property it would mirror lacks:
    the declared formula says more than the name does, so the event computes it."""
    if prop.name not in tables.formulas:
        return False
    target = tables.mirror_target(prop)
    return target is None or target.name not in tables.formulas


def state_derivations(tables: Tables) -> tuple[Derivation, ...]:
    """The formulas of user properties that read only user properties, inputs first.

    Left out: properties an update pattern changes itself (the events say what they
    are), set-once properties (they cannot change), and types a formula cannot give.
    """
    patterned = {p for pattern in tables.rules.update_patterns.values() for p in pattern}
    found: dict[str, Derivation] = {}
    for target, formula in tables.formulas.items():
        prop = tables.user_props.get(target)
        if prop is None or prop.is_preset or target in patterned or \
                prop.type not in _COMPUTABLE or prop.update_method is UpdateMethod.USER_SET_ONCE:
            continue
        needs = formula.names
        if not needs or any(n not in tables.user_props or n == target for n in needs):
            continue
        adds = prop.update_method is UpdateMethod.USER_ADD and prop.type == PropertyType.NUMBER
        record = RecordType.USER_ADD if adds else RecordType.USER_SET
        found[target] = Derivation(target, frozenset(needs), record,
                                   _state_formula(tables, prop, formula))
    ordered: list[Derivation] = []
    while found:    # inputs first; a cycle is broken in rules order
        ready = next((d for d in found.values() if d.inputs.isdisjoint(found.keys() - {d.target})),
                     next(iter(found.values())))
        ordered.append(found.pop(ready.target))
    return tuple(ordered)


def _state_formula(tables: Tables, prop: Property, formula: Formula
                   ) -> Callable[[Any, Mapping[str, Any]], Any]:
    compute, bridge, needs = tables.evaluator.function(formula), tables.bridge, formula.names
    finish = _formula_result(prop, tables.bounds(prop, None))

    def value(rnd: Any, state: Mapping[str, Any]) -> Any:
        """The formula's value over ``state``, drawing from ``rnd``; None when an input
        has no value or the formula fails."""
        args = [state.get(n) for n in needs]
        if any(a is None for a in args):
            return None
        bridge.rnd = rnd
        try:
            result = finish(compute(*args))
        except EVALUATION_ERRORS:
            return None
        return None if result is MISS else result

    return value


def _formula_result(prop: Property, bounds: Bounds | None) -> Callable[[Any], Any]:
    """The formula's answer in the property's type; numbers clipped into its range."""
    convert = converter(prop.type)
    if prop.type != PropertyType.NUMBER:
        return convert
    lo, hi = (bounds[0], bounds[1]) if bounds else (-1e13, 1e13)
    integer = bool(bounds and bounds[3])

    def number(x: Any) -> Any:
        x = convert(x)
        if x is MISS:
            return MISS
        x = min(max(x, lo), hi)
        if integer or float(x).is_integer():
            return round(x)
        return round(x, 2)

    return number


def constraint_sampler(tables: Tables, prop: Property, parent: str,
                       mapping: dict[str, list[Any]], fallback: Sampler,
                       present: frozenset[str], deps: set[str], attr: str | None) -> Sampler:
    """``carrier`` ∈ mapping[country]: the parent's value picks the allowed values."""
    convert = converter(prop.type)
    table = _allowed_table(prop, mapping)
    if not table:
        tables.warn(f"constraint of '{prop.name}' has no usable values; ignored")
        return fallback
    allowed_of = loose_lookup(table)
    in_event = parent in present
    if in_event:
        deps.add(parent)
    parent_attr = tables.device(parent)
    parent_device = device_getter(parent_attr) if parent_attr else None
    own_device = device_getter(attr) if attr else None
    own_wins = attr in ("language", "locale")

    def constrained(u: UserContext, v: dict[str, Any], t: str) -> Any:
        pv = v.get(parent, MISS) if in_event else MISS
        if pv is MISS:
            pv = u.state.get(parent, MISS)
        if pv is MISS and parent_device is not None:
            pv = next(iter(parent_device(u)), MISS)
        allowed = None if pv is MISS else allowed_of(pv)
        if not allowed or own_wins:     # a language: the device's own beats its country's
            return fallback(u, v, t)
        if own_device is not None:  # prefer the device's own value when it is allowed
            for candidate in own_device(u):
                x = convert(candidate)
                if x in allowed:
                    return x
        return allowed[int(u.rnd.random() * len(allowed))]

    return constrained


def ranged_sampler(tables: Tables, prop: Property, event: str | None, parent: str,
                   ranges: dict[str, list[float]], fallback: Sampler,
                   present: frozenset[str], deps: set[str]) -> Sampler:
    """A number in [low, high] of the parent's value (a walk's pace 540-900 s/km): the plain
    draw scaled from the property's own range into it, so it keeps its shape and its
    draws (one per record, as before), whole where the draw is whole."""
    table = {loose(k): (float(r[0]), float(r[1])) for k, r in ranges.items()
             if len(r) == 2 and r[0] <= r[1]}
    if not table:
        return fallback
    of = loose_lookup(table)
    bounds = tables.bounds(prop, event)
    lo, hi = (bounds[0], bounds[1]) if bounds is not None else (0.0, 0.0)
    in_event = parent in present
    if in_event:
        deps.add(parent)

    def ranged(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = fallback(u, v, t)
        pv = v.get(parent, MISS) if in_event else u.state.get(parent, MISS)
        span = None if pv is MISS or pv is None else of(pv)
        if span is None or not isinstance(x, int | float) or isinstance(x, bool):
            return x
        share = (x - lo) / (hi - lo) if hi > lo else u.rnd.random()
        y = span[0] + min(max(share, 0.0), 1.0) * (span[1] - span[0])
        return round(y) if isinstance(x, int) else round(y, 2)

    return ranged


def _allowed_table(prop: Property, mapping: dict[str, list[Any]]) -> dict[str, tuple[Any, ...]]:
    """Allowed values per (loose) parent value, in the property's type and enum."""
    convert = converter(prop.type)
    enum = frozenset(coerce_enum(prop)) if prop.enum else None
    table: dict[str, tuple[Any, ...]] = {}
    for key, values in mapping.items():
        allowed = [x for x in (convert(v) for v in values) if x is not MISS]
        if enum is not None and any(x in enum for x in allowed):
            allowed = [x for x in allowed if x in enum]
        if allowed:
            table[loose(key)] = tuple(allowed)
    return table
