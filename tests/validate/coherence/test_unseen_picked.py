"""A booking books the room picked before it, in one session, at that room's price (issue 11).

On the unseen hotel plan (tests/data/unseen/build_travel.py) a booker walks
hotel_search → hotel_view → room_select → booking_submit → pay_success in one session
(Rules funnel ``booking_purchase``), and the booking shows the hotel and room picked and
that room's price a night × its nights. Measured before (600 users x 21 days, seed 3):
0 of 22 bookings followed a room_select of their hotel in the session, and 3,786 of 19,280
room_selects had a hotel_view of their hotel before them in the session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.validate.coherence._picked import PickedChecker
from tests.data.unseen.build_travel import write_travel
from tests.simulation.generated_outputs import generate_with_rules
from tests.validate.coherence.checking import findings, saved_input
from tests.validate.generated import Output


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("picked")
    return generate_with_rules(tmp, write_travel(tmp / "plan"), "out", {},
                               users=600, days=14, seed=3)


def _sessions(out: Path) -> list[list[dict]]:
    """Each user's sessions (from one ta_app_start to the next), their events in order."""
    records = sorted((r for _, _, r in Output(out).records() if "#event_name" in r),
                     key=lambda r: (r["#distinct_id"], r["#time"]))
    sessions: list[list[dict]] = []
    who = None
    for r in records:
        if r["#event_name"] == "ta_app_start" or r["#distinct_id"] != who:
            sessions.append([])
            who = r["#distinct_id"]
        sessions[-1].append(r)
    return sessions


def test_the_booking_walks_its_funnel_in_one_session(out: Path) -> None:
    funnel = next(f for f in saved_input(out).rules.event_constraints.funnels
                  if f.name == "booking_purchase")     # analysed
    assert funnel.steps == ["hotel_search", "hotel_view", "room_select", "booking_submit",
                            "pay_success"] and funnel.per_session
    selects = viewed = 0
    for session in _sessions(out):
        seen: set[str] = set()
        for r in session:
            p = r["properties"]
            if r["#event_name"] == "hotel_view":
                seen.add(p["hotel_id"])
            elif r["#event_name"] == "room_select":
                selects += 1
                viewed += p["hotel_id"] in seen
    assert selects > 1000 and viewed == selects


def test_a_booking_books_the_room_picked_at_its_price(out: Path) -> None:
    bookings = 0
    for session in _sessions(out):
        picked = None
        for r in session:
            p = r["properties"]
            if r["#event_name"] == "room_select":
                picked = p
            elif r["#event_name"] == "booking_submit":
                bookings += 1
                assert picked is not None, p
                assert (p["hotel_id"], p["room_type"]) == \
                    (picked["hotel_id"], picked["room_type"])
                assert p["order_amount_cny"] == pytest.approx(
                    picked["room_price_cny"] * p["nights"], abs=0.011 * p["nights"])
                picked = None
    assert bookings > 10
    assert findings(out, PickedChecker, out) == []


@pytest.mark.parametrize("change", ["hotel", "price"])
def test_validate_reports_a_booking_of_another_room(out: Path, tmp_path: Path,
                                                    change: str) -> None:
    output = Output(out)
    name, index, booking = output.find(lambda r: r.get("#event_name") == "booking_submit")
    broken = output.copy()
    props = broken.files[name][index]["properties"]
    if change == "hotel":
        props["hotel_id"] = "htl_000000"
    else:
        props["order_amount_cny"] = round(props["order_amount_cny"] + props["nights"], 2)
    problems = findings(broken.write(tmp_path / "broken"), PickedChecker, out)
    assert len(problems) == 1, problems
    uid = booking["#distinct_id"]
    wanted = "hotel_id 'htl_000000' is not the" if change == "hotel" else \
        "order_amount_cny"
    assert f"user {uid}: booking_submit." in problems[0] and wanted in problems[0], problems
