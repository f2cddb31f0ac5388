"""``demogen analyze|generate --ai …`` through the command line, against fake providers:
which analyzer is said, the cache, --explain, a provider down, and the key never written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.ai.conftest import KEY
from tests.analysis.ai.fakes import Step
from tests.analysis.ai.test_analyzer import GOOD
from tests.data import SEED_PLAN
from tests.simulation.generated_outputs import run_cli, window_start


def test_without_a_key_the_heuristic_is_said() -> None:
    result = run_cli(["analyze", SEED_PLAN])
    assert result.exit_code == 0, result.output
    assert "analysis: offline heuristic (no OPENAI_API_KEY or ANTHROPIC_API_KEY set)" in \
        result.stderr


def test_an_explicit_provider_without_a_key_exits_2() -> None:
    result = run_cli(["analyze", SEED_PLAN, "--ai", "openai"])
    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_analyze_with_a_key_then_the_cache(kind: str, fake, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    server = fake(kind, [Step(GOOD)])
    variable = "OPENAI" if kind == "openai" else "ANTHROPIC"
    monkeypatch.setenv(f"{variable}_API_KEY", KEY)
    monkeypatch.setenv(f"{variable}_BASE_URL", server.base_url)

    first = run_cli(["analyze", SEED_PLAN])
    assert first.exit_code == 0, first.output
    assert f"analysis: AI, {kind}/" in first.stderr
    assert "1 call, 1,200 tokens in, 300 out, estimated cost $" in first.stderr
    assert "funnel premium" in first.stdout
    assert len(server.calls) == 1

    second = run_cli(["analyze", SEED_PLAN])          # identical: the cache, no call
    assert second.exit_code == 0, second.output
    assert "rules: cache hit" in second.stderr and "AI usage" not in second.stderr
    assert len(server.calls) == 1

    explained = run_cli(["analyze", SEED_PLAN, "--explain", "calories"])
    assert explained.exit_code == 0, explained.output
    model = "gpt-4.1-mini" if kind == "openai" else "claude-haiku-4-5"
    assert f"from AI ({kind}/{model})" in explained.stdout
    assert "calories = duration_minutes * 8" in explained.stdout
    heuristic = run_cli(["analyze", SEED_PLAN, "--explain", "price"])
    assert "from analysis" in heuristic.stdout           # the heuristic's facts stay its own
    assert "from AI" not in heuristic.stdout
    assert len(server.calls) == 1


def test_base_url_without_a_key(fake) -> None:  # type: ignore[no-untyped-def]
    server = fake("openai", [Step(GOOD)])
    result = run_cli(["analyze", SEED_PLAN, "--base-url", server.base_url,
                      "--model", "llama3.1:8b"])
    assert result.exit_code == 0, result.output
    assert "openai/llama3.1:8b at http://127.0.0.1" in result.stderr
    assert "estimated cost unknown" in result.stderr
    assert [c.body["model"] for c in server.calls] == ["llama3.1:8b"]
    assert server.calls[0].headers["authorization"] == "Bearer not-needed"


def test_provider_down_falls_back_to_the_heuristic_or_fails_with_strict(fake) -> None:  # type: ignore[no-untyped-def]
    server = fake("openai", [Step(status=500)] * 20)
    base = ["analyze", SEED_PLAN, "--base-url", server.base_url]
    result = run_cli(base)
    assert result.exit_code == 0, result.output
    assert "HTTP 500" in result.stderr and "offline heuristic analysis is used instead" in \
        result.stderr
    assert "funnel ftue_tutorial" in result.stdout        # the heuristic's rules
    calls = len(server.calls)
    assert calls == 4                                     # the request and 3 SDK retries

    strict = run_cli([*base, "--strict-ai"])
    assert strict.exit_code == 1
    assert "error:" in strict.stderr and "HTTP 500" in strict.stderr
    assert "Traceback" not in strict.output
    assert len(server.calls) == calls + 4                 # nothing cached from the fallback


def test_max_cost_stops_before_spending(fake) -> None:  # type: ignore[no-untyped-def]
    server = fake("openai", [Step(GOOD)])
    result = run_cli(["analyze", SEED_PLAN, "--base-url", server.base_url, "--max-cost",
                      "0.0001", "--strict-ai"])
    assert result.exit_code == 1
    assert "over --max-cost $0.00" in result.stderr
    assert server.calls == []


def test_the_key_is_never_written(fake, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = fake("openai", [Step(GOOD)])
    cache, out = tmp_path / "cache", tmp_path / "out"
    monkeypatch.setenv("DEMOGEN_CACHE_DIR", str(cache))
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.chdir(tmp_path)          # logs or stray files would land here

    analyzed = run_cli(["analyze", SEED_PLAN, "-o", tmp_path / "rules.yaml", "-v"])
    assert analyzed.exit_code == 0, analyzed.output
    generated = run_cli(["generate", SEED_PLAN, "-o", out, "--users", "50", "--days", "2",
                         "--start", window_start(2).isoformat(), "-v",
                         "--debug-users", tmp_path / "debug.jsonl"])
    assert generated.exit_code == 0, generated.output
    assert "analysis: AI, openai/gpt-4.1-mini" in generated.stderr
    assert "rules: cache hit" in generated.stderr
    assert len(server.calls) == 1                          # generate read the cache

    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.parent == cache for p in written) and any(p.parent == out for p in written)
    assert (tmp_path / "rules.yaml").is_file() and (out / "manifest.json").is_file()
    for path in written:
        assert KEY.encode() not in path.read_bytes(), path
    for result in (analyzed, generated):
        assert KEY not in result.output


def test_ai_and_heuristic_analyses_are_cached_apart(fake, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from demogen.analysis.cache import cache_key
    from demogen.taxonomy import load_taxonomy

    loaded = load_taxonomy(SEED_PLAN)
    plain = cache_key(loaded.taxonomy, loaded.product, "openai", "m")
    assert plain == cache_key(loaded.taxonomy, loaded.product, "openai", "m", "")
    assert plain != cache_key(loaded.taxonomy, loaded.product, "openai", "m", "rules_v1")

    server = fake("openai", [Step(GOOD)])
    cache = tmp_path / "cache"
    monkeypatch.setenv("DEMOGEN_CACHE_DIR", str(cache))
    base = ["analyze", SEED_PLAN, "--base-url", server.base_url]
    assert run_cli(base).exit_code == 0
    assert run_cli(["analyze", SEED_PLAN, "--ai", "heuristic"]).exit_code == 0
    names = sorted(p.name.split("_")[0] + "_" + p.name.split("_")[1] for p in cache.iterdir())
    assert sum(n.startswith("analysis_openai") for n in names) == 1
    assert sum(n.startswith("analysis_heuristic") for n in names) == 1
    assert sum(n.startswith("origin_openai") for n in names) == 1   # what the model wrote
    info = run_cli(["cache", "info"])
    assert "openai" in info.output and "heuristic" in info.output
    assert run_cli(["cache", "clear"]).exit_code == 0
    assert [p for p in cache.iterdir() if p.suffix == ".json"] == []
    assert len(server.calls) == 1
