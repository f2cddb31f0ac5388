"""Which spends coins held stand in for a purchase (simulation/funded.py)."""

from __future__ import annotations

from demogen.analysis.rules import Rules, UpdateRule
from demogen.simulation.funded import funded_spends
from demogen.vocab import UpdateType


def _rules(patterns: dict[str, dict[str, UpdateRule]]) -> Rules:
    return Rules(update_patterns=patterns)


def _rule(kind: UpdateType, value: str, **extra: object) -> UpdateRule:
    return UpdateRule(type=kind, value=value, **extra)


def test_a_gift_needing_a_pack_is_funded_by_the_coins_the_pack_fills() -> None:
    rules = _rules({
        "coin_purchase": {"coin_balance": _rule(UpdateType.INCREMENT, "{{coin_amount}}")},
        "gift_send": {"coin_balance": _rule(UpdateType.DECREMENT, "{{gift_coins}}")},
    })
    assert funded_spends(rules, {"gift_send": ("coin_purchase",)}) == {
        "gift_send": "coin_balance"}


def test_a_prerequisite_filling_nothing_the_event_spends_is_no_funding() -> None:
    rules = _rules({
        "coin_purchase": {"coin_balance": _rule(UpdateType.INCREMENT, "{{coin_amount}}")},
        "gift_send": {"coin_balance": _rule(UpdateType.DECREMENT, "{{gift_coins}}")},
        "login": {"login_count": _rule(UpdateType.INCREMENT, "1")},
    })
    # one prerequisite (sign_up) moves no coins: holding coins does not stand in for it
    assert funded_spends(rules, {"gift_send": ("coin_purchase", "sign_up"),
                                 "login": ("sign_up",)}) == {}
    # a flow whose direction a value picks (gain / spend) is no plain fill
    flow = _rules({
        "currency_flow": {"gold": _rule(UpdateType.INCREMENT, "{{amount}}",
                                        reverse_when={"type": ["spend"]})},
        "shop_buy": {"gold": _rule(UpdateType.DECREMENT, "{{cost}}")},
    })
    assert funded_spends(flow, {"shop_buy": ("currency_flow",)}) == {}
