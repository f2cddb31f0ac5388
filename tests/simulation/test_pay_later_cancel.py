"""Orders held over: the days they wait and the cancels that stop them (issue 11).

The unseen travel plan (tests/data/unseen/build_travel.py) pays a share of its bookings on a
later visit (Rules ``events.pay_success.later_share``). Edited so a cancel follows the
booking's submit (``booking_cancel: {follows: booking_submit}``) and half the bookings are
paid later: a cancel cancels a booking held over, which is then never paid (before: 6
payments of cancelled orders in the KR shop edited alike, 1,000 users x 30 days seed 3),
and a booking is paid within ``later_days`` days of its submit or lapses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from demogen.validate import iter_records
from tests.data.unseen.build_travel import write_travel
from tests.simulation.generated_outputs import analysed_rules, generate_with_rules

SUBMIT, PAID, CANCEL, KEY = "booking_submit", "pay_success", "booking_cancel", "booking_no"


@dataclass
class Bookings:
    """Each user's bookings as their records show them."""

    #: Days between a booking's submit and its payment, per payment.
    waits: list[int] = field(default_factory=list)
    #: Payments naming a booking the user cancelled before.
    paid_cancelled: list[str] = field(default_factory=list)
    #: Cancels naming a booking not paid (yet).
    unpaid_cancels: int = 0


def bookings(records: Iterable[Mapping[str, Any]]) -> Bookings:
    out = Bookings()
    submitted: dict[tuple[str, str], date] = {}
    paid: set[tuple[str, str]] = set()
    cancelled: set[tuple[str, str]] = set()
    for r in records:
        if r.get("#type") != "track":
            continue
        booking = (r["#distinct_id"], r["properties"].get(KEY))
        day = date.fromisoformat(r["#time"][:10])
        if r["#event_name"] == SUBMIT:
            submitted[booking] = day
        elif r["#event_name"] == CANCEL:
            cancelled.add(booking)
            out.unpaid_cancels += booking in submitted and booking not in paid
        elif r["#event_name"] == PAID:
            paid.add(booking)
            if booking in cancelled:
                out.paid_cancelled.append(str(booking))
            if booking in submitted:
                out.waits.append((day - submitted[booking]).days)
    return out


def edited_travel(tmp: Path, later_days: int) -> Path:
    """The travel plan with cancels after the submit, half the bookings paid later within
    ``later_days``; 1,500 users x 28 days, seed 3."""
    plan = write_travel(tmp / "plan")
    rules = analysed_rules(tmp, plan)
    events = rules["events"]
    assert events[PAID]["later_days"] == 7      # the analyzer's default beside the share
    events[PAID].update(later_share=0.5, later_days=later_days)
    events[CANCEL].update(follows=SUBMIT, rate=0.8)
    return generate_with_rules(tmp, plan, f"travel_{later_days}", rules,
                               users=1500, days=28, seed=3)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Bookings]:
    return {days: bookings(r for _, _, r in iter_records(
                edited_travel(tmp_path_factory.mktemp(f"d{days}"), days)))
            for days in (1, 14)}


def test_a_cancelled_booking_held_over_is_never_paid(runs: dict[int, Bookings]) -> None:
    for found in runs.values():
        assert found.paid_cancelled == [], found.paid_cancelled[:3]
        assert found.unpaid_cancels >= 5, (found.unpaid_cancels, len(found.waits))


def test_a_booking_waits_at_most_later_days(runs: dict[int, Bookings]) -> None:
    # A day more for a session across midnight (the planner counts days of sessions).
    short, long = runs[1], runs[14]
    assert short.waits and max(short.waits) <= 2, sorted(short.waits)[-5:]
    assert max(long.waits) > 2, sorted(long.waits)[-5:]
    assert sum(w > 0 for w in long.waits) > sum(w > 0 for w in short.waits)
