"""``Rules.properties``: one spec per property, written by the analyzer, checked strictly,
checked against the plan, merged field by field over the analysis, shown by --explain."""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.analysis import analyze
from demogen.analysis.check import unknown_names
from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.merge import merge_rules
from demogen.analysis.rules import Rules
from demogen.errors import RulesError
from demogen.taxonomy import load_taxonomy
from tests.data import SEED_PLAN, SEGMENT_PLAN
from tests.simulation.generated_outputs import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("plan", [EXAMPLES / "game", EXAMPLES / "ecommerce", EXAMPLES / "saas",
                                  SEED_PLAN, SEGMENT_PLAN], ids=lambda p: p.name)
def test_the_analysis_reads_every_property_of_the_plan(plan: Path) -> None:
    loaded = load_taxonomy(plan)
    tax = loaded.taxonomy
    rules = analyze(tax, loaded.product, HeuristicAnalyzer()).rules
    wanted = {p.name for p in (*tax.properties, *tax.common_properties)} | {
        p.name for p in tax.user_properties if not p.is_preset}
    assert wanted <= rules.properties.keys()
    for name, spec in rules.properties.items():
        assert spec.kind and spec.lifetime and spec.origin == "heuristic", name


def test_the_game_reading_says_what_a_person_would() -> None:
    loaded = load_taxonomy(EXAMPLES / "game")
    props = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer()).rules.properties
    assert (props["session_id"].lifetime, props["session_id"].source.type) == ("session",
                                                                               "session")
    assert props["login_method"].lifetime == "user"         # the way in, every time
    assert props["fail_reason"].lifetime == "event"
    assert (props["previous_level"].source.type, props["previous_level"].source.of) == (
        "before", "level")
    assert props["is_first_clear"].source.p == pytest.approx(0.15)
    assert props["price"].kind == "money" and props["nickname"].kind == "nickname"
    assert (props["level"].start, props["pay_count"].start) == ("level", "counter")


@pytest.mark.parametrize(("spec", "message"), [
    ({"kind": "emial"}, "unknown kind 'emial'; did you mean 'email'?"),
    ({"lifetime": "sesion"}, "properties.price.lifetime"),
    ({"lifetme": "user"}, "unknown key 'lifetme'; did you mean 'lifetime'?"),
    ({"source": {"type": "pool"}}, "a 'pool' source needs 'values'"),
    ({"source": {"type": "probability", "p": 1.5}}, "properties.price.source.p"),
    ({"source": {"type": "session", "of": "length"}}, "'of: id', 'number' or 'first'"),
    ({"source": {"type": "pool", "values": ["a", "b"], "weights": [1.0]}},
     "one weight per value"),
    ({"device": "oss"}, "unknown device field 'oss'; did you mean 'os'?"),
    ({"start": "zero"}, "properties.price.start"),
    ({"id": {"stem": "order", "mode": "once"}}, "properties.price.id.mode"),
    ({"id": {"mode": "unique"}}, "properties.price.id.stem"),
])
def test_a_broken_property_spec_is_refused_with_its_place(spec: dict, message: str) -> None:
    with pytest.raises(RulesError) as err:
        Rules.from_data({"properties": {"price": spec}})
    assert message in str(err.value)


@pytest.mark.parametrize(("spec", "message"), [
    ({"per_sesion": 1}, "unknown key 'per_sesion'; did you mean 'per_session'?"),
    ({"frequency": "often"}, "events.login.frequency"),
    ({"per_session": 0}, "events.login.per_session"),
])
def test_a_broken_event_spec_is_refused_with_its_place(spec: dict, message: str) -> None:
    with pytest.raises(RulesError) as err:
        Rules.from_data({"events": {"login": spec}})
    assert message in str(err.value)


def test_event_names_the_plan_lacks_are_found() -> None:
    tax = load_taxonomy(SEGMENT_PLAN).taxonomy
    rules = Rules.from_data({"events": {"Order Complete": {"per_session": 1}}})
    assert [(u.name, u.path, u.suggestion) for u in unknown_names(rules, tax)] == [
        ("Order Complete", ("events", "Order Complete"), "Order Completed")]


def test_property_names_the_plan_lacks_are_found() -> None:
    tax = load_taxonomy(SEGMENT_PLAN).taxonomy
    rules = Rules.from_data({"properties": {
        "revenu": {"lifetime": "user"},
        "price": {"lifetime_on": {"Product Add": "user"}},
        "order_id": {"source": {"type": "mirror", "of": "lifetime_revenu"}},
    }})
    found = [(u.name, u.path) for u in unknown_names(rules, tax)]
    assert ("revenu", ("properties", "revenu")) in found
    assert ("Product Add", ("properties", "price", "lifetime_on", "Product Add")) in found
    assert ("lifetime_revenu", ("properties", "order_id", "source", "of")) in found


def test_a_partial_spec_merges_field_by_field_over_the_analysis() -> None:
    loaded = load_taxonomy(EXAMPLES / "game")
    base = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer()).rules
    merged = merge_rules(base, Rules.from_data({"properties": {"fail_reason": {
        "lifetime": "user"}}}))
    spec = merged.properties["fail_reason"]
    assert spec.lifetime == "user"
    assert spec.kind == base.properties["fail_reason"].kind == "reason"
    assert merged.properties["price"] == base.properties["price"]


def test_explain_names_the_edited_field_and_what_the_analysis_said(tmp_path: Path) -> None:
    edit = tmp_path / "edit.yaml"
    edit.write_text("properties:\n  is_first_clear:\n    source: {type: probability, p: 0.9}\n",
                    encoding="utf-8")
    result = run_cli(["analyze", EXAMPLES / "game", "--rules", edit, "--explain",
                      "is_first_clear", "--cache-dir", tmp_path / "cache"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "from your rules file" in text and "source: true 90% of the time" in text
    assert "kind: flag" in text and "true 15% of the time" in text   # the analysis's


def test_analyze_verbose_lists_each_property_once(tmp_path: Path) -> None:
    result = run_cli(["analyze", EXAMPLES / "game", "-v", "--cache-dir", tmp_path / "cache"])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()]
    previous = [r for r in rows if r and r[0] == "previous_level"]
    assert len(previous) == 1 and previous[0][1:3] == ["level", "event"]
    assert "previous value of level" in " ".join(previous[0])
