"""`demogen rules …` and `demogen cache …` through the real Typer app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from demogen.cli._app import app

runner = CliRunner()


def test_rules_schema_prints_json_schema() -> None:
    result = runner.invoke(app, ["rules", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "segment_analysis" in schema["properties"]


def test_rules_check_accepts_good_and_rejects_bad(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("event_constraints:\n  one_time_events: [signup]\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(good)])
    assert result.exit_code == 0, result.output
    assert "valid rules" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("value_ranges:\n  level: {min: 9, max: 1}\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(bad)])
    assert result.exit_code == 2
    assert "value_ranges.level" in result.stderr
    assert "Traceback" not in result.output


def test_cache_info_and_clear(tmp_path: Path) -> None:
    (tmp_path / "analysis_heuristic_abc.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["cache", "info", "--cache-dir", str(tmp_path)])
    assert "1 cached analysis" in result.stdout
    result = runner.invoke(app, ["cache", "clear", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "Removed 1 cached analysis" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_cache_info_describes_each_entry(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan = Path(__file__).resolve().parents[2] / "examples" / "saas"
    result = runner.invoke(app, ["analyze", str(plan), "--cache-dir", str(cache), "-q"])
    assert result.exit_code == 0, result.output
    (cache / "analysis_heuristic_0123456789abcdef.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{cache}: 2 cached analyses, ") and lines[0].endswith(" KB")
    entry = next(i for i, line in enumerate(lines) if "Trackwise" in line)
    assert lines[entry].startswith("  Trackwise (saas, web) · heuristic · cached 20")
    assert lines[entry].endswith(" KB")
    assert lines[entry + 1] == f"    plan: {plan} (31 events)"
    assert lines[entry + 2].startswith("    key:  heuristic_")
    assert "  (no description: cached by an older demogen) · heuristic · cached " in (
        result.stdout)
    assert "    key:  heuristic_0123456789abcdef" in lines
    result = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert "Removed 2 cached analyses" in result.stdout
    assert list(cache.iterdir()) == []


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("demogen ")
