"""Rules checked against the plan (analysis/check.py): names the plan lacks are found with
their key path and the plan's closest name; the analysis of every plan names only its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from demogen.analysis import analyze
from demogen.analysis.check import check_against_plan, unknown_names
from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules
from demogen.errors import RulesError
from demogen.taxonomy import EventTaxonomy, load_taxonomy
from tests.data import SEED_PLAN, SEGMENT_PLAN

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def shop() -> EventTaxonomy:
    return load_taxonomy(SEGMENT_PLAN).taxonomy


@pytest.mark.parametrize("plan", [EXAMPLES / "game", EXAMPLES / "ecommerce", EXAMPLES / "saas",
                                  SEED_PLAN, SEGMENT_PLAN], ids=lambda p: p.name)
def test_the_analysis_names_only_the_plans_names(plan: Path) -> None:
    loaded = load_taxonomy(plan)
    rules = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer()).rules
    assert unknown_names(rules, loaded.taxonomy) == []


def test_each_unknown_name_has_its_path_and_the_closest_plan_name(shop: EventTaxonomy) -> None:
    rules = Rules.from_data({
        "event_constraints": {
            "funnels": [{"name": "buy", "steps": ["Product Viewed", "Order Complete"]}],
            "prerequisites": {"Order Refunded": ["Order Completed", "Checkout Start"]},
        },
        "value_ranges": {"revenu": {"min": 1, "max": 9},
                         "price@Product Added": {"min": 1, "max": 9},
                         "price@Product Add": {"min": 1, "max": 9}},
        "monetary_properties": {"revenue": {"currency_property": "curency"}},
        "update_patterns": {"Order Completed": {
            "lifetime_revenue": {"type": "increment", "value": "{{revenu}}"}}},
        "segment_analysis": {"POWER_USER": {"event_probabilities": {"Signed Upp": 0.5}}},
    })
    found = [(u.kind, u.name, u.path, u.suggestion) for u in unknown_names(rules, shop)]
    assert found == [
        ("event", "Order Complete", ("event_constraints", "funnels", 0, "steps", 1),
         "Order Completed"),
        ("event", "Checkout Start", ("event_constraints", "prerequisites", "Order Refunded", 1),
         "Checkout Started"),
        ("property", "revenu", ("value_ranges", "revenu"), "revenue"),
        ("event", "Product Add", ("value_ranges", "price@Product Add"), "Product Added"),
        ("property", "curency", ("monetary_properties", "revenue", "currency_property"),
         "currency"),
        ("event", "Signed Upp", ("segment_analysis", "POWER_USER", "event_probabilities",
                                 "Signed Upp"), "Signed Up"),
        ("property", "revenu", ("update_patterns", "Order Completed", "lifetime_revenue",
                                "value"), "revenue"),
    ]


def test_presets_and_fields_of_a_list_are_the_plans(shop: EventTaxonomy) -> None:
    rules = Rules.from_data({
        "property_constraints": {"storefront": {"depends_on": ["#country"], "mapping": {}}},
        "monetary_properties": {"products.price": {"currency_property": "currency"}},
    })
    assert unknown_names(rules, shop) == []


def test_lifecycle_patterns_are_not_names(shop: EventTaxonomy) -> None:
    rules = Rules.from_data({"lifecycle_rules": {"installed": ["Application *", "login"]}})
    assert unknown_names(rules, shop) == []


def test_a_few_unknown_names_are_listed_in_file_order(tmp_path: Path,
                                                      shop: EventTaxonomy) -> None:
    path = tmp_path / "edit.yaml"
    path.write_text("event_constraints:\n"
                    "  one_time_events: [Signed Up, Application Instaled]\n"
                    "value_ranges:\n"
                    "  totl: {min: 1, max: 500}\n", encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        check_against_plan(Rules.load(path), shop, source=path, plan="shop")
    assert str(caught.value).splitlines() == [
        f"{path}: 2 name(s) that the plan shop lacks (rules use the plan's event and property "
        "names):",
        "  - event_constraints.one_time_events[1] (line 2): the plan has no event "
        "'Application Instaled'; did you mean 'Application Installed'?",
        "  - value_ranges.totl (line 4): the plan has no property 'totl'; did you mean 'total'?",
    ]


def test_rules_of_another_plan_are_refused_as_such(shop: EventTaxonomy) -> None:
    game = load_taxonomy(EXAMPLES / "game")
    rules = analyze(game.taxonomy, game.product, HeuristicAnalyzer()).rules
    with pytest.raises(RulesError, match=re.escape(
            "game-rules.yaml: these rules name ")) as caught:
        check_against_plan(rules, shop, source="game-rules.yaml", plan="shop")
    message = str(caught.value)
    assert re.search(r"name (\d+) events the plan shop lacks \(of \1 they name", message)
    assert "they look like the rules of another plan" in message
