"""A plan change's event values (issue 11, the unseen Trellio plan): an upgrade's
``previous_plan`` shows the plan the user had (78 of 280 upgrades were drawn and did not move
up), and a checkout names the plan being bought (Rules' ``chosen_on``), not the user's Free."""

from __future__ import annotations

from demogen.analysis.rules import Progression, Rules
from demogen.simulation.state import LadderMove, StateApplier
from demogen.simulation.values import ValueFactory
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType as T
from demogen.vocab import Scope

from .test_values import make_user

PRODUCT = ProductInfo(industry="saas", platform="web", product_name="Trellio")
T0 = "2026-11-01 09:00:00.000"
TAXONOMY = EventTaxonomy(
    events=(Event(name="checkout_started", properties=("plan",)),
            Event(name="plan_upgraded", properties=("previous_plan", "plan")),
            Event(name="seat_added", properties=("plan",))),
    properties=(Property(name="plan", type=T.STRING, enum=("Pro", "Business")),
                Property(name="previous_plan", type=T.STRING, enum=("Free", "Pro"))),
    user_properties=(Property(name="plan", type=T.STRING, scope=Scope.USER,
                              enum=("Free", "Pro", "Business")),),
)
RULES = Rules.from_data({
    "update_patterns": {"plan_upgraded": {"plan": {"type": "set", "value": "{{plan}}"}}},
    "properties": {
        "plan": {"kind": "generic", "lifetime": "event", "chosen_on": ["checkout_started"],
                 "source": {"type": "mirror", "of": "plan"}},
        "previous_plan": {"kind": "generic", "lifetime": "event",
                          "source": {"type": "before", "of": "plan"}},
    },
})


def _factory() -> ValueFactory:
    return ValueFactory(TAXONOMY, RULES, PRODUCT, seed=5, pool_size=20)


def test_a_previous_text_is_the_value_before_the_event() -> None:
    factory = _factory()
    for held in ("Free", "Pro"):
        for seed in range(20):
            user = make_user(seed, state={"plan": held})
            assert factory.event_sampler("plan_upgraded").sample(user, T0)["previous_plan"] \
                == held


def test_a_checkout_names_the_pick_and_a_seat_change_the_plan_held() -> None:
    factory = _factory()
    picks = set()
    for seed in range(40):
        user = make_user(seed, state={"plan": "Pro"})
        picks.add(factory.event_sampler("checkout_started").sample(user, T0)["plan"])
        assert factory.event_sampler("seat_added").sample(user, T0)["plan"] == "Pro"
    assert picks == {"Pro", "Business"}


def test_an_upgrade_carries_a_plan_above_the_users() -> None:
    """Trellio at 300 × 10 seed 3: 174 of 358 upgrades showed no higher plan (a Pro user
    upgrading to Pro). From Free the nearer plan is the likelier; from Pro only Business."""
    factory = _factory()
    reached: dict[str, list[str]] = {"Free": [], "Pro": []}
    for held, shown in reached.items():
        for seed in range(60):
            user = make_user(seed, state={"plan": held})
            shown.append(factory.event_sampler("plan_upgraded").sample(user, T0)["plan"])
    assert set(reached["Pro"]) == {"Business"}
    assert set(reached["Free"]) == {"Pro", "Business"}
    assert reached["Free"].count("Pro") > reached["Free"].count("Business")


def test_an_upgrade_from_the_top_plan_is_never_planned() -> None:
    """The planner keeps a plan change on its ladder: no upgrade from Business, and one
    upgrade a session at most (it may land on the top plan)."""
    moves = StateApplier(RULES, TAXONOMY, {"plan": "plan"}).ladder_moves
    assert moves == {"plan_upgraded": LadderMove("plan", ("Free", "Pro", "Business"), 1,
                                                 jumps=True)}
    # Rules' progression.plan_changes: {} says no event changes a plan.
    edited = RULES.model_copy(update={"progression": Progression(plan_changes={})})
    assert StateApplier(edited, TAXONOMY, {"plan": "plan"}).ladder_moves == {}
