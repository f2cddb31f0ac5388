"""Two properties of one record that name the same billing period agree: the analyzer ties
the one whose values are periods alone to the one that says more (property_constraints).

The unseen fintech plan's ``plan_code: plus_monthly`` came with ``billing_period: year`` in
6,652 of 13,834 records.
"""

from __future__ import annotations

from tests.analysis.test_heuristic import analyze, ev, taxonomy, text


def test_a_period_property_follows_the_plan_whose_values_name_it() -> None:
    rules = analyze(taxonomy(
        [ev("plan_checkout", "plan_code", "billing_period")],
        [text("plan_code", "plus_monthly", "plus_yearly", "free"),
         text("billing_period", "month", "year")]))

    constraint = rules.property_constraints["billing_period"]
    assert constraint.depends_on == ["plan_code"]
    assert constraint.mapping == {"plus_monthly": ["month"], "plus_yearly": ["year"]}
    assert "plan_code" not in rules.property_constraints


def test_period_words_are_read_in_their_forms() -> None:
    rules = analyze(taxonomy(
        [ev("subscribe", "sku", "cycle")],
        [text("sku", "pro_annual", "pro_weekly"), text("cycle", "weekly", "yearly")]))

    assert rules.property_constraints["cycle"].mapping == {"pro_annual": ["yearly"],
                                                           "pro_weekly": ["weekly"]}


def test_properties_of_different_events_are_not_tied() -> None:
    rules = analyze(taxonomy(
        [ev("plan_view", "plan_code"), ev("invoice_sent", "billing_period")],
        [text("plan_code", "plus_monthly", "plus_yearly"),
         text("billing_period", "month", "year")]))

    assert "billing_period" not in rules.property_constraints
