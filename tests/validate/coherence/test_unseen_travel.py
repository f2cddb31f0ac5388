"""The unseen hotel-booking plan reads as a booking app (issues 11 and 13).

tests/data/unseen/build_travel.py writes 途悦旅行 (a ThinkingData workbook in simplified
Chinese, CNY, a trailing 备注 column, merged event cells). At 1,000 users x 14 days, seed 3,
as measured before the fix:

- ``hotel_checkin`` ("用户到店办理入住时上报": the guest arrives at the hotel) was read as a
  game's daily attendance (``checkin``): 10,323 check-ins for 35 paid bookings, each naming a
  ``booking_no`` the user never paid; now a check-in follows a paid booking
  (heuristic_segments.yaml ``follows: stay``) and names it;
- ``review_submit`` was drawn freely (364 reviews, none after a stay); now a review follows
  a stay (``follows: stay_review``) and names the booking checked in;
- ``booking_no`` (shown as ``例: BK20240501000123``) was a catalogue of a few numbers: 6 of
  26 paid bookings had a number another user paid too; a booking is unique now
  (heuristic_values.yaml ``ids.unique``: booking, reservation).

The plan also validates clean (tests/validate/coherence/test_unseen_plans.py, ``travel``).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from demogen.api import validate
from demogen.pipeline import run_inputs
from demogen.validate.coherence import CoherenceInput
from demogen.validate.coherence._flows import FlowsChecker
from tests.data.unseen.build_travel import write_travel
from tests.simulation.generated_outputs import Generated, generate, show
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output


@pytest.fixture(scope="module")
def travel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Generated]:
    scratch = tmp_path_factory.mktemp("travel")
    plan = write_travel(scratch / "plan")
    return plan, generate(plan, scratch / "out", users=1000, days=14, seed=3)


def _followed(g: Generated, trigger: str, follower: str) -> tuple[int, int]:
    """(followers, followers naming a booking_no the user's trigger showed before them)."""
    total = named = 0
    for timeline in g.timelines.values():
        seen: set[str] = set()
        for record in timeline:
            props = record.get("properties", {})
            if record.get("#event_name") == trigger:
                seen.add(props["booking_no"])
            elif record.get("#event_name") == follower:
                total += 1
                named += props["booking_no"] in seen
    return total, named


def test_a_hotel_check_in_is_a_stay_a_paid_booking_bought(
        travel: tuple[Path, Generated]) -> None:
    _, g = travel
    counts = Counter(r.get("#event_name") for r in g.records)
    assert g.rules.events["hotel_checkin"].follows == "pay_success"
    assert 0 < counts["hotel_checkin"] <= counts["pay_success"], counts   # was 10,323 for 35
    assert _followed(g, "pay_success", "hotel_checkin") == (counts["hotel_checkin"],) * 2


def test_a_review_follows_a_stay(travel: tuple[Path, Generated]) -> None:
    _, g = travel
    counts = Counter(r.get("#event_name") for r in g.records)
    assert g.rules.events["review_submit"].follows == "hotel_checkin"
    assert counts["review_submit"] <= counts["hotel_checkin"], counts     # was 364 for 0 stays
    assert _followed(g, "hotel_checkin", "review_submit") == (counts["review_submit"],) * 2


def test_a_booking_number_belongs_to_one_booking(travel: tuple[Path, Generated]) -> None:
    _, g = travel
    assert g.rules.properties["booking_no"].id.mode == "unique"
    paid = Counter(r["properties"]["booking_no"] for r in g.records
                   if r.get("#event_name") == "pay_success")
    assert paid and max(paid.values()) == 1, paid.most_common(3)


def test_a_payment_pays_its_booking(travel: tuple[Path, Generated]) -> None:
    """Was: booking_submit order_amount_cny 648.0 paid with paid_amount_cny 68.0 (29 of 29
    payments). A payment pays the booking it names: its amount less its coupon."""
    _, g = travel
    booked: dict[str, float] = {}
    paid = wrong = 0
    for record in g.records:
        props = record.get("properties", {})
        if record.get("#event_name") == "booking_submit":
            booked[props["booking_no"]] = props["order_amount_cny"]
        elif record.get("#event_name") == "pay_success" and props["booking_no"] in booked:
            paid += 1
            owed = booked[props["booking_no"]] - props["coupon_cny"]
            wrong += abs(owed - props["paid_amount_cny"]) > 0.01
    assert paid and not wrong, (wrong, paid)


def test_room_prices_are_not_app_store_tiers(travel: tuple[Path, Generated]) -> None:
    """Was: room_price_cny only 328.0 or 648.0 (CNY store tiers). A room is priced in the
    plan's range (200~3000 a night): Rules monetary_properties pricing: range."""
    _, g = travel
    assert g.rules.monetary_properties["room_price_cny"].pricing == "range"
    prices = [r["properties"]["room_price_cny"] for r in g.records
              if "room_price_cny" in r.get("properties", {})]
    assert prices and all(200 <= x <= 3000 for x in prices)
    assert len(set(prices)) > 100, sorted(set(prices))[:10]
    assert sum(x > 648 for x in prices) > len(prices) / 10   # above the highest tier


def test_a_hotel_keeps_its_star_rating(travel: tuple[Path, Generated]) -> None:
    """Was: every one of 60 hotel_ids shown with more than one hotel_star. A hotel's star is
    an attribute of its catalogue entry (catalogues.yaml stem_fields)."""
    _, g = travel
    stars: dict[str, set[object]] = {}
    for record in g.records:
        props = record.get("properties", {})
        if "hotel_id" in props and "hotel_star" in props:
            stars.setdefault(props["hotel_id"], set()).add(props["hotel_star"])
    assert len(stars) > 10
    assert all(len(shown) == 1 for shown in stars.values()), \
        {h: s for h, s in stars.items() if len(s) > 1}
    assert len(set().union(*stars.values())) > 1      # hotels differ


def test_the_travel_plan_validates_clean(travel: tuple[Path, Generated],
                                         tmp_path: Path) -> None:
    plan, g = travel
    found = validate(g.out, taxonomy=plan, cache_dir=tmp_path / "cache")
    problems = {check: found.examples[check] for check, count in found.violations.items()
                if count}
    assert not problems, show(problems, 3000)


def test_a_booking_paid_in_a_later_session_is_no_flows_finding(
        travel: tuple[Path, Generated], tmp_path: Path) -> None:
    """A share of bookings is paid on a later visit (Rules ``events.pay_success.
    later_share``): validate's flows check accepts that payment (4 findings before), and
    still reports one whose booking was never handed in (the submit renamed by hand)."""
    _, g = travel
    inputs = run_inputs(g.out)
    given = CoherenceInput(inputs.written_rules(), inputs.taxonomy)
    assert given.rules.events["pay_success"].later_share
    assert findings(g.out, FlowsChecker, given) == []
    output = Output(g.out)
    later = None
    for uid, timeline in g.timelines.items():
        submitted: dict[str, float] = {}
        for record in timeline:
            props, name = record.get("properties", {}), record.get("#event_name")
            if name == "booking_submit":
                submitted[props["booking_no"]] = _seconds(record)
            elif name == "pay_success" and \
                    _seconds(record) - submitted.get(props["booking_no"], 1e18) > 3600:
                later = (uid, props["booking_no"])
                break
        if later:
            break
    assert later, "no booking was paid on a later visit"
    uid, booking = later
    name, index, _ = output.find(lambda r: r.get("#event_name") == "booking_submit"
                                 and r["properties"].get("booking_no") == booking)
    broken = output.copy()
    broken.files[name][index]["#event_name"] = "hotel_search"
    problems = findings(broken.write(tmp_path / "out"), FlowsChecker, given)
    assert any(f"user {uid}: pay_success without a booking_submit" in p for p in problems), \
        problems


def _seconds(record: dict[str, Any]) -> float:
    return datetime.strptime(record["#time"], "%Y-%m-%d %H:%M:%S.%f").timestamp()
