"""`demogen presets [NAME]`: the vertical presets as rich tables on stdout."""

from __future__ import annotations

from typer.testing import CliRunner

from demogen.cli._app import app
from demogen.simulation.presets import preset_names

runner = CliRunner()


def test_lists_every_preset_with_targets_and_bands() -> None:
    result = runner.invoke(app, ["presets"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in preset_names():
        assert name in result.stdout
    assert "29% [20%–45%]" in result.stdout        # game D1 target and band
    assert "DAU/MAU" in result.stdout and "sessions/day" in result.stdout


def test_one_preset_in_detail() -> None:
    result = runner.invoke(app, ["presets", "saas"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "preset saas" in out
    assert "D1 40%, D7 22%, D30 12%" in out
    assert "expected KPI bands" in out and "25%–60%" in out
    assert "median session (min)" in out and "4–20" in out
    assert "Sat 0.25" in out


def test_unknown_preset_exits_2() -> None:
    result = runner.invoke(app, ["presets", "nope"])
    assert result.exit_code == 2
    assert "unknown preset 'nope'; choose one of: ecommerce" in result.stderr
