"""The Python API: ``demogen.analyze/generate/validate/report`` on the bundled examples, the
same bytes as the CLI, typed results, and ``import demogen`` that stays cheap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

import demogen
from demogen.errors import ConfigError, TaxonomyError
from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start

START = window_start(3)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> demogen.Generated:
    out = tmp_path_factory.mktemp("api") / "out"
    return demogen.generate(EXAMPLES / "game", output=out, users=80, days=3, start=START,
                            seed=2)


def test_analyze_returns_the_plan_and_its_rules() -> None:
    analysis = demogen.analyze(EXAMPLES / "ecommerce")
    assert isinstance(analysis, demogen.Analysis)
    assert analysis.plan == (EXAMPLES / "ecommerce").resolve()
    assert analysis.events > 5 and analysis.properties > 5
    assert analysis.product.industry == "ecommerce"
    assert analysis.rules.event_constraints.funnels


def test_generate_writes_the_cli_bytes(run: demogen.Generated, tmp_path: Path) -> None:
    assert isinstance(run, demogen.Generated)
    assert run.users == 80 and run.days == 3 and run.start == START.isoformat()
    assert run.counts["track"] > 0 and run.bytes_written > 0
    assert list(run.files) == [f"logs_{(START + __import__('datetime').timedelta(d)):%Y%m%d}"
                               ".jsonl" for d in range(3)]
    result = run_cli(["generate", EXAMPLES / "game", "-o", tmp_path / "cli", "--users", 80,
                      "--days", 3, "--start", START.isoformat(), "--seed", 2, "-q"])
    assert result.exit_code == 0, result.output
    for name in run.files:
        assert (Path(run.output) / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()


def test_validate_and_report(run: demogen.Generated, tmp_path: Path) -> None:
    check = demogen.validate(run.output)
    assert isinstance(check, demogen.Validation)
    assert check.ok, check.examples
    assert check.records == sum(run.counts.values()) and check.users > 0
    assert set(check.violations) >= {"format"} and not any(check.violations.values())
    page = demogen.report(run.output, html=tmp_path / "r.html", json=tmp_path / "k.json")
    assert isinstance(page, demogen.Report)
    assert page.preset == "game"
    assert page.kpis["days"] == 3 and page.kpis["dau_mean"] > 0
    assert orjson.loads((tmp_path / "k.json").read_bytes())["days"] == 3
    assert "<html" in (tmp_path / "r.html").read_text(encoding="utf-8").lower()


def test_bad_input_raises_the_demogen_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key 'userz'; did you mean 'users'"):
        demogen.generate(EXAMPLES / "game", output=tmp_path / "o", userz=5)
    with pytest.raises(ConfigError, match="days"):
        demogen.generate(EXAMPLES / "game", output=tmp_path / "o", days=0)
    (tmp_path / "plan.csv").write_text("nothing,here\n")
    with pytest.raises((TaxonomyError, ConfigError)):
        demogen.analyze(tmp_path / "plan.csv")
    assert not (tmp_path / "o").exists()


def test_subpackages_named_like_functions_stay_packages() -> None:
    from demogen.validate import validate_output

    assert callable(demogen.validate) and demogen.validate.validate_output is validate_output
    assert callable(demogen.report) and hasattr(demogen.report, "compute_report")


def test_import_demogen_is_cheap() -> None:
    code = ("import sys, demogen; heavy = [m for m in ('pydantic', 'duckdb', 'numpy', "
            "'openpyxl') if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
