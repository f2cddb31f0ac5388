"""A way paid in an in-app currency comes after a spend on its thing (Rules ``paid_ways``).

``unlock_type`` 4 (소장(코인)) on a read says the episode was bought with coins; drawn per
record, 2,350 of 2,355 such reads had no ``coin_use`` of their episode before them in the
session. A spend event (``coin_use``) keeps, per user and way (in ``user.sticky``), the
things it spent on this session (its ``series_id`` and ``episode_no``); the way then shows a
paid code where such a spend came before and one of its other codes (free, wait, ticket)
where none did. The label follows the session, so the free flag and the price that
depend on it (``is_free``, ``episode_price``) follow too.

A way's ``price`` (``episode_price``) is a function of the thing and the run seed: a record
that shows the thing paid shows its one price (a free one still shows 0), and a spend on it
(``coin_use``'s ``coin_amount``, the amount its update takes from ``coin_balance``) costs
that price. Drawn per record, one episode showed several prices and a spend its own 1~10.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from demogen.analysis.rules import PaidWay, Rules
from demogen.simulation._context import UserContext
from demogen.simulation.state import Conditions
from demogen.simulation.values._draw import Sampler, salt
from demogen.simulation.values._sampler import Sample, Wrapper
from demogen.simulation.values._spends import (
    Spend,
    fill_amounts,
    overfilled,
    spend_amounts,
    spent_balance,
    uncovered,
)
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property

#: A thing (its keys' values) → its price.
Pricer = Callable[[tuple[Any, ...]], Any]
#: A spend record (the user's state, its values) → whether it is withheld.
Withheld = Callable[[Mapping[str, Any], Mapping[str, Any]], bool]
#: Things are free at a share in ten-thousandths.
_SHARE_SCALE = 10_000
#: The widest whole-number range a price is drawn in from its value range alone.
_MAX_PRICES = 1000

_SLOT = "spent\x1f"
#: Draws of the way before a paid draw settles for the first unpaid code seen (or the
#: plan's first unpaid one).
_TRIES = 8


def paid_way_sampler(tables: Tables, prop: Property, event: str, present: frozenset[str],
                     fn: Sampler, deps: set[str]) -> Sampler:
    """``fn``, or when ``prop`` is a way paid in a currency on ``event``, its code chosen
    from this session's spends on the record's thing (and, where the way has a free flag,
    from the thing being free or paid)."""
    way = tables.rules.paid_ways.get(prop.name)
    if way is None or not way.paid or event in way.spends or \
            not all(k in present for k in way.keys):
        return fn
    deps.update(way.keys)
    slot, paid, keys = (_SLOT, prop.name), frozenset(way.paid), tuple(way.keys)
    free_thing = free_things(tables.seed, prop.name, way)
    free = frozenset(way.free)
    codes = list(prop.enum or ())
    # The paid code and the first other one as the plan types them (4, not "4").
    bought = next((c for c in codes if str(c) in paid), way.paid[0])
    other = next((c for c in codes if str(c) not in paid), None)
    # Where things are free or paid: the first code of each kind a thing may show unbought.
    gratis = next((c for c in codes if str(c) in free), other)
    unbought = next((c for c in codes if str(c) not in paid | free), None)

    def value(u: UserContext, v: dict[str, Any], t: str) -> Any:
        thing = tuple(v.get(k) for k in keys)
        if free_thing is not None:
            return _by_thing(u, v, t, thing, free_thing(thing))
        kept = u.sticky.get(slot)
        spent = kept is not None and kept[0] == u.session_number and thing in kept[1]
        x = fn(u, v, t)
        if spent:
            return x if str(x) in paid else bought
        for _ in range(_TRIES):
            if str(x) not in paid:
                return x
            x = fn(u, v, t)
        return x if other is None or str(x) not in paid else other

    def _by_thing(u: UserContext, v: dict[str, Any], t: str, thing: tuple[Any, ...],
                  is_free: bool) -> Any:
        """A free thing shows a free code; a paid one the paid code after its spend this
        session, else another paid way (a ticket), else the paid code."""
        kept = u.sticky.get(slot)
        if not is_free and kept is not None and kept[0] == u.session_number \
                and thing in kept[1]:
            return bought
        x = fn(u, v, t)
        for _ in range(_TRIES):
            if (str(x) in free) if is_free else (str(x) not in free | paid):
                return x
            x = fn(u, v, t)
        return gratis if is_free else (unbought if unbought is not None else bought)

    return value


def free_things(seed: int, name: str, way: PaidWay) -> Callable[[tuple[Any, ...]], bool] | None:
    """Thing (its keys' values) → whether it is free: ``way.free_share`` of the things,
    picked by the keys and the run seed alone (every worker, user and record agree); None
    where the way has no free flag."""
    if way.flag is None:
        return None
    cut = round(way.free_share * _SHARE_SCALE)

    def is_free(thing: tuple[Any, ...]) -> bool:
        # 3 and "3" name one episode
        return salt(seed, "free", name, *(str(x) for x in thing)) % _SHARE_SCALE < cut

    return is_free


def free_flag_sampler(tables: Tables, prop: Property, event: str, present: frozenset[str],
                      deps: set[str]) -> Sampler | None:
    """The sampler of a way's free flag (``is_free``) beside the thing's keys: the thing's
    own; None when ``prop`` is no such flag."""
    for name, way in sorted(tables.rules.paid_ways.items()):
        if way.flag != prop.name or event in way.spends or \
                not all(k in present for k in way.keys):
            continue
        free_thing = free_things(tables.seed, name, way)
        assert free_thing is not None
        keys = tuple(way.keys)
        deps.update(keys)
        return lambda u, v, t: free_thing(tuple(v.get(k) for k in keys))
    return None


def withheld_spends(rules: Rules, seed: int) -> dict[str, Withheld]:
    """Spending event → whether a record of it (the user's state, its values) is
    withheld: it costs more than the balance held, it buys a free thing, or it fills a
    consumable's balance past its top (a pack the user has no room for)."""
    amounts = spend_amounts(rules)
    fills = fill_amounts(rules, amounts)
    frees: dict[str, list[tuple[tuple[str, ...], Callable[[tuple[Any, ...]], bool]]]] = {}
    for name, way in sorted(rules.paid_ways.items()):
        free_thing = free_things(seed, name, way)
        if free_thing is not None:
            for event in way.spends:
                frees.setdefault(event, []).append((tuple(way.keys), free_thing))
    out = {}
    for event in sorted(amounts.keys() | frees.keys() | fills.keys()):
        out[event] = _withheld(amounts.get(event, ()), frees.get(event, []),
                               fills.get(event, ()))
    return out


def _withheld(amounts: tuple[Spend, ...],
              frees: list[tuple[tuple[str, ...], Callable[[tuple[Any, ...]], bool]]],
              fills: tuple[tuple[str, str, Conditions, float], ...] = ()) -> Withheld:
    def withheld(state: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
        return uncovered(amounts, state, values) or overfilled(fills, state, values) or any(
            all(k in values for k in keys) and free_thing(tuple(values[k] for k in keys))
            for keys, free_thing in frees)

    return withheld


def spend_wrappers(rules: Rules, seed: int, event: str) -> list[Wrapper]:
    """Wrappers that make ``event``'s record keep the thing it spent on, one per way it
    spends for."""
    withheld = withheld_spends(rules, seed).get(event)
    return [_keeping(name, way, withheld) for name, way in sorted(rules.paid_ways.items())
            if event in way.spends]


def _keeping(name: str, way: PaidWay, withheld: Withheld | None) -> Wrapper:
    slot, keys = (_SLOT, name), tuple(way.keys)

    def wrap(sample: Sample) -> Sample:
        def spend(u: Any, t: str) -> dict[str, Any]:
            values = sample(u, t)
            if withheld is not None and withheld(u.state, values):
                return values   # withheld (engine): the user has not bought the thing
            kept = u.sticky.get(slot)
            if kept is None or kept[0] != u.session_number:
                kept = (u.session_number, set())
                u.sticky[slot] = kept
            kept[1].add(tuple(values.get(k) for k in keys))
            return values

        return spend

    return wrap


def priced_sampler(tables: Tables, prop: Property, event: str, present: frozenset[str],
                   fn: Sampler, deps: set[str]) -> Sampler | None:
    """The sampler of ``prop`` when it is a way's price beside the thing's keys (the
    thing's one price where ``fn`` draws it paid) or the amount a spend of the way takes
    from its balance (the price); None when it is neither."""
    for _, way in sorted(tables.rules.paid_ways.items()):
        if way.price is None or not all(k in present for k in way.keys):
            continue
        spends = event in way.spends and \
            spent_balance(tables.rules, event, prop.name) is not None
        if prop.name != way.price and not spends:
            continue
        price = _pricer(tables, way)
        if price is None:
            continue
        deps.update(way.keys)
        return _spent(price, way.keys) if spends else _shown(price, way.keys, fn)
    return None


def _shown(price: Pricer, keys: list[str], fn: Sampler) -> Sampler:
    """The thing's price where ``fn`` draws a paid one; 0 (free) and no value stay."""
    def value(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = fn(u, v, t)
        if not isinstance(x, int | float) or isinstance(x, bool) or x <= 0:
            return x
        return price(tuple(v.get(k) for k in keys))

    return value


def _spent(price: Pricer, keys: list[str]) -> Sampler:
    """A spend costs the price of the thing it names."""
    def value(u: UserContext, v: dict[str, Any], t: str) -> Any:
        return price(tuple(v.get(k) for k in keys))

    return value


def _pricer(tables: Tables, way: PaidWay) -> Pricer | None:
    """Thing → its price: one of the plan's paid prices, picked by the thing and the run
    seed alone, so every worker and every user sees one price per thing."""
    assert way.price is not None
    prices = _paid_prices(tables.rules, way.price)
    if not prices:
        return None
    known: dict[tuple[str, ...], Any] = {}
    base = (tables.seed, "price", way.price)

    def price(thing: tuple[Any, ...]) -> Any:
        key = tuple(str(x) for x in thing)     # 3 and "3" name one episode
        found = known.get(key)
        if found is None:
            found = known[key] = prices[salt(*base, *key) % len(prices)]
        return found

    return price


def _paid_prices(rules: Rules, name: str) -> list[Any]:
    """The prices a paid thing may have: the positive values its constraint allows
    (``episode_price`` 1~4 where not ``is_free``), else the whole numbers of its range
    from 1."""
    constraint = rules.property_constraints.get(name)
    if constraint is not None and constraint.mapping:
        found = {_whole(x) for values in constraint.mapping.values() for x in values
                 if isinstance(x, int | float) and not isinstance(x, bool) and x > 0}
        return sorted(found)
    bounds = rules.value_ranges.get(name)
    if bounds is None:
        return []
    lo, hi = max(1, math.ceil(bounds.min or 1)), math.floor(bounds.max)
    return list(range(lo, hi + 1)) if 0 <= hi - lo < _MAX_PRICES else []


def _whole(x: float) -> float:
    """Coins are whole: 3.0 → 3."""
    return int(x) if float(x).is_integer() else x


__all__ = ["Withheld", "free_flag_sampler", "free_things", "paid_way_sampler", "priced_sampler",
           "spend_wrappers", "withheld_spends"]
