"""`demogen report` through the Typer app: HTML and JSON written, KPIs marked, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from demogen.cli._app import app
from tests.validate.generated import Run, saas_run

__all__ = ["saas_run"]  # fixture used here

runner = CliRunner()
REQUIRED = ("d1_retention", "d7_retention", "d30_retention", "dau_mean", "dau_mau",
            "payer_rate", "arpdau", "median_session_minutes", "sessions_per_active_day")


def test_report_writes_html_and_json(saas_run: Run, tmp_path: Path) -> None:
    html, kpis = tmp_path / "r" / "report.html", tmp_path / "kpis.json"
    result = runner.invoke(app, ["report", str(saas_run.out), "-o", str(html), "--json",
                                 str(kpis), "--taxonomy", str(saas_run.taxonomy), "--rules",
                                 str(saas_run.overlay), "--cache-dir", str(saas_run.cache)],
                           env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    data = json.loads(kpis.read_text(encoding="utf-8"))
    for key in REQUIRED:
        assert key in data
    assert data["product"] == "Trackwise" and data["days"] == 5
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Trackwise — demogen report" in page
    assert "vertical preset <b>saas</b>" in page      # the run's preset, from the manifest
    assert "Plotly" in page and "<script src=" not in page
    assert "Trackwise: 2026-11-01 … 2026-11-05 (5 days), preset saas" in result.stdout
    assert "D1 retention" in result.stdout and "25%–60%" in result.stdout
    assert "report written to" in result.stderr


def test_report_preset_option_and_manifest_taxonomy(saas_run: Run, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(saas_run.out), "-o", str(html), "--preset",
                                 "game", "--cache-dir", str(saas_run.cache)],
                           env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "preset game" in result.stdout and "20%–45%" in result.stdout
    assert "Trackwise: " in result.stdout     # the product of the plan saved with the run


def test_report_bad_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path / "nope"), "-o",
                                 str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.output
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["report", str(tmp_path / "empty"), "-o",
                                 str(tmp_path / "r.html"), "--preset", "nope"])
    assert result.exit_code == 2
    assert "unknown preset 'nope'" in result.stderr
