"""A plan billed per seat: its payment is the plan's seat price × seats × months billed.

A B2B plan (Trellio: ``plan`` Pro | Business, ``seats``, ``billing_period`` monthly | annual)
names no price; its payment (``invoice_paid.amount``) was drawn in the amount's range, so
the same plan, period and seats cost anything. An amount on events that carry a bare plan
word whose values name no period and a count of seats or licences (``seat_counts`` of
``heuristic_properties.yaml``) is priced per seat: Rules' ``monetary_properties.<p>``
``price_usd_by`` (each paid plan's price a seat a month, cheapest first from
``seat_prices_usd``, cut to keep every such amount in its declared range), ``per`` (the
seat count) and ``months_by`` (the months a billing period charges: a year
``year_months``, ten, i.e. two months free). An amount said to be
monthly (``mrr``) charges a period's months over its length: an annual plan's MRR is ten
twelfths of the monthly one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._period_plans import plan_word
from demogen.analysis.heuristic._periods import id_period_days
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.heuristic.values.names import normalize
from demogen.analysis.rules import MonetaryProperty
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: Words saying an amount is per month whatever the billing period (monthly recurring revenue).
_MONTHLY = frozenset({"mrr", "monthly"})
_DAYS_A_MONTH = 365 / 12
_BEFORE = ("previous_", "prev_", "old_", "before_")


def with_seat_prices(money: Mapping[str, MonetaryProperty], props: Mapping[str, Property],
                     props_of: Callable[[str], Sequence[str]]) -> dict[str, MonetaryProperty]:
    """``money`` with each amount of a plan billed per seat priced per seat (module doc)."""
    found = {name: f for name, rule in money.items()
             if (f := _seat_pricing(name, rule, props, props_of)) is not None}
    scale = _fit(found, props)
    out = dict(money)
    for name, update in found.items():
        prices = {plan: {v: _scaled(x, scale) for v, x in by.items()}
                  for plan, by in update["price_usd_by"].items()}
        out[name] = money[name].model_copy(update={**update, "price_usd_by": prices})
    return out


def _fit(found: Mapping[str, dict[str, Any]], props: Mapping[str, Property]) -> float:
    """The share of the price list that keeps every priced amount in its declared range
    at the most seats and months (Trellio's ``mrr`` 10-1000: 50 Business seats at 24 a
    month would be 1,200, so 20); one amount's share for all, so that they agree."""
    scale = 1.0
    for name, update in found.items():
        own, seats = props[name].value_range, props[update["per"][0]].value_range
        if own is None or own.max is None or seats is None or seats.max is None:
            continue
        top = max(x for by in update["price_usd_by"].values() for x in by.values())
        months = max((m for by in (update["months_by"] or {}).values() for m in by.values()),
                     default=1.0)
        most = top * float(seats.max) * months
        if most > 0:
            scale = min(scale, float(own.max) / most)
    return scale


def _scaled(price: float, scale: float) -> float:
    """A list price cut to fit: whole dollars (as price lists show seats), cents below one."""
    if scale >= 1.0:
        return price
    cut = price * scale
    return float(math.floor(cut + 1e-9)) if cut >= 1 else round(cut, 2)


def _seat_pricing(name: str, rule: MonetaryProperty, props: Mapping[str, Property],
                  props_of: Callable[[str], Sequence[str]]) -> dict[str, Any] | None:
    """``per``, ``price_usd_by`` and ``months_by`` of amount ``name`` where every one of its
    events carries one plan and one seat count, else None."""
    if "." in name or _before(name) or not rule.events or rule.per or \
            rule.role not in (None, "amount"):
        return None
    shared = set(props_of(rule.events[0]))
    for event in rule.events[1:]:
        shared &= set(props_of(event))
    shared = {n for n in shared if not _before(n)}
    plan = _the_plan([n for n in sorted(shared) if _per_seat_plan(props.get(n))])
    seats = _one(n for n in sorted(shared) if _seat_count(props.get(n)))
    if plan is None or seats is None:
        return None
    prices = _seat_prices(props[plan])
    if not prices:
        return None
    months = _months_by(shared, props, monthly=_says_monthly(props.get(name)))
    return {"per": [seats], "price_usd_by": {plan: prices},
            "months_by": months or None}


def _one(names: Iterable[str]) -> str | None:
    """The only name of ``names``, else None (two plans or two counts: which is unclear)."""
    found = list(names)
    return found[0] if len(found) == 1 else None


def _before(name: str) -> bool:
    """A value before the event (``previous_plan``, ``previous_mrr``): not what it bills."""
    return normalize(name).startswith(_BEFORE)


def _the_plan(names: list[str]) -> str | None:
    """The plan the record bills: the only one, else the bare stem (``plan`` beside
    ``subscription_plan``)."""
    return _one(names) or _one(n for n in names if normalize(n) == plan_word(n))


def _per_seat_plan(prop: Property | None) -> bool:
    """A bare plan word (``plan``) listing plans, none of them a billing period (a plan of
    monthly | annual is a price list's pick: ``_period_plans``)."""
    if prop is None or prop.type != PropertyType.STRING or plan_word(prop.name) is None:
        return False
    listed = [str(x) for x in prop.enum or () if x is not None and str(x).strip()]
    return bool(listed) and all(id_period_days(x) is None for x in listed)


def _seat_count(prop: Property | None) -> bool:
    words = load("properties")["money"]["seat_counts"]
    return prop is not None and prop.type == PropertyType.NUMBER and \
        normalize(prop.name) in words


def _seat_prices(plan: Property) -> dict[str, float]:
    """Each paid plan's price a seat a month, cheapest first in the plan's enum order (a
    free plan costs nothing; plans beyond the price list cost its last price)."""
    spec = load("properties")["money"]
    free = set(spec["free_plans"])
    ladder = [float(x) for x in spec["seat_prices_usd"]]
    listed = [str(x).strip() for x in plan.enum or () if x is not None and str(x).strip()]
    paid = [x for x in listed if not free & set(split_words(x))]
    out = {x: 0.0 for x in listed if x not in paid}
    out.update({x: ladder[min(i, len(ladder) - 1)] for i, x in enumerate(paid)})
    return out if paid else {}


def _months_by(shared: set[str], props: Mapping[str, Property],
               monthly: bool) -> dict[str, dict[str, float]]:
    """The period property beside the amount (every value names one billing period) → the
    months each value charges (a monthly amount: per month of the period)."""
    for name in sorted(shared):
        prop = props.get(name)
        if prop is None or prop.type != PropertyType.STRING or not prop.enum:
            continue
        days = {str(x): id_period_days(str(x)) for x in prop.enum if x is not None}
        if len(days) < 2 or any(d is None for d in days.values()):
            continue
        return {name: {v: _months(d or 0, monthly) for v, d in days.items()}}
    return {}


def _months(days: int, monthly: bool) -> float:
    """Monthly prices a period of ``days`` charges: a year ``year_months`` (two free), else
    its months; per month of it where the amount is monthly."""
    # 30 days is a month, 91 a quarter: whole months from four weeks up
    length = round(days / 30, 2) if days < 28 else \
        float(round(days / _DAYS_A_MONTH)) if days < 360 else 12.0 * round(days / 365)
    charged = length if days < 360 else \
        float(load("properties")["money"]["year_months"]) * round(days / 365)
    return round(charged / length, 6) if monthly else charged


def _says_monthly(prop: Property | None) -> bool:
    """Whether the amount is a monthly figure (``mrr``, "Monthly recurring revenue")."""
    if prop is None:
        return False
    words = set(split_words(prop.name)) | set(split_words(prop.display_name or "")) | \
        set(split_words((prop.description or "").split(".")[0]))
    return bool(words & _MONTHLY)


__all__ = ["with_seat_prices"]
