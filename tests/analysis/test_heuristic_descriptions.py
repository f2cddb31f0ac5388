"""Lifecycle roles found from names in several languages and, for opaque names, from the
descriptions: the install/first-open event, one-time events, numbered tutorial steps,
the purchase."""

from __future__ import annotations

import pytest

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, load_taxonomy
from tests.data import OPAQUE_PLAN

WEB = ProductInfo(industry="ecommerce", platform="web", product_name="Test shop")


def _rules(*events: Event) -> Rules:
    return HeuristicAnalyzer().analyze(EventTaxonomy(events=events), WEB)


def _plain(name: str, display: str = "") -> tuple[Event, ...]:
    return (Event(name="session_start"), Event(name="page_view"), Event(name="sign_up"),
            Event(name=name, display_name=display))


@pytest.mark.parametrize(("name", "display"), [
    ("first_visit", ""), ("first_open", ""), ("app_first_open", ""), ("firstVisit", ""),
    ("첫 방문", ""), ("首次打开", ""), ("首次访问", ""), ("fv", "첫 방문"),
])
def test_first_visit_and_first_open_are_the_install(name: str, display: str) -> None:
    rules = _rules(*_plain(name, display))
    assert rules.event_roles.install == [name]
    assert name in rules.event_constraints.one_time_events
    assert name not in rules.event_constraints.session_start_events


@pytest.mark.parametrize("name", ["page_visit", "first_session_end", "visit_store"])
def test_visits_that_are_not_a_first_visit_are_no_install(name: str) -> None:
    assert _rules(*_plain(name)).event_roles.install == []


def test_opaque_names_are_read_through_their_descriptions() -> None:
    loaded = load_taxonomy(OPAQUE_PLAN)
    rules = HeuristicAnalyzer().analyze(loaded.taxonomy, loaded.product)
    roles, ec = rules.event_roles, rules.event_constraints
    assert roles.install == ["ev_a"]                    # "App installed (first launch only)"
    assert {"ev_a", "ev_c", "ev_d", "ev_e"} <= set(ec.one_time_events)
    assert roles.revenue == ["ev_h"]                     # "Purchase completed in the shop"
    assert ec.session_start_events == ["ev_b"] and ec.session_end_events == ["ev_i"]
    # "Tutorial step 1/2/3": one funnel, in the steps' order, and the onboarding.
    tutorial = [f for f in ec.funnels if {"ev_c", "ev_d", "ev_e"} <= set(f.steps)]
    assert tutorial, [f.steps for f in ec.funnels]
    steps = tutorial[0].steps
    assert steps.index("ev_c") < steps.index("ev_d") < steps.index("ev_e")
    assert roles.onboarding == ["ev_c", "ev_d", "ev_e"]
    assert roles.onboarding_complete == ["ev_e"]
    assert ec.prerequisites.get("ev_d") == ["ev_c"] and ec.prerequisites.get("ev_e") == ["ev_d"]


def test_a_name_that_says_something_keeps_its_own_reading() -> None:
    """The description is read only when the name says nothing the analyzer knows."""
    rules = _rules(Event(name="level_up", description="Purchase completed."),
                   Event(name="session_start"))
    assert rules.event_roles.revenue == []
