"""A per-seat SaaS plan (issue 11): seats are whole counts, seat changes need a bought plan,
an upgrade sets the plan it names, and a role is no plan.

The unseen Trellio plan (tests/data/unseen/saas_workspace) drew 32.6 seats (584 of 2,574
records fractional: seats drifted like a body weight), 1,479 seat changes by Free users,
set every user's role to 'guest' at sign-up and every upgrade's plan to 'Pro'.
"""

from __future__ import annotations

from demogen.analysis.heuristic.values import priors
from demogen.vocab import Scope
from tests.analysis.test_heuristic import analyze, ev, num, taxonomy, text


def _workspace():
    return taxonomy(
        [ev("sign_up", "method"), ev("checkout_started", "plan", "seats"),
         ev("plan_upgraded", "previous_plan", "plan", "seats"),
         ev("seat_added", "seats", "plan"), ev("seat_removed", "seats", "plan"),
         ev("invoice_paid", "plan", "seats", "amount")],
        [text("method", "email", "google"), text("plan", "Pro", "Business"), num("seats", 1, 50),
         text("previous_plan", "Free", "Pro"), num("amount", 10, 12000)],
        [text("plan", "Free", "Pro", "Business", scope=Scope.USER),
         text("role", "admin", "member", "guest", scope=Scope.USER),
         num("seats", 0, 50, scope=Scope.USER)])


def test_seats_and_licences_are_counts() -> None:
    for name in ("seats", "seat_count", "licenses", "team_members", "active_users"):
        assert priors.number_prior(name).kind == "count", name


def test_seat_changes_need_the_upgrade() -> None:
    prereqs = analyze(_workspace()).event_constraints.prerequisites

    assert "plan_upgraded" in prereqs.get("seat_added", [])


def test_an_upgrade_sets_the_plan_it_names_and_a_role_is_no_plan() -> None:
    patterns = analyze(_workspace()).update_patterns

    assert patterns["plan_upgraded"]["plan"].value == "{{plan}}"
    assert patterns["sign_up"]["plan"].value == "Free"
    assert "role" not in patterns.get("sign_up", {})


def test_a_previous_text_shows_the_value_before_the_event() -> None:
    """78 of 280 Trellio upgrades did not move up: ``previous_plan`` was drawn."""
    source = analyze(_workspace()).properties["previous_plan"].source

    assert source is not None and (source.type, source.of) == ("before", "plan")


def test_a_checkout_names_the_plan_chosen_not_the_one_held() -> None:
    """Trellio's checkout_started named Pro/Business while the user was on Free: what a
    checkout names of what the purchase sets is the user's choice, not their state."""
    props = analyze(_workspace()).properties

    assert props["plan"].chosen_on == ["checkout_started"]
    assert props["seats"].chosen_on == ["checkout_started"]
    assert not props["previous_plan"].chosen_on


def test_a_payment_for_a_plan_waits_for_the_plan() -> None:
    """Trellio's invoice_paid (plan Pro | Business) came to users still on Free (5 of 15 at
    600 x 10 seed 5): the upgrade that sets the plan is its prerequisite."""
    prereqs = analyze(_workspace()).event_constraints.prerequisites

    assert "plan_upgraded" in prereqs.get("invoice_paid", [])
    assert "invoice_paid" not in prereqs.get("plan_upgraded", [])


def _billed_per_seat():
    return taxonomy(
        [ev("plan_upgraded", "previous_plan", "plan", "billing_period", "seats", "mrr",
            "previous_mrr", "currency"),
         ev("invoice_paid", "plan", "billing_period", "seats", "amount", "currency")],
        [text("plan", "Pro", "Business"), text("previous_plan", "Free", "Pro"),
         text("billing_period", "monthly", "annual"), num("seats", 1, 50),
         num("amount", 10, 12000, desc="Amount charged"),
         num("mrr", 10, 1000, desc="Monthly recurring revenue after the upgrade"),
         num("previous_mrr", 10, 1000, desc="Monthly recurring revenue before the upgrade"),
         text("currency", "USD")])


def test_a_plan_billed_per_seat_is_priced_per_seat() -> None:
    """Trellio's invoice amount was drawn in 10-12,000 (114 of 115 invoices off seats x a
    seat's price x months): the plan's seat prices (cheapest first: 12, 24 cut to 10, 20 so
    that 50 Business seats' MRR stays in its 10-1,000), the seats and the months a period
    charges (a year ten: two months free) price it."""
    money = analyze(_billed_per_seat()).monetary_properties

    amount = money["amount"]
    assert amount.price_usd_by == {"plan": {"Pro": 10.0, "Business": 20.0}}
    assert amount.per == ["seats"]
    assert amount.months_by == {"billing_period": {"monthly": 1.0, "annual": 10.0}}
    # MRR is a month's worth: an annual plan's is ten twelfths of the monthly one
    assert money["mrr"].months_by == {"billing_period": {"monthly": 1.0, "annual": 0.833333}}
    # what was billed before the event is no price of the plan it bills now
    assert money["previous_mrr"].price_usd_by is None


def test_a_price_list_fitting_the_ranges_is_kept() -> None:
    """Where the ranges allow it, the list's prices stand: 12 and 24 a seat."""
    tax = taxonomy([ev("invoice_paid", "plan", "seats", "amount", "currency")],
                   [text("plan", "Free", "Pro", "Business"), num("seats", 1, 10),
                    num("amount", 10, 5000), text("currency", "USD")])

    assert analyze(tax).monetary_properties["amount"].price_usd_by == {
        "plan": {"Free": 0.0, "Pro": 12.0, "Business": 24.0}}


def test_an_amount_without_seats_keeps_its_range() -> None:
    """A plan's payment with no seat count (a consumer plan) is no per-seat price."""
    tax = taxonomy([ev("invoice_paid", "plan", "amount", "currency")],
                   [text("plan", "Pro", "Business"), num("amount", 10, 100),
                    text("currency", "USD")])

    assert analyze(tax).monetary_properties["amount"].price_usd_by is None
