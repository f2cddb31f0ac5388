"""A plan a subscriber picks is a priced catalogue entry, and its renewal is due a billing
period after the charge (issue 11).

The unseen fintech plan's ``plan_code`` (plus_monthly, plus_yearly) was read as a coupon kind
and priced per record (``plan_checkout.list_price`` 19.99, ``plan_charge_ok.list_price`` 9.99
for one user's plan); its ``plan_renewed`` came hours after the charge.
"""

from __future__ import annotations

from demogen.analysis.heuristic._catalogues import ID, catalogue_role
from tests.analysis.test_heuristic import analyze, ev, num, taxonomy, text


def _subscription(*, periods: tuple[str, ...] = ("plus_monthly", "plus_yearly")):
    return taxonomy(
        [ev("plan_checkout", "plan_code", "list_price", desc="The user opened the checkout."),
         ev("plan_charge_ok", "plan_code", "list_price",
            desc="The store charged the plan the user checked out."),
         ev("plan_renewed", "plan_code", "charged_total",
            desc="A paid plan renewed for another period.")],
        [text("plan_code", *periods), num("list_price", 0.99, 99.99),
         num("charged_total", 0.99, 99.99)])


def test_a_plan_named_by_a_code_is_a_catalogue_entry_not_a_coupon() -> None:
    rules = analyze(_subscription())

    assert rules.properties["plan_code"].kind != "coupon"
    entries = {e.id: e.price_usd for e in rules.catalogues["plan"].entries}
    assert set(entries) == {"plus_monthly", "plus_yearly"}
    assert all(p is not None and p > 0 for p in entries.values()), entries


def test_a_code_word_makes_an_id_only_of_a_plan() -> None:
    assert catalogue_role("plan_code") is not None and catalogue_role("plan_code").field == ID
    assert catalogue_role("subscription_plan_code").stem == "plan"   # type: ignore[union-attr]
    for other in ("coupon_code", "decline_code", "promo_code", "error_code"):
        assert catalogue_role(other) is None, other


def test_a_longer_period_of_one_plan_costs_more_at_a_price_point() -> None:
    rules = analyze(_subscription(periods=("pro_weekly", "pro_monthly", "pro_annual")))

    prices = {e.id: e.price_usd for e in rules.catalogues["plan"].entries}
    assert prices["pro_weekly"] < prices["pro_monthly"] < prices["pro_annual"], prices  # type: ignore[operator]


def test_a_renewal_is_due_its_shortest_billing_period_after_the_charge() -> None:
    monthly = analyze(_subscription()).events["plan_renewed"]
    weekly = analyze(_subscription(periods=("pro_weekly", "pro_annual"))).events["plan_renewed"]
    unnamed = analyze(_subscription(periods=("plus", "premium"))).events["plan_renewed"]

    assert monthly.follows == "plan_charge_ok" and monthly.after_days == 30
    assert weekly.after_days == 7
    assert unnamed.after_days == 30     # no period named: a month


def test_a_plan_type_of_billing_periods_is_a_priced_catalogue_entry() -> None:
    """The unseen language-learning plan's ``plan_type`` (monthly | annual) was a free enum:
    its ``subscription_start.price`` was drawn per record (annual USD 0.99, monthly 49.99)."""
    tax = taxonomy(
        [ev("subscription_start", "plan_type", "price", "currency",
            desc="The store charged the first period of the plan the user chose."),
         ev("subscription_renew", "plan_type", "price", "currency",
            desc="The subscription renewed for another period.")],
        [text("plan_type", "monthly", "annual"), num("price", 0.99, 99.99),
         text("currency", "USD", "KRW")])

    prices = {e.id: e.price_usd for e in analyze(tax).catalogues["plan"].entries}

    assert catalogue_role("plan_type") == catalogue_role("plan_code")
    assert catalogue_role("membership_type").stem == "membership"   # type: ignore[union-attr]
    assert prices["monthly"] < prices["annual"], prices  # type: ignore[operator]
