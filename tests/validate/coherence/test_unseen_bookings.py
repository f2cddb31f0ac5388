"""Bookings on the unseen hotel-booking plan keep their stay (issue 11).

tests/data/unseen/build_travel.py writes 途悦旅行: search → room → booking_submit →
pay_success → hotel_checkin → review, with booking_cancel and refund_success after the
payment. Measured before the fix (1,000 users x 30 days, seed 3):

- ``order_amount_cny`` ("房价×晚数") was drawn in its own range: 28 of 54 bookings were no
  per-night price (200~3000 CNY, in fen) × their nights; now the amount is one
  (Rules ``monetary_properties.order_amount_cny.per: [nights]``);
- with the cancel rate raised to 0.4 (so that cancels are many), 7 of 29 check-ins named a
  booking the user had cancelled before; a cancel stops its booking's check-in now (Rules
  ``events.booking_cancel.stops``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.validate.coherence._follow_ids import FollowIdsChecker
from demogen.validate.coherence._money import MoneyChecker
from tests.data.unseen.build_travel import write_travel
from tests.simulation.generated_outputs import generate_with_rules
from tests.validate.coherence.checking import findings, saved_input
from tests.validate.generated import Output

#: Cancels made common, so that a two-week run has many (the analyzer writes 0.05).
_MANY_CANCELS = {"booking_cancel": {"rate": 0.4}}


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_travel(tmp_path_factory.mktemp("bookings") / "plan")


def _run(plan: Path, tmp: Path, name: str, events: dict[str, object]) -> Path:
    return generate_with_rules(tmp, plan, name, {"events": events},
                               users=1000, days=14, seed=3)


def _cancelled_check_ins(out: Path) -> tuple[int, int, int]:
    """(cancels, check-ins, check-ins of a booking the same user cancelled before)."""
    cancels = check_ins = after_cancel = 0
    cancelled: set[tuple[str, str]] = set()
    for records in Output(out).files.values():
        for record in records:
            name, props = record.get("#event_name"), record.get("properties", {})
            key = (record.get("#distinct_id"), props.get("booking_no"))
            if name == "booking_cancel":
                cancels += 1
                cancelled.add(key)
            elif name == "hotel_checkin":
                check_ins += 1
                after_cancel += key in cancelled
    return cancels, check_ins, after_cancel


@pytest.fixture(scope="module")
def cancels(plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(plan, tmp_path_factory.mktemp("cancels"), "cancels", _MANY_CANCELS)


def test_a_cancelled_booking_is_never_checked_in(cancels: Path) -> None:
    out = cancels
    given = saved_input(out)
    assert given.rules.events["booking_cancel"].stops == ["hotel_checkin"]   # analysed
    cancels, check_ins, after_cancel = _cancelled_check_ins(out)
    assert cancels >= 5 and check_ins >= 5, (cancels, check_ins)
    assert after_cancel == 0
    assert findings(out, FollowIdsChecker, given) == []


def test_without_stops_a_cancelled_booking_is_checked_in(plan: Path, tmp_path: Path) -> None:
    """The Rules key is what keeps them apart: ``stops: []`` lets both happen again."""
    out = _run(plan, tmp_path, "no_stops", {"booking_cancel": {"rate": 0.4, "stops": []}})
    cancels, _, after_cancel = _cancelled_check_ins(out)
    assert after_cancel > 0, cancels


def test_validate_reports_a_check_in_of_a_cancelled_booking(cancels: Path,
                                                            tmp_path: Path) -> None:
    """A cancel of a booking put right before that booking's check-in (a copy of the
    check-in renamed): the check-in is reported, nothing else."""
    output = Output(cancels)
    name, index, check_in = output.find(lambda r: r.get("#event_name") == "hotel_checkin")
    broken = output.copy()
    broken.files[name].insert(index, {**check_in, "#event_name": "booking_cancel"})
    problems = findings(broken.write(tmp_path / "broken"), FollowIdsChecker,
                        saved_input(cancels))
    uid, booking = check_in["#distinct_id"], check_in["properties"]["booking_no"]
    assert len(problems) == 1, problems
    assert f"user {uid}: hotel_checkin.booking_no {booking!r} after a booking_cancel" \
        in problems[0], problems


def test_a_booking_costs_its_nights(cancels: Path) -> None:
    rules = saved_input(cancels).rules
    assert rules.monetary_properties["order_amount_cny"].per == ["nights"]    # analysed
    assert rules.monetary_properties["room_price_cny"].per is None     # one night's price
    bookings = [record["properties"] for _, _, record in Output(cancels).records()
                if record.get("#event_name") == "booking_submit"]
    nights = [b["nights"] for b in bookings]
    assert len(bookings) > 20 and max(nights) > 1
    for booking in bookings:
        per_night = booking["order_amount_cny"] / booking["nights"]
        assert 200 <= per_night <= 3000, booking
        assert abs(per_night * 100 - round(per_night * 100)) < 1e-6, booking   # fen


def test_validate_reports_a_booking_not_priced_per_night(cancels: Path,
                                                        tmp_path: Path) -> None:
    output = Output(cancels)
    assert findings(cancels, MoneyChecker, cancels) == []
    name, index, _ = output.find(lambda r: r.get("#event_name") == "booking_submit"
                                 and r["properties"]["nights"] >= 2)
    broken = output.copy()
    broken.files[name][index]["properties"]["order_amount_cny"] += 0.01
    problems = findings(broken.write(tmp_path / "broken"), MoneyChecker, cancels)
    assert len(problems) == 1, problems
    assert "booking_submit: lines" in problems[0] and "per-unit price × nights" in problems[0]
