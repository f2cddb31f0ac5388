"""validate's money check: a refund gives back at most what its order was paid (issue 11).

The food-delivery plan edited to refund 60 % of orders (tests/simulation/
test_refund_amounts.py) validates clean; a refund raised by hand to 10 % above its order's
payment is reported, exactly that one (1 % is left for a total shown rounded).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.validate.coherence._money import MoneyChecker
from tests.data import DATA
from tests.simulation.generated_outputs import analysed_rules, generate_with_rules
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

FOOD = DATA / "unseen" / "food_delivery"


@pytest.fixture(scope="module")
def food(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("food")
    rules = analysed_rules(tmp, FOOD)
    rules["events"]["Order Refunded"]["rate"] = 0.6
    return generate_with_rules(tmp, FOOD, "food", rules, users=600, days=14, seed=3)


def test_refunds_of_the_generated_output_are_no_finding(food: Path) -> None:
    assert findings(food, MoneyChecker, food) == []


def test_a_refund_above_the_payment_is_reported(food: Path, tmp_path: Path) -> None:
    output = Output(food)
    paid = {(r["#distinct_id"], r["properties"]["order_ref"]): r["properties"]
            for _, _, r in output.records() if r.get("#event_name") == "order_placed"}
    name, index, refund = output.find(
        lambda r: r.get("#event_name") == "order_refunded"
        and (r["#distinct_id"], r["properties"]["order_ref"]) in paid)
    order = paid[refund["#distinct_id"], refund["properties"]["order_ref"]]
    broken = output.copy()
    raised = round(order["grand_total"] * 1.1)     # 10 % above what was paid
    broken.files[name][index]["properties"]["refund_value"] = raised
    problems = findings(broken.write(tmp_path / "out"), MoneyChecker, food)
    assert len(problems) == 1 and "order_refunded gives back" in problems[0] \
        and f"paid {order['grand_total']:g}" in problems[0], problems
