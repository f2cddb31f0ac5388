"""A plan's money range written in US dollars keeps store tiers in every currency (issue 11).

The unseen language-learning plan declares ``price`` 0.99-99.99 beside a currency of USD,
EUR, BRL, JPY, KRW or GBP. Read in won, that range held no KRW tier, so Korean subscribers
paid KRW 5-74 (1,000 users x 30 days, seed 3).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from demogen.simulation.values._money import Money


@dataclass
class _User:
    rnd: random.Random = field(default_factory=lambda: random.Random(7))


def _drawn(money: Money, code: str, lo: float, hi: float) -> set[float]:
    draw, user = money.for_currency("price", lo, hi, code), _User()
    return {draw(user, {}, "") for _ in range(300)}  # type: ignore[arg-type]


def test_a_usd_range_holds_the_matching_tiers_of_a_whole_unit_currency() -> None:
    money = Money("education")

    assert _drawn(money, "KRW", 0.99, 99.99) <= set(money.currency("KRW").points)
    assert _drawn(money, "JPY", 0.99, 9.99) <= {160, 300, 800, 1500}
    assert _drawn(money, "USD", 0.99, 99.99) <= set(money.currency("USD").points)


def test_a_range_below_every_tier_is_still_drawn_in_range() -> None:
    """Ad revenue of 0.01-0.37 holds no tier in any currency: it stays in its range."""
    assert all(0.01 <= x <= 0.37 for x in _drawn(Money("education"), "KRW", 0.01, 0.37))
