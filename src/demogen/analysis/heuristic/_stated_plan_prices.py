"""A plan's price stated in the plan's text prices its catalogue entry.

"monthly 9.99 USD or annual 59.99 USD", "Annual: $59.99", "$9.99/month", "9.99 USD a month":
a plan that writes what its subscription plans cost names each one's price. An entry of a
plan catalogue (``catalogues.plan``, ``data/catalogues.yaml`` plan_stems) is priced at the
amount written right after its id, else at the amount written per its billing period
(``period_days``: "/month" for a plan of 30 days); only plans of a billing period (a tier's
"Pro (10 USD/seat/month)" is a seat's price). The amount needs a currency mark or cents
(``9.99``; "monthly 3 runs" is no price); without a mark it is in the plan's one currency,
else USD. The price is written as the entry's ``price_usd`` (the store tier of that currency
within 5 %, as ``_stated_rates``): a Rules value a user edits. Plans the texts do not price,
or price twice differently, keep their drawn prices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from demogen.analysis.billing import PERIOD_ATTRIBUTE
from demogen.analysis.heuristic._catalogues import catalogue_data
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._money import plan_currency
from demogen.analysis.heuristic._stated_rates import (
    currency_code,
    money_pattern,
    plan_texts,
    usd_of,
)
from demogen.analysis.rules import Catalogue
from demogen.taxonomy import EventTaxonomy, ProductInfo

#: Words between an amount and its period ("9.99 USD a month", "/ year", "per week").
_PER = r"\s*(?:/|a|an|per|each|every)\s*"


def with_stated_plan_prices(catalogues: Mapping[str, Catalogue], taxonomy: EventTaxonomy,
                            product: ProductInfo) -> dict[str, Catalogue]:
    """``catalogues`` with each plan the texts price at that price."""
    texts = plan_texts(taxonomy, product)
    fallback = plan_currency(taxonomy) or "USD"
    out = dict(catalogues)
    for stem in catalogue_data()["plan_stems"]:
        catalogue = catalogues.get(stem)
        if catalogue is None:
            continue
        entries = []
        for entry in catalogue.entries:
            days = entry.attributes.get(PERIOD_ATTRIBUTE)
            # a plan of a billing period only: "Pro (10 USD/seat/month)" is a seat's price
            stated = _stated(texts, entry.id, days, fallback) if days else None
            if stated is not None:
                entry = entry.model_copy(update={"price_usd": usd_of(*stated)})
            entries.append(entry)
        out[stem] = catalogue.model_copy(update={"entries": entries})
    return out


def _stated(texts: Iterable[str], ident: str, days: str | None,
            fallback: str) -> tuple[float, str] | None:
    """The one (price, currency) the texts give plan ``ident`` (of ``days`` a period)."""
    money = money_pattern()
    patterns = [re.compile(rf"(?<![\w-]){re.escape(ident)}(?![\w-])\s*[:=(]?\s*{money}",
                           re.IGNORECASE)]
    periods = _period_words(days)
    if periods:
        words = "|".join(map(re.escape, periods))
        patterns.append(re.compile(rf"{money}{_PER}(?:{words})(?!\w)", re.IGNORECASE))
    found: set[tuple[float, str]] = set()
    for pattern in patterns:
        for text in texts:
            for m in pattern.finditer(text):
                sign, amount, unit = m.group(1, 2, 3)
                code = currency_code(sign, unit)
                if code is None and _amount(amount) == int(_amount(amount)):
                    continue    # a bare whole number: a count, not a price
                found.add((_amount(amount), code or fallback))
        if found:
            break   # the id's own price beats a price per period
    return found.pop() if len(found) == 1 else None


def _amount(text: str) -> float:
    """``9.99``, ``1,299`` (thousands) or ``9,99`` (a decimal comma: two digits after it)."""
    if re.fullmatch(r"\d+,\d\d", text):
        return float(text.replace(",", "."))
    return float(text.replace(",", ""))


def _period_words(days: str | None) -> list[str]:
    """The words of the period of ``days`` days ("month", "mo", "monthly" for 30)."""
    spec = load("properties")
    named = [p for p, d in spec["period_days"].items() if str(d) == days]
    return [w for p in named for w in spec["period_words"].get(p, [])]


__all__ = ["with_stated_plan_prices"]
