"""Charges the analyzer reads as purchases: a charge that went through (``plan_charge_ok``,
``subscription_charged``, ``billing_succeeded``) is the purchase, a declined or failed one its
failure.

"charge" was no purchase word: ``plan_charge_ok`` was drawn freely (11,418 charges for 2,391
checkouts on the unseen fintech plan) and revenue was read from the plan's renewal instead.
"""

from __future__ import annotations

import pytest

from demogen.analysis.heuristic._events import EventIndex
from demogen.analysis.rules import Rules
from tests.analysis.test_heuristic import analyze, ev, num, taxonomy, text

MONEY = ("charged_total", "charge_currency")


def _plan(*events: tuple[str, str]) -> Rules:
    props = [num("charged_total"), text("charge_currency", "EUR", "USD"), text("plan_code")]
    return analyze(taxonomy(
        [ev("app_open"), ev("plan_checkout", "plan_code", desc="The user opened the checkout."),
         *(ev(name, *MONEY, "plan_code", desc=desc) for name, desc in events)],
        props))


@pytest.mark.parametrize("name", ["plan_charge_ok", "subscription_charged",
                                  "billing_succeeded", "payment_ok", "card_charge_success"])
def test_a_charge_that_went_through_is_the_purchase(name: str) -> None:
    index = EventIndex.build((ev(name),))
    assert index.has(name, "purchase")
    assert not index.has(name, "purchase_fail")


@pytest.mark.parametrize("name", ["plan_charge_declined", "charge_failed", "billing_failed",
                                  "payment_declined"])
def test_a_declined_or_failed_charge_is_the_purchase_failure(name: str) -> None:
    index = EventIndex.build((ev(name),))
    assert index.has(name, "purchase_fail")
    assert not index.has(name, "purchase")


def test_a_description_saying_the_charge_succeeded_names_the_purchase() -> None:
    index = EventIndex.build((ev("ev_17", desc="The charge succeeded for the user's plan."),))
    assert index.has("ev_17", "purchase")


def test_the_charge_records_revenue_and_ends_the_checkout_beside_its_decline() -> None:
    rules = _plan(("plan_charge_ok", "The store charged the plan the user checked out."),
                  ("plan_charge_declined", "The store declined the charge."),
                  ("plan_renewed", "A paid plan renewed for another period."))

    assert rules.event_roles.revenue == ["plan_charge_ok"]
    prereqs = rules.event_constraints.prerequisites
    assert "plan_checkout" in prereqs["plan_charge_ok"]
    assert "plan_checkout" in prereqs["plan_charge_declined"]
    attempt = next(f for f in rules.event_constraints.funnels
                   if f.steps == ["plan_checkout", "plan_charge_ok"])
    assert 0.6 <= attempt.conversion[-1] <= 0.9


def test_a_renewal_is_a_later_charge_of_a_plan_bought_not_a_new_subscription() -> None:
    """``plan_renewed`` read as a subscription start: drawn freely after trials (3,274
    renewals beside 20 charges) and cancels needed a renewal, not a charge."""
    rules = _plan(("plan_charge_ok", "The store charged the plan the user checked out."),
                  ("plan_renewed", "A paid plan renewed for another period."),
                  ("plan_cancel", "The user cancelled their paid plan."))

    assert rules.event_roles.revenue == ["plan_charge_ok"]
    renewal = rules.events["plan_renewed"]
    assert renewal.follows == "plan_charge_ok"
    assert renewal.rate is not None and 0 < renewal.rate < 1
    assert not any("plan_renewed" in f.steps for f in rules.event_constraints.funnels)
    assert rules.event_constraints.prerequisites["plan_cancel"] == ["plan_charge_ok"]


@pytest.mark.parametrize("name", ["subscription_renewed", "membership_renewal", "plan_renew"])
def test_renewal_names_are_renewals(name: str) -> None:
    index = EventIndex.build((ev(name),))
    assert index.has(name, "subscription_renew")
    assert not index.has(name, "subscription_start")


def test_a_charge_taken_back_is_no_purchase() -> None:
    """A charge taken back (a chargeback, a charge refunded) is no purchase."""
    index = EventIndex.build((ev("chargeback_received"), ev("charge_refunded")))
    assert not index.has("chargeback_received", "purchase")
    assert not index.has("charge_refunded", "purchase")
