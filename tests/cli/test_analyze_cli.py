"""`demogen analyze` end to end: real plans succeed; malformed ones exit 2, write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from demogen.analysis.rules import Rules
from demogen.cli._app import app
from tests.taxonomy.malformed_cases import CASES, EXPECTED
from tests.taxonomy.taxonomy_files import write_files

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_taxonomy_exits_2_with_every_message(tmp_path: Path, case: str) -> None:
    files, target = CASES[case]
    folder = tmp_path / "plan"
    folder.mkdir()
    write_files(folder, files)
    rules_out = tmp_path / "written" / "rules.yaml"
    result = runner.invoke(app, ["analyze", str(folder / target), "-o", str(rules_out)])
    assert result.exit_code == 2, result.output
    shown = " ".join(result.stderr.split())     # rich wraps long lines
    for text in EXPECTED[case]:
        assert " ".join(text.replace("{dir}", str(folder)).split()) in shown, text
    assert "Traceback" not in result.output
    assert not rules_out.parent.exists()


def _plans(shared: Path) -> list[Path]:
    return [
        *sorted(p for p in (REPO / "examples").iterdir() if p.is_dir()),
        *sorted(p for p in (shared / "taxonomies").iterdir() if p.is_dir()),
        *sorted((shared / "kr-xlsx").glob("*.xlsx")),
    ]


def test_analyze_succeeds_on_every_example_and_shared_plan(tmp_path: Path,
                                                           shared_dir: Path) -> None:
    plans = _plans(shared_dir)
    assert len(plans) == 3 + 3 + 5
    for plan in plans:
        out = tmp_path / f"{plan.stem}.yaml"
        result = runner.invoke(app, ["analyze", str(plan), "-o", str(out)])
        assert result.exit_code == 0, (plan, result.output)
        assert "one-time events" in result.stdout
        rules = Rules.load(out)
        assert rules.segment_analysis, plan


def test_second_analysis_is_reported_as_a_cache_hit(tmp_path: Path) -> None:
    args = ["analyze", str(REPO / "examples" / "saas"), "--cache-dir", str(tmp_path)]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert "analysed" in first.stderr and "cache hit" in second.stderr
    third = runner.invoke(app, [*args, "--refresh-analysis"])
    assert "analysed" in third.stderr
