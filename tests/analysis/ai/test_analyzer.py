"""The AI analyzer through the real OpenAI and Anthropic SDKs, against fake servers on
127.0.0.1: each test scripts the answers, then asserts the calls the fake received and the
rules produced."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from demogen.analysis.ai import AIAnalyzer, AIChoice, AIOptions, Secret
from demogen.analysis.ai._clients import TOOL_NAME
from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules
from demogen.errors import AIError, ConfigError
from tests.analysis.ai.conftest import KEY
from tests.analysis.ai.fakes import USAGE_IN, USAGE_OUT, FakeProvider, Step

MODELS = {"openai": "gpt-4.1-mini", "anthropic": "claude-haiku-4-5"}

#: A good, partial answer about Stridewell: one funnel, one range, one formula.
GOOD: dict[str, Any] = {
    "event_constraints": {"funnels": [{"name": "premium", "steps": [
        "paywall_view", "subscription_purchase"], "conversion": [1.0, 0.07]}]},
    "value_ranges": {"calories": {"min": 30, "max": 900, "mean": 250}},
    "property_relationships": {"calories": {"depends_on": ["duration_minutes"],
                                            "formula": "duration_minutes * 8 + randint(0, 40)",
                                            "events": ["workout_complete"]}},
}


def analyzer(kind: str, fake: FakeProvider, **options: Any) -> AIAnalyzer:
    options.setdefault("max_retries", 0)
    choice = AIChoice(kind, MODELS[kind], fake.base_url, Secret(KEY), "test")  # type: ignore[arg-type]
    return AIAnalyzer(choice, AIOptions(ai=kind, **options))


def run(kind: str, fake: FakeProvider, plan, **options: Any) -> tuple[AIAnalyzer, Rules]:  # type: ignore[no-untyped-def]
    ai = analyzer(kind, fake, **options)
    return ai, ai.analyze(plan.taxonomy, plan.product)


def last_user_text(kind: str, body: dict[str, Any]) -> str:
    """The text of the last user message of a call (a repair request)."""
    content = body["messages"][-1]["content"]
    if isinstance(content, str):
        return content
    return " ".join(str(block.get("content", block.get("text", ""))) for block in content)


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_good_answer_is_merged_over_the_heuristic(kind: str, fake, plan) -> None:  # type: ignore[no-untyped-def]
    server = fake(kind, [Step(GOOD)])
    ai, rules = run(kind, server, plan)

    assert len(server.calls) == 1
    call = server.calls[0]
    schema = Rules.model_json_schema()
    if kind == "openai":
        assert call.path == "/v1/chat/completions"
        assert call.headers["authorization"] == f"Bearer {KEY}"
        assert call.body["response_format"]["type"] == "json_schema"
        assert call.body["response_format"]["json_schema"]["schema"] == schema
    else:
        assert call.path == "/v1/messages"
        # The SDK sends the key as x-api-key or as a bearer token, by version.
        assert KEY in call.headers.get("x-api-key", "") + call.headers.get("authorization", "")
        assert call.body["tools"][0]["input_schema"] == schema
        assert call.body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    prompt = json.dumps(call.body["messages"])
    for word in ("Stridewell", "subscription_purchase", "workout_complete", "user_add",
                 "Premium costs 9.99 USD"):
        assert word in prompt
    assert call.body["model"] == MODELS[kind]

    heuristic = HeuristicAnalyzer().analyze(plan.taxonomy, plan.product)
    assert [f.name for f in rules.event_constraints.funnels] == ["premium"]
    assert rules.value_ranges["calories"].max == 900
    assert rules.property_relationships["calories"].formula.startswith("duration_minutes")
    # What the model left out is the heuristic's.
    assert rules.event_constraints.session_start_events == \
        heuristic.event_constraints.session_start_events
    assert rules.value_ranges["price"] == heuristic.value_ranges["price"]
    assert rules.update_patterns == heuristic.update_patterns
    assert ai.warnings == []
    assert (ai.usage.calls, ai.usage.input_tokens, ai.usage.output_tokens) == \
        (1, USAGE_IN, USAGE_OUT)
    origin = ai.origin()
    assert origin is not None and origin.label == f"AI ({kind}/{MODELS[kind]})"
    assert set(origin.rules.model_fields_set) == {"event_constraints", "value_ranges",
                                                  "property_relationships"}


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_malformed_json_then_good(kind: str, fake, plan) -> None:  # type: ignore[no-untyped-def]
    server = fake(kind, [Step('{"value_ranges": {"calories": '), Step(GOOD)])
    ai, rules = run(kind, server, plan)

    assert len(server.calls) == 2
    assert "no JSON object" in last_user_text(kind, server.calls[1].body)
    assert rules.value_ranges["calories"].max == 900
    assert ai.warnings == [] and ai.usage.calls == 2


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_schema_invalid_then_repaired(kind: str, fake, plan) -> None:  # type: ignore[no-untyped-def]
    bad = {"value_ranges": {"calories": {"min": 900, "max": 30}},
           "event_constraints": {"one_time_event": ["signup"]}}
    server = fake(kind, [Step(bad), Step(GOOD)])
    ai, rules = run(kind, server, plan)

    assert len(server.calls) == 2
    repair = last_user_text(kind, server.calls[1].body)
    assert "value_ranges.calories" in repair and "greater than max" in repair
    assert "unknown key 'one_time_event'" in repair
    if kind == "anthropic":     # the repair answers the forced tool call
        assert server.calls[1].body["messages"][-1]["content"][0]["type"] == "tool_result"
        assert server.calls[1].body["messages"][-2]["content"][0]["input"] == bad
    assert rules.value_ranges["calories"].min == 30
    assert ai.warnings == []


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_429_with_retry_after_then_good(kind: str, fake, plan) -> None:  # type: ignore[no-untyped-def]
    server = fake(kind, [Step(status=429, headers={"Retry-After": "1"}), Step(GOOD)])
    ai, rules = run(kind, server, plan, max_retries=2)

    assert len(server.calls) == 2           # the SDK retried the same request
    assert server.calls[0].body == server.calls[1].body
    assert ai.usage.calls == 1               # one answer
    assert rules.value_ranges["calories"].max == 900


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_500s_then_good(kind: str, fake, plan) -> None:  # type: ignore[no-untyped-def]
    server = fake(kind, [Step(status=500), Step(status=503), Step(GOOD)])
    ai, rules = run(kind, server, plan, max_retries=3)

    assert len(server.calls) == 3
    assert ai.usage.calls == 1
    assert rules.value_ranges["calories"].max == 900


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_timeout_is_retried(kind: str, fake, plan) -> None:  # type: ignore[no-untyped-def]
    server = fake(kind, [Step(GOOD, delay=3.0), Step(GOOD)])
    _ai, rules = run(kind, server, plan, max_retries=1, timeout=0.5)

    assert len(server.calls) == 2
    assert rules.value_ranges["calories"].max == 900


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_provider_down_is_an_ai_error(kind: str, fake, plan) -> None:  # type: ignore[no-untyped-def]
    server = fake(kind, [Step(status=500)] * 3)
    ai = analyzer(kind, server, max_retries=2)
    with pytest.raises(AIError) as caught:
        ai.analyze(plan.taxonomy, plan.product)

    assert len(server.calls) == 3
    message = str(caught.value)
    assert f"{kind}/{MODELS[kind]}" in message and "HTTP 500" in message
    assert KEY not in message


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_formula_outside_the_sandbox_is_rejected_never_run(kind: str, fake, plan,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    canary = tmp_path / "ran"
    hostile = {**GOOD, "property_relationships": {"calories": {
        "depends_on": ["duration_minutes"],
        "formula": f"__import__('pathlib').Path('{canary}').touch()"}}}
    server = fake(kind, [Step(hostile)] * 4)
    ai, rules = run(kind, server, plan)

    assert len(server.calls) == 4            # the answer and three repair turns
    assert "not allowed" in last_user_text(kind, server.calls[1].body) or \
        "unknown function" in last_user_text(kind, server.calls[1].body)
    assert not canary.exists()
    assert "calories" not in rules.property_relationships
    assert rules.value_ranges["calories"].max == 900      # the rest of the answer stands
    assert any("dropped property_relationships.calories" in w for w in ai.warnings)


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_huge_answer_is_refused_unread(kind: str, fake, plan) -> None:  # type: ignore[no-untyped-def]
    huge = {**GOOD, "value_ranges": {"calories": {"min": 0, "max": 1}},
            "padding": "x" * 5_000_000}
    server = fake(kind, [Step(huge), Step(GOOD)])
    _ai, rules = run(kind, server, plan)

    assert len(server.calls) == 2
    repair = server.calls[1]
    assert "over the limit" in last_user_text(kind, repair.body)
    assert len(json.dumps(repair.body)) < 200_000      # the 5 MB were not sent back
    assert rules.value_ranges["calories"].max == 900


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_events_the_plan_lacks_are_dropped_with_a_warning(kind: str, fake, plan) -> None:  # type: ignore[no-untyped-def]
    foreign = {**GOOD, "event_constraints": {
        "funnels": [{"name": "raid", "steps": ["guild_join", "raid_start"]},
                    GOOD["event_constraints"]["funnels"][0]],
        "one_time_events": ["signup", "tutorial_complete"]}}
    server = fake(kind, [Step(foreign)] * 4)
    ai, rules = run(kind, server, plan)

    assert len(server.calls) == 4
    assert "the plan has no event 'guild_join'" in last_user_text(kind, server.calls[1].body)
    assert [f.name for f in rules.event_constraints.funnels] == ["premium"]
    assert rules.event_constraints.one_time_events == ["signup"]
    assert any("event_constraints.funnels[0]" in w and "guild_join" in w for w in ai.warnings)
    assert any("tutorial_complete" in w for w in ai.warnings)


def test_partial_answer_keeps_the_heuristic_for_the_rest(fake, plan) -> None:  # type: ignore[no-untyped-def]
    server = fake("openai", [Step({"value_ranges": {"calories": {"min": 10, "max": 20}}})])
    _, rules = run("openai", server, plan)

    heuristic = HeuristicAnalyzer().analyze(plan.taxonomy, plan.product)
    expected = heuristic.model_dump()
    expected["value_ranges"]["calories"] = {"min": 10.0, "max": 20.0, "mean": None}
    assert rules.model_dump() == expected
    assert len(server.calls) == 1


def test_large_plan_is_split_and_merged(fake, plan) -> None:  # type: ignore[no-untyped-def]
    answers = [
        {"value_ranges": {"session_duration": {"min": 60, "max": 1800}},
         "event_constraints": {"one_time_events": ["app_install"]}},
        {"value_ranges": {"calories": {"min": 30, "max": 900}},
         "event_constraints": {"one_time_events": ["signup", "app_install"]}},
        {"value_ranges": {"price": {"min": 9.99, "max": 59.99}},
         "event_constraints": {"one_time_events": ["onboarding_complete"]}},
    ]
    server = fake("openai", [Step(a) for a in answers])
    ai, rules = run("openai", server, plan, token_budget=1_200)

    parts = len(server.calls)
    assert parts == 3
    prompts = [c.body["messages"][-1]["content"] for c in server.calls]
    assert all(f"of {parts}" in p for p in prompts)
    # Every event is described in full in exactly one part.
    for event in plan.taxonomy.events:
        described = [p for p in prompts if f"\n{event.name} | " in p]
        assert len(described) == 1, event.name
    assert ai.usage.calls == parts
    kept = {k: v.max for k, v in rules.value_ranges.items()}
    assert kept["session_duration"] == 1800 and kept["calories"] == 900
    assert kept["price"] == 59.99
    assert rules.event_constraints.one_time_events[:2] == ["app_install", "signup"]


def test_seed_shaped_v1_answer_is_accepted(fake, plan) -> None:  # type: ignore[no-untyped-def]
    """The seed document's ``property_rules`` example, written for this plan."""
    seed_shaped = {"property_rules": {
        "property_constraints": {"share_channel": {"depends_on": ["workout_type"], "mapping": {
            "run": ["strava", "instagram"], "yoga": ["instagram", "messages"]}}},
        "property_relationships": {
            "duration_minutes": {"type": "number", "depends_on": [], "affects": ["calories"]},
            "calories": {"type": "number", "depends_on": ["duration_minutes"],
                         "formula": "duration_minutes * 9 + random(0-50)"}},
        "value_ranges": {"duration_minutes": {"min": 5, "max": 120, "mean": 35}},
        "event_constraints": {
            "sequences": [["workout_start", "workout_complete"]],
            "sequence_details": [{"events": ["workout_start", "workout_complete"],
                                  "scope": "session", "conversion": [1.0, 0.8]}]},
        "segment_analysis": {"NEW_USER": {
            "property_ranges": {"duration_minutes": {"min": 5, "max": 30, "mean": 15}},
            "event_sequence": ["app_install", "session_start", "signup",
                               "onboarding_complete", "workout_start"],
            "event_probabilities": {"workout_start": 0.8, "subscription_purchase": 0.02}}},
    }}
    server = fake("anthropic", [Step(seed_shaped)])
    ai, rules = run("anthropic", server, plan)

    assert len(server.calls) == 1 and ai.warnings == []
    assert rules.property_relationships["calories"].formula.startswith("duration_minutes * 9")
    assert rules.property_constraints["share_channel"].depends_on == ["workout_type"]
    chain = [f for f in rules.event_constraints.funnels
             if f.steps == ["workout_start", "workout_complete"]]
    assert chain and chain[0].conversion == [1.0, 0.8]       # migrated to version 2
    assert all("conversion" not in d for d in
               rules.model_dump()["event_constraints"]["sequence_details"])
    assert rules.segment_analysis["NEW_USER"].event_probabilities["workout_start"] == 0.8


def test_server_without_structured_output_answers_in_prose(fake, plan) -> None:  # type: ignore[no-untyped-def]
    prose = "Here are the rules:\n```json\n" + json.dumps(GOOD) + "\n```\nHope this helps."
    server = fake("openai", [Step(status=400), Step(prose)])
    _ai, rules = run("openai", server, plan)

    assert len(server.calls) == 2
    assert "response_format" in server.calls[0].body
    assert "response_format" not in server.calls[1].body
    assert "JSON Schema" in server.calls[1].body["messages"][0]["content"]
    assert rules.value_ranges["calories"].max == 900


def test_max_cost_stops_before_the_call(fake, plan) -> None:  # type: ignore[no-untyped-def]
    server = fake("openai", [Step(GOOD)])
    ai = analyzer("openai", server, max_cost=0.0001)
    with pytest.raises(AIError, match="over --max-cost"):
        ai.analyze(plan.taxonomy, plan.product)
    assert server.calls == []


def test_max_cost_with_an_unknown_price_is_refused(fake) -> None:  # type: ignore[no-untyped-def]
    server = fake("openai", [])
    choice = AIChoice("openai", "my-local-model", server.base_url, Secret(KEY), "test")
    with pytest.raises(ConfigError, match="price of openai/my-local-model is unknown"):
        AIAnalyzer(choice, AIOptions(max_cost=1.0))
