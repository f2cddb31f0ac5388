"""`demogen generate` then `demogen validate --taxonomy` on the tests' own plans (tests/data).

The same path a newcomer takes with a plan of their own, in any clone: the seed CSV layout,
a Segment-style JSON plan (spaces in event names) and a ThinkingData workbook.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.simulation.generated_outputs import run_cli, source_path, window_start

USERS, DAYS = 40, 5


@pytest.mark.parametrize("plan_id", ["seed_plan", "segment_shop", "te_workbook"])
def test_generate_then_validate_exit_0(tmp_path: Path, plan_id: str) -> None:
    plan = source_path(plan_id, tmp_path)
    out = tmp_path / "out"
    generated = run_cli(["generate", plan, "-o", out, "--users", USERS, "--days", DAYS,
                         "--start", window_start(DAYS).isoformat(), "--seed", 1])
    assert generated.exit_code == 0, generated.output
    days = sorted(out.glob("logs_*.jsonl"))
    assert len(days) == DAYS and all(day.stat().st_size for day in days)
    checked = run_cli(["validate", out, "--taxonomy", plan, "--workers", 1])
    assert checked.exit_code == 0, checked.output
    assert "valid: no violations" in checked.stderr
