"""Picked: a booking books the room picked before it in the session, at that room's price.

A session sequence that walks to an order (``hotel_view → room_select → booking_submit``)
whose amount is what a step picked (``books_a_pick``: a per-unit price × counts, Rules
``monetary_properties.<p>.per: [nights]``; or a booking of a flight priced in its range,
``pricing: range``, on a record with its order number) has a step before the order that
shows a unit price (``room_select.room_price_cny``, ``fare_select.fare_price_cny``): the
order that follows it in the session shows what that step picked (the properties both list
that describe the thing: ``hotel_id``, ``room_type``) and its amount is that price × the
counts (× 1 without counts). A booking of another hotel than
the room just picked, or at another price a night, is what a funnel from the picked room to
its booking finds contradicted. The step is used once: a second order in the session
without a new pick is not compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from demogen.analysis.heuristic.values.lifetimes import describes_the_thing
from demogen.analysis.rules import Rules, books_a_pick
from demogen.currencies import currency_in_name
from demogen.taxonomy import EventTaxonomy
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["PickedChecker"]

#: Money roles a step shows its thing's price in (not a discount, fee or total).
_UNIT_ROLES = (None, "amount", "subtotal")
#: Cents of rounding allowed per unit counted (a price in fen × nights).
_SLACK = 0.011


@dataclass(frozen=True, slots=True)
class _Pick:
    step: str                   # the step before the order that picks (room_select)
    order: str                  # the order (booking_submit)
    price: str                  # the step's unit price (room_price_cny)
    amount: str                 # the order's amount (order_amount_cny)
    counts: tuple[str, ...]     # what the amount is the price times (nights)
    shared: tuple[str, ...]     # what both show of the thing (hotel_id, room_type)


class PickedChecker(Checker):
    name = "picked"
    description = ("per user session, an order of a pick (priced per unit: "
                   "monetary_properties.*.per, or a booking priced in its range) shows "
                   "the thing the step before it in the session sequence picked "
                   "(same id and kind) and that step's unit price × its counts")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        picks = _picks(given.rules, given.plan)
        self.by_step = {p.step: p for p in picks}
        self.by_order = {p.order: p for p in picks}
        self.starts = frozenset(given.rules.event_constraints.session_start_events)
        #: (user, step) → the step's properties, in the user's current session.
        self.picked: dict[tuple[str, str], Mapping[str, Any]] = {}

    @property
    def active(self) -> bool:
        return bool(self.by_order and self.starts)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None:
            return
        event, uid, props, _ = seen
        if event in self.starts:
            for step in self.by_step:
                self.picked.pop((uid, step), None)
        if event in self.by_step:
            self.picked[(uid, event)] = props
        pick = self.by_order.get(event)
        if pick is not None:
            step = self.picked.pop((uid, pick.step), None)
            if step is not None:
                _compare(pick, step, props, f"user {uid}: {event}", where, report)


def _compare(pick: _Pick, step: Mapping[str, Any], order: Mapping[str, Any], who: str,
             where: Where, report: Report) -> None:
    for name in pick.shared:
        if name in step and name in order and step[name] != order[name]:
            report(where, f"{who}.{name} {order[name]!r} is not the {step[name]!r} the "
                          f"{pick.step} before it in the session picked")
    price, amount = step.get(pick.price), order.get(pick.amount)
    units = [order.get(n) for n in pick.counts]
    if not _number(price) or not _number(amount) or not all(_number(u) for u in units):
        return
    times = math.prod(int(u) if u >= 1 else 1 for u in units)   # as the counts are booked
    if abs(amount - price * times) > _SLACK * times:
        report(where, f"{who}.{pick.amount} {amount:g} is not the {pick.step}'s "
                      f"{pick.price} {price:g} × {times:g} ({', '.join(pick.counts)})")


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _picks(rules: Rules, plan: EventTaxonomy | None) -> list[_Pick]:
    """Per session sequence walking to an order priced per unit, the step before it that
    shows a unit price (in the order's currency) and what both show of the thing."""
    if plan is None:
        return []
    listed = {e.name: set(e.properties) for e in plan.events}
    props = {p.name: p for p in plan.properties}
    money = rules.monetary_properties

    def on(event: str) -> list[str]:
        return sorted(n for n in listed.get(event, ()) if (rule := money.get(n)) is not None
                      and (not rule.events or event in rule.events))

    def books(event: str) -> list[str]:
        return [n for n in on(event) if books_a_pick(rules, n, listed[event])]

    def unit(event: str) -> list[str]:
        return [n for n in on(event) if not money[n].per and money[n].role in _UNIT_ROLES]

    picks = []
    for detail in rules.event_constraints.sequence_details:
        if detail.scope != "session":
            continue
        for i, order in enumerate(detail.events):
            amount = next(iter(books(order)), None)
            if amount is None:
                continue
            step = next((e for e in reversed(detail.events[:i]) if unit(e)), None)
            if step is None:
                continue
            price = next((n for n in unit(step)
                          if currency_in_name(n) == currency_in_name(amount)), None)
            shared = tuple(sorted(n for n in listed[step] & listed[order]
                                  if n in props and describes_the_thing(props[n])))
            if price is not None:
                picks.append(_Pick(step, order, price, amount,
                                   tuple(money[amount].per or ()), shared))
    return picks
