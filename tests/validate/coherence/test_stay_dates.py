"""validate stay_dates: a check-in before the stay date its booking named is a finding.

The hotel plan whose booking names ``checkin_date`` (tests/simulation/test_stay_dates.py),
its stays booked for the day of the booking (Rules ``properties.checkin_date.lead_days: 0``)
so that every check-in, coming after its booking, is on or after its stay date. 1,000 users:
600 held 4 to 9 check-ins as the run's draws moved (a handful of bookers).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from demogen.validate.coherence._stay_dates import StayDatesChecker
from tests.simulation.generated_outputs import generate_with_rules
from tests.simulation.test_stay_dates import write_stay_plan
from tests.validate.coherence.checking import findings, saved_input
from tests.validate.generated import Output


@pytest.fixture(scope="module")
def same_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("stay_dates")
    rules = {"properties": {"checkin_date": {"lead_days": 0}}}
    return generate_with_rules(tmp, write_stay_plan(tmp / "plan"), "out", rules,
                               users=1000, days=21, seed=3)


def test_check_ins_on_or_after_their_stay_pass(same_day: Path) -> None:
    given = saved_input(same_day)
    assert StayDatesChecker(given).active
    check_ins = sum(r.get("#event_name") == "hotel_checkin"
                    for _, _, r in Output(same_day).records())
    assert check_ins > 5
    assert findings(same_day, StayDatesChecker, given) == []


def test_a_check_in_before_its_booking_s_stay_is_reported(same_day: Path,
                                                          tmp_path: Path) -> None:
    """The booking of one check-in moved to a stay the day after it: only that is reported."""
    output = Output(same_day)
    _, _, check_in = output.find(lambda r: r.get("#event_name") == "hotel_checkin")
    uid, booking = check_in["#distinct_id"], check_in["properties"]["booking_no"]
    broken = output.copy()
    _, _, submit = broken.find(lambda r: r.get("#event_name") == "booking_submit"
                               and r.get("#distinct_id") == uid
                               and r["properties"].get("booking_no") == booking)
    later = date.fromisoformat(check_in["#time"][:10]) + timedelta(days=1)
    submit["properties"]["checkin_date"] = f"{later.isoformat()} 00:00:00.000"
    problems = findings(broken.write(tmp_path / "broken"), StayDatesChecker,
                        saved_input(same_day))
    assert len(problems) == 1, problems
    assert f"user {uid}: hotel_checkin on {check_in['#time'][:10]} before the stay date " \
           f"{later.isoformat()} its booking_no {booking!r}" in problems[0], problems
