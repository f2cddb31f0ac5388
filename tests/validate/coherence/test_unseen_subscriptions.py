"""The unseen fintech plan's subscription charges survive a drill-down (issue 11).

tests/data/unseen/fintech_subscription (CSV, nobody tuned the generator on it) at 1,000 users
x 14 days, seed 3, as measured before:

- ``plan_charge_ok`` (the store charged the plan) was no purchase: drawn freely, 11,418
  charges for 2,391 checkouts, revenue read from ``plan_renewed``; it is the purchase now,
  converting from the checkout as a payment attempt does, and a renewal only follows a
  charge of the same user;
- ``charged_total_eur`` ("the charged amount converted to EUR") copied a USD/GBP
  ``charged_total`` (7,618 of 10,877 non-EUR charges: the store tier "twin" of 4.99 is
  4.99 in every one of the three); it is the amount at Rules' ``money.fx`` now;

and validate's money check reports such a copy.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence._money import MoneyChecker
from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

FINTECH = DATA / "unseen" / "fintech_subscription"


@pytest.fixture(scope="module")
def fintech(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(FINTECH, tmp_path_factory.mktemp("fintech") / "out", users=1000, days=14,
                    seed=3)


def _tracked(g: Generated, name: str) -> list[dict[str, Any]]:
    return [r for r in g.records if r.get("#event_name") == name]


def test_the_charge_is_the_purchase_and_converts_from_the_checkout(fintech: Generated) -> None:
    counts = Counter(r.get("#event_name") for r in fintech.records)
    checkouts, charges = counts["plan_checkout"], counts["plan_charge_ok"]

    assert fintech.rules.event_roles.revenue == ["plan_charge_ok"]
    assert checkouts >= 10, counts
    assert 0.6 <= charges / checkouts <= 0.95, (checkouts, charges)
    assert counts["plan_charge_declined"] < charges, counts


def test_a_renewal_follows_a_charge_of_the_same_user(fintech: Generated) -> None:
    renewals = 0
    for timeline in fintech.timelines.values():
        charged = False
        for record in timeline:
            name = record.get("#event_name")
            charged = charged or name == "plan_charge_ok"
            if name == "plan_renewed":
                renewals += 1
                assert charged, record
    charges = len(_tracked(fintech, "plan_charge_ok"))
    assert 0 < renewals <= charges


def test_an_amount_named_in_euros_is_the_charge_at_the_fx_table(fintech: Generated) -> None:
    fx = fintech.rules.money.fx
    foreign = 0
    for record in _tracked(fintech, "plan_charge_ok"):
        p = record["properties"]
        want = p["charged_total"] * fx[p["charge_currency"]] / fx["EUR"]
        assert abs(p["charged_total_eur"] - want) <= 0.011, p
        foreign += p["charge_currency"] != "EUR"
    assert foreign >= 5


def test_a_euro_amount_copying_a_foreign_charge_is_reported(fintech: Generated,
                                                            tmp_path: Path) -> None:
    assert findings(fintech.out, MoneyChecker, fintech.out) == []
    output = Output(fintech.out)
    name, index, _ = output.find(
        lambda r: r.get("#event_name") == "plan_charge_ok"
        and r["properties"]["charge_currency"] != "EUR")
    broken = output.copy()
    props = broken.files[name][index]["properties"]
    props["charged_total_eur"] = props["charged_total"]

    problems = findings(broken.write(tmp_path / "out"), MoneyChecker, fintech.out)

    assert len(problems) == 1 and f"{name}:{index + 1}:" in problems[0], problems
    assert "charged_total_eur" in problems[0]


def test_a_store_tier_copied_into_a_currency_worth_more_is_reported(fintech: Generated,
                                                                    tmp_path: Path) -> None:
    """USD 4.99 and EUR 4.99 are both store tiers (``currencies.yaml``); a USD charge of
    4.99 shown as EUR 4.99 is still a copy, not its conversion (about EUR 4.80)."""
    output = Output(fintech.out)
    name, index, _ = output.find(
        lambda r: r.get("#event_name") == "plan_charge_ok"
        and r["properties"]["charge_currency"] == "USD")
    broken = output.copy()
    props = broken.files[name][index]["properties"]
    props.update(list_price=4.99, coupon_rate=0.0, charged_total=4.99, charged_total_eur=4.99)

    problems = findings(broken.write(tmp_path / "out"), MoneyChecker, fintech.out)

    assert len(problems) == 1 and "charged_total_eur 4.99 EUR is not 4.99 USD" in problems[0], \
        problems


def test_the_plan_and_its_billing_period_name_one_period(fintech: Generated) -> None:
    """``plus_monthly`` came with ``billing_period: year`` in 6,652 of 13,834 records."""
    shown = 0
    for record in fintech.records:
        p = record.get("properties", {})
        if "plan_code" in p and "billing_period" in p:
            shown += 1
            assert p["plan_code"].split("_")[-1] == {"month": "monthly",
                                                     "year": "yearly"}[p["billing_period"]], p
    assert shown >= 20
