"""Spending a currency that only purchases bring in needs a purchase first.

A short-video app's coins come from coin packs bought in the store and go on gifts; drawn
freely, 580 of 588 gift senders had never bought a coin. Where every update pattern adding
to a balance is a revenue event (``coin_purchase`` adds ``coin_amount`` to ``coin_balance``)
and others take from it (``gift_send`` takes ``gift_coins``), the taking events get the
buying ones as prerequisites (Rules ``event_constraints.prerequisites``). A balance that
something free also fills (a daily reward, a quest's gold) is left alone.
"""

from __future__ import annotations

from demogen.analysis.rules import UpdateRule
from demogen.vocab import UpdateType


def paid_spend_prerequisites(patterns: dict[str, dict[str, UpdateRule]],
                             revenue: tuple[str, ...] | list[str]) -> dict[str, list[str]]:
    """Spending event → the purchases that bring in what it spends."""
    gains: dict[str, list[str]] = {}
    spends: dict[str, list[str]] = {}
    for event, pattern in patterns.items():
        for balance, rule in pattern.items():
            if rule.type is UpdateType.INCREMENT and not rule.reverse_when:
                gains.setdefault(balance, []).append(event)
            elif rule.type is UpdateType.DECREMENT:
                spends.setdefault(balance, []).append(event)
    out: dict[str, list[str]] = {}
    for balance, takers in spends.items():
        bought = gains.get(balance, [])
        if not bought or any(e not in revenue for e in bought):
            continue
        for taker in takers:
            if taker not in revenue:
                out.setdefault(taker, [])
                out[taker] += [e for e in bought if e not in out[taker]]
    return out


__all__ = ["paid_spend_prerequisites"]
