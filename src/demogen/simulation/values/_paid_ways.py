"""A way paid in an in-app currency comes after a spend on its thing (Rules ``paid_ways``).

``unlock_type`` 4 (소장(코인)) on a read says the episode was bought with coins; drawn per
record, 2,350 of 2,355 such reads had no ``coin_use`` of their episode before them in the
session. A spend event (``coin_use``) keeps, per user and way (in ``user.sticky``), the
things it spent on this session (its ``series_id`` and ``episode_no``); the way then shows a
paid code where such a spend came before and one of its other codes (free, wait, ticket)
where none did. The label follows the session, so the free flag and the price that
depend on it (``is_free``, ``episode_price``) follow too.
"""

from __future__ import annotations

from typing import Any

from demogen.analysis.rules import PaidWay, Rules
from demogen.simulation._context import UserContext
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._sampler import Sample, Wrapper
from demogen.taxonomy import Property

_SLOT = "spent\x1f"
#: Draws of the way before a paid draw settles for the first unpaid code seen (or the
#: plan's first unpaid one).
_TRIES = 8


def paid_way_sampler(rules: Rules, prop: Property, event: str, present: frozenset[str],
                     fn: Sampler, deps: set[str]) -> Sampler:
    """``fn``, or when ``prop`` is a way paid in a currency on ``event``, its code chosen
    from this session's spends on the record's thing."""
    way = rules.paid_ways.get(prop.name)
    if way is None or not way.paid or event in way.spends or \
            not all(k in present for k in way.keys):
        return fn
    deps.update(way.keys)
    slot, paid, keys = (_SLOT, prop.name), frozenset(way.paid), tuple(way.keys)
    codes = list(prop.enum or ())
    # The paid code and the first other one as the plan types them (4, not "4").
    bought = next((c for c in codes if str(c) in paid), way.paid[0])
    other = next((c for c in codes if str(c) not in paid), None)

    def value(u: UserContext, v: dict[str, Any], t: str) -> Any:
        kept = u.sticky.get(slot)
        spent = kept is not None and kept[0] == u.session_number and \
            tuple(v.get(k) for k in keys) in kept[1]
        x = fn(u, v, t)
        if spent:
            return x if str(x) in paid else bought
        for _ in range(_TRIES):
            if str(x) not in paid:
                return x
            x = fn(u, v, t)
        return x if other is None or str(x) not in paid else other

    return value


def spend_wrappers(rules: Rules, event: str) -> list[Wrapper]:
    """Wrappers that make ``event``'s record keep the thing it spent on, one per way it
    spends for."""
    return [_keeping(name, way) for name, way in sorted(rules.paid_ways.items())
            if event in way.spends]


def _keeping(name: str, way: PaidWay) -> Wrapper:
    slot, keys = (_SLOT, name), tuple(way.keys)

    def wrap(sample: Sample) -> Sample:
        def spend(u: Any, t: str) -> dict[str, Any]:
            values = sample(u, t)
            kept = u.sticky.get(slot)
            if kept is None or kept[0] != u.session_number:
                kept = (u.session_number, set())
                u.sticky[slot] = kept
            kept[1].add(tuple(values.get(k) for k in keys))
            return values

        return spend

    return wrap


__all__ = ["paid_way_sampler", "spend_wrappers"]
