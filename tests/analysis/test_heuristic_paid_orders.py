"""Orders the analyzer reads from names and descriptions: a placed order that is the payment
is the purchase (the checkout before it its attempt); a coupon amount is its discount.

"Order Placed" reads both as an order handed in (order_submit) and as the purchase; taken as
the attempt, it left the purchase nothing and "Basket Checkout" (the user started paying)
converted into it freely (546 checkouts gave 4 orders on the unseen food-delivery plan).
"""

from __future__ import annotations

from demogen.analysis.rules import Rules
from tests.analysis.test_heuristic import analyze, ev, num, taxonomy, text


def _shop(*events: str) -> Rules:
    money = ("basket_value", "grand_total", "currency")
    described = {
        "Basket Checkout": "The user started paying for the basket.",
        "Order Placed": "The payment went through and the restaurant received the order.",
        "Order Submitted": "The user handed in the order.",
        "Order Paid": "The payment of the order went through.",
    }
    return analyze(taxonomy(
        [ev("App Opened"), *(ev(e, *money, desc=described[e]) for e in events)],
        [num("basket_value"), num("grand_total"), text("currency", "USD", "JPY")]))


def _attempt_funnel(rules: Rules, revenue: str) -> list[str]:
    """The steps of a funnel ending in the revenue event (its last step before it: the
    attempt the simulation converts at the funnel's rate)."""
    return next(f.steps for f in rules.event_constraints.funnels
                if f.steps[-1] == revenue and len(f.steps) > 1)


def test_a_placed_order_that_is_the_payment_follows_the_checkout_as_its_attempt() -> None:
    rules = _shop("Basket Checkout", "Order Placed")

    assert rules.event_roles.revenue == ["Order Placed"]
    steps = _attempt_funnel(rules, "Order Placed")
    assert steps[-2] == "Basket Checkout"
    funnel = next(f for f in rules.event_constraints.funnels if f.steps == steps)
    assert 0.6 <= funnel.conversion[-1] <= 0.9


def test_a_submitted_order_before_its_payment_stays_the_attempt() -> None:
    rules = _shop("Basket Checkout", "Order Submitted", "Order Paid")

    assert rules.event_roles.revenue[0] == "Order Paid"
    assert _attempt_funnel(rules, "Order Paid")[-2] == "Order Submitted"


def test_a_coupon_amount_named_by_its_role_alone_is_the_orders_discount() -> None:
    """``promo_off`` has no money word; its description says it is an amount of the order's
    currency: the order's discount (it was drawn freely: 56 JPY with promo_used false)."""
    props = [num("basket_value"), num("grand_total"), text("currency", "USD", "JPY"),
             num("promo_off", desc="Amount the coupon took off, in the order's currency."),
             num("promo_pct", 0, 30, desc="Percent the coupon takes off the basket."),
             num("promo_views", desc="How often the coupon was shown.")]
    rules = analyze(taxonomy([ev("Order Placed", *(p.name for p in props))], props))

    money = rules.monetary_properties
    assert money["promo_off"].role == "discount"
    assert money["promo_off"].currency_property == "currency"
    assert "promo_pct" not in money and "promo_views" not in money
