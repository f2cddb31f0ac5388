"""validate's expiries check: a trial's end (Rules ``events.<end>.expires``) comes once per
start, its days on, never after an upgrade that voids it (``voided_by``), never late."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence._expiries import ExpiriesChecker
from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

TRELLIO = DATA / "unseen" / "saas_workspace" / "tracking_plan.csv"


@pytest.fixture(scope="module")
def trials(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(TRELLIO, tmp_path_factory.mktemp("expiries") / "out", users=200, days=20,
                    seed=3, start=date(2026, 11, 1))


def _before(output: Output, name: str, index: int) -> int:
    """The index of the user's track record just before ``name``'s ``index``-th record."""
    user = output.files[name][index]["#distinct_id"]
    return next(i for i in range(index - 1, -1, -1)
                if output.files[name][i].get("#distinct_id") == user
                and output.files[name][i].get("#type") == "track")


def _is(event: str) -> Any:
    return lambda r: r.get("#event_name") == event


def test_the_generated_trials_pass(trials: Generated) -> None:
    assert findings(trials.out, ExpiriesChecker, trials.out) == []


def test_an_end_right_after_its_start_is_reported(trials: Generated, tmp_path: Path) -> None:
    """The user's record right after a trial start turned into its end: sooner than its
    14 days (and the real end later is one too many)."""
    output = Output(trials.out)
    name, index, start = output.find(_is("trial_started"))
    user = start["#distinct_id"]
    after = next(i for i in range(index + 1, len(output.files[name]))
                 if output.files[name][i].get("#distinct_id") == user
                 and output.files[name][i].get("#type") == "track")
    broken = output.copy()
    broken.files[name][after].update({"#event_name": "trial_ended",
                                      "properties": {"plan": start["properties"]["plan"]}})

    problems = findings(broken.write(tmp_path / "out"), ExpiriesChecker, trials.out)

    assert any(f"{name}:{after + 1}:" in p and "before its 14 days run out" in p
               for p in problems), problems


def test_an_end_after_an_upgrade_is_reported(trials: Generated, tmp_path: Path) -> None:
    """The user's record just before a trial's end turned into an upgrade: the end comes
    after the purchase voided it (Rules events.trial_ended.voided_by: [plan_upgraded])."""
    output = Output(trials.out)
    name, index, _ = output.find(_is("trial_ended"))
    before = _before(output, name, index)
    broken = output.copy()
    broken.files[name][before].update({"#event_name": "plan_upgraded",
                                       "properties": {"plan": "Business"}})

    problems = findings(broken.write(tmp_path / "out"), ExpiriesChecker, trials.out)

    assert len(problems) == 1 and f"{name}:{index + 1}:" in problems[0], problems
    assert "voided by plan_upgraded" in problems[0], problems


def test_a_trial_that_never_ends_is_reported(trials: Generated, tmp_path: Path) -> None:
    """A trial's end removed (turned into a search) where the user is seen days later: the
    plan stays on trial past its end, reported at the start."""
    output = Output(trials.out)
    days = {name: i for i, name in enumerate(sorted(output.files))}

    def seen_later(record: dict[str, Any]) -> bool:
        name = next(n for n, rs in output.files.items() if record in rs)
        return any(r.get("#distinct_id") == record["#distinct_id"]
                   for later, rs in output.files.items() if days[later] > days[name] + 2
                   for r in rs)

    name, index, _ = output.find(lambda r: r.get("#event_name") == "trial_ended"
                                   and seen_later(r))
    broken = output.copy()
    broken.files[name][index].update({"#event_name": "search_performed",
                                      "properties": {"query_length": 4, "results_count": 2}})

    problems = findings(broken.write(tmp_path / "out"), ExpiriesChecker, trials.out)

    assert len(problems) == 1 and "trial_started never ends" in problems[0], problems


def test_a_trial_after_an_upgrade_is_reported(trials: Generated, tmp_path: Path) -> None:
    """The user's record just before a trial start turned into an upgrade: a trial of a
    plan after buying one (its end would take the plan back)."""
    output = Output(trials.out)
    name, index, _ = output.find(_is("trial_started"))
    before = _before(output, name, index)
    broken = output.copy()
    broken.files[name][before].update({"#event_name": "plan_upgraded",
                                       "properties": {"plan": "Pro"}})

    problems = findings(broken.write(tmp_path / "out"), ExpiriesChecker, trials.out)

    assert any(f"{name}:{index + 1}:" in p and "after the user bought" in p
               for p in problems), problems
