"""The ride-hailing plan Hoppa (tests/data/unseen/ride_hailing, a Lexicon-style CSV), read
as a prospect would (issue 11): the user properties its descriptions tie to events move
with them. Each check holds for any plan; this plan is the one that showed them missing.

Measured before (300 users x 10 days, seed 3): total_rides, lifetime_spend and
first_ride_at wrong for all 228 riders (never moved; lifetime_spend moved by top-ups);
3,469 ``Ride Pass Cancelled`` for 597 subscriptions, 3,406 beyond the subscriptions before
them, 116 of 597 subscriptions while the pass was held; has_ride_pass wrong for 25
users.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.simulation.generated_outputs import Generated, generate, spender_config

PLAN = Path(__file__).parents[1] / "data" / "unseen" / "ride_hailing"


@pytest.fixture(scope="module")
def hoppa(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("ride_hailing_out")
    return generate(PLAN, out / "out", users=150, days=7, seed=3)


@pytest.fixture(scope="module")
def spenders(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Every rider a potential payer: a Ride Pass is bought by payers only (a few in a
    hundred riders), so a short run of all riders shows few."""
    out = tmp_path_factory.mktemp("ride_hailing_spenders")
    return generate(PLAN, out / "out", users=150, days=7, seed=3,
                    extra=["--config", str(spender_config(out))])


def _replay(timeline: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The user's profile as their first user_set left it, and as all updates leave it."""
    first: dict[str, Any] = {}
    profile: dict[str, Any] = {}
    for r in timeline:
        kind, values = r.get("#type"), r.get("properties") or {}
        if kind == "user_set":
            first = first or dict(values)
            profile.update(values)
        elif kind == "user_setOnce":
            for k, v in values.items():
                profile.setdefault(k, v)
        elif kind == "user_add":
            for k, v in values.items():
                profile[k] = profile.get(k, 0) + v
    return first, profile


def _rides(timeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in timeline if r.get("#event_name") == "Ride Completed"]


def _riders(run: Generated) -> list[list[dict[str, Any]]]:
    riders = [t for u, t in run.timelines.items() if u is not None and _rides(t)]
    assert len(riders) >= 50
    return riders


def test_total_rides_and_lifetime_spend_move_with_each_completed_ride(hoppa: Generated) -> None:
    """+1 per Ride Completed; lifetime_spend adds its total_charged (never a top-up)."""
    wrong = []
    for timeline in _riders(hoppa):
        first, profile = _replay(timeline)
        rides = _rides(timeline)
        charged = sum(r["properties"]["total_charged"] for r in rides)
        if profile["total_rides"] - first.get("total_rides", 0) != len(rides) or abs(
                profile["lifetime_spend"] - first.get("lifetime_spend", 0) - charged) > 0.05:
            wrong.append(timeline[0]["#distinct_id"])
    assert wrong == []


def test_first_ride_sets_first_ride_at_and_home_city_once(hoppa: Generated) -> None:
    wrong = []
    for timeline in _riders(hoppa):
        _, profile = _replay(timeline)
        ride = _rides(timeline)[0]
        if str(profile.get("first_ride_at"))[:19] != ride["#time"][:19] \
                or profile.get("home_city") != ride["properties"]["city"]:
            wrong.append(timeline[0]["#distinct_id"])
    assert wrong == []


def test_a_ride_pass_is_bought_by_a_few_payers(hoppa: Generated) -> None:
    """A paid start its own cancel ends, outside the purchase story, is a payer's (Rules
    events.<e>.payers_only): 122 Ride Passes for 300 riders before (300 x 10, seed 3)."""
    buyers = {u for u, t in hoppa.timelines.items()
              if any(r.get("#event_name") == "Ride Pass Subscribed" for r in t)}

    assert hoppa.rules.events["Ride Pass Subscribed"].payers_only
    assert len(buyers) <= 0.1 * len(hoppa.timelines)


def test_ride_pass_cancels_follow_their_subscriptions(spenders: Generated) -> None:
    """Each cancel ends a subscription before it, at most one per subscription, rarely;
    no subscription comes while the pass is held; has_ride_pass says whether the last of
    them left the pass held."""
    cancels = subscriptions = 0
    beyond, again, flags = [], [], []
    for user, timeline in spenders.timelines.items():
        held, open_ = False, 0
        for r in timeline:
            name = r.get("#event_name")
            if name == "Ride Pass Subscribed":
                if held:
                    again.append(user)
                subscriptions, open_, held = subscriptions + 1, open_ + 1, True
            elif name == "Ride Pass Cancelled":
                cancels, open_, held = cancels + 1, open_ - 1, False
                if open_ < 0:
                    beyond.append(user)
        if user is not None and bool(_replay(timeline)[1].get("has_ride_pass")) != held:
            flags.append(user)
    assert subscriptions >= 5
    assert beyond == []
    assert again == []
    assert cancels <= 0.4 * subscriptions
    assert flags == []


def test_a_top_up_adds_to_the_wallet_and_shows_the_balance_it_left(hoppa: Generated) -> None:
    """wallet_balance_after = the balance before + topup_amount = the profile after."""
    wrong, topups = [], 0
    for user, timeline in hoppa.timelines.items():
        balance = None
        for r in timeline:
            values = r.get("properties") or {}
            if r.get("#type") in ("user_set", "user_add") and "wallet_balance" in values:
                balance = values["wallet_balance"] if r["#type"] == "user_set" \
                    else (balance or 0) + values["wallet_balance"]
            elif r.get("#event_name") == "Wallet Topped Up":
                topups += 1
                after = min((balance or 0) + values["topup_amount"], 2000)
                if abs(values["wallet_balance_after"] - after) > 0.01:
                    wrong.append(user)
    assert topups >= 1
    assert wrong == []


def _sessions(timeline: list[dict[str, Any]]) -> list[list[str]]:
    """The user's tracked event names, split at each app open."""
    sessions: list[list[str]] = []
    for r in timeline:
        name = r.get("#event_name")
        if name == "App Opened" or (name and not sessions):
            sessions.append([])
        if name:
            sessions[-1].append(name)
    return sessions


def test_a_session_of_a_ride_app_is_short_and_holds_one_ride(hoppa: Generated) -> None:
    """The mobility preset (industry "mobility"): a rider opens the app to get somewhere.
    With the generic preset's 15 events a session, Hoppa's sessions held up to 10 rides
    (5,561 requests beside 1,081 app opens at 300 users x 10 days, seed 3)."""
    sessions = [s for t in hoppa.timelines.values() for s in _sessions(t)]
    sizes = sorted(len(s) for s in sessions)

    assert hoppa.product.industry == "mobility"
    assert max(s.count("Ride Requested") for s in sessions) == 1
    assert sizes[len(sizes) // 2] <= 8, sizes[len(sizes) // 2]


def test_a_driver_rated_is_a_driver_who_drove_the_user(hoppa: Generated) -> None:
    """``Driver Rated`` shows a ride the user completed before it, and that ride's driver
    (before: 60 ratings tied to no ride)."""
    ratings = wrong = 0
    for timeline in hoppa.timelines.values():
        drivers: dict[Any, Any] = {}
        done: set[Any] = set()
        for r in timeline:
            name, p = r.get("#event_name"), r.get("properties") or {}
            if name == "Driver Assigned":
                drivers[p.get("ride_id")] = p.get("driver_id")
            elif name == "Ride Completed":
                done.add(p.get("ride_id"))
            elif name == "Driver Rated":
                ratings += 1
                ride = p.get("ride_id")
                wrong += ride not in done or drivers.get(ride) != p.get("driver_id")
    assert ratings >= 20
    assert wrong == 0


def test_no_rider_has_spent_before_a_ride(hoppa: Generated) -> None:
    """``lifetime_spend`` (Sum of total_charged) started at 0.99-61 for riders with no ride
    counted (87 of 261 first profiles, 300 x 10): a sum starts at 0 where its count does."""
    wrong = [u for u, t in hoppa.timelines.items() if u is not None
             and (first := _replay(t)[0]) and first.get("lifetime_spend")
             and not first.get("total_rides")]
    assert wrong == []
