"""A plan's billing period, as Rules tell it: read by the simulation and by validate.

A subscription plan is a catalogue entry (``catalogues.plan``); its ``period_days``
attribute is the days one charge of it buys (``plus_yearly``: 365). A renewal is due that
long after the charge of that plan. A plan with no catalogue period may have its charge
state one (``events.<renewal>.period_by``: a ``billing_period`` of monthly | annual);
``events.<renewal>.after_days`` stands for plans that name none. A plan billed per seat
(``monetary_properties.<p>.price_usd_by``) charges its price a seat × the seats × the months
its period charges (:func:`seat_amount`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from demogen.analysis.rules import MonetaryProperty, Rules
from demogen.currencies import local_price

#: The catalogue entry attribute holding the plan's billing period in days.
PERIOD_ATTRIBUTE = "period_days"


def entry_periods(rules: Rules) -> dict[str, int]:
    """Catalogue entry id → its billing period in days, for entries that give one."""
    out: dict[str, int] = {}
    for _, catalogue in sorted(rules.catalogues.items()):
        for entry in catalogue.entries:
            days = entry.attributes.get(PERIOD_ATTRIBUTE, "")
            if days.isdigit() and int(days) > 0:
                out.setdefault(entry.id, int(days))
    return out


def plan_of(values: Mapping[str, object], periods: Mapping[str, int]) -> str | None:
    """The plan a record's values name (the first property, by name, whose value is a plan
    with a period), None where none does."""
    for name in sorted(values):
        value = values[name]
        if isinstance(value, str) and value in periods:
            return value
    return None


def period_of(values: Mapping[str, object], periods: Mapping[str, int]) -> int | None:
    """The billing period of the plan a record's values name, None where they name none."""
    plan = plan_of(values, periods)
    return None if plan is None else periods[plan]


def stated_period(values: Mapping[str, object],
                  period_by: Mapping[str, Mapping[str, int]] | None) -> int | None:
    """The billing period a record's own values state (Rules ``period_by``: a charge's
    ``billing_period`` annual → 365), None where none of them does."""
    for name, days in sorted((period_by or {}).items()):
        value = values.get(name)
        if isinstance(value, str) and value in days:
            return days[value]
    return None


def seat_amount(rule: MonetaryProperty, values: Mapping[str, object], code: str,
                fx: Mapping[str, float]) -> float | None:
    """What a record of a plan billed per seat charges in ``code`` (unrounded): its plan's
    price a seat (``price_usd_by``, in ``code`` as a catalogue price is) × the ``per``
    counts × the months its period value charges (``months_by``, else one); None where the
    record names no priced plan."""
    usd = next((prices[str(values[n])] for n, prices in sorted((rule.price_usd_by or
                {}).items()) if str(values.get(n)) in prices), None)
    if usd is None:
        return None
    counts = [_count(values.get(n)) for n in rule.per or ()]
    months = next((by[str(values[n])] for n, by in sorted((rule.months_by or {}).items())
                   if str(values.get(n)) in by), 1.0)
    return local_price(usd, code, fx) * math.prod(counts) * months


def _count(x: object) -> int:
    """A unit count as a whole number, one when the record shows none (as bookings do)."""
    return int(x) if isinstance(x, int | float) and not isinstance(x, bool) and x >= 1 else 1


__all__ = ["PERIOD_ATTRIBUTE", "entry_periods", "period_of", "plan_of", "seat_amount",
           "stated_period"]


def length_of(values: Mapping[str, object], by: str | None) -> int | None:
    """The days a record's own value says what it starts lasts (Rules ``after_days_by``:
    a trial start's ``trial_days``), None where it shows no positive number."""
    value = values.get(by) if by else None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return round(value)
