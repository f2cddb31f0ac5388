"""Amounts of an in-app currency: a price in coins is no price in a market's money.

A number whose description names an in-app currency (``episode_price``: "유료 회차의 코인
가격 (0~4)", "price in gems", "金币价格") counts that currency: it keeps the plan's range in
whole coins and is no ``monetary_properties`` amount (which a run draws at the store tiers of
the user's money, KRW 1,200 … on a 0~4 coin price). A description that also names market
money (``1,000원``, ``USD``, "real money", 결제 금액) is money. Words:
``heuristic_properties.yaml`` money.in_app_currency, money.in_app_market_desc,
money.currency_marks.
"""

from __future__ import annotations

import re

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import contains_any, norm


def currencies_marked(text: str) -> set[str]:
    """The currencies a text writes amounts in: ``1,000원`` → KRW, ``USD``, ``€``."""
    found = set()
    for code, marks in load("properties")["money"]["currency_marks"].items():
        after = "|".join(re.escape(m) for m in marks["after_number"])
        words = "|".join(re.escape(m) for m in marks["words"])
        if (after and re.search(rf"\d\s*(?:{after})", text)) or \
                (words and re.search(rf"(?<![A-Za-z])(?:{words})(?![A-Za-z])", text)):
            found.add(code)
    return found


def priced_in_app(description: str) -> bool:
    """A number described as an amount of an in-app currency and not of market money."""
    words = load("properties")["money"]
    said = norm(description)
    return contains_any(said, words["in_app_currency"]) and not (
        contains_any(said, words["in_app_market_desc"]) or currencies_marked(description))


__all__ = ["currencies_marked", "priced_in_app"]
