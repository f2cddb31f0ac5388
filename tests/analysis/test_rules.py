"""The Rules model: the seed's shape loads unchanged, partial rules load, round trips."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from demogen.analysis.merge import merge_rules
from demogen.analysis.rules import Rules
from demogen.errors import RulesError
from demogen.vocab import Segment, UpdateType


def _seed_json_blocks(shared_dir: Path) -> list[str]:
    text = (shared_dir / "seed" / "000_5b5aa7f1e69dd6c3.txt").read_text(encoding="utf-8")
    return re.findall(r"```json\n(.*?)```", text, flags=re.S)


def test_seed_example_rules_load_unchanged(shared_dir: Path) -> None:
    block = next(b for b in _seed_json_blocks(shared_dir) if '"property_constraints"' in b)
    data = json.loads(block)
    rules = Rules.from_data(data)
    assert rules.property_constraints["carrier"].mapping["KR"] == ["SKT", "KT", "LG U+"]
    assert rules.property_relationships["xp"].formula == "level * 100 + random(0-50)"
    assert rules.value_ranges["gold"].max == 1_000_000
    assert rules.segment_analysis[Segment.POWER_USER].event_probabilities["raid_start"] == 0.85
    assert rules.segment_analysis[Segment.NEW_USER].event_sequence[0] == "app_install"


def test_seed_update_pattern_example_loads(shared_dir: Path) -> None:
    block = next(b for b in _seed_json_blocks(shared_dir) if '"stage_clear"' in b)
    rules = Rules.from_data({"update_patterns": json.loads(block)})
    purchase = rules.update_patterns["purchase"]
    assert purchase["gold"].type is UpdateType.DECREMENT
    assert purchase["total_spent"].value == "{{price}}"


def test_partial_rules_load_with_defaults() -> None:
    rules = Rules.from_data({"event_constraints": {"one_time_events": ["signup"]}})
    assert rules.event_constraints.one_time_events == ["signup"]
    assert rules.event_constraints.funnels == []
    assert rules.segment_analysis == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value_ranges": {"level": {"min": 10, "max": 1}}}, "value_ranges.level"),
        ({"event_constraints": {"funnels": [{"name": "f", "steps": ["a", "b"],
                                             "conversion": [1.0]}]}}, "one per step"),
        ({"segment_analysis": {"NEW_USER": {"event_probabilities": {"a": 1.5}}}},
         "use a value from 0 to 1"),
        ({"segment_analysis": {"WHALE": {}}}, "segment_analysis.WHALE"),
        ({"update_patterns": {"buy": {"gold": {"type": "multiply", "value": 2}}}},
         "update_patterns.buy.gold.type"),
        (["not", "a", "mapping"], "must be a mapping"),
    ],
)
def test_invalid_rules_name_the_path(data: object, message: str) -> None:
    with pytest.raises(RulesError, match=re.escape(message)):
        Rules.from_data(data)


def test_yaml_and_json_round_trip(tmp_path: Path, shared_dir: Path) -> None:
    block = next(b for b in _seed_json_blocks(shared_dir) if '"property_constraints"' in b)
    rules = Rules.from_data(json.loads(block))
    for name in ("rules.yaml", "rules.json"):
        path = tmp_path / name
        rules.save(path)
        assert Rules.load(path) == rules
    edited = yaml.safe_load((tmp_path / "rules.yaml").read_text(encoding="utf-8"))
    edited["value_ranges"]["level"]["max"] = 99
    (tmp_path / "edited.yaml").write_text(yaml.safe_dump(edited), encoding="utf-8")
    assert Rules.load(tmp_path / "edited.yaml").value_ranges["level"].max == 99


def test_unreadable_rules_file_is_a_rules_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("value_ranges: [unclosed", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML"):
        Rules.load(bad)
    with pytest.raises(RulesError, match="cannot read"):
        Rules.load(tmp_path / "missing.yaml")


def test_merge_keeps_base_where_override_is_silent() -> None:
    base = Rules.from_data({
        "value_ranges": {"level": {"min": 1, "max": 10}},
        "event_constraints": {"sequences": [["a", "b"]], "one_time_events": ["x"]},
    })
    override = Rules.from_data({
        "value_ranges": {"gold": {"min": 0, "max": 5}},
        "event_constraints": {"one_time_events": ["y"]},
    })
    merged = merge_rules(base, override)
    assert set(merged.value_ranges) == {"level", "gold"}
    assert merged.event_constraints.sequences == [["a", "b"]]
    assert merged.event_constraints.one_time_events == ["y"]


def test_json_schema_describes_top_level_keys() -> None:
    schema = Rules.json_schema()
    for key in ("property_constraints", "property_relationships", "value_ranges",
                "event_constraints", "monetary_properties", "segment_analysis",
                "update_patterns"):
        assert key in schema["properties"]


# -- one conversion per step: version-1 sequence conversions move into the funnels -----------


def test_a_v1_sequence_conversion_moves_into_the_funnel_with_a_notice() -> None:
    """In version 1 the sequence's number drove the data: it wins over the funnel's, the
    sequence keeps only how it is played, and a pair no funnel has becomes a funnel."""
    rules = Rules.from_data({"schema_version": 1, "event_constraints": {
        "funnels": [{"name": "shop", "steps": ["view", "cart", "buy"],
                     "conversion": [1.0, 0.4, 0.8]}],
        "sequences": [["cart", "buy"], ["earn", "spend"]],
        "sequence_details": [
            {"events": ["cart", "buy"], "scope": "session", "conversion": [1.0, 0.2]},
            {"events": ["earn", "spend"], "scope": "session", "conversion": [1.0, 0.7]}],
    }})
    ec = rules.event_constraints
    assert rules.schema_version == 2
    assert ec.funnels[0].conversion == [1.0, 0.4, 0.2]
    assert [(f.steps, f.conversion) for f in ec.funnels[1:]] == [(["earn", "spend"], [1.0, 0.7])]
    assert "conversion" not in ec.sequence_details[0].model_dump()
    assert ec.step_conversion("cart", "buy") == 0.2 and ec.step_conversion("view", "buy") is None
    [notice] = rules.notices
    assert "shop: cart → buy conversion 0.8 → 0.2" in notice and "earn_spend" in notice
    again = Rules.from_data(rules.to_data())
    assert again.to_data() == rules.to_data() and again.notices == []


def test_the_first_funnel_with_a_step_pair_states_its_conversion() -> None:
    ec = Rules.from_data({"event_constraints": {"funnels": [
        {"name": "a", "steps": ["x", "y"], "conversion": [1.0, 0.3]},
        {"name": "b", "steps": ["w", "x", "y"], "conversion": [1.0, 0.5, 0.9]}]}}
    ).event_constraints
    assert ec.step_conversion("x", "y") == 0.3 and ec.step_conversion("w", "x") == 0.5
