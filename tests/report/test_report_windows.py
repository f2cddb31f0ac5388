"""The report on real generated runs: no warm-up artefacts, labels that name their window,
axes that stop with the data, readable bins, no internal file names, and progress.

Two runs of ``examples/game`` made through the CLI: 150 users × 14 days (shorter than a MAU
window) and 60 users × 32 days (three days with a full 30-day window).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from demogen.analysis.rules import Rules
from demogen.cli._app import app
from demogen.report import ReportData, compute_report, render_html, summary_rows
from demogen.simulation.presets import load_preset
from demogen.validate import compute_kpis

GAME = Path(__file__).resolve().parents[2] / "examples" / "game"
#: Scientific notation, as Python's ``:g`` writes it for large and small numbers.
SCIENTIFIC = re.compile(r"\de[+-]\d")
runner = CliRunner()


@dataclass(frozen=True)
class Reported:
    out: Path
    rules: Rules
    data: ReportData
    page: str       # the HTML ``demogen report`` wrote
    kpis: dict      # the JSON it wrote


def _invoke(args: list[str]) -> str:
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.stdout


def _reported(base: Path, users: int, days: int) -> Reported:
    out, cache = base / "out", base / "cache"
    _invoke(["generate", GAME, "-o", out, "--users", users, "--days", days, "--start",
             "2026-01-05", "--seed", "7", "--cache-dir", cache, "-q"])
    _invoke(["report", out, "-o", base / "report.html", "--json", base / "kpis.json",
             "--cache-dir", cache, "-q"])
    _invoke(["analyze", GAME, "-o", base / "rules.yaml", "--cache-dir", cache, "-q"])
    rules = Rules.load(base / "rules.yaml")
    data = compute_report(out, rules=rules, product="Rune Knights", preset=load_preset("game"))
    return Reported(out, rules, data, (base / "report.html").read_text(encoding="utf-8"),
                    json.loads((base / "kpis.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Reported:
    return _reported(tmp_path_factory.mktemp("game14"), 150, 14)


@pytest.fixture(scope="module")
def long(tmp_path_factory: pytest.TempPathFactory) -> Reported:
    return _reported(tmp_path_factory.mktemp("game32"), 60, 32)


def _labels(rows) -> dict[str, str]:
    return {row.key: row.label for row in rows}


def test_short_window_has_no_mau_series_and_marks_stickiness_partial(short: Reported) -> None:
    data = short.data
    assert len(data.days) == 14
    assert data.mau == [None] * 14                      # no 30-day window is complete
    assert data.wau[:6] == [None] * 6 and None not in data.wau[6:]
    # WAU of day 7 is everyone active on days 1-7: the window is complete there
    assert data.wau[6] == compute_kpis(short.out, window=(data.days[0], data.days[6])).users
    assert short.kpis["mau_partial"] is True and short.kpis["mau_days"] == 14
    rows = {row.key: row for row in summary_rows(data.kpis, data.bands)}
    assert rows["dau_mau"].status == "partial"
    assert rows["dau_mau"].label == "DAU/MAU (stickiness, partial: 14 of 30 days)"
    page = short.page
    assert '"stickiness DAU' not in page               # no daily stickiness trace
    assert "MAU and stickiness need 30 days; this window has 14" in page
    assert "not checked: the band is for a 30-day MAU" in page
    assert "✗ out of band</td>" not in page.split("DAU/MAU (stickiness")[1].split("</tr>")[0]


def test_short_window_labels_say_what_they_count(short: Reported) -> None:
    labels = _labels(summary_rows(short.data.kpis, short.data.bands))
    assert labels["mau"] == "active users (all 14 days)"
    assert labels["payer_rate"] == "payer conversion (payers / active users, all 14 days)"
    assert labels["arppu"] == "ARPPU (USD, all 14 days)"
    assert "MAU (last 30" not in short.page and "ARPPU (last 30" not in short.page
    assert "<td>active users (all 14 days)</td>" in short.page
    assert "payers (all 14 days)" in short.page


def test_long_window_starts_mau_and_stickiness_at_the_first_full_window(long: Reported
                                                                         ) -> None:
    data = long.data
    assert len(data.days) == 32
    assert data.mau[:29] == [None] * 29
    for i in (29, 31):   # days 30 and 32: everyone active in the 30 days ending there
        window = (data.days[i - 29], data.days[i])
        assert data.mau[i] == compute_kpis(long.out, window=window).users
    first = data.dau[29] / data.mau[29]
    assert first < 0.6          # the warm-up started at 97 % on day 1 of the demo
    assert long.kpis["mau_partial"] is False and long.kpis["mau_days"] == 30
    rows = {row.key: row for row in summary_rows(data.kpis, data.bands)}
    assert rows["mau"].label == "MAU (last 30 days)"
    assert rows["dau_mau"].label == "DAU/MAU (stickiness)"
    assert rows["dau_mau"].status in ("in", "out")
    assert '"stickiness DAU' in long.page and "<td>MAU (last 30 days)</td>" in long.page
    full = [n for n in data.wau if n is not None]
    assert long.kpis["wau_mean"] == pytest.approx(sum(full) / len(full))


@pytest.mark.parametrize("run", ["short", "long"])
def test_retention_stops_at_the_last_observable_day(run: str, request) -> None:
    reported: Reported = request.getfixturevalue(run)
    data = reported.data
    curve = data.retention_curve
    last = len(curve) - 1
    assert 0 < last <= min(30, len(data.days) - 1) and curve[-1] is not None
    # the curve ends with the oldest cohort: the first day with installs, seen on the last day
    first_cohort = date.fromisoformat(data.cohorts[0]["day"])
    assert last == min(30, (data.days[-1] - first_cohort).days)
    assert all(len(c["rates"]) == last + 1 for c in data.cohorts)
    assert f'"D{last}"' in reported.page and f'"D{last + 1}"' not in reported.page
    assert f"observed up to D{last})" in reported.page


def test_bins_are_readable(short: Reported) -> None:
    data = short.data
    labels = [label for d in data.distributions if d.kind == "numeric" for label in d.labels]
    labels += data.session_minutes_bins
    assert labels and not [label for label in labels if SCIENTIFIC.search(label)]
    gold = next(d for d in data.distributions if d.name == "cur_gold")
    assert any(label.endswith("M") for label in gold.labels), gold.labels   # millions
    assert gold.labels[:2] == ["0–500k", "500k–1M"]
    for label in gold.labels:
        assert f'"{label}"' in short.page


def test_no_internal_references(short: Reported, long: Reported) -> None:
    for page in (short.page, long.page):
        assert "realism-bands" not in page and "§" not in page
        assert "bands: published industry benchmarks for game products" in page
    result = runner.invoke(app, ["presets", "game"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "realism-bands" not in result.stdout and "§" not in result.stdout
    assert "expected KPI bands (published industry benchmarks for game products)" in (
        result.stdout)


def test_progress_names_each_pass(short: Reported) -> None:
    steps: list[str] = []
    data = compute_report(short.out, rules=short.rules, product="Rune Knights",
                          progress=steps.append)
    assert steps[0] == "reading 14 day files: headline KPIs"
    assert "reading 14 day files: events and properties" in steps
    for step in ("sessions", "retention by install cohort", "funnels"):
        assert step in steps
    assert len(steps) == len(set(steps)) >= 8
    same = {k: v for k, v in data.kpis.items() if not isinstance(v, float)}
    assert same == {k: v for k, v in short.data.kpis.items() if not isinstance(v, float)}
    without_rules: list[str] = []
    compute_report(short.out, rules=None, product="x", progress=without_rules.append)
    assert "funnels" not in without_rules       # no rules, no funnel pass


def test_progress_errors_propagate_and_clean_up(short: Reported, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def interrupt(step: str) -> None:
        if step == "sessions":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        compute_report(short.out, rules=None, product="x", progress=interrupt)
    assert list(tmp_path.iterdir()) == []


def test_rendering_needs_no_complete_window(short: Reported) -> None:
    """A one-day output: no WAU, no MAU, a retention curve of D0 only."""
    day = sorted(short.out.glob("logs_*.jsonl"))[0]
    one = short.out.parent / "one-day"
    one.mkdir(exist_ok=True)
    (one / day.name).write_bytes(day.read_bytes())
    data = compute_report(one, rules=short.rules, product="x", preset=load_preset("game"))
    assert data.days == [date(2026, 1, 5)] and data.wau == [None] and data.mau == [None]
    assert data.retention_curve == [1.0] and data.kpis["wau_mean"] is None
    labels = _labels(summary_rows(data.kpis, data.bands))
    assert labels["mau"] == "active users (all 1 day)"
    assert "<td>active users (all 1 day)</td>" in render_html(data)
