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


def test_cache_hit_reads_no_taxonomy_and_prints_the_same(tmp_path: Path) -> None:
    """The fast path (files fingerprinted, rules recalled) shows what a full analysis showed."""
    plan = tmp_path / "plan"
    plan.mkdir()
    for name in ("events.csv", "properties.csv", "product.json"):
        (plan / name).write_bytes((REPO / "examples" / "saas" / name).read_bytes())
    args = ["analyze", str(plan), "--cache-dir", str(tmp_path / "cache")]
    first = runner.invoke(app, [*args, "-o", str(tmp_path / "a.yaml")])
    second = runner.invoke(app, [*args, "-o", str(tmp_path / "b.yaml")])
    assert "cache hit" in second.stderr
    assert first.stdout.replace("a.yaml", "b.yaml") == second.stdout
    assert (tmp_path / "a.yaml").read_text() == (tmp_path / "b.yaml").read_text()
    with (plan / "events.csv").open("a", encoding="utf-8") as events:
        events.write('"extra_event","misc","An event added later.",""\n')
    third = runner.invoke(app, args)
    assert "analysed" in third.stderr and "extra_event" not in first.stdout
