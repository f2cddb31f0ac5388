"""Spend prices: a thing has one price, and a spend on it costs that price.

Rules ``paid_ways`` with a ``price`` (``episode_price``) name the number that prices a thing
(the way's ``keys``: ``series_id``, ``episode_no``) in an in-app currency. Every record that
shows the thing paid (a price above 0: a free one shows 0) must show one price, and a spend
of the way (``coin_use``) must take that price from its balance: the amount its
``update_patterns`` decrement names (``coin_amount``). A spend before any record has shown
its thing's price is compared once the output is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.rules import PaidWay, Rules
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked
from demogen.vocab import UpdateType

__all__ = ["SpendPricesChecker"]

#: Prices are whole coins or cents: values closer than half a cent agree.
_SLACK = 0.005


@dataclass
class _Way:
    """One priced way: its price property, keys and spend event → amount property."""

    price: str
    keys: tuple[str, ...]
    amounts: dict[str, str]
    #: thing → (its first price shown, where).
    shown: dict[tuple[str, ...], tuple[float, Where]] = field(default_factory=dict)
    #: thing → the spends seen before its price was: (amount, where, user).
    pending: dict[tuple[str, ...], list[tuple[float, Where, str]]] = field(
        default_factory=dict)


def _amount(rules: Rules, event: str) -> str | None:
    """The property whose amount ``event`` takes from a balance (``{{coin_amount}}``)."""
    for rule in rules.update_patterns.get(event, {}).values():
        value = rule.value
        if rule.type is UpdateType.DECREMENT and not rule.when and not rule.reverse_when \
                and isinstance(value, str) and value.startswith("{{") and value.endswith("}}"):
            return value[2:-2].strip()
    return None


def _number(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _priced(rules: Rules, way: PaidWay) -> _Way | None:
    if way.price is None:
        return None
    amounts = {e: a for e in way.spends if (a := _amount(rules, e)) is not None}
    return _Way(way.price, tuple(way.keys), amounts)


class SpendPricesChecker(Checker):
    name = "spend_prices"
    description = ("a thing priced in an in-app currency (rules paid_ways price: "
                   "episode_price) shows one price, and a spend on it (coin_use coin_amount) "
                   "costs that price")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        self.ways = [w for _, way in sorted(given.rules.paid_ways.items())
                     if (w := _priced(given.rules, way)) is not None]

    @property
    def active(self) -> bool:
        return bool(self.ways)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None:
            return
        event, uid, props, _ = seen
        for way in self.ways:
            if not all(k in props for k in way.keys):
                continue
            thing = tuple(str(props[k]) for k in way.keys)
            amount = _number(props.get(way.amounts.get(event, "")))
            if amount is not None:
                self._spent(way, thing, amount, where, uid, report)
            price = _number(props.get(way.price))
            if price is not None and price > 0 and event not in way.amounts:
                self._shown(way, thing, price, where, uid, report)

    def finish(self, report: Report) -> None:
        for way in self.ways:
            for thing, spends in way.pending.items():
                first = way.shown.get(thing)
                if first is None:
                    continue    # never shown priced: nothing to compare with
                for amount, where, uid in spends:
                    self._compare(way, thing, amount, first, where, uid, report)

    def _shown(self, way: _Way, thing: tuple[str, ...], price: float, where: Where,
               uid: str, report: Report) -> None:
        first = way.shown.setdefault(thing, (price, where))
        if abs(first[0] - price) > _SLACK:
            report(where, f"user {uid}: {way.price} {price:g} of {self._named(way, thing)}, "
                          f"shown {first[0]:g} at {first[1].file}:{first[1].line}")

    def _spent(self, way: _Way, thing: tuple[str, ...], amount: float, where: Where,
               uid: str, report: Report) -> None:
        first = way.shown.get(thing)
        if first is None:
            way.pending.setdefault(thing, []).append((amount, where, uid))
        else:
            self._compare(way, thing, amount, first, where, uid, report)

    def _compare(self, way: _Way, thing: tuple[str, ...], amount: float,
                 first: tuple[float, Where], where: Where, uid: str, report: Report) -> None:
        if abs(first[0] - amount) > _SLACK:
            report(where, f"user {uid}: a spend of {amount:g} on {self._named(way, thing)}, "
                          f"whose {way.price} is {first[0]:g} "
                          f"({first[1].file}:{first[1].line})")

    @staticmethod
    def _named(way: _Way, thing: tuple[str, ...]) -> str:
        return ", ".join(f"{k} {v}" for k, v in zip(way.keys, thing, strict=True))
