"""Rules files checked through the command line: typo'd keys and names the plan lacks are
refused with their place in the file (``rules check``, ``generate/report/validate --rules``),
rules of another plan are refused as such, and analyze's own output and small edits pass."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start

GAME = EXAMPLES / "game"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def game_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "game-rules.yaml"
    result = run_cli(["analyze", GAME, "-o", path, "-q"])
    assert result.exit_code == 0, result.output
    return path


def test_typod_keys_are_refused_with_line_and_fix(tmp_path: Path) -> None:
    edit = _write(tmp_path / "edit.yaml", "value_range:\n"
                                          "  level: {min: 1, max: 50}\n"
                                          "event_constraints:\n"
                                          "  funnels:\n"
                                          "  - name: social\n"
                                          "    steps: [app_install, guild_join]\n"
                                          "    per_sesion: true\n")
    result = run_cli(["rules", "check", edit])
    assert result.exit_code == 2
    assert ("value_range (line 1): unknown key 'value_range'; did you mean 'value_ranges'?"
            in result.stderr)
    assert ("event_constraints.funnels[0].per_sesion (line 7): unknown key 'per_sesion'; "
            "did you mean 'per_session'?" in result.stderr)
    assert "Traceback" not in result.output


def test_a_funnel_step_the_plan_lacks_is_located(tmp_path: Path) -> None:
    edit = _write(tmp_path / "edit.yaml", "event_constraints:\n"
                                          "  funnels:\n"
                                          "  - name: social\n"
                                          "    steps: [app_install, guild_joined]\n"
                                          "    conversion: [1.0, 0.4]\n")
    assert run_cli(["rules", "check", edit]).exit_code == 0   # no plan: shape only
    result = run_cli(["rules", "check", edit, "--taxonomy", GAME])
    assert result.exit_code == 2
    assert (f"{edit}: 1 name(s) that the plan {GAME} lacks" in result.stderr)
    assert ("event_constraints.funnels[0].steps[1] (line 4): the plan has no event "
            "'guild_joined'; did you mean 'guild_join'?" in result.stderr)


@pytest.mark.parametrize("plan", ["game", "ecommerce", "saas"])
def test_analyzes_own_output_passes_against_its_plan(tmp_path: Path, plan: str) -> None:
    rules = tmp_path / "rules.yaml"
    assert run_cli(["analyze", EXAMPLES / plan, "-o", rules, "-q"]).exit_code == 0
    result = run_cli(["rules", "check", rules, "--taxonomy", EXAMPLES / plan])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{rules}: valid rules for {EXAMPLES / plan} (")


def test_rules_check_refuses_another_plans_rules(game_rules: Path) -> None:
    result = run_cli(["rules", "check", game_rules, "--taxonomy", EXAMPLES / "ecommerce"])
    assert result.exit_code == 2
    assert "they look like the rules of another plan" in result.stderr


def test_generate_refuses_another_plans_rules_before_any_work(tmp_path: Path,
                                                              game_rules: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(["generate", EXAMPLES / "ecommerce", "--rules", game_rules, "-o", out,
                      "--users", 20, "--days", 2, "--quiet"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {game_rules}: these rules name ")
    assert f"events the plan {EXAMPLES / 'ecommerce'} lacks" in result.stderr
    assert "they look like the rules of another plan" in result.stderr
    assert not out.exists()


def test_generate_refuses_a_typo_with_its_line(tmp_path: Path) -> None:
    edit = _write(tmp_path / "edit.yaml", "event_constraints:\n"
                                          "  one_time_events: [app_install, guild_joined]\n")
    out = tmp_path / "out"
    result = run_cli(["generate", GAME, "--rules", edit, "-o", out, "--users", 20,
                      "--days", 2, "--quiet"])
    assert result.exit_code == 2
    assert ("event_constraints.one_time_events[1] (line 2): the plan has no event "
            "'guild_joined'; did you mean 'guild_join'?" in result.stderr)
    assert not out.exists()


def test_a_small_edit_is_merged_over_the_analysis(tmp_path: Path) -> None:
    edit = _write(tmp_path / "my-edit.yaml", "# bigger purchases\n"
                                             "value_ranges:\n"
                                             "  price: {min: 50000, max: 99000}\n")
    assert run_cli(["rules", "check", edit, "--taxonomy", GAME]).exit_code == 0
    out = tmp_path / "out"
    result = run_cli(["generate", GAME, "--rules", edit, "-o", out, "--users", 30,
                      "--days", 3, "--start", window_start(3).isoformat(), "--quiet"])
    assert result.exit_code == 0, result.output
    used = yaml.safe_load((out / "rules.yaml").read_text(encoding="utf-8"))
    assert used["value_ranges"]["price"] == {"min": 50000.0, "max": 99000.0}
    assert len(used["value_ranges"]) > 10          # the analysis' other ranges are kept
    checked = run_cli(["validate", out, "--rules", out / "rules.yaml", "--quiet"])
    assert checked.exit_code == 0, checked.output
    report = tmp_path / "report.html"
    checked = run_cli(["report", out, "--rules", edit, "-o", report, "--quiet"])
    assert checked.exit_code == 0, checked.output
    assert report.is_file()


@pytest.mark.parametrize("command", ["validate", "report"])
def test_validate_and_report_check_rules_against_the_runs_plan(
        tmp_path: Path, game_rules: Path, command: str) -> None:
    out = tmp_path / "out"
    made = run_cli(["generate", EXAMPLES / "saas", "-o", out, "--users", 10, "--days", 2,
                    "--start", window_start(2).isoformat(), "--quiet"])
    assert made.exit_code == 0, made.output
    result = run_cli([command, out, "--rules", game_rules, *(
        ["-o", tmp_path / "report.html"] if command == "report" else [])])
    assert result.exit_code == 2
    assert "they look like the rules of another plan" in result.stderr
