"""A plan picked by its billing period: ``plan`` (monthly | annual) is a price list's entry.

A bare plan word (``plan``, ``subscription_plan``, ``membership``) is no catalogue id by its
name alone (Trellio's ``plan``: Pro | Business, paid per seat, moves with upgrades). One whose
enum values each name one billing period (monthly, annual) is a pick from a price list: the
analyzer writes its values as entries of the stem's catalogue (``catalogues.plan``, each with
its ``period_days``), and a record naming one of those entries where Rules price it shows
that price (the simulation's money lines, validate's price check: :func:`picked_plan`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from demogen.analysis.billing import PERIOD_ATTRIBUTE
from demogen.analysis.heuristic._catalogues import catalogue_data
from demogen.analysis.heuristic._periods import id_period_days
from demogen.analysis.heuristic.values.names import leaf, normalize
from demogen.analysis.rules import Catalogue
from demogen.taxonomy import Property


def plan_word(name: str) -> str | None:
    """The plan stem a bare plan property names (``subscription_plan`` → plan), else None."""
    last = normalize(leaf(name)).rsplit("_", 1)[-1]
    return last if last in catalogue_data()["plan_stems"] else None


def period_plan_ids(props: Sequence[Property]) -> dict[str, tuple[str, ...]]:
    """Stem → the plans a bare plan property lists by period (``plan``: monthly, annual),
    for properties whose every value names one billing period (two or more values)."""
    out: dict[str, tuple[str, ...]] = {}
    for prop in props:
        stem = plan_word(prop.name)
        listed = [str(x).strip() for x in prop.enum or () if x is not None and str(x).strip()]
        if stem is None or len(listed) < 2 or \
                any(id_period_days(i) is None for i in listed):
            continue
        out[stem] = tuple(dict.fromkeys((*out.get(stem, ()), *listed)))
    return out


def picked_plan(name: str, catalogues: Mapping[str, Catalogue]) -> str | None:
    """The catalogue stem whose entry property ``name`` picks (``plan`` → plan), where Rules
    list that stem's plans with a period and a price each; else None."""
    stem = plan_word(name)
    catalogue = catalogues.get(stem) if stem is not None else None
    if catalogue is None or not catalogue.entries:
        return None
    priced = all(e.price_usd is not None and PERIOD_ATTRIBUTE in e.attributes
                 for e in catalogue.entries)
    return stem if priced else None


__all__ = ["period_plan_ids", "picked_plan", "plan_word"]
