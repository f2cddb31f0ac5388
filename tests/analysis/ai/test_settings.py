"""``--ai`` resolved against the SDK variables and ``.env``; keys never shown; the rate
limit and the price table; the prompt's content and split."""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.analysis.ai import AIOptions, Secret, resolve_ai
from demogen.analysis.ai._clients import RateLimiter
from demogen.analysis.ai._cost import Usage, price_of
from demogen.analysis.ai._prompt import build_prompts
from demogen.analysis.ai._settings import NO_KEY, read_environment
from demogen.errors import ConfigError
from tests.analysis.ai.conftest import KEY


def test_auto_picks_a_provider_whose_key_is_set() -> None:
    assert resolve_ai(AIOptions(), env={}).provider == "heuristic"
    assert "no OPENAI_API_KEY or ANTHROPIC_API_KEY" in resolve_ai(AIOptions(), env={}).describe()
    openai = resolve_ai(AIOptions(), env={"OPENAI_API_KEY": KEY, "ANTHROPIC_API_KEY": KEY})
    assert (openai.provider, openai.model) == ("openai", "gpt-4.1-mini")
    anthropic = resolve_ai(AIOptions(model="claude-sonnet-4-5"), env={"ANTHROPIC_API_KEY": KEY})
    assert (anthropic.provider, anthropic.model) == ("anthropic", "claude-sonnet-4-5")
    assert "ANTHROPIC_API_KEY is set" in anthropic.describe()
    assert resolve_ai(AIOptions(ai="heuristic"), env={"OPENAI_API_KEY": KEY}).provider == \
        "heuristic"


def test_base_url_needs_no_key() -> None:
    choice = resolve_ai(AIOptions(base_url="http://127.0.0.1:9/v1"), env={})
    assert (choice.provider, choice.base_url) == ("openai", "http://127.0.0.1:9/v1")
    assert choice.key is not None and choice.key.reveal() == NO_KEY
    from_env = resolve_ai(AIOptions(), env={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert from_env.provider == "openai" and "local server" in from_env.describe()


def test_an_explicit_provider_without_a_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        resolve_ai(AIOptions(ai="openai"), env={})
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        resolve_ai(AIOptions(ai="anthropic"), env={})
    with pytest.raises(ConfigError, match="--ai 'gemini' is not one of"):
        AIOptions(ai="gemini")


def test_dotenv_fills_what_the_environment_does_not_set(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(f"OPENAI_API_KEY={KEY}\nANTHROPIC_API_KEY=from-dotenv\n")
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-environment")
    env = read_environment(tmp_path)
    assert env["OPENAI_API_KEY"] == KEY
    assert env["ANTHROPIC_API_KEY"] == "from-environment"
    monkeypatch.chdir(tmp_path)
    assert resolve_ai(AIOptions()).provider == "openai"


def test_keys_never_show_themselves() -> None:
    choice = resolve_ai(AIOptions(), env={"OPENAI_API_KEY": KEY})
    for text in (repr(choice), str(choice), choice.describe(), repr(choice.key),
                 str(choice.key), f"{choice.key}"):
        assert KEY not in text
    assert Secret(KEY).scrub(f"Incorrect API key provided: {KEY}.") == \
        "Incorrect API key provided: ***."


def test_rate_limiter_waits_for_the_next_minute() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(2, 10_000, clock=lambda: now[0], sleep=sleep)
    limiter.wait(100)
    now[0] = 10.0
    limiter.wait(100)
    assert slept == []
    limiter.wait(100)                       # a third request in the minute waits
    assert slept == [50.0] and now[0] == 60.0
    limiter.wait(9_900)                     # two a minute: waits for the one at 10 s
    assert now[0] == 70.0
    limiter.wait(200)                       # over the tokens per minute: waits again
    assert now[0] == 130.0


def test_price_table_and_cost() -> None:
    assert price_of("openai", "gpt-4.1-mini") is not None
    assert price_of("openai", "gpt-4.1-mini-2025-04-14") == price_of("openai", "gpt-4.1-mini")
    assert price_of("openai", "llama3.1:8b") is None
    usage = Usage("openai", "gpt-4.1-mini")
    usage.add(1_000_000, 0)
    assert usage.cost == pytest.approx(0.40)
    assert "estimated cost $0.4000" in usage.describe()
    assert "estimated cost unknown" in Usage("openai", "llama3.1:8b").describe()


def test_prompt_holds_the_plan_and_product_and_is_split_when_large(plan) -> None:  # type: ignore[no-untyped-def]
    [whole] = build_prompts(plan.taxonomy, plan.product, token_budget=100_000)
    for event in plan.taxonomy.events:
        assert f"\n{event.name} | " in whole.text
    assert "total_workouts (number; user; update user_add)" in whole.text
    assert "weekly_target (number; event; range 1 to 7)" in whole.text
    assert "Industry: fitness" in whole.text and "$" not in whole.text.split("# Events")[0]
    parts = build_prompts(plan.taxonomy, plan.product, token_budget=1_100)
    assert len(parts) > 1
    assert sorted(e for p in parts for e in p.events) == \
        sorted(e.name for e in plan.taxonomy.events)
    # Each part carries the user properties, and the properties of its own events only.
    for part in parts:
        assert "total_workouts" in part.text
        if "paywall_view" not in part.events:
            assert "paywall_source (" not in part.text


def test_public_names_are_pinned() -> None:
    import demogen.analysis.ai as ai

    assert ai.__all__ == ["PROMPT_VERSION", "AIAnalyzer", "AIChoice", "AIOptions", "Secret",
                          "Usage", "resolve_ai"]
    assert all(hasattr(ai, name) for name in ai.__all__)


def test_answers_are_read_defensively() -> None:
    from demogen.analysis.ai._answer import AnswerError, parse_answer

    assert parse_answer('Sure! {"value_ranges": {}} and {"x": 1}', max_chars=100) == \
        {"value_ranges": {}}
    assert parse_answer('{"property_rules": {"value_ranges": {}}}', max_chars=100) == \
        {"value_ranges": {}}
    for text, message in (("[1, 2]", "not an object"), ("no json", "no JSON object"),
                          ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
                          ("{" + " " * 200 + "}", "over the limit")):
        with pytest.raises(AnswerError, match=message):
            parse_answer(text, max_chars=200_001 if "[" in text else 100)
