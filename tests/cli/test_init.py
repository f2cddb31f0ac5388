"""``demogen init``: the starter project passes analyze, generate and validate --taxonomy
unchanged, for every industry's example rows; the workbook has what the issue asks."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from demogen.init import init_industries
from tests.simulation.generated_outputs import run_cli, window_start


@pytest.mark.parametrize("industry", ["game", "ecommerce", "saas", "fitness"])
def test_init_then_analyze_generate_validate(tmp_path: Path, industry: str) -> None:
    project = tmp_path / "project"
    made = run_cli(["init", project, "--industry", industry])
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in project.iterdir()) == ["demogen.yaml", "product.json",
                                                        "taxonomy.xlsx"]
    analysed = run_cli(["analyze", project])
    assert analysed.exit_code == 0, analysed.output
    assert "warning" not in analysed.output.lower()
    start = window_start(3).isoformat()
    generated = run_cli(["generate", "--config", project / "demogen.yaml", "--users", 120,
                         "--days", 3, "--start", start, "-q"])
    assert generated.exit_code == 0, generated.output
    assert len(list((project / "out").glob("logs_*.jsonl"))) == 3
    checked = run_cli(["validate", project / "out", "--taxonomy", project])
    assert checked.exit_code == 0, checked.output


def test_the_workbook_has_instructions_and_drop_downs(tmp_path: Path) -> None:
    assert run_cli(["init", tmp_path / "p"]).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "p" / "taxonomy.xlsx")
    assert book.sheetnames == ["how to read this table", "event data", "common properties",
                               "user data"]
    lists = {sheet: [(v.formula1, str(v.sqref))
                     for v in book[sheet].data_validations.dataValidation]
             for sheet in ("event data", "common properties", "user data")}
    assert any("Object Group" in f and r.startswith("G2") for f, r in lists["event data"])
    assert any("user_setOnce" in f and r.startswith("D2") for f, r in lists["user data"])
    events = [row[0] for row in book["event data"].iter_rows(min_row=2, values_only=True)
              if row[0]]
    assert {"register", "purchase", "stage_start"} <= set(events)


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    refused = run_cli(["init", tmp_path])
    assert refused.exit_code == 2
    assert "not empty" in refused.output and "--overwrite" in refused.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]
    assert run_cli(["init", tmp_path, "--overwrite"]).exit_code == 0
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_unknown_industry_lists_the_choices(tmp_path: Path) -> None:
    refused = run_cli(["init", tmp_path / "p", "--industry", "gaem"])
    assert refused.exit_code == 2
    assert all(name in refused.output for name in init_industries())
    assert not (tmp_path / "p").exists()
