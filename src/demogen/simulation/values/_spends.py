"""An amount an event takes from a balance fits the balance (a gift costs coins the user has).

Rules' ``update_patterns`` say ``gift_send`` takes ``{{gift_coins}}`` from ``coin_balance``;
drawn freely, a 2,999-coin gift came after a 60-coin pack and the balance stopped at 0
(29 of 133 gifts). The amount is drawn again, a few times, until it is at most what the
user holds; a user who holds too little for any draw spends the smallest amount drawn (the
balance then stops at 0, as before). Only a plain decrement (no ``when``/``reverse_when``)
is read: a flow whose direction a value picks is the update's concern.
"""

from __future__ import annotations

from typing import Any

from demogen.analysis.rules import Rules
from demogen.simulation._context import UserContext
from demogen.simulation.values._draw import Sampler
from demogen.vocab import UpdateType

#: Draws before the smallest one is kept: enough for a coin enum to find an affordable gift.
TRIES = 8


def spent_balance(rules: Rules, event: str, prop: str) -> str | None:
    """The balance ``event`` takes ``prop``'s amount from, if it does."""
    for balance, rule in rules.update_patterns.get(event, {}).items():
        if rule.type is UpdateType.DECREMENT and not rule.when and not rule.reverse_when \
                and rule.value == f"{{{{{prop}}}}}":
            return balance
    return None


def affordable(balance: str, draw: Sampler) -> Sampler:
    """``draw`` again until the amount is at most the user's ``balance``."""

    def within(u: UserContext, v: dict[str, Any], t: str) -> Any:
        held = u.state.get(balance)
        first = draw(u, v, t)
        if not isinstance(held, int | float) or not isinstance(first, int | float) \
                or first <= held:
            return first
        smallest = first
        for _ in range(TRIES - 1):
            x = draw(u, v, t)
            if x <= held:
                return x
            smallest = min(smallest, x)
        return smallest

    return within


__all__ = ["affordable", "spent_balance"]
