"""Properties of one record that name the same billing period agree.

A plan's ``plan_code`` (``plus_monthly``, ``plus_yearly``) and ``billing_period`` (``month``,
``year``) name the plan's period twice; drawn apart, ``plus_monthly`` came with ``year`` in
half the records. The analyzer ties them in Rules' ``property_constraints``: the property
whose enum values are periods alone depends on the one whose values say more, each value of
which allows the periods it names (word lists: ``heuristic_properties.yaml`` period_words).
"""

from __future__ import annotations

import re

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.rules import PropertyConstraint
from demogen.taxonomy import Property
from demogen.vocab import PropertyType


def period_of_word() -> dict[str, str]:
    """Word → the period it names (``yearly`` → ``year``)."""
    return {word: period for period, words in load("properties")["period_words"].items()
            for word in words}


def _periods(prop: Property, words: dict[str, str]) -> dict[str, str | None] | None:
    """Each enum value's period (None: it names none), or None when fewer than two values
    name distinct periods."""
    if prop.type != PropertyType.STRING or not prop.enum:
        return None
    found: dict[str, str | None] = {}
    for value in prop.enum:
        named = {words[w] for w in split_words(str(value)) if w in words}
        found[str(value)] = named.pop() if len(named) == 1 else None
    return found if len({p for p in found.values() if p}) >= 2 else None


def _pure(prop: Property, periods: dict[str, str | None], words: dict[str, str]) -> bool:
    """Every value is a period word alone (``month``, ``yearly``)."""
    return all(p is not None and all(w in words for w in split_words(v))
               for v, p in periods.items())


def billing_days(ctx: Context, event: str) -> int:
    """Days of the shortest billing period ``event``'s values name (a renewal of
    ``plus_monthly`` or ``plus_yearly``: 30), else a month's (``period_days``)."""
    words, days = period_of_word(), load("properties")["period_days"]
    named = {period for name in ctx.props_of(event)
             if (prop := ctx.prop(name)) is not None
             and (found := _periods(prop, words)) is not None
             for period in found.values() if period is not None}
    return int(min((days[p] for p in named), default=days["month"]))


def stated_periods(ctx: Context, payment: str, charge: str) -> dict[str, dict[str, int]]:
    """Rules ``period_by`` of a plan's payment: each property it shares with its charge
    whose values name billing periods (``billing_period``: monthly → 30, annual → 365)."""
    words, days = period_of_word(), load("properties")["period_days"]
    out: dict[str, dict[str, int]] = {}
    for name in sorted(set(ctx.props_of(payment)) & set(ctx.props_of(charge))):
        prop = ctx.prop(name)
        found = _periods(prop, words) if prop is not None else None
        if found:
            out[name] = {value: int(days[p]) for value, p in found.items() if p is not None}
    return out


def id_period_days(ident: str) -> int | None:
    """Days of the one billing period an id names (``plus_yearly``: 365), else None: what
    the analyzer writes as a plan entry's ``period_days`` (its renewals' period)."""
    words = period_of_word()
    named = {words[w] for w in split_words(ident) if w in words}
    return int(load("properties")["period_days"][named.pop()]) if len(named) == 1 else None


def period_constraints(ctx: Context) -> dict[str, PropertyConstraint]:
    """``billing_period`` depends on ``plan_code`` where one event carries both."""
    words = period_of_word()
    named = {p.name: found for p in ctx.event_props.values()
             if (found := _periods(p, words)) is not None}
    out: dict[str, PropertyConstraint] = {}
    for child, periods in named.items():
        if not _pure(ctx.event_props[child], periods, words):
            continue
        together = set(ctx.events_with.get(child, ()))
        parent = next((p for p in named if p != child and not _pure(ctx.event_props[p],
                       named[p], words) and together & set(ctx.events_with.get(p, ()))), None)
        if parent is None:
            continue
        mapping = {value: [v for v, p in periods.items() if p == period]
                   for value, period in named[parent].items() if period is not None}
        mapping = {value: allowed for value, allowed in mapping.items() if allowed}
        if mapping:
            out[child] = PropertyConstraint(depends_on=[parent], mapping=mapping)
    return out


__all__ = ["billing_days", "id_period_days", "length_days", "period_constraints",
           "period_of_word", "stated_periods"]


def length_days(ctx: Context, event: str) -> tuple[int, str | None]:
    """Days what ``event`` starts lasts (a trial): the middle of its own number property
    named for days (``trial_days``: 14), else the days its description says
    ("starts the 14-day Pro trial"), else ``lengths.days`` (heuristic_properties.yaml);
    with that property, whose value on each record says its own days (Rules
    ``after_days_by``), or None."""
    spec = load("properties")["lengths"]
    for name in ctx.props_of(event):
        prop = ctx.prop(name)
        if prop is None or prop.type is not PropertyType.NUMBER \
                or not set(split_words(name)) & set(spec["words"]):
            continue
        listed = sorted(float(v) for v in prop.enum or () if isinstance(v, int | float))
        if prop.value_range is not None:    # a range's middle
            days = (prop.value_range.min + prop.value_range.max) / 2
        elif listed:                        # the middle value listed (14; 7, 14, 30)
            days = listed[len(listed) // 2]
        else:
            continue
        return max(round(days), 1), name
    info = next(e for e in ctx.taxonomy.events if e.name == event)
    said = re.search(spec["said"], f"{info.display_name} {info.description}", re.IGNORECASE)
    return (int(said.group(1)) if said else int(spec["days"])), None
