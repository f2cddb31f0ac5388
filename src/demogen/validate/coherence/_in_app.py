"""Amounts of an in-app currency: a price in coins shows coins, not a market's money.

A number the plan describes as an amount of an in-app currency (``episode_price``: "유료
회차의 코인 가격 (0~4)"; the analyzer's kind for it, ``analysis/heuristic/_in_app.py``) is a
whole number of that currency inside the plan's range (the event's own range where its row
gives one). Shown as money it reads KRW 1,200 or USD 0.99 on a 0~4 coin price: what a
prospect sees first in a content app's episode list. Needs the plan (its descriptions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic.values.reading import IN_APP_AMOUNT, kind_of
from demogen.taxonomy import EventTaxonomy, ValueRange
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked
from demogen.vocab import PropertyType

__all__ = ["InAppAmountsChecker"]


class InAppAmountsChecker(Checker):
    name = "in_app_amounts"
    description = ("a number the plan prices in an in-app currency (코인 가격, price in gems) "
                   "is a whole amount of it in the plan's range, not market money")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        #: Event → (property, range) for each in-app amount it carries.
        self.amounts: dict[str, list[tuple[str, ValueRange]]] = (
            _amounts(given.plan) if given.plan is not None else {})

    @property
    def active(self) -> bool:
        return bool(self.amounts)

    def notes(self) -> list[str]:
        if self.given.plan is None:
            return ["in-app amounts not checked: the plan was not given"]
        return []

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        amounts = self.amounts.get(seen.event) if seen is not None else None
        if seen is None or amounts is None:
            return
        for prop, span in amounts:
            value = seen.props.get(prop)
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            if not float(value).is_integer() or not span.min <= value <= span.max:
                report(where, f"user {seen.user}: {prop} {value:g} on {seen.event} is no "
                              f"whole amount of the in-app currency in {span.min:g}-"
                              f"{span.max:g} (the plan prices it in that currency)")


def _amounts(plan: EventTaxonomy) -> dict[str, list[tuple[str, ValueRange]]]:
    priced = {p.name: p for p in (*plan.properties, *plan.common_properties)
              if p.type == PropertyType.NUMBER and p.value_range is not None
              and kind_of(p) == IN_APP_AMOUNT}
    common = [p.name for p in plan.common_properties if p.name in priced]
    out: dict[str, list[tuple[str, ValueRange]]] = {}
    for event in plan.events:
        own = dict(event.ranges)
        found = [(name, own.get(name) or priced[name].value_range)
                 for name in dict.fromkeys((*event.properties, *common)) if name in priced]
        if found:
            out[event.name] = found  # type: ignore[assignment]
    return out
