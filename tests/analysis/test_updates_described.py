"""User properties the plan's descriptions tie to events (issue 11), on a small plan written
here in the shape of a Lexicon export (Title Case event names, no update methods): what a
description says moves the property, for any plan."""

from __future__ import annotations

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules, UpdateRule
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType, Scope, UpdateType

NUMBER, STRING = PropertyType.NUMBER, PropertyType.STRING
BOOLEAN, TIME = PropertyType.BOOLEAN, PropertyType.TIME


def _user(name: str, kind: PropertyType, description: str) -> Property:
    return Property(name=name, type=kind, scope=Scope.USER, description=description)


def _analyze(*users: Property) -> Rules:
    events = (
        Event(name="App Opened"),
        Event(name="Trip Requested", properties=("trip_id",)),
        Event(name="Trip Completed", properties=("trip_id", "fare", "paid_total")),
        Event(name="Purse Topped Up", properties=("topup_amount", "purse_balance_after")),
        Event(name="Boat Pass Subscribed", properties=("pass_plan",)),
        Event(name="Boat Pass Cancelled", properties=("pass_plan",)),
    )
    props = (Property(name="trip_id", type=STRING), Property(name="fare", type=NUMBER),
             Property(name="paid_total", type=NUMBER),
             Property(name="topup_amount", type=NUMBER),
             Property(name="purse_balance_after", type=NUMBER),
             Property(name="pass_plan", type=STRING, enum=("monthly", "annual")))
    plan = EventTaxonomy(events=events, properties=props,
                         common_properties=(Property(name="port", type=STRING),),
                         user_properties=users)
    return HeuristicAnalyzer().analyze(plan, ProductInfo(industry="mobility"))


def test_a_count_adds_one_per_the_event_its_description_names() -> None:
    """"+1 per Trip Completed": the event by its Title Case name, one each."""
    rules = _analyze(_user("total_trips", NUMBER, "Completed trips, +1 per Trip Completed"))
    assert rules.update_patterns["Trip Completed"]["total_trips"] == UpdateRule(
        type=UpdateType.INCREMENT, value=1)
    assert all("total_trips" not in p for e, p in rules.update_patterns.items()
               if e != "Trip Completed")


def test_a_sum_adds_the_property_its_description_names_on_the_events_carrying_it() -> None:
    """"Sum of paid_total": the trips, not the purse topped up (the plan's purchase)."""
    rules = _analyze(_user("lifetime_spend", NUMBER, "Sum of paid_total over all trips"))
    assert rules.update_patterns["Trip Completed"]["lifetime_spend"] == UpdateRule(
        type=UpdateType.INCREMENT, value="{{paid_total}}")
    assert "lifetime_spend" not in rules.update_patterns.get("Purse Topped Up", {})


def test_set_once_values_come_from_the_first_thing_done() -> None:
    """"(set once)" sets once; "the first completed trip" is Trip Completed, and "the
    rider's first trip" the trip done too, its common ``port`` the value."""
    rules = _analyze(_user("first_trip_at", TIME, "Time of the first completed trip (set once)"),
                     _user("home_port", STRING, "Port of the rider's first trip (set once)"))
    done = rules.update_patterns["Trip Completed"]
    assert done["first_trip_at"] == UpdateRule(type=UpdateType.SET_ONCE, value="{{#time}}")
    assert done["home_port"] == UpdateRule(type=UpdateType.SET_ONCE, value="{{port}}")
    assert not any({"first_trip_at", "home_port"} & set(p) for e, p in
                   rules.update_patterns.items() if e != "Trip Completed")


def test_a_flag_of_a_thing_held_is_true_from_its_start_and_false_from_its_end() -> None:
    rules = _analyze(_user("has_boat_pass", BOOLEAN, "Whether the rider holds an active Boat Pass"))
    assert rules.update_patterns["Boat Pass Subscribed"]["has_boat_pass"] == UpdateRule(
        type=UpdateType.SET, value=True)
    assert rules.update_patterns["Boat Pass Cancelled"]["has_boat_pass"] == UpdateRule(
        type=UpdateType.SET, value=False)


def test_a_cancel_of_the_thing_subscribed_follows_its_subscription() -> None:
    """"Boat Pass Cancelled" names no subscription, but cancels what "Boat Pass
    Subscribed" started: it follows it (at most once per subscription), rarely."""
    rules = _analyze()
    cancel = rules.events["Boat Pass Cancelled"]
    assert cancel.follows == "Boat Pass Subscribed"
    assert cancel.rate is not None and cancel.rate <= 0.3
    assert cancel.frequency == "rare"
    assert rules.events["Boat Pass Subscribed"].max_per_user == 1   # never while held
    assert rules.event_constraints.prerequisites["Boat Pass Cancelled"] == [
        "Boat Pass Subscribed"]


def test_a_balance_of_the_products_own_grows_with_its_top_up_and_shows_on_it() -> None:
    """purse_balance: Purse Topped Up adds its amount, and its purse_balance_after shows
    the balance the top-up left, though no event takes from the purse."""
    rules = _analyze(_user("purse_balance", NUMBER, "Current purse balance (0~2000)"))
    assert rules.update_patterns["Purse Topped Up"]["purse_balance"] == UpdateRule(
        type=UpdateType.INCREMENT, value="{{topup_amount}}")
    source = rules.properties["purse_balance_after"].source
    assert source is not None and (source.type, source.of) == ("after", "purse_balance")
