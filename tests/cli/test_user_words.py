"""Messages in the user's words: CLI options, not Python arguments, function names or
sections of design documents the user does not have."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from demogen.cli._app import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: What leaked before: Python arguments, function names, sections of the design documents.
INTERNALS = re.compile(r"=True|check_output|§|realism-bands|thinkingdata-format|\.md\b")


def test_an_existing_output_asks_for_overwrite(tmp_path: Path) -> None:
    args = ["generate", str(EXAMPLES / "saas"), "-o", str(tmp_path / "out"), "--users", "5",
            "--days", "1", "--start", "2026-11-01", "--cache-dir", str(tmp_path / "cache"),
            "-q"]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "already holds a demogen output" in again.stderr
    assert "add --overwrite to replace it" in again.stderr
    assert not INTERNALS.search(again.output), again.output


def test_rules_written_by_analyze_cite_no_document(tmp_path: Path) -> None:
    for example in ("game", "saas", "ecommerce"):
        rules = tmp_path / f"{example}.yaml"
        result = runner.invoke(app, ["analyze", str(EXAMPLES / example), "-o", str(rules),
                                     "--cache-dir", str(tmp_path / "cache"), "-q"])
        assert result.exit_code == 0, result.output
        text = rules.read_text(encoding="utf-8")
        assert not INTERNALS.search(text), INTERNALS.search(text)
        if example == "game":
            assert "source: published industry figures, tutorial funnel" in text


def test_validate_describes_its_checks_in_plain_words() -> None:
    from demogen.validate import CHECKS

    for check, text in CHECKS.items():
        assert not INTERNALS.search(text), (check, text)
    assert CHECKS["format"].startswith("records are what ThinkingData accepts")
