"""An amount an event takes from a balance fits the balance (a gift costs coins the user has).

Rules' ``update_patterns`` say ``gift_send`` takes ``{{gift_coins}}`` from ``coin_balance``;
drawn freely, a 2,999-coin gift came after a 60-coin pack and the balance stopped at 0
(29 of 133 gifts). The amount is drawn again, a few times, until it is at most what the
user holds; a user who holds too little for any draw spends the smallest amount drawn (the
balance then stops at 0, as before). Only a plain decrement (no ``when``/``reverse_when``)
is read: a flow whose direction a value picks is the update's concern.

A spend the user still cannot cover is withheld (``uncovered``: the engine writes no record
and no move): the balance floored at 0 before, so a ``coin_use`` of 3 coins by a user
holding 2 showed ``coin_balance_after`` 0 (98 of 7,427 at 1,000 × 14 seed 3). A user short
of coins buys nothing; the read that follows shows another way (free, wait, ticket).

A use of a consumable takes a fixed amount (``boost_activated`` takes 1 from
``boosts_balance``, a balance of Rules kind ``balance``): a use the balance does not hold is
withheld the same way, so uses are what packs bought (or the balance held before the window)
gave. Sparkd (300 × 10 seed 3) used 3,022 boosts and 2,996 Super Likes against 6 purchases.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.rules import Rules
from demogen.simulation._context import UserContext
from demogen.simulation.state import Conditions, conditions_hold, update_conditions
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


#: Per spending event: the balances it takes an amount from, the amount (its property's
#: name, or a fixed number), and when (``token_consume`` takes ``current_gold`` when its
#: ``token_id`` is ``gold``).
Spend = tuple[str, str | float, Conditions]
Spends = dict[str, tuple[Spend, ...]]


def spend_amounts(rules: Rules) -> Spends:
    """Event → (balance, amount, conditions) for each ``{{prop}}`` decrement it makes (not
    one a value turns round: ``reverse_when``), of an amount that is no money: a refund
    taking its money back from a lifetime total (``total_spent``) spends nothing; and for
    each fixed decrement of a balance (a consumable's use: ``boosts_balance`` less 1; not a
    count such as ``order_count`` less 1 on a cancel, nor stamina, which refills)."""
    out: Spends = {}
    money = rules.monetary_properties
    for event, pattern in sorted(rules.update_patterns.items()):
        found = tuple((balance, amount, update_conditions(rule.when))
                      for balance, rule in sorted(pattern.items())
                      if rule.type is UpdateType.DECREMENT and not rule.reverse_when
                      and (amount := _amount(rule.value) or _fixed(rules, balance, rule.value))
                      is not None and amount not in money)
        if found:
            out[event] = found
    return out


def uncovered(amounts: tuple[Spend, ...], state: Mapping[str, Any],
              props: Mapping[str, Any]) -> bool:
    """Whether a spend costs more of a balance it moves than the user holds (``state``:
    before the event's moves)."""
    for balance, prop, when in amounts:
        held, amount = state.get(balance), props.get(prop) if isinstance(prop, str) else prop
        if isinstance(held, int | float) and isinstance(amount, int | float) \
                and not isinstance(amount, bool) and amount > held \
                and (not when or conditions_hold(when, props)):
            return True
    return False


#: Per event filling a consumable's balance: (balance, amount property, conditions, the
#: balance's top: Rules ``value_ranges``).
Fills = dict[str, tuple[tuple[str, str, Conditions, float], ...]]


def fill_amounts(rules: Rules, spends: Spends) -> Fills:
    """Event → the increments of ``{{prop}}`` it makes to a consumable's balance (one a
    fixed use spends: ``purchase_completed`` adds ``{{quantity}}`` to ``boosts_balance``)
    that has a top. A pack that would fill it past the top is not bought: the balance is
    held there, so 10 of 75 packs (Sparkd, 300 × 10 seed 3, every user a spender) gave
    fewer boosts than their ``quantity`` (``boost_10`` bought holding 5 left 10)."""
    used = {balance for amounts in spends.values() for balance, amount, _ in amounts
            if not isinstance(amount, str)}
    out: Fills = {}
    for event, pattern in sorted(rules.update_patterns.items()):
        found = tuple((balance, prop, update_conditions(rule.when), top.max)
                      for balance, rule in sorted(pattern.items())
                      if balance in used and rule.type is UpdateType.INCREMENT
                      and not rule.reverse_when and (prop := _amount(rule.value)) is not None
                      and (top := rules.value_ranges.get(balance)) is not None)
        if found:
            out[event] = found
    return out


def overfilled(fills: tuple[tuple[str, str, Conditions, float], ...],
               state: Mapping[str, Any], props: Mapping[str, Any]) -> bool:
    """Whether a fill adds more to a consumable's balance than its top leaves room for."""
    for balance, prop, when, top in fills:
        held, amount = state.get(balance), props.get(prop)
        if isinstance(held, int | float) and isinstance(amount, int | float) \
                and not isinstance(amount, bool) and held + amount > top \
                and (not when or conditions_hold(when, props)):
            return True
    return False


def _fixed(rules: Rules, balance: str, value: Any) -> float | None:
    """A fixed amount taken from a property of Rules kind ``balance``, else None."""
    spec = rules.properties.get(balance)
    if spec is None or spec.kind != "balance" or isinstance(value, bool) \
            or not isinstance(value, int | float) or value <= 0:
        return None
    return float(value)


def _amount(value: Any) -> str | None:
    """``{{coin_amount}}`` → ``coin_amount``; any other value → None."""
    if isinstance(value, str) and value.startswith("{{") and value.endswith("}}"):
        return value[2:-2]
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


__all__ = ["Fills", "Spend", "Spends", "affordable", "fill_amounts", "overfilled", "spend_amounts",
           "spent_balance", "uncovered"]
