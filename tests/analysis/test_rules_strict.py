"""Strict rules documents: an unknown key is an error with its path, line and a fix, and
docs/rules.md names every key the model has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from demogen.analysis.rules import Rules
from demogen.errors import RulesError

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value_range": {"level": {"min": 1, "max": 9}}},
         "value_range: unknown key 'value_range'; did you mean 'value_ranges'?"),
        ({"event_constraints": {"funnels": [{"name": "f", "steps": ["a", "b"],
                                             "per_sesion": True}]}},
         "event_constraints.funnels[0].per_sesion: unknown key 'per_sesion'; "
         "did you mean 'per_session'?"),
        ({"segment_analysis": {"POWER_USER": {"event_probabilty": {"a": 0.5}}}},
         "segment_analysis.POWER_USER.event_probabilty: unknown key 'event_probabilty'; "
         "did you mean 'event_probabilities'?"),
        ({"update_patterns": {"buy": {"gold": {"type": "increment", "valeu": 1}}}},
         "update_patterns.buy.gold.valeu: unknown key 'valeu'; did you mean 'value'?"),
        ({"value_ranges": {"level": {"min": 1, "max": 9, "avg": 3}}},
         "value_ranges.level.avg: unknown key 'avg'; valid keys here: min, max, mean"),
        # The right key at the wrong level: where it belongs.
        ({"funnels": []}, "funnels: unknown key 'funnels'; it belongs under event_constraints"),
        ({"event_constraints": {"value_ranges": {}}},
         "event_constraints.value_ranges: unknown key 'value_ranges'; it belongs at the top "
         "level"),
    ],
)
def test_unknown_keys_are_named_with_a_fix(data: dict[str, Any], message: str) -> None:
    with pytest.raises(RulesError) as caught:
        Rules.from_data(data)
    assert f"  - {message}" in str(caught.value).splitlines()


def test_a_file_names_the_line_of_each_unknown_key(tmp_path: Path) -> None:
    path = tmp_path / "edit.yaml"
    path.write_text("# my edit\n"
                    "value_range:\n"
                    "  level: {min: 1, max: 50}\n"
                    "event_constraints:\n"
                    "  funnels:\n"
                    "  - name: social\n"
                    "    steps: [app_install, guild_join]\n"
                    "    per_sesion: true\n", encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        Rules.load(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path}: the rules do not validate:"
    assert sorted(lines[1:]) == [
        "  - event_constraints.funnels[0].per_sesion (line 8): unknown key 'per_sesion'; "
        "did you mean 'per_session'?",
        "  - value_range (line 2): unknown key 'value_range'; did you mean 'value_ranges'?",
    ]


def test_json_files_name_lines_too(tmp_path: Path) -> None:
    path = tmp_path / "edit.json"
    path.write_text('{\n  "event_constraints": {\n    "one_time_event": ["signup"]\n  }\n}\n',
                    encoding="utf-8")
    with pytest.raises(RulesError, match=re.escape(
            "event_constraints.one_time_event (line 3): unknown key 'one_time_event'; "
            "did you mean 'one_time_events'?")):
        Rules.load(path)


def test_a_partial_edit_loads_and_the_schema_is_closed() -> None:
    rules = Rules.from_data({"value_ranges": {"price": {"min": 1, "max": 9}},
                             "event_constraints": {"one_time_events": ["signup"]}})
    assert rules.value_ranges["price"].max == 9
    assert rules.event_constraints.funnels == []
    schema = Rules.json_schema()
    assert schema["additionalProperties"] is False
    assert all(d.get("additionalProperties") is False for d in schema["$defs"].values()
               if d.get("type") == "object" and "properties" in d)


# -- docs/rules.md names every key -------------------------------------------------------------


def _models(kind: Any) -> list[type[BaseModel]]:
    """The rules models inside an annotation (``dict[str, list[Funnel]]`` → [Funnel])."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return [kind]
    return [m for arg in get_args(kind) for m in _models(arg)]


def _keys(model: type[BaseModel]) -> set[str]:
    out: set[str] = set()
    for name, field in model.model_fields.items():
        out.add(name)
        for inner in _models(field.annotation):
            out |= _keys(inner)
    return out


def test_docs_have_a_section_per_top_level_key() -> None:
    text = DOC.read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `([a-z_]+)`$", text, flags=re.M))
    assert headings == set(Rules.model_fields)


def test_docs_name_every_nested_key_in_its_section() -> None:
    text = DOC.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### `([a-z_]+)`$\n(.*?)(?=^### |\Z)", text, flags=re.M | re.S))
    for top, field in Rules.model_fields.items():
        missing = sorted(key for model in _models(field.annotation) for key in _keys(model)
                         if f"`{key}`" not in sections[top])
        assert not missing, f"docs/rules.md, section {top}: document {missing}"
