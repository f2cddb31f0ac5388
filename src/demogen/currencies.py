"""The currency data every part of demogen shares: FX rates and per-currency money facts.

``data/locale/fx.yaml``: US dollars per unit of each currency (the defaults of Rules'
``money.fx``); ``data/locale/currencies.yaml``: decimals, store tiers, basket sizes,
shipping and tax per currency. The simulation draws amounts from them, the report converts
revenue with them and validate checks records against them.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORDS = re.compile(r"[A-Za-z]+")


@functools.cache
def bundled_fx() -> tuple[str, dict[str, float]]:
    """The shipped FX table (``data/locale/fx.yaml``): its date and USD per unit."""
    data = _yaml("fx.yaml")
    return str(data["as_of"]), {str(k): float(v) for k, v in data["usd_per_unit"].items()}


@dataclass(frozen=True, slots=True)
class CurrencyInfo:
    code: str
    decimals: int
    points: tuple[float, ...]
    aov: float
    shipping: float = 0.0
    free_shipping_over: float = math.inf
    tax_rate: float = 0.0

    def money(self, x: float) -> int | float:
        """``x`` with the currency's decimals (KRW 5900, USD 4.99)."""
        return round(x) if self.decimals == 0 else round(x, self.decimals)


@dataclass(frozen=True, slots=True)
class CurrencyTable:
    """``currencies.yaml``: per-currency tiers and baskets, and how industries draw."""

    currencies: dict[str, CurrencyInfo]
    tier_weights: tuple[float, ...]
    industries: dict[str, Any]
    parts: dict[str, float]
    discount: tuple[float, float]
    #: A tip: the share of orders with one, its least and most share of the lines, and the
    #: unit it is rounded to in a currency without decimals.
    tip: tuple[float, float, float, int]


@functools.cache
def load_currencies() -> CurrencyTable:
    """``data/locale/currencies.yaml``, read once."""
    raw = _yaml("currencies.yaml")
    table = {
        code: CurrencyInfo(code, int(c["decimals"]), tuple(float(p) for p in c["price_points"]),
                           float(c["aov"]), float(c.get("shipping", 0.0)),
                           float(c.get("free_shipping_over", math.inf)),
                           float(c.get("tax_rate", 0.0)))
        for code, c in raw["currencies"].items()
    }
    frac, tip = raw["discount_fraction"], raw["tip"]
    return CurrencyTable(table, tuple(float(w) for w in raw["tier_weights"]), raw["industries"],
                         {k: float(v) for k, v in raw["amount_parts"].items()},
                         (float(frac["min"]), float(frac["max"])),
                         (float(tip["share"]), float(tip["min"]), float(tip["max"]),
                          int(tip["round_zero_decimals"])))


def currency_in_name(name: str) -> str | None:
    """The currency a property's name carries (``price_usd`` → USD, ``amountKrw`` → KRW):
    a word of the name that is a code of ``currencies.yaml``."""
    words = _WORDS.findall(_CAMEL.sub("_", name))
    codes = load_currencies().currencies
    return next((w.upper() for w in words if w.upper() in codes), None)


@functools.cache
def unit_in_name(name: str) -> tuple[str, int] | None:
    """The currency unit a word of ``name`` names (``commodity_jiao`` → CNY, 10 per yuan;
    ``currencies.yaml``' ``unit_words``), or None."""
    units = _yaml("currencies.yaml").get("unit_words", {})
    for word in _WORDS.findall(_CAMEL.sub("_", name).lower()):
        if word in units:
            return str(units[word]["currency"]), int(units[word]["per"])
    return None


def in_unit(x: float, code: str, unit: tuple[str, int], fx: Mapping[str, float]
            ) -> int | float:
    """``x`` of currency ``code`` shown in ``unit`` (a currency and how many make one):
    converted at ``fx``; whole numbers for a minor unit (jiao), the currency's decimals
    else."""
    target, per = unit
    info = load_currencies().currencies.get(target)
    value = x * fx.get(code.upper(), 1.0) / fx.get(target, 1.0)
    if per > 1:
        return round(value * per)
    return info.money(value) if info is not None else round(value, 2)


def industry_mode(industry: str) -> dict[str, Any]:
    """How ``industry`` draws amounts (``currencies.yaml``' ``industries``: store tiers, or
    baskets around an average order value); the first key found in the name, else
    ``default``."""
    industries = load_currencies().industries
    key = next((k for k in industries if k != "default" and k in industry.lower()), "default")
    mode: dict[str, Any] = industries[key]
    return mode


def amount_part(normalized_name: str) -> float:
    """The share of a basket an amount named so is (``currencies.yaml``' ``amount_parts``:
    a unit price is half a basket; 1.0 for the basket itself)."""
    parts = load_currencies().parts
    return next((f for word, f in parts.items() if word in normalized_name), 1.0)


def is_unit_price(normalized_name: str) -> bool:
    """Whether an amount named so is one thing's price (``original_price``), not a line or
    an order (``order_amount``): a quantity multiplies the first, not the second."""
    return amount_part(normalized_name) == load_currencies().parts.get("price")


def three_digits(x: float) -> int:
    """A whole-unit amount as shops write it: KRW 38,742 → 38,700 (three significant
    digits above 999)."""
    digits = int(math.log10(x)) + 1 if x >= 1 else 1
    return int(round(x, -(digits - 3))) if digits > 3 else round(x)


def local_price(usd: float, code: str, fx: Mapping[str, float]) -> int | float:
    """A USD price (a catalogue entry's) in currency ``code``: the matching store tier
    (USD 4.99 → KRW 5,900), else converted at ``fx`` (USD per unit) as shops write prices
    (whole-unit currencies in three significant digits)."""
    table = load_currencies().currencies
    info = table.get(code.upper(), table["USD"])
    usd_points = table["USD"].points
    if usd in usd_points and len(info.points) == len(usd_points):
        return info.money(info.points[usd_points.index(usd)])
    x = usd / fx.get(code.upper(), 1.0)
    return three_digits(x) if info.decimals == 0 else info.money(x)


def tier_twin(x: float, source: str, target: str, fx: Mapping[str, float]) -> float | None:
    """The ``target`` store tier matching ``source``'s tier ``x`` (KRW 1,200 → USD 0.99), or
    None: ``x`` is no tier, or its twin is the same number in a currency worth another
    amount at ``fx`` (GBP 4.99 is no EUR 4.99 but about EUR 6.00: such a twin would copy
    the amount, so the amount is converted at the FX table instead)."""
    table = load_currencies().currencies
    if source not in table or target not in table:
        return None
    mine, theirs = table[source].points, table[target].points
    if x not in mine or len(theirs) != len(mine):
        return None
    twin = theirs[mine.index(x)]
    rate_source, rate_target = fx.get(source, 1.0), fx.get(target, 1.0)
    if twin == x and abs(rate_source - rate_target) > 0.01 * max(rate_source, rate_target):
        return None
    return twin


def unit_price_usd(mode: Mapping[str, Any], u: float) -> float:
    """One thing's USD price from a uniform number in [0, 1) (a seeded draw, or a hash
    of the thing's id): a store tier at ``tier_weights`` for tier industries, else a
    lognormal unit price around half the USD basket (ending in .99)."""
    table = load_currencies()
    if mode.get("mode") != "aov":
        weights = table.tier_weights
        cum = list(itertools.accumulate(weights))
        k = bisect.bisect_right(cum, u * cum[-1])
        return table.currencies["USD"].points[min(k, len(weights) - 1)]
    sigma = float(mode.get("sigma", 0.7))
    mean = table.currencies["USD"].aov * float(mode.get("scale", 1.0)) * \
        table.parts.get("price", 0.5)
    z = statistics.NormalDist().inv_cdf(min(max(u, 1e-6), 1 - 1e-6))
    x = math.exp(math.log(mean) - sigma * sigma / 2.0 + sigma * z)
    return math.floor(x) + 0.99 if x >= 1 else round(x, 2)


def _yaml(name: str) -> Any:
    node = resources.files("demogen").joinpath("data", "locale", name)
    return yaml.safe_load(node.read_text(encoding="utf-8"))


__all__ = ["CurrencyInfo", "CurrencyTable", "amount_part", "bundled_fx", "currency_in_name",
           "industry_mode", "is_unit_price", "load_currencies", "local_price", "three_digits",
           "tier_twin", "unit_price_usd"]
