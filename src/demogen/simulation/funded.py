"""Spending a bought currency needs coins held, bought in the window or before it.

Rules make a gift need a coin pack bought first (``event_constraints.prerequisites:
{gift_send: [coin_purchase]}``, written where only purchases fill the balance a gift takes
from). An existing user arrives with coins bought before the window (their ``coin_balance``
drawn from the plan's range) and may gift without buying again; a new user starts at 0 and
still buys first. So where every prerequisite of a spending event adds to the balance it
takes from, holding some of that balance stands in for the prerequisites.
"""

from __future__ import annotations

from demogen.analysis.rules import Rules, UpdateRule
from demogen.vocab import UpdateType


def funded_spends(rules: Rules, prerequisites: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Spending event → the balance whose coins stand in for its prerequisites."""
    patterns = rules.update_patterns
    out: dict[str, str] = {}
    for event, before in prerequisites.items():
        for balance, rule in patterns.get(event, {}).items():
            if rule.type is UpdateType.DECREMENT and before and all(
                    _fills(patterns.get(b, {}).get(balance)) for b in before):
                out[event] = balance
                break
    return out


def _fills(rule: UpdateRule | None) -> bool:
    """A plain increment (no direction picked by a value: a transaction type)."""
    return rule is not None and rule.type is UpdateType.INCREMENT and not rule.reverse_when


__all__ = ["funded_spends"]
