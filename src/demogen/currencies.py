"""The currency data every part of demogen shares: FX rates and per-currency money facts.

``data/locale/fx.yaml``: US dollars per unit of each currency (the defaults of Rules'
``money.fx``); ``data/locale/currencies.yaml``: decimals, store tiers, basket sizes,
shipping and tax per currency. The simulation draws amounts from them, the report converts
revenue with them and validate checks records against them.
"""

from __future__ import annotations

import functools
import math
import re
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
    frac = raw["discount_fraction"]
    return CurrencyTable(table, tuple(float(w) for w in raw["tier_weights"]), raw["industries"],
                         {k: float(v) for k, v in raw["amount_parts"].items()},
                         (float(frac["min"]), float(frac["max"])))


def currency_in_name(name: str) -> str | None:
    """The currency a property's name carries (``price_usd`` → USD, ``amountKrw`` → KRW):
    a word of the name that is a code of ``currencies.yaml``."""
    words = _WORDS.findall(_CAMEL.sub("_", name))
    codes = load_currencies().currencies
    return next((w.upper() for w in words if w.upper() in codes), None)


def _yaml(name: str) -> Any:
    node = resources.files("demogen").joinpath("data", "locale", name)
    return yaml.safe_load(node.read_text(encoding="utf-8"))


__all__ = ["CurrencyInfo", "CurrencyTable", "bundled_fx", "currency_in_name", "load_currencies"]
