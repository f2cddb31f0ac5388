"""A rate the plan states between its in-app currency and money prices the coin packs.

"100코인 = 1,000원", "10,000코인 100,000원", "100 coins = $0.99", "60ジェム 120円": a plan that
writes what its coins cost names the rate a pack of them is sold at. A pack whose catalogue
entry gives its count (``coin_100``: ``coin_amount: "100"``, ``_catalogue_counts``) costs the
count at that rate: the store tier of that currency where one is within
:data:`_TIER_SLACK` of it (KRW 1,200 for 1,150원), else the stated price itself (1,000원),
written as the entry's ``price_usd`` (at the bundled FX table, which the run converts back
to the same won). The entry's price is then the Rules value a user edits. Without a rate,
or with rates that disagree, packs keep their store tiers by rank (``_catalogue_rules``).
Words: ``heuristic_properties.yaml`` money.in_app_currency, money.currency_marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from demogen.analysis.heuristic._data import load
from demogen.analysis.rules import Catalogue
from demogen.currencies import bundled_fx, load_currencies
from demogen.taxonomy import EventTaxonomy, ProductInfo
from demogen.vocab import PropertyType

#: How far a stated price may be from a store tier of its currency to be sold at that tier.
_TIER_SLACK = 0.05
#: Money signs written before the number.
_SIGNS = {"₩": "KRW", "$": "USD", "US$": "USD", "€": "EUR"}
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"


@dataclass(frozen=True, slots=True)
class StatedRate:
    """One unit of the in-app currency costs ``per_unit`` of ``currency``."""

    currency: str
    per_unit: float


def with_stated_rates(catalogues: Mapping[str, Catalogue], taxonomy: EventTaxonomy,
                      product: ProductInfo) -> dict[str, Catalogue]:
    """``catalogues`` with each counted pack priced at the plan's stated rate."""
    rate = stated_rate(plan_texts(taxonomy, product))
    if rate is None:
        return dict(catalogues)
    counts = {p.name for p in (*taxonomy.properties, *taxonomy.common_properties)
              if p.type == PropertyType.NUMBER}
    out: dict[str, Catalogue] = {}
    for stem, catalogue in catalogues.items():
        entries = []
        for entry in catalogue.entries:
            count = next((int(v) for k, v in sorted(entry.attributes.items())
                          if k in counts and v.isdigit()), None)
            if entry.price_usd is not None and count:
                entry = entry.model_copy(update={"price_usd": usd_of(count * rate.per_unit,
                                                                   rate.currency)})
            entries.append(entry)
        out[stem] = catalogue.model_copy(update={"entries": entries})
    return out


def stated_rate(texts: Iterable[str]) -> StatedRate | None:
    """The one rate the texts state (``100코인 = 1,000원`` → KRW 10 a coin); None when they
    state none or rates that disagree (by more than a cent in a hundred)."""
    found: list[StatedRate] = []
    for text in texts:
        for m in _pattern().finditer(text):
            count, sign, amount, unit = m.group(1, 3, 4, 5)
            code = currency_code(sign, unit)
            coins = float(count.replace(",", ""))
            if code is not None and coins > 0:
                found.append(StatedRate(code, float(amount.replace(",", "")) / coins))
    if not found or any(r.currency != found[0].currency
                        or abs(r.per_unit - found[0].per_unit) > found[0].per_unit / 100
                        for r in found):
        return None
    return found[0]


@cache
def _pattern() -> re.Pattern[str]:
    """``<count> <in-app currency word> [= : →] [sign] <amount> [unit]``."""
    money = load("properties")["money"]
    words = sorted(money["in_app_currency"], key=len, reverse=True)
    units = sorted({u for marks in money["currency_marks"].values()
                    for u in (*marks["after_number"], *marks["words"])}, key=len, reverse=True)
    signs = "|".join(re.escape(s) for s in sorted(_SIGNS, key=len, reverse=True))
    return re.compile(
        rf"{_NUMBER}\s*({'|'.join(map(re.escape, words))})(?![A-Za-z])\s*(?:=|＝|:|→|->|≈|for)?\s*"
        rf"(?:({signs})\s*)?{_NUMBER}\s*({'|'.join(map(re.escape, units))})?", re.IGNORECASE)


def currency_code(sign: str | None, unit: str | None) -> str | None:
    """The currency a money sign (``$``) or a unit after the number (``USD``, ``원``) names."""
    return _SIGNS.get(sign or "") or _unit_code(unit or "")


def money_pattern() -> str:
    """``[sign] <amount> [unit]`` (groups: sign, amount, unit), the plan's money marks."""
    money = load("properties")["money"]
    units = sorted({u for marks in money["currency_marks"].values()
                    for u in (*marks["after_number"], *marks["words"])}, key=len, reverse=True)
    signs = "|".join(re.escape(s) for s in sorted(_SIGNS, key=len, reverse=True))
    return rf"(?:({signs})\s*)?{_NUMBER}\s*({'|'.join(map(re.escape, units))})?"


def _unit_code(unit: str) -> str | None:
    for code, marks in load("properties")["money"]["currency_marks"].items():
        if unit in (*marks["after_number"], *marks["words"]):
            return str(code)
    return None


def usd_of(price: float, code: str) -> float:
    """A price in ``code`` as an entry's USD price: the USD twin of the currency's store tier
    within :data:`_TIER_SLACK` of it, else converted at the bundled FX table."""
    table = load_currencies().currencies
    points = table[code].points if code in table else ()
    usd_points = table["USD"].points
    near = [i for i, p in enumerate(points) if abs(p - price) <= price * _TIER_SLACK]
    if near and len(points) == len(usd_points):
        return usd_points[near[0]]
    return round(price * bundled_fx()[1].get(code, 1.0), 6)


def plan_texts(taxonomy: EventTaxonomy, product: ProductInfo) -> list[str]:
    """The plan's prose: the product's description, its events' and properties'."""
    props = (*taxonomy.properties, *taxonomy.common_properties, *taxonomy.user_properties)
    return [product.description, *(e.description for e in taxonomy.events),
            *(p.description for p in props)]


__all__ = ["StatedRate", "currency_code", "money_pattern", "plan_texts", "stated_rate",
           "usd_of", "with_stated_rates"]
