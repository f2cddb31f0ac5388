"""``generate --ai-review``: a sample run measured, its numbers (never records) sent to the
model, the revision shown as a diff and kept only when the sample is no worse."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from demogen.analysis.ai import AIOptions
from demogen.pipeline import GenerateOptions, prepare, review
from tests.analysis.ai.conftest import KEY
from tests.analysis.ai.fakes import Step
from tests.data import SEED_PLAN
from tests.simulation.generated_outputs import run_cli, window_start

CHANGE = {"value_ranges": {"calories": {"min": 40, "max": 700, "mean": 220}}}


def _options(tmp_path: Path) -> GenerateOptions:
    return GenerateOptions(output=str(tmp_path / "out"), users=60, days=3,
                           start=window_start(3))


def test_review_sends_numbers_and_keeps_a_revision_no_worse(fake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = fake("openai", [Step(CHANGE)])
    ai = AIOptions(ai="openai", base_url=server.base_url, max_retries=0)
    prepared = prepare(SEED_PLAN, ai=AIOptions(ai="heuristic"))
    outcome = review(prepared, _options(tmp_path), ai, sample_users=60)

    assert len(server.calls) == 1
    prompt = server.calls[0].body["messages"][-1]["content"]
    assert "Measurements of the sample run (60 users, 3 days)" in prompt
    assert "- d1: " in prompt and "- format: 0 " in prompt
    assert "Stridewell" in prompt and "value_ranges:" in prompt
    # Numbers about the sample, never its records: no ids, no record JSON, no file names.
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", prompt)
    assert '{"#' not in prompt and "logs_" not in prompt
    assert outcome.kept, outcome.reason
    assert "+    max: 700" in outcome.diff and "-    max:" in outcome.diff
    assert outcome.rules.value_ranges["calories"].max == 700
    assert outcome.after is not None
    assert outcome.after.total_violations <= outcome.before.total_violations
    assert outcome.usage.calls == 1
    assert not (tmp_path / "out").exists()       # samples live in a temporary folder


def test_review_without_a_change_keeps_the_rules(fake, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = fake("anthropic", [Step({})])
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    ai = AIOptions(ai="anthropic", base_url=server.base_url, max_retries=0)
    prepared = prepare(SEED_PLAN, ai=AIOptions(ai="heuristic"))
    outcome = review(prepared, _options(tmp_path), ai, sample_users=60)
    assert not outcome.kept and outcome.reason == "the model changed nothing"
    assert outcome.rules is prepared.rules and outcome.diff == ""
    assert len(server.calls) == 1


def test_generate_ai_review_through_the_cli(fake, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = fake("openai", [Step({}), Step(CHANGE)])   # the analysis, then the review
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    out = tmp_path / "out"
    result = run_cli(["generate", SEED_PLAN, "-o", out, "--users", "60", "--days", "3",
                      "--start", window_start(3).isoformat(), "--ai-review"])
    assert result.exit_code == 0, result.output
    assert "AI review: kept" in result.stderr
    assert "+    max: 700" in result.stderr
    assert len(server.calls) == 2
    rules = yaml.safe_load((out / "rules.yaml").read_text())
    assert rules["value_ranges"]["calories"]["max"] == 700
    assert KEY not in json.dumps([p.read_bytes().decode(errors="replace")
                                  for p in out.rglob("*") if p.is_file()])
