"""The behaviour model at the simulation level, on tiny hand-built taxonomies and rules.

Rules use PostHog-style dummies that take randomness out where a test needs it
(probability 1 for an event the lifecycle filter must block, one backbone step, no
conversions given). Runs go into a ``MemorySink``; the same invariant checks as for the
real outputs read the records.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from demogen.analysis.rules import Rules
from demogen.output import MemorySink
from demogen.simulation import SimulationConfig, load_preset
from demogen.simulation import engine as engine_module
from demogen.simulation import generate as simulate_into
from demogen.simulation.config import DEFAULT_SEGMENT_MIX
from demogen.simulation.engine import Simulation
from demogen.simulation.lifecycle import rank
from demogen.simulation.population import user_random
from demogen.simulation.sessions import SessionModel
from demogen.simulation.story import SessionPlanner
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType, Segment
from tests.simulation.generated_outputs import (
    Generated,
    assert_clean,
    session_bracket_violations,
    tracks,
    window_start,
)

GAME = ProductInfo(industry="game", platform="mobile_app", product_name="Tiny game")
NUMBER = PropertyType.NUMBER


def tiny_taxonomy(events: dict[str, tuple[str, ...]]) -> EventTaxonomy:
    """Events with their (numeric) properties."""
    names = sorted({p for props in events.values() for p in props})
    return EventTaxonomy(
        events=tuple(Event(name=e, properties=props) for e, props in events.items()),
        properties=tuple(Property(name=n, type=NUMBER) for n in names),
    )


def simulate(taxonomy: EventTaxonomy, rules: Rules, *, users: int, days: int, seed: int = 0,
             preset: str = "game", **config: Any) -> Generated:
    start = window_start(days)
    settings = SimulationConfig(users=users, start=start, days=days, seed=seed, preset=preset,
                                **config)
    sink = MemorySink()
    simulate_into(taxonomy, rules, GAME, settings, sink)
    return Generated.in_memory(sink.records(), taxonomy, GAME, rules, start, days, users, seed)


def population(users: int, days: int = 30, preset: str = "game",
               mix: dict[Segment, float] | None = None) -> list[Any]:
    """``users`` simulated users as the engine creates them (before any day is played)."""
    config = SimulationConfig(users=users, start=date(2026, 1, 5), days=days, seed=0,
                              preset=preset, segment_mix=mix or dict(DEFAULT_SEGMENT_MIX))
    sim = Simulation.build(tiny_taxonomy({"open": ()}), Rules(), GAME, config)
    made = []
    for index in range(users):
        rnd = user_random(config.seed, index)
        made.append(sim.population.create(index, rnd, sim.devices.new_device(rnd, index, sim.ids)))
    return made


# -- who the users are ------------------------------------------------------------------------


@pytest.mark.parametrize("mix", [
    DEFAULT_SEGMENT_MIX,
    {Segment.NEW_USER: 0.5, Segment.ACTIVE_USER: 0.2, Segment.POWER_USER: 0.1,
     Segment.CHURNING_USER: 0.1, Segment.RETURNING_USER: 0.1},
], ids=["seed-mix", "custom-mix"])
def test_existing_users_start_in_the_configured_segment_mix(mix: dict[Segment, float]) -> None:
    """At the start date the users installed before the window are NEW 30 / ACTIVE 40 /
    POWER 10 / CHURNING 15 / RETURNING 5 (or the configured mix), ±3 points."""
    existing = [u for u in population(7_000, mix=mix) if u.existing]  # 0.45 existing
    assert len(existing) >= 3_000
    counts = Counter(u.segment for u in existing)
    total = sum(mix.values())
    for segment, share in mix.items():
        measured = counts[segment] / len(existing)
        assert abs(measured - share / total) <= 0.03, (segment, measured, share / total)


def test_new_installs_arrive_every_day_on_top_of_an_existing_base() -> None:
    """Installs spread over every day of the window; the existing base (installed before
    it) is the preset's share, so day 1 is not 100 % new users."""
    users = population(3_000, days=30)
    installs = Counter(u.install_day for u in users if not u.existing)
    assert all(installs[d] > 0 for d in range(30)), sorted(installs.items())
    share = sum(u.existing for u in users) / len(users)
    expected = load_preset("game").growth.existing_base_share
    assert abs(share - expected) <= 0.03, (share, expected)
    assert all(u.install_day < 0 for u in users if u.existing)


@pytest.mark.parametrize(("preset", "peaks"), [
    ("game", [(19, 22)]), ("ecommerce", [(19, 21)]), ("saas", [(9, 17)]),
    ("media", [(20, 23)]), ("fitness", [(6, 8), (17, 20)]),
])
def test_sessions_start_in_the_vertical_peak_hours(preset: str,
                                                   peaks: list[tuple[int, int]]) -> None:
    """realism-bands §8: the hourly curve peaks in the vertical's window (local time) and is
    lowest in 02–06 h."""
    model, rnd = SessionModel(load_preset(preset)), random.Random(1)
    hours = Counter(int(s.start // 3600) for _ in range(20_000)
                    for s in model.day(rnd, Segment.ACTIVE_USER, 1.0))
    curve = [hours[h] for h in range(24)]
    peak, trough = curve.index(max(curve)), curve.index(min(curve))
    assert any(a <= peak <= b for a, b in peaks), (preset, peak, curve)
    assert 2 <= trough <= 6, (preset, trough, curve)


# -- segments and lifecycle move with what users do -------------------------------------------

LIFECYCLE_TAXONOMY = tiny_taxonomy({
    "app_install": (), "session_start": (), "session_end": ("duration",),
    "tutorial_step1": (), "tutorial_step2": (), "tutorial_complete": (),
    "shop": (), "battle": ("level",),
})
LIFECYCLE_RULES = Rules.from_data({
    "event_roles": {"install": ["app_install"],
                    "onboarding": ["tutorial_step1", "tutorial_step2", "tutorial_complete"],
                    "onboarding_complete": ["tutorial_complete"]},
    "event_constraints": {
        "sequences": [["app_install", "tutorial_step1", "tutorial_step2", "tutorial_complete"]],
        "sequence_details": [{"events": ["app_install", "tutorial_step1", "tutorial_step2",
                                         "tutorial_complete"],
                              "scope": "user", "conversion": [1.0, 0.8, 0.8, 0.8]}],
        "one_time_events": ["app_install", "tutorial_step1", "tutorial_step2",
                            "tutorial_complete"],
        "session_start_events": ["session_start"], "session_end_events": ["session_end"],
    },
    # battle is drawn whenever allowed (probability 1): only the filter keeps it away
    "segment_analysis": {s.value: {"event_probabilities": {"battle": 1.0, "shop": 0.3}}
                         for s in Segment},
    "lifecycle_rules": {
        "installed": ["app_install", "session_*"],
        "first_session": ["session_*", "tutorial_*", "shop"],
        "registered": ["session_*", "tutorial_*", "shop"],
        "onboarding_started": ["session_*", "tutorial_*", "shop"],
        "onboarding_completed": ["*"], "active": ["*"], "advanced": ["*"],
    },
})


def _recorder(monkeypatch: pytest.MonkeyPatch, target: Any, name: str,
              record: Callable[..., None]) -> None:
    """Wrap ``target.name`` so that ``record(result, *args)`` sees every call."""
    original = getattr(target, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        record(result, *args)
        return result

    monkeypatch.setattr(target, name, wrapped)


def test_segments_are_states_that_move(monkeypatch: pytest.MonkeyPatch) -> None:
    """NEW users become ACTIVE or POWER; churned users come back as RETURNING after a gap."""
    days: dict[int, list[tuple[int, Segment, int | None]]] = defaultdict(list)

    def record(segment: Segment, sim: Any, user: Any, day: int) -> None:
        days[user.index].append((day, segment, user.last_active_day))

    _recorder(monkeypatch, engine_module, "_segment", record)
    simulate(CHAIN_TAXONOMY, _chain_rules(None), users=300, days=40)
    grown = [i for i, seen in days.items()
             if seen[0][1] is Segment.NEW_USER
             and any(s in (Segment.ACTIVE_USER, Segment.POWER_USER) for _, s, _ in seen[1:])]
    churn_gap = load_preset("game").returning.churn_after_days
    returned = [i for i, seen in days.items()
                if any(s is Segment.RETURNING_USER and last is not None
                       and day - last >= churn_gap for day, s, last in seen)]
    assert grown, "no NEW user ever became ACTIVE or POWER"
    assert returned, f"no user came back as RETURNING after {churn_gap}+ inactive days"
    assert any(s is Segment.CHURNING_USER for seen in days.values() for _, s, _ in seen)


@pytest.fixture(scope="module")
def lifecycle_run() -> tuple[Generated, dict[int, list[int]]]:
    """300 users × 30 days of the lifecycle taxonomy, with each user's stage after every
    session."""
    stages: dict[int, list[int]] = defaultdict(list)

    def record(names: list[str], planner: Any, user: Any, *_: Any) -> None:
        stages[user.index].append(rank(user.stage))

    with pytest.MonkeyPatch.context() as monkeypatch:
        _recorder(monkeypatch, SessionPlanner, "plan_session", record)
        g = simulate(LIFECYCLE_TAXONOMY, LIFECYCLE_RULES, users=300, days=30)
    return g, stages


def _new_users(g: Generated) -> dict[str, list[str]]:
    """Event names of the users installed in the window."""
    names = {user: [r["#event_name"] for r in tracks(records)]
             for user, records in g.timelines.items()}
    return {user: n for user, n in names.items() if "app_install" in n}


def test_lifecycle_stages_only_advance(lifecycle_run: tuple[Generated, Any]) -> None:
    _, stages = lifecycle_run
    went_back = {i: s for i, s in stages.items() if any(b < a for a, b in pairwise(s))}
    assert len(stages) >= 200
    assert not went_back, f"stages went back: {list(went_back.items())[:3]}"


def test_a_stage_filter_blocks_its_events(lifecycle_run: tuple[Generated, Any]) -> None:
    """``battle`` is allowed from onboarding_completed on and drawn with probability 1 once
    allowed: it never comes before the user's tutorial_complete, and it does happen."""
    g, _ = lifecycle_run
    new_users = _new_users(g)
    assert len(new_users) >= 50
    early = [f"{user}: {names[:12]}" for user, names in new_users.items()
             if "battle" in names and ("tutorial_complete" not in names
                                       or names.index("battle") < names.index("tutorial_complete"))]
    assert not early, "battle before tutorial_complete:\n" + "\n".join(early[:5])
    assert any("battle" in names for names in new_users.values()), "the filter blocks everything"


def test_a_progression_converts_as_declared(lifecycle_run: tuple[Generated, Any]) -> None:
    """Tutorial steps convert 0.8 each (rules): about 0.8³ ≈ 51 % of new users complete it."""
    g, _ = lifecycle_run
    new_users = _new_users(g)
    completed = sum("tutorial_complete" in names for names in new_users.values())
    assert completed / len(new_users) == pytest.approx(0.512, abs=0.12), (
        f"{completed} of {len(new_users)} new users completed the tutorial")


# -- funnels and sessions ---------------------------------------------------------------------


def _chain_rules(conversion: list[float] | None) -> Rules:
    detail: dict[str, Any] = {"events": ["browse", "cart", "checkout"], "scope": "session"}
    if conversion is not None:
        detail["conversion"] = conversion
    return Rules.from_data({
        "event_constraints": {"sequences": [["browse", "cart", "checkout"]],
                              "sequence_details": [detail],
                              "session_start_events": ["session_start"],
                              "session_end_events": ["session_end"]},
        "segment_analysis": {s.value: {"event_sequence": ["browse"],
                                       "event_probabilities": {"browse": 1.0, "other": 0.5}}
                             for s in Segment},
    })


CHAIN_TAXONOMY = tiny_taxonomy({"session_start": (), "session_end": (), "browse": (),
                                "cart": (), "checkout": (), "other": ()})


@pytest.mark.parametrize("conversion", [[1.0, 0.7, 0.5], None], ids=["declared", "default"])
def test_a_chain_drops_off_at_every_step(conversion: list[float] | None) -> None:
    """Step k happens less often than step k-1; with no conversion given, the chain still
    loses users (conversion is never 100 % by construction)."""
    g = simulate(CHAIN_TAXONOMY, _chain_rules(conversion), users=200, days=14)
    counts = Counter(r["#event_name"] for r in tracks(g.records))
    browse, cart, checkout = counts["browse"], counts["cart"], counts["checkout"]
    assert browse > cart > checkout > 0, counts
    if conversion is not None:
        assert cart / browse == pytest.approx(0.7, abs=0.05), counts
        assert checkout / cart == pytest.approx(0.5, abs=0.06), counts
    assert checkout / browse < 0.95, counts


def test_a_chain_step_that_leads_a_chain_starts_it() -> None:
    """search → browse, and browse → cart → checkout: a browse reached from a search goes
    on to the cart as often as one drawn on its own (browse is only reached by search)."""
    rules = Rules.from_data({
        "event_constraints": {
            "sequences": [["search", "browse"], ["browse", "cart", "checkout"]],
            "sequence_details": [
                {"events": ["search", "browse"], "scope": "session", "conversion": [1.0, 0.8]},
                {"events": ["browse", "cart", "checkout"], "scope": "session",
                 "conversion": [1.0, 0.5, 0.5]}],
            "session_start_events": ["session_start"],
            "session_end_events": ["session_end"]},
        "segment_analysis": {s.value: {"event_sequence": ["search"],
                                       "event_probabilities": {"search": 1.0, "other": 0.5}}
                             for s in Segment},
    })
    taxonomy = tiny_taxonomy({"session_start": (), "session_end": (), "search": (),
                              "browse": (), "cart": (), "checkout": (), "other": ()})
    g = simulate(taxonomy, rules, users=200, days=14)
    counts = Counter(r["#event_name"] for r in tracks(g.records))
    assert counts["search"] > counts["browse"] > counts["cart"] > counts["checkout"] > 0, counts
    assert counts["browse"] / counts["search"] == pytest.approx(0.8, abs=0.05), counts
    assert counts["cart"] / counts["browse"] == pytest.approx(0.5, abs=0.05), counts


def test_session_events_bracket_every_session() -> None:
    g = simulate(CHAIN_TAXONOMY, _chain_rules(None), users=150, days=10)
    messages, sessions = session_bracket_violations(g)
    assert sessions > 500
    assert_clean(messages, "session brackets")


SESSION_TAXONOMY = tiny_taxonomy({"app_install": (), "session_start": (),
                                  "session_end": ("duration",), "browse": ()})
SESSION_RULES = Rules.from_data({
    "event_roles": {"install": ["app_install"]},
    "event_constraints": {"one_time_events": ["app_install"],
                          "session_start_events": ["session_start"],
                          "session_end_events": ["session_end"]},
})


def test_the_session_end_carries_the_session_length() -> None:
    """``duration`` on the end event = end time − start time of its session (±1 s)."""
    g = simulate(SESSION_TAXONOMY, SESSION_RULES, users=150, days=10)
    messages, sessions = session_bracket_violations(g)
    assert sessions > 500
    assert_clean(messages, "session length on the end event")
