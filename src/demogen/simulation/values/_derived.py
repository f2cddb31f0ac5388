"""Values the rules derive from other values: formulas and parent-child constraints.

``xp = level * 100 + randint(0, 50)`` (``property_relationships``) and ``carrier`` ∈
mapping[``country``] (``property_constraints``). Both read the values drawn so far for
the event, then the user's state, then the device; each wraps the plain sampler of the
property and falls back to it when what it reads is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from demogen.analysis.formula import EVALUATION_ERRORS, Formula
from demogen.simulation._context import UserContext
from demogen.simulation.values import _names as names
from demogen.simulation.values._convert import MISS, coerce_enum, converter, loose, loose_lookup
from demogen.simulation.values._device import device_getter
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._tables import Bounds, Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

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
    parent_attr = names.device_attribute(parent)
    parent_device = device_getter(parent_attr) if parent_attr else None
    own_device = device_getter(attr) if attr else None

    def constrained(u: UserContext, v: dict[str, Any], t: str) -> Any:
        pv = v.get(parent, MISS) if in_event else MISS
        if pv is MISS:
            pv = u.state.get(parent, MISS)
        if pv is MISS and parent_device is not None:
            pv = next(iter(parent_device(u)), MISS)
        allowed = None if pv is MISS else allowed_of(pv)
        if not allowed:
            return fallback(u, v, t)
        if own_device is not None:  # prefer the device's own value when it is allowed
            for candidate in own_device(u):
                x = convert(candidate)
                if x in allowed:
                    return x
        return allowed[int(u.rnd.random() * len(allowed))]

    return constrained


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
