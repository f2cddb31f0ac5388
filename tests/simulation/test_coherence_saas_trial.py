"""Trellio's trial runs out (docs/coherence.md, "A B2B SaaS plan in one tracking-plan CSV").

``trial_started`` (``plan`` Pro | Business, ``trial_days`` 14) set the user's plan and
nothing set it back: ``trial_ended`` ("Trial runs out without a purchase") was drawn
freely. Measured at 1,000 x 30 seed 3 from 2026-11-01: 83 ends for 329 starts, 77 of them
sooner than 13 days after the start, 8 after an upgrade, 35 trials started by users who
had bought a plan, 50 users still on the trial plan past its days without an upgrade.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from demogen.api import validate
from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate, tracks

TRELLIO = DATA / "unseen" / "saas_workspace" / "tracking_plan.csv"


@pytest.fixture(scope="module")
def trellio(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("trellio_trial") / "out"
    return generate(TRELLIO, out, users=200, days=20, seed=3, start=date(2026, 11, 1))


def _time(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["#time"])


def test_the_trial_end_is_timed_and_voided_by_an_upgrade(trellio: Generated) -> None:
    """Rules: the end follows the start its days on (``trial_days`` 14), once, and an
    upgrade voids it; it sets the plan back to Free."""
    spec = trellio.rules.events["trial_ended"]
    assert (spec.follows, spec.after_days, spec.expires, spec.rate) == \
        ("trial_started", 14, True, 1.0)
    assert spec.voided_by == ["plan_upgraded"]
    update = trellio.rules.update_patterns["trial_ended"]["plan"]
    assert (update.type.value, update.value) == ("set", "Free")


def _walk(records: list[dict[str, Any]]) -> list[str]:
    """One user's trial in order: what breaks it (see the test)."""
    breaks: list[str] = []
    start: dict[str, Any] | None = None
    back: date | None = None    # the first day seen from the due day on
    bought = ended = reset = False
    for record in records:
        name, props = record.get("#event_name"), record["properties"]
        if record["#type"] == "user_set" and reset and "plan" in props:
            breaks += [f"plan {props['plan']} after the end"] if props["plan"] != "Free" else []
            reset = False
        if record["#type"] != "track":
            continue
        day = _time(record).date()
        if start is not None and back is None and (day - _time(start).date()).days >= 14:
            back = day
        if back is not None and (day - back).days > 1 and not (bought or ended):
            breaks.append(f"trial of {start['#time']} not ended by {record['#time']}")
            bought = True   # reported once
        if name == "plan_upgraded":
            bought = True
        elif name == "trial_started":
            breaks += ["a trial after an upgrade"] if bought else []
            start = record
        elif name == "trial_ended":
            if start is None or ended or bought:
                breaks.append(f"an end without a running trial at {record['#time']}")
            elif _time(record) - _time(start) < timedelta(days=13):
                breaks.append(f"ended {_time(record) - _time(start)} after its start")
            elif props["plan"] != start["properties"]["plan"]:
                breaks.append(f"ended {props['plan']}, a trial of {start['properties']['plan']}")
            ended = reset = True
    return breaks


def test_a_trial_ends_its_days_on_unless_the_user_bought(trellio: Generated) -> None:
    """Per user: an end only after a start, at most one, no sooner than 13 days after it,
    never after an upgrade; no trial after an upgrade; a user without an upgrade has their
    end in their first session from day 14 on (a record more than a day after the first
    day seen from then is late: a session may cross midnight), which sets ``plan`` back to
    Free while its record shows the plan that was on trial."""
    ends = sum(r["#event_name"] == "trial_ended" for r in tracks(trellio.records))
    breaks = [f"{user}: {b}" for user, records in trellio.timelines.items()
              for b in _walk(records)]
    assert ends >= 3 and breaks == [], (ends, breaks[:5])


def test_validate_finds_no_trial_out_of_time(trellio: Generated, tmp_path: Path) -> None:
    report = validate(trellio.out, taxonomy=TRELLIO, cache_dir=tmp_path / "c")
    assert report.violations.get("expiries", 0) == 0, report.examples
    assert report.violations.get("renewals", 0) == 0, report.examples


def test_a_trial_lasts_the_days_its_start_says(tmp_path: Path) -> None:
    """Trellio with ``trial_days`` 7 or 14: each end comes its own start's days on (Rules
    ``after_days_by: trial_days``; ``after_days`` the middle value listed, 14)."""
    plan = tmp_path / "tracking_plan.csv"
    plan.write_text(TRELLIO.read_text(encoding="utf-8").replace(
        "trial_days,number,Length of the trial,Yes,14,14",
        'trial_days,number,Length of the trial,Yes,"7,14",7'), encoding="utf-8")
    run = generate(plan, tmp_path / "out", users=200, days=20, seed=3, start=date(2026, 11, 1))
    spec = run.rules.events["trial_ended"]
    assert (spec.after_days_by, spec.after_days) == ("trial_days", 14)
    gaps: dict[int, list[float]] = {7: [], 14: []}
    for records in run.timelines.values():
        start = None
        for record in tracks(records):
            if record["#event_name"] == "trial_started":
                start = record
            elif record["#event_name"] == "trial_ended" and start is not None:
                gap = (_time(record) - _time(start)) / timedelta(days=1)
                gaps[start["properties"]["trial_days"]].append(gap)
    assert gaps[7] and 6 <= min(gaps[7]) < 13 and min(gaps[14], default=14) >= 13, gaps
    report = validate(run.out, taxonomy=plan, cache_dir=tmp_path / "c")
    assert report.violations.get("expiries", 0) == 0, report.examples
