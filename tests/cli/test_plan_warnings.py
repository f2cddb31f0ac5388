"""The plan's warnings in full once (analyze, or the run that analysed the plan), then as one
line that says how to see them; -v shows them again, -q nothing. generate ends with the next
steps."""

from __future__ import annotations

from pathlib import Path

from tests.simulation.generated_outputs import REPO, run_cli, window_start

PLAN = REPO / "tests" / "data" / "segment_shop"      # event names with spaces: one warning
FULL = "event names contain spaces"
SMALL = ["--users", "20", "--days", "2", "--start", window_start(2).isoformat()]


def _generate(out: Path, *flags: str):  # type: ignore[no-untyped-def]
    result = run_cli(["generate", PLAN, "-o", out, *SMALL, "--overwrite", *flags])
    assert result.exit_code == 0, result.output
    return result


def test_warnings_in_full_when_analysed_then_one_line(tmp_path: Path) -> None:
    first = _generate(tmp_path / "out")
    assert "rules: analysed" in first.stderr and FULL in first.stderr

    again = _generate(tmp_path / "out")
    assert "rules: cache hit" in again.stderr and FULL not in again.stderr
    assert f"1 warning about the plan (see them with: demogen analyze {PLAN})" in again.stderr

    verbose = _generate(tmp_path / "out", "-v")
    assert FULL in verbose.stderr and "rules: cache hit (heuristic_" in verbose.stderr

    quiet = _generate(tmp_path / "out", "-q")
    assert quiet.stderr == "" and quiet.stdout == ""

    analysed = run_cli(["analyze", PLAN])                # the place to read them: in full
    assert analysed.exit_code == 0 and FULL in analysed.stderr


def test_report_and_validate_do_not_repeat_the_plan_warnings(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(out)
    for args in (["report", out, "-o", tmp_path / "r.html"], ["validate", out, "--workers", 1]):
        result = run_cli(args)
        assert result.exit_code == 0, result.output
        assert FULL not in result.stderr and "warning about the plan" not in result.stderr


def test_generate_ends_with_the_next_steps(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _generate(out)
    assert "next:" in result.stderr
    assert f"demogen report {out} -o {out}-report.html" in result.stderr
    assert f"demogen validate {out}" in result.stderr
    assert "rules.yaml" in result.stdout
