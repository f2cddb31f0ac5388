"""validate's flows check on orders paid later (issue 11): a booking of the unseen travel
plan (tests/data/unseen/build_travel.py, ``pay_success`` paid later: ``later_share``) is
paid within ``later_days`` days of its submit, and never after the user cancelled it.
The generated output validates clean; each hand-broken copy gets exactly its finding.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence._flows import FlowsChecker
from tests.data.unseen.build_travel import write_travel
from tests.simulation.generated_outputs import Generated, generate
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

SUBMIT, PAID, CANCEL, KEY = "booking_submit", "pay_success", "booking_cancel", "booking_no"
#: The stay that follows a paid booking (removed with a payment moved by hand).
STAY = frozenset({"hotel_checkin", "review_submit"})
#: Events the flows check reads nothing of (a record of one may become a cancel by hand).
FREE = frozenset({"hotel_search", "hotel_view", "favorite_add"})


@pytest.fixture(scope="module")
def travel(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    scratch = tmp_path_factory.mktemp("travel")
    return generate(write_travel(scratch / "plan"), scratch / "out", users=1000, days=21,
                    seed=3)


def _where(output: Output, record: dict[str, Any]) -> tuple[str, int]:
    return next((name, index) for name, index, r in output.records() if r is record)


def test_the_travel_output_has_no_flows_finding(travel: Generated) -> None:
    assert travel.rules.events[PAID].later_share
    assert travel.rules.events[PAID].later_days == 7
    assert findings(travel.out, FlowsChecker, travel.out) == []


def test_a_payment_of_a_cancelled_booking_is_reported(travel: Generated, tmp_path: Path) -> None:
    """A user's second payment, with a record between their two payments made a cancel of
    the second's booking."""
    output = Output(travel.out)
    for uid, _ in travel.timelines.items():
        mine = [r for _, _, r in output.user_records(uid) if r.get("#type") == "track"]
        paid = [i for i, r in enumerate(mine) if r["#event_name"] == PAID]
        if any(r["#event_name"] == CANCEL for r in mine) or len(paid) < 2:
            continue
        between = next((r for r in mine[paid[0] + 1:paid[1]] if r["#event_name"] in FREE),
                       None)
        if between is not None:
            break
    else:
        pytest.fail("no user pays twice with a free record between")
    booking = mine[paid[1]]["properties"][KEY]
    broken = output.copy()
    name, index = _where(output, between)
    record = broken.files[name][index]
    record["#event_name"], record["properties"] = CANCEL, {KEY: booking}
    problems = findings(broken.write(tmp_path / "out"), FlowsChecker, travel.out)
    assert len(problems) == 1 and f"user {uid}: {PAID} pays {KEY} {booking!r}" in problems[0], \
        problems


def test_a_payment_past_later_days_is_reported(travel: Generated, tmp_path: Path) -> None:
    """A booking's payment moved 9 days after its submit (no other booking of the user
    submitted by then): more than ``later_days`` (7) and the day a session may cross. Any
    payment will do: one paid in the submit's own session, moved, is a booking left open
    and paid late just the same (a 21-day run holds only a couple paid on a later visit)."""
    output = Output(travel.out)
    days = {name: date.fromisoformat(f"{name[5:9]}-{name[9:11]}-{name[11:13]}")
            for name in output.files}
    last = max(days.values())
    starts = set(travel.rules.event_constraints.session_start_events)
    found = None
    for uid in travel.timelines:
        mine = [r for _, _, r in output.user_records(uid) if r.get("#type") == "track"]
        submits = [r for r in mine if r["#event_name"] == SUBMIT]
        for i, submit in enumerate(submits):
            booking, submitted = submit["properties"][KEY], submit["#time"]
            pay = next((r for r in mine if r["#event_name"] == PAID
                        and r["properties"][KEY] == booking), None)
            # a check-in or a review of the booking would be left before its payment:
            # another finding, so they go with it (a cancel or a failure stays: not this one)
            after = [r for r in mine if r["#event_name"] not in (SUBMIT, PAID)
                     and r["properties"].get(KEY) == booking]
            followed = any(r["#event_name"] not in STAY for r in after)
            moved = date.fromisoformat(submitted[:10]) + timedelta(days=9)
            # a session of the user comes between (else the booking is still open in the
            # session the moved payment joins), and no other booking is left open before it
            between = any(r["#event_name"] in starts and submitted < r["#time"]
                          and r["#time"][:10] < moved.isoformat() for r in mine)
            if pay is not None and not followed and moved <= last and between and \
                    all(s["#time"][:10] > moved.isoformat() for s in submits[i + 1:]):
                found = uid, pay, moved, after
        if found:
            break
    assert found, "no booking paid that can move 9 days on"
    uid, pay, moved, stays = found
    broken = output.copy()
    at = _where(output, pay)
    popped = {where: broken.files[where[0]].pop(where[1]) for where in
              sorted([at, *(_where(output, r) for r in stays)], reverse=True)}
    record = popped[at]
    record["#time"] = moved.isoformat() + record["#time"][10:]
    target = next(n for n, d in days.items() if d == moved)
    broken.files[target].append(record)
    problems = findings(broken.write(tmp_path / "out"), FlowsChecker, travel.out)
    assert len(problems) == 1 and f"user {uid}: {PAID} pays a {SUBMIT} left open more " \
        f"than 7 days" in problems[0], problems

