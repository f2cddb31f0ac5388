"""Money amounts that agree with their currency (``data/locale/currencies.yaml``).

Games and apps sell store tiers (USD 4.99, KRW 5,900, JPY 610 …); shops sell baskets
(lognormal around an average order value). Either way the amount is drawn *for the
currency the event carries*, so ``value`` and ``currency`` always agree.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from demogen.analysis.heuristic.values.names import normalize
from demogen.simulation._context import UserContext
from demogen.simulation.values import _inverse as inverse
from demogen.simulation.values._draw import Sampler, normalized
from demogen.simulation.values._numeric import NumberSpec, number_sampler

CurrencyOf = Callable[[UserContext, dict[str, Any]], str]

_CODE_IN_NAME = re.compile(r"(^|_)(usd|krw|jpy|eur|gbp|twd|thb|vnd|idr|brl|cny)(_|$)")


@dataclass(frozen=True, slots=True)
class CurrencyInfo:
    code: str
    decimals: int
    points: tuple[float, ...]
    aov: float


@functools.cache
def load_currencies() -> tuple[dict[str, CurrencyInfo], tuple[float, ...], dict[str, Any],
                               dict[str, float]]:
    node = resources.files("demogen").joinpath("data", "locale", "currencies.yaml")
    raw = yaml.safe_load(node.read_text(encoding="utf-8"))
    table = {
        code: CurrencyInfo(code, int(c["decimals"]), tuple(float(p) for p in c["price_points"]),
                           float(c["aov"]))
        for code, c in raw["currencies"].items()
    }
    return (table, tuple(float(w) for w in raw["tier_weights"]), raw["industries"],
            {k: float(v) for k, v in raw["amount_parts"].items()})


def currency_in_name(name: str) -> str | None:
    """``price_usd`` → ``USD``."""
    m = _CODE_IN_NAME.search(normalize(name))
    return m.group(2).upper() if m else None


def known_currencies() -> frozenset[str]:
    """The ISO codes of ``currencies.yaml`` (upper case)."""
    return frozenset(load_currencies()[0])


class Money:
    """Builds amount samplers for one product (its industry picks tiers or baskets)."""

    def __init__(self, industry: str):
        table, weights, industries, parts = load_currencies()
        self._table = table
        self._weights = weights
        self._parts = parts
        key = next((k for k in industries if k != "default" and k in industry.lower()), "default")
        self.mode: dict[str, Any] = industries[key]

    def amount_sampler(self, name: str, currency_of: CurrencyOf,
                       lo: float | None = None, hi: float | None = None) -> Sampler:
        """Amounts for property ``name`` in the currency ``currency_of`` picks, in [lo, hi]."""
        per_currency: dict[str, Sampler] = {}
        make = functools.partial(self._for_currency, name, lo, hi)

        def amount(u: UserContext, v: dict[str, Any], t: str) -> Any:
            code = currency_of(u, v)
            inner = per_currency.get(code)
            if inner is None:
                inner = per_currency[code] = make(code)
            return inner(u, v, t)

        return amount

    def currency(self, code: str) -> CurrencyInfo:
        return self._table.get(code.upper(), self._table["USD"])

    def _for_currency(self, name: str, lo: float | None, hi: float | None, code: str) -> Sampler:
        info = self.currency(code)
        low = -math.inf if lo is None else lo
        high = math.inf if hi is None else hi
        if self.mode.get("mode") == "aov":
            return self._basket(name, info, low, high)
        points = [(p, w) for p, w in zip(info.points, self._weights, strict=False)
                  if low <= p <= high]
        if not points:  # the range excludes every tier (ad revenue of 0.01-0.37): draw in range
            return _range_fallback(info, low, high)
        values = tuple(_number(p, info.decimals) for p, _ in points)
        cum = normalized(tuple(itertools.accumulate(w for _, w in points)))
        bis = bisect.bisect_right
        return lambda u, v, t: values[bis(cum, u.rnd.random())]

    def _basket(self, name: str, info: CurrencyInfo, low: float, high: float) -> Sampler:
        norm = normalize(name)
        part = next((f for word, f in self._parts.items() if word in norm), 1.0)
        scale = float(self.mode.get("scale", 1.0))
        sigma = float(self.mode.get("sigma", 0.7))
        mu = math.log(info.aov * scale * part) - sigma * sigma / 2.0  # mean = aov * scale * part
        decimals = info.decimals
        unit_price = part == self._parts.get("price") and decimals == 2
        if low > -math.inf and high < math.inf and not (low <= math.exp(mu) <= high):
            return _range_fallback(info, low, high)

        # lognormal, redrawn up to 4 times until it lands in [low, high], then clipped:
        # through its inverse-CDF table (one random() a draw)
        table = inverse.quantiles(inverse.clipped_lognormal_grid(mu, sigma, low, high, 4))

        def basket(u: UserContext, v: dict[str, Any], t: str) -> Any:
            x = min(max(table(u.rnd.random()), low), high)
            if decimals == 0:  # KRW 38,742 -> 38,700: three significant digits
                digits = int(math.log10(x)) + 1 if x >= 1 else 1
                n = int(round(x, -(digits - 3))) if digits > 3 else round(x)
                if low > -math.inf:
                    n = max(n, math.ceil(low))
                if high < math.inf:
                    n = min(n, math.floor(high))
                return n
            if unit_price and x >= 1:  # shop prices end in .99
                y = math.floor(x) + 0.99
                x = y if y <= high else x
            return round(x, 2)

        return basket


def _number(x: float, decimals: int) -> int | float:
    return round(x) if decimals == 0 else round(x, decimals)


def _range_fallback(info: CurrencyInfo, low: float, high: float) -> Sampler:
    lo = 0.0 if low == -math.inf else low
    hi = lo + 100.0 if high == math.inf else high
    integer = info.decimals == 0 and math.ceil(lo) <= math.floor(hi)
    return number_sampler(NumberSpec(lo, hi, "log" if hi - lo > 1000 else "low", integer,
                                     decimals=max(info.decimals, 2)))
