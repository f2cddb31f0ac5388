"""The analyzer's share of orders paid in a later session (Rules ``events.<revenue>.
later_share``): where the step before the purchase hands in an order (submit_order →
pay_order), not where it tries a payment, nor in a game's shop (the store charges at once),
nor where one event is the order and its payment (begin_checkout → purchase)."""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.analysis.rules import Rules
from tests.corpus import SHARED, corpus
from tests.data import ORDER_QUEST_PLAN
from tests.simulation.generated_outputs import EXAMPLES, analysed


def _later(plan: Path) -> dict[str, float]:
    rules: Rules = analysed(plan)[2]
    return {e: spec.later_share for e, spec in rules.events.items() if spec.later_share}


@corpus
def test_a_shop_whose_order_is_submitted_then_paid_pays_some_later() -> None:
    later = _later(SHARED / "kr-xlsx" / "te_data_generator__ecommerce-tracking-plan.xlsx")
    assert later == {"pay_order": pytest.approx(0.12)}


@pytest.mark.parametrize("plan", [ORDER_QUEST_PLAN, EXAMPLES / "ecommerce", EXAMPLES / "game"],
                         ids=["game_shop_order", "checkout_is_the_order", "game"])
def test_orders_paid_at_once_get_no_share(plan: Path) -> None:
    assert _later(plan) == {}
