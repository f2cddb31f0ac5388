"""An output folder describes itself: rules.yaml, plan.json and the plan's path and
fingerprint in manifest.json; `report` and `validate` work from it alone, from any folder,
and name a plan that moved or changed instead of reading another one silently."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from demogen.analysis.rules import Rules
from demogen.taxonomy import source_fingerprint
from tests.simulation.generated_outputs import EXAMPLES, REPO, run_cli, window_start

DATA = REPO / "tests" / "data"
DAYS = 7
START = window_start(DAYS).isoformat()


def _generate(plan: Path | str, out: Path, users: int = 150) -> None:
    result = run_cli(["generate", plan, "-o", out, "--users", users, "--days", DAYS,
                      "--start", START])
    assert result.exit_code == 0, result.output


def _report(out: Path | str, kpis: Path, *extra: str):  # type: ignore[no-untyped-def]
    result = run_cli(["report", out, "-o", kpis.with_suffix(".html"), "--json", kpis, *extra])
    assert result.exit_code == 0, result.output
    return result, json.loads(kpis.read_text(encoding="utf-8"))


def _same_kpis(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for key, value in expected.items():        # DuckDB sums floats in any order
        wanted = pytest.approx(value, rel=1e-9) if isinstance(value, float) else value
        assert got[key] == wanted, key


@pytest.fixture(scope="module")
def game_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/game generated as the README does it: a plan path relative to the repo."""
    out = tmp_path_factory.mktemp("game") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        # Enough users that a game's ~1.5 % payers buy within the short window.
        _generate("examples/game", out, users=1_500)
    return out


def test_the_output_keeps_its_rules_plan_and_where_the_plan_was(game_run: Path) -> None:
    manifest = json.loads((game_run / "manifest.json").read_text(encoding="utf-8"))
    plan = manifest["plan"]
    assert plan["path"] == str(EXAMPLES / "game")                    # absolute
    assert plan["fingerprint"] == source_fingerprint(EXAMPLES / "game")
    assert plan["product_name"] == "Rune Knights"
    assert manifest["options"]["taxonomy"] == str(EXAMPLES / "game")
    rules = Rules.load(game_run / "rules.yaml")                      # loads as --rules does
    assert rules.event_roles.revenue
    saved = json.loads((game_run / "plan.json").read_text(encoding="utf-8"))
    assert saved["product"]["product_name"] == "Rune Knights"
    assert len(saved["taxonomy"]["events"]) == 41


def test_report_from_another_folder_gives_the_same_kpis(game_run: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    _, kpis_here = _report(game_run, tmp_path / "here.json")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    there, kpis_there = _report(game_run, tmp_path / "there.json")
    _same_kpis(kpis_there, kpis_here)
    assert kpis_there["product"] == "Rune Knights"
    assert kpis_there["payer_rate"] > 0 and kpis_there["revenue_usd"] > 0
    assert "Rune Knights: " in there.stdout


def test_validate_from_another_folder_runs_the_rule_checks(game_run: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(["validate", game_run, "--workers", 1])
    assert result.exit_code == 0, result.output
    assert "valid: no violations" in result.stderr
    assert "skipped" not in result.stdout       # every rule check ran, from rules.yaml


def test_a_moved_or_changed_plan_is_named(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(EXAMPLES / "saas", plan)
    out = tmp_path / "out"
    _generate(plan, out, users=60)
    _, before = _report(out, tmp_path / "before.json")

    product = json.loads((plan / "product.json").read_text(encoding="utf-8"))
    (plan / "product.json").write_text(json.dumps({**product, "product_name": "Renamed"}),
                                       encoding="utf-8")
    changed, after = _report(out, tmp_path / "changed.json")
    assert "changed after this run" in changed.stderr and str(plan) in changed.stderr
    _same_kpis(after, before)                  # the saved copy, not the edited plan

    shutil.rmtree(plan)
    moved, after = _report(out, tmp_path / "moved.json")
    assert "no longer there" in moved.stderr
    _same_kpis(after, before)


def test_another_plan_given_to_validate_is_named(game_run: Path) -> None:
    result = run_cli(["validate", game_run, "--taxonomy", EXAMPLES / "saas", "--workers", 1])
    assert "is not the plan this output was generated from" in result.stderr


def test_report_and_validate_on_a_plan_with_spaces_in_event_names(tmp_path: Path) -> None:
    """The names are written in snake_case; report and validate read them as written."""
    out = tmp_path / "out"
    _generate(DATA / "segment_shop", out, users=200)
    written = {json.loads(line).get("#event_name") for day in out.glob("logs_*.jsonl")
               for line in day.open(encoding="utf-8")}
    assert "order_completed" in written and "Order Completed" not in written
    _, kpis = _report(out, tmp_path / "kpis.json")
    assert kpis["product"] == "Pinecrate" and kpis["revenue_usd"] > 0
    checked = run_cli(["validate", out, "--workers", 1])
    assert checked.exit_code == 0, checked.output
    # rules.yaml keeps the plan's names, so it can be passed back with --rules
    rules = yaml.safe_load((out / "rules.yaml").read_text(encoding="utf-8"))
    assert "Order Completed" in rules["event_roles"]["revenue"]


def test_a_previous_output_with_its_saved_files_is_replaced_by_overwrite(game_run: Path,
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(game_run, out)
    refused = run_cli(["generate", EXAMPLES / "game", "-o", out, "--users", 20, "--days", 2,
                       "--start", START])
    assert refused.exit_code == 2 and "--overwrite" in refused.stderr
    replaced = run_cli(["generate", EXAMPLES / "game", "-o", out, "--users", 20, "--days", 2,
                        "--start", START, "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    assert {p.name for p in out.iterdir()} >= {"rules.yaml", "plan.json", "manifest.json"}
    assert len(list(out.glob("logs_*.jsonl"))) == 2
