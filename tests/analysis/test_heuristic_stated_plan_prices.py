"""A plan's price stated in the plan's text (analysis/heuristic/_stated_plan_prices.py) and
a plan picked by its billing period (_period_plans.py). Stridely's description says "monthly
9.99 USD or annual 59.99 USD"; its ``plan`` (monthly | annual) was no catalogue id, and
``price`` was drawn per record in 0.99~99.99 (annual 0.99, monthly 49.99)."""

from __future__ import annotations

import pytest

from demogen.analysis.heuristic._period_plans import period_plan_ids, picked_plan
from demogen.analysis.heuristic._stated_plan_prices import _stated
from demogen.analysis.rules import Catalogue, CatalogueEntry
from demogen.taxonomy import Property
from demogen.vocab import PropertyType


@pytest.mark.parametrize(("text", "monthly", "annual"), [
    ("monthly 9.99 USD or annual 59.99 USD, 7-day free trial", (9.99, "USD"), (59.99, "USD")),
    ("Premium: $9.99/month or $59.99 per year", (9.99, "USD"), (59.99, "USD")),
    ("Monthly: 9,99 €", (9.99, "EUR"), None),       # a decimal comma
    ("Annual: 59.99", None, (59.99, "USD")),        # cents without a mark: the plan's money
    ("monthly 3 runs, annual 12 races", None, None),  # whole numbers without a mark: counts
    ("Pro 10 USD a seat a month", None, None),      # not these plans
])
def test_a_stated_plan_price(text: str, monthly: tuple[float, str] | None,
                             annual: tuple[float, str] | None) -> None:
    assert _stated([text], "monthly", "30", "USD") == monthly
    assert _stated([text], "annual", "365", "USD") == annual


def _enum(name: str, *values: str) -> Property:
    return Property(name=name, type=PropertyType.STRING, enum=list(values))


def test_a_plan_picked_by_its_period() -> None:
    props = [_enum("plan", "monthly", "annual"), _enum("subscription_plan", "monthly", "yearly"),
             _enum("plan", "Pro", "Business"),           # Trellio's tiers: not by period
             _enum("billing_cycle", "monthly", "annual")]
    assert period_plan_ids(props) == {"plan": ("monthly", "annual", "yearly")}
    priced = Catalogue(entries=[CatalogueEntry(id="monthly", price_usd=9.99,
                                               attributes={"period_days": "30"})])
    assert picked_plan("plan", {"plan": priced}) == "plan"
    assert picked_plan("plan_name", {"plan": priced}) is None
    unpriced = Catalogue(entries=[CatalogueEntry(id="Pro")])
    assert picked_plan("plan", {"plan": unpriced}) is None
