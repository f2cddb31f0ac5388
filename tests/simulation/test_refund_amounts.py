"""A refund gives back what was paid for its order, not the order's lines (issue 11).

The unseen food-delivery plan (tests/data/unseen/food_delivery): ``Order Refunded``
(``refund_value``) follows ``Order Placed`` (``grand_total`` = ``basket_value`` −
``promo_off`` + fees). Its refund showed the basket's lines: at 1,000 users x 30 days seed 3
one of its two refunds gave back 13,120 for an order paid 11,256. Edited to refund more
orders (``rate: 0.6``), every refund gives back its order's ``grand_total``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from demogen.validate import iter_records
from tests.data import DATA
from tests.simulation.generated_outputs import analysed_rules, generate_with_rules

FOOD = DATA / "unseen" / "food_delivery"
PAID, REFUND, KEY = "Order Placed", "Order Refunded", "order_ref"


def refunded_food(tmp: Path) -> list[dict[str, Any]]:
    """The plan with 60 % of orders refunded, 1,000 users x 14 days, seed 3: its records."""
    rules = analysed_rules(tmp, FOOD)
    assert rules["events"][REFUND]["follows"] == PAID
    rules["events"][REFUND]["rate"] = 0.6
    out = generate_with_rules(tmp, FOOD, "food", rules, users=1000, days=14, seed=3)
    return [r for _, _, r in iter_records(out) if r.get("#type") == "track"]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return refunded_food(tmp_path_factory.mktemp("food"))


def test_a_refund_gives_back_what_its_order_was_paid(records: list[dict[str, Any]]) -> None:
    paid: dict[tuple[str, str], dict[str, Any]] = {}
    given_back, discounted = [], 0
    for r in records:
        name, props = r["#event_name"].replace("_", " ").title(), r["properties"]
        order = (r["#distinct_id"], props.get(KEY))
        if name == PAID:
            paid[order] = props
        elif name == REFUND and order in paid:
            given_back.append((props["refund_value"], paid[order]["grand_total"]))
            discounted += paid[order]["promo_off"] > 0
    assert len(given_back) >= 20 and discounted >= 3, (len(given_back), discounted)
    assert [(x, total) for x, total in given_back if x != total] == []
