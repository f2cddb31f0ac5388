"""User state changes only through update patterns, and records carry only changes."""

from __future__ import annotations

from demogen.analysis.rules import Rules
from demogen.simulation.state import StateApplier
from demogen.taxonomy import Event, EventTaxonomy, Property
from demogen.vocab import PropertyType, RecordType, Scope, UpdateMethod

TAXONOMY = EventTaxonomy(
    events=(Event(name="level_up", properties=("level",)),
            Event(name="purchase", properties=("price",)),
            Event(name="spend", properties=("amount",))),
    user_properties=(
        Property(name="level", type=PropertyType.NUMBER, scope=Scope.USER),
        Property(name="total_spent", type=PropertyType.NUMBER, scope=Scope.USER,
                 update_method=UpdateMethod.USER_ADD),
        Property(name="gold", type=PropertyType.NUMBER, scope=Scope.USER),
        Property(name="first_pay_time", type=PropertyType.TIME, scope=Scope.USER),
        Property(name="is_payer", type=PropertyType.BOOLEAN, scope=Scope.USER),
    ),
)
RULES = Rules.from_data({"update_patterns": {
    "level_up": {"level": {"type": "set", "value": "{{level}}"}},
    "purchase": {
        "total_spent": {"type": "increment", "value": "{{price}}"},
        "first_pay_time": {"type": "set_once", "value": "{{#time}}"},
        "is_payer": {"type": "set", "value": True},
    },
    "spend": {"gold": {"type": "decrement", "value": "{{amount}}"}},
}})
T = "2026-11-01 10:00:00.000"


def test_level_up_from_mirrored_property_goes_one_step_up() -> None:
    applier = StateApplier(RULES, TAXONOMY, mirrors={"level": "level"})
    state = {"level": 4}
    changes = applier.before("level_up", state, T)
    assert state["level"] == 5
    assert changes == {RecordType.USER_SET: {"level": 5}}


def test_purchase_adds_sets_once_and_sets() -> None:
    applier = StateApplier(RULES, TAXONOMY, mirrors={})
    state: dict = {"total_spent": 10}
    before = applier.before("purchase", state, T)
    after = applier.after("purchase", state, {"price": 4.99}, T)
    assert before == {RecordType.USER_SET: {"is_payer": True}}
    assert after == {RecordType.USER_ADD: {"total_spent": 4.99},
                     RecordType.USER_SET_ONCE: {"first_pay_time": T}}
    assert state["total_spent"] == 14.99
    second = applier.after("purchase", state, {"price": 1.0}, "2026-11-02 10:00:00.000")
    assert RecordType.USER_SET_ONCE not in second
    assert state["first_pay_time"] == T
    assert applier.before("purchase", state, T) == {}   # is_payer unchanged: nothing sent


def test_balances_never_go_negative() -> None:
    applier = StateApplier(RULES, TAXONOMY, mirrors={})
    state = {"gold": 30}
    changes = applier.after("spend", state, {"amount": 50}, T)
    assert state["gold"] == 0
    assert changes == {RecordType.USER_SET: {"gold": 0}}


def test_events_without_patterns_change_nothing() -> None:
    applier = StateApplier(RULES, TAXONOMY, mirrors={})
    state = {"gold": 30}
    assert applier.after("login", state, {}, T) == {}
    assert state == {"gold": 30}


def test_a_range_caps_balances_but_not_running_totals() -> None:
    """A balance stops at its range's maximum; a total (only ever added to) is the sum of its
    events, whatever the range its established users were drawn from."""
    rules = Rules.from_data({
        "update_patterns": {
            "purchase": {"total_spent": {"type": "increment", "value": "{{price}}"}},
            "earn": {"gold": {"type": "increment", "value": "{{amount}}"}},
            "spend": {"gold": {"type": "decrement", "value": "{{amount}}"}},
        },
        "value_ranges": {"total_spent": {"min": 0, "max": 500},
                         "gold": {"min": 0, "max": 1000}},
    })
    taxonomy = TAXONOMY.model_copy(update={"events": (
        *TAXONOMY.events, Event(name="earn", properties=("amount",)))})
    applier = StateApplier(rules, taxonomy, mirrors={})
    state: dict = {"total_spent": 480, "gold": 980}
    assert applier.after("purchase", state, {"price": 40}, T) == {
        RecordType.USER_ADD: {"total_spent": 40}}
    assert state["total_spent"] == 520
    assert applier.after("earn", state, {"amount": 40}, T) == {RecordType.USER_SET: {"gold": 1000}}
    assert state["gold"] == 1000
