"""`demogen validate` through the Typer app: exit 0 clean, 1 with violations, 2 bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from demogen.cli._app import app
from tests.validate.generated import Output, Run, event, saas_run

__all__ = ["saas_run"]  # fixture used here

runner = CliRunner()


def test_clean_output_exits_0_with_the_rules_saved_beside_it(saas_run: Run) -> None:
    result = runner.invoke(app, ["validate", str(saas_run.out)])
    assert result.exit_code == 0, result.output
    assert "only the format" not in result.stdout    # rules.yaml in OUT: every check ran


def test_day_files_alone_get_the_basic_checks(saas_run: Run, tmp_path: Path) -> None:
    out = Output(saas_run.out).write(tmp_path / "days-only")
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert "only the format, types, time and identity checks ran" in result.stdout
    assert "no rules for this output" in result.stderr
    assert "valid: no violations" in result.stderr
    for check in ("format", "types", "time", "identity"):
        assert check in result.stdout


def test_violations_exit_1_with_counts_and_examples(saas_run: Run, tmp_path: Path) -> None:
    broken = Output(saas_run.out)
    file, index, record = broken.find(event("signup"))
    record["#os"] = "Windows"
    twice = {**record, "properties": dict(record["properties"])}
    del twice["#os"]
    broken.files[file].insert(index + 1, twice)
    out = broken.write(tmp_path / "broken")
    result = runner.invoke(app, ["validate", str(out), "--rules", str(saas_run.rules_path)])
    assert result.exit_code == 1, result.output
    assert "format: 1 violation" in result.stdout
    assert f"{file}:{index + 1}: top-level key '#os' is not a header key" in result.stdout
    assert "one_time: 1 violation" in result.stdout
    assert f"{file}:{index + 2}: one-time event 'signup' again" in result.stdout
    assert "invalid:" in result.stderr


def test_taxonomy_runs_the_rule_checks_like_generate(saas_run: Run, tmp_path: Path) -> None:
    broken = Output(saas_run.out)
    file, index, record = broken.find(event("signup"))
    broken.files[file].insert(index + 1, {**record, "properties": dict(record["properties"])})
    out = broken.write(tmp_path / "broken")
    result = runner.invoke(app, ["validate", str(out), "--taxonomy", str(saas_run.taxonomy),
                                 "--rules", str(saas_run.overlay), "--cache-dir",
                                 str(saas_run.cache)])
    assert result.exit_code == 1, result.output
    assert "one_time: 1 violation" in result.stdout
    assert "rules: cache hit" in result.stderr   # analysed exactly as generate did
    assert "only the format" not in result.stdout


def test_unreadable_input_exits_2(saas_run: Run, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.output
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["validate", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "holds no logs_YYYYMMDD.jsonl(.gz) day files" in result.stderr
    bad = tmp_path / "bad"
    shutil.copytree(saas_run.out, bad)
    path = bad / "logs_20261103.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[3] = b"{not json\n"
    path.write_bytes(b"".join(lines))
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "logs_20261103.jsonl:4: not valid JSON" in result.stderr
    gz = tmp_path / "gz"
    gz.mkdir()
    (gz / "logs_20261101.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    result = runner.invoke(app, ["validate", str(gz)])
    assert result.exit_code == 2
    assert "logs_20261101.jsonl.gz:1: broken gzip file" in result.stderr
