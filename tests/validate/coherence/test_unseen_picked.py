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
from tests.data.unseen import build_travel as travel
from tests.data.unseen.build_travel import write_travel
from tests.simulation.generated_outputs import generate_with_rules
from tests.taxonomy.taxonomy_files import event_block_merges, write_workbook_plan
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
    assert bookings >= 5    # a travel plan books rarely: 9 at 600 x 14 (11 before session 18)
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


# A flight app of the same shape: a fare picked, a booking of one seat (no nights, no
# `per`): the booking's amount, priced in its range, is the fare picked.
_FLIGHT_EVENTS = {
    "hotel_search": ("flight_search", "搜索航班", "用户提交航班搜索时上报"),
    "hotel_view": ("flight_view", "查看航班详情", "用户打开航班详情页时上报"),
    "room_select": ("fare_select", "选择舱位", "用户选择舱位票价时上报"),
    "booking_submit": ("flight_book", "提交订单", "用户提交机票订单时上报"),
    "hotel_checkin": ("flight_board", "登机", "用户登机时上报"),
    "favorite_add": ("flight_follow", "关注航班", "用户关注航班时上报")}
_FLIGHT_PROPS = {"hotel_id": "flight_no", "room_type": "fare_class",
                 "room_price_cny": "fare_price_cny", "min_price_cny": "min_fare_cny"}
_FLIGHT_NOTES = {"fare_class": "(Enum: economy, premium, business, first)",
                 "fare_price_cny": "票价（元） (300~8000)",
                 "min_fare_cny": "最低票价（元） (300~8000)",
                 "order_amount_cny": "订单金额（元） (300~8000)"}
_NOT_FLOWN = {"nights", "hotel_star", "checkin_date", "guest_count"}


def write_flights(folder: Path) -> Path:
    """The hotel plan's rows as a flight app's: a fare picked, then booked."""
    rows: list[tuple] = []
    for r in travel.EVENT_ROWS:
        event, shown, said, tag, name, *rest = r
        if event in _FLIGHT_EVENTS:
            event, shown, said = _FLIGHT_EVENTS[event]
        if name in _NOT_FLOWN:   # never an event's first row in the hotel plan
            continue
        name = _FLIGHT_PROPS.get(name, name)
        if rest[2] and name in _FLIGHT_NOTES:
            rest[2] = _FLIGHT_NOTES[name]
        rows.append((event, shown, said, tag, name, *rest))
    product = dict(travel.PRODUCT, product_name="途悦机票",
                   description="面向中国大陆用户的机票预订App：搜索航班，选择舱位，预订并在线支付（人民币）。")
    sheets = {"#事件数据": rows, "#公共事件属性": travel.COMMON_ROWS,
              "#用户数据": travel.USER_ROWS}
    return write_workbook_plan(folder, sheets, product,
                               {"#事件数据": event_block_merges(rows)})


@pytest.fixture(scope="module")
def flights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("picked_fares")
    return generate_with_rules(tmp, write_flights(tmp / "plan"), "out", {},
                               users=1000, days=14, seed=3)


def test_a_flight_booking_books_the_fare_picked_at_its_price(flights: Path) -> None:
    """No `per` (a seat, not nights): the booking is the fare picked at its price; before,
    it drew its own flight, class and amount (1,000 users x 14 days, seed 3: bookings after
    a fare_select in the session showing its flight and class 1 of 30, its fare 0)."""
    rules = saved_input(flights).rules.monetary_properties["order_amount_cny"]
    assert rules.pricing == "range" and not rules.per
    bookings = 0
    for session in _sessions(flights):
        picked = None
        for r in session:
            p = r["properties"]
            if r["#event_name"] == "fare_select":
                picked = p
            elif r["#event_name"] == "flight_book" and picked is not None:
                bookings += 1
                assert (p["flight_no"], p["fare_class"], p["order_amount_cny"]) == \
                    (picked["flight_no"], picked["fare_class"], picked["fare_price_cny"])
                picked = None
    assert bookings > 10
    assert findings(flights, PickedChecker, flights) == []


def test_validate_reports_a_flight_booked_at_another_fare(flights: Path,
                                                         tmp_path: Path) -> None:
    output = Output(flights)
    name, index, booking = output.find(lambda r: r.get("#event_name") == "flight_book")
    broken = output.copy()
    props = broken.files[name][index]["properties"]
    props["order_amount_cny"] = round(props["order_amount_cny"] + 1, 2)
    problems = findings(broken.write(tmp_path / "broken"), PickedChecker, flights)
    assert len(problems) == 1, problems
    assert f"user {booking['#distinct_id']}: flight_book.order_amount_cny" in problems[0]
