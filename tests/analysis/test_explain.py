"""analysis/explain.py: every fact the rules hold about one name, with its source."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from demogen.analysis import analyze
from demogen.analysis.explain import Explanation, Fact, event_lines, explain
from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.merge import merge_rules
from demogen.analysis.rules import Rules
from demogen.errors import ConfigError
from demogen.taxonomy import EventTaxonomy, load_taxonomy
from tests.data import SEGMENT_PLAN

GAME = Path(__file__).resolve().parents[2] / "examples" / "game"


@functools.cache
def _analysed(plan: Path) -> tuple[EventTaxonomy, Rules]:
    loaded = load_taxonomy(plan)
    return loaded.taxonomy, analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer()).rules


def _one(name: str, plan: Path = GAME, **kwargs: Rules | None) -> Explanation:
    taxonomy, rules = _analysed(plan)
    found = explain(name, taxonomy, kwargs.pop("rules", None) or rules, **kwargs)
    assert len(found) == 1, found
    return found[0]


def _facts(explanation: Explanation, topic: str) -> list[Fact]:
    return [f for f in explanation.facts if f.topic == topic]


def test_an_event_in_a_funnel_shows_its_step_and_conversion() -> None:
    _, rules = _analysed(GAME)
    funnel = next(f for f in rules.event_constraints.funnels if "tutorial_step1" in f.steps)
    i = funnel.steps.index("tutorial_step1")
    event = _one("tutorial_step1")
    assert event.kind == "event"
    texts = [f.text for f in _facts(event, "funnel")]
    expected = (f"step {i + 1} of {len(funnel.steps)} in '{funnel.name}', conversion "
                f"{funnel.conversion[i]:.0%} (from {funnel.steps[i - 1]})")
    assert any(t.startswith(expected) for t in texts), texts
    assert all(f.source == "analysis" and f.where == "event_constraints.funnels"
               for f in _facts(event, "funnel"))
    # The rest of what the rules say about it, and the plan's own row.
    assert [f.text for f in _facts(event, "needs first")] == [
        ", ".join(rules.event_constraints.prerequisites["tutorial_step1"])]
    assert _facts(event, "one-time") and _facts(event, "role")
    plan = [f for f in event.facts if f.source == "plan"]
    assert plan and all("taxonomy.xlsx" in f.where for f in plan)


def test_a_property_with_a_formula_shows_it_and_its_inputs_name_it() -> None:
    _, rules = _analysed(GAME)
    formula = rules.property_relationships["vip_exp"].formula
    assert formula
    target = _one("vip_exp")
    assert [f.text for f in _facts(target, "formula")] == [f"vip_exp = {formula}"]
    inputs = explain("vip_level", *_analysed(GAME))
    assert any(f.text == f"formula: vip_exp = {formula}"
               for e in inputs for f in _facts(e, "input of"))


def test_an_edit_file_is_named_as_the_source_of_what_it_sets() -> None:
    taxonomy, analysis = _analysed(GAME)
    edit = Rules.from_data({
        "value_ranges": {"stamina_cost": {"min": 1, "max": 3}},
        "event_constraints": {"one_time_events": ["app_install"]},
        "segment_analysis": {"NEW_USER": {"event_probabilities": {"stage_start": 0.5}}},
    })
    merged = merge_rules(analysis, edit)
    [prop] = explain("stamina_cost", taxonomy, merged, edit=edit, analysis=analysis)
    [value_range] = _facts(prop, "value range")
    assert (value_range.text, value_range.source) == ("1 – 3", "your rules file")
    assert [f.topic for f in prop.replaced] == ["value range"]
    # What the file leaves alone is still the analysis'.
    assert all(f.source in ("plan", "analysis") for f in prop.facts if f is not value_range)
    [event] = explain("tutorial_step1", taxonomy, merged, edit=edit, analysis=analysis)
    assert not _facts(event, "one-time")
    # The file's NEW_USER profile replaces the analysis' whole (mappings merge key by key),
    # so the step's NEW_USER probability is gone too, and the explanation says so.
    assert [f.topic for f in event.replaced] == ["one-time", "segments"]
    assert "NEW_USER" in event.replaced[1].text
    [stage] = explain("stage_start", taxonomy, merged, edit=edit, analysis=analysis)
    by_source = {f.source: f.text for f in _facts(stage, "segments")}
    assert by_source["your rules file"] == "NEW_USER 0.5"
    assert "NEW_USER" not in by_source["analysis"]


def test_names_match_whatever_their_case_and_a_shared_name_gives_each_kind() -> None:
    found = explain("LEVEL", *_analysed(GAME))
    assert [(e.name, e.kind) for e in found] == [("level", "event property"),
                                                 ("level", "user property")]
    user = found[1]
    assert [f.text for f in _facts(user, "update method")] == ["user_set"]
    assert any(f.text.startswith("level_up: ") for f in _facts(user, "updated by"))


def test_segment_style_names_with_spaces() -> None:
    event = _one("order completed", SEGMENT_PLAN)
    assert event.name == "Order Completed"
    [role] = _facts(event, "role")
    assert role.text.startswith("revenue")
    revenue = _one("revenue", SEGMENT_PLAN)
    [carried] = _facts(revenue, "carried by")
    assert "Order Completed" in carried.text
    assert any(f.text.startswith("an amount of money") for f in _facts(revenue, "money"))
    assert any("{{revenue}}" in f.text for f in _facts(revenue, "feeds update"))


def test_object_children_are_named_parent_dot_child() -> None:
    child = _one("battle_stats.damage_dealt")
    assert child.kind == "event property"
    assert _facts(child, "value range")


def test_an_unknown_name_is_a_config_error_with_the_closest_names() -> None:
    with pytest.raises(ConfigError, match="did you mean 'gold_spend'"):
        explain("gold_spnd", *_analysed(GAME))
    with pytest.raises(ConfigError, match="neither an event nor a property"):
        explain("zzzz", *_analysed(GAME))


def test_event_lines_follow_the_plan_with_roles_one_time_and_funnel_steps() -> None:
    taxonomy, rules = _analysed(GAME)
    lines = event_lines(taxonomy, rules)
    assert [line.name for line in lines] == [e.name for e in taxonomy.events]
    install = lines[0]
    assert install.name == "app_install" and "install" in install.roles and install.one_time
    by_name = {line.name: line for line in lines}
    assert any(step.startswith("ftue_tutorial 2/") for step in by_name["tutorial_step1"].funnels)
    assert "session start" in by_name["session_start"].roles
