"""Event properties showing a balance show the balance the event moved, as the move left
it (``balance_after``, ``gold_balance``, ``token_change_after``) or as it was before
(``token_change_before``) (issue 11: idle's balance_after matched the profile that follows
it once in 35,944 events)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from demogen.analysis.rules import Rules
from demogen.simulation.balance_views import balance_views, balances_held, show_balances
from demogen.simulation.state import StateApplier, apply_updates
from demogen.taxonomy import Event, EventTaxonomy, Property
from demogen.vocab import PropertyType, Scope
from tests.corpus import corpus
from tests.simulation.generated_outputs import Generated

T = "2024-05-01 10:00:00.000"
RULES = Rules.from_data({
    "update_patterns": {"currency_flow": {
        "gold": {"type": "increment", "value": "{{amount}}", "when": {"currency": ["gold"]},
                 "reverse_when": {"direction": ["spend"]}},
        "gem": {"type": "increment", "value": "{{amount}}", "when": {"currency": ["gem"]},
                "reverse_when": {"direction": ["spend"]}}}},
    "properties": {"balance_after": {"kind": "balance",
                                     "source": {"type": "after", "of": ["gold", "gem"]}},
                   "balance_before": {"kind": "balance",
                                      "source": {"type": "before", "of": ["gold", "gem"]}}},
})
PLAN = EventTaxonomy(
    events=(Event(name="currency_flow", properties=(
        "currency", "direction", "amount", "balance_before", "balance_after")),),
    user_properties=tuple(Property(name=n, type=PropertyType.NUMBER, scope=Scope.USER)
                          for n in ("gold", "gem")))


def _flow(state: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """``props`` as the engine leaves them: drawn, then the move, then the views shown."""
    updates = StateApplier(RULES, PLAN, mirrors={}).updates["currency_flow"].after
    views = balance_views(RULES)["currency_flow"]
    held = balances_held(views, state)
    apply_updates(updates, state, props, T)
    show_balances(views, updates, held, state, props)
    return props


def test_a_flow_shows_the_balance_of_its_currency_before_and_after() -> None:
    state = {"gold": 100, "gem": 7}
    spend = _flow(state, {"currency": "gold", "direction": "spend", "amount": 30,
                          "balance_before": -1, "balance_after": -1})
    assert (spend["balance_before"], spend["balance_after"]) == (100, 70)
    gain = _flow(state, {"currency": "gem", "direction": "gain", "amount": 5,
                         "balance_before": -1, "balance_after": -1})
    assert (gain["balance_before"], gain["balance_after"]) == (7, 12)


def test_a_currency_that_is_no_balance_keeps_its_drawn_value() -> None:
    shown = _flow({"gold": 100, "gem": 7}, {"currency": "stamina", "direction": "gain",
                                            "amount": 3, "balance_after": 42})
    assert shown["balance_after"] == 42


def test_a_spend_below_zero_shows_the_balance_held_at_zero() -> None:
    shown = _flow({"gold": 10, "gem": 0}, {"currency": "gold", "direction": "spend",
                                           "amount": 30, "balance_after": -1})
    assert shown["balance_after"] == 0


# (event property, after?, the balance it shows on an event's properties or None)
View = tuple[str, bool, Callable[[Mapping[str, Any]], str | None]]


def _check(g: Generated, views: Mapping[str, tuple[View, ...]]) -> tuple[int, list[str]]:
    """Replay each user's profile records; a view shows the profile's balance right before
    the event (before) or once the records the event caused are in (after)."""
    shown, wrong = 0, []
    for timeline in g.timelines.values():
        profile: dict[str, Any] = {}
        pending: list[tuple[str, str, Any, dict[str, Any]]] = []
        for record in [*timeline, {"#type": "track"}]:
            kind, props = record["#type"], record.get("properties", {})
            if kind == "user_add":
                for name, value in props.items():
                    profile[name] = profile.get(name, 0) + value
            elif kind.startswith("user_"):
                profile.update(props)
            if kind != "track":
                continue
            for name, target, value, event in pending:     # the event's records are in
                shown += 1
                if profile.get(target, 0) != value:
                    wrong.append(f"{name}={value}, {target}={profile.get(target)}: {event}")
            pending = []
            for name, after, balance in views.get(record.get("#event_name", ""), ()):
                target = balance(props)
                if name not in props or target is None:
                    continue
                if after:
                    pending.append((name, target, props[name], props))
                else:
                    shown += 1
                    if profile.get(target, 0) != props[name]:
                        wrong.append(f"{name}={props[name]}, {target}={profile.get(target)}")
    return shown, wrong


def test_game_balances_show_the_profile_after_the_event(coherence_output: Any) -> None:
    """examples/game: gold_balance / gem_balance ("변동 후") equal gold / gem after it."""
    g = coherence_output("game")
    views = {f"{c}_{verb}": ((f"{c}_balance", True, lambda _, c=c: c),)
             for c in ("gold", "gem") for verb in ("earn", "spend")}
    shown, wrong = _check(g, views)
    assert shown > 1000
    assert wrong == [], wrong[:5]


_IDLE = {"gold": "current_gold_balance", "gem": "current_premium_currency_balance"}
_CARD = {"gold": "current_gold", "diamond": "current_diamond"}


@corpus
@pytest.mark.parametrize("source", ["te_data_generator__idle-game-example",
                                    "demo_data_generator__idle-game-example"])
def test_idle_balance_after_shows_the_balance_its_currency_moved(
        coherence_output: Any, source: str) -> None:
    g = coherence_output(source)
    views = {"te_currency_flow": (
        ("balance_after", True, lambda p: _IDLE.get(p.get("currency_id", ""))),)}
    shown, wrong = _check(g, views)
    assert shown > 1000
    assert wrong == [], wrong[:5]


def _token(props: Mapping[str, Any]) -> str | None:
    return _CARD.get(props.get("token_id", ""))


@corpus
def test_card_token_change_shows_the_balance_before_and_after(coherence_output: Any) -> None:
    """The plan's display names are swapped ("변화 전" on _after): the names decide."""
    g = coherence_output("te_data_generator__card-game-tracking-plan")
    pair = (("token_change_before", False, _token), ("token_change_after", True, _token))
    shown, wrong = _check(g, {"token_get": pair, "token_consume": pair})
    assert shown > 2000
    assert wrong == [], wrong[:5]
