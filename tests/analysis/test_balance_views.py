"""The analyzer ties "balance after / before" event properties to the balances their
events move (issue 11), on small plans written here (no corpus needed)."""

from __future__ import annotations

import pytest

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import PropertySource, Rules
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType, Scope, UpdateMethod

NUMBER, STRING = PropertyType.NUMBER, PropertyType.STRING


def _analyze(events: tuple[Event, ...], props: tuple[Property, ...],
             users: tuple[str, ...]) -> Rules:
    plan = EventTaxonomy(
        events=(Event(name="app_start"), *events, Event(name="app_end")), properties=props,
        user_properties=tuple(Property(name=n, type=NUMBER, scope=Scope.USER,
                                       update_method=UpdateMethod.USER_SET) for n in users))
    return HeuristicAnalyzer().analyze(plan, ProductInfo(industry="game"))


def _source(rules: Rules, name: str) -> PropertySource | None:
    return rules.properties[name].source


def test_token_events_show_the_balance_before_and_after_their_move() -> None:
    rules = _analyze(
        (Event(name="token_get", properties=("token_id", "token_get_amount",
                                              "token_change_before", "token_change_after")),
         Event(name="token_consume", properties=("token_id", "token_consume_amount",
                                                  "token_change_before",
                                                  "token_change_after"))),
        tuple(Property(name=n, type=STRING if n == "token_id" else NUMBER) for n in (
            "token_id", "token_get_amount", "token_consume_amount", "token_change_before",
            "token_change_after")),
        ("current_gold", "current_diamond"))
    after, before = _source(rules, "token_change_after"), _source(rules, "token_change_before")
    assert after is not None and after.type == "after"
    assert sorted(after.targets) == ["current_diamond", "current_gold"]
    assert before is not None and before.type == "before"
    assert sorted(before.targets) == ["current_diamond", "current_gold"]


def test_a_currency_named_balance_shows_only_that_currency() -> None:
    rules = _analyze(
        (Event(name="gold_earn", properties=("gold_amount", "gold_balance")),
         Event(name="gold_spend", properties=("gold_amount", "gold_balance")),
         Event(name="gem_spend", properties=("gem_amount", "gem_balance"))),
        tuple(Property(name=n, type=NUMBER) for n in (
            "gold_amount", "gold_balance", "gem_amount", "gem_balance")),
        ("gold", "gem"))
    assert _source(rules, "gold_balance") == PropertySource(
        type="after", of="gold", shape=_shape(rules, "gold_balance"))
    gem = _source(rules, "gem_balance")
    assert gem is not None and gem.targets == ("gem",)


def _shape(rules: Rules, name: str) -> str | None:
    source = _source(rules, name)
    return source.shape if source is not None else None


@pytest.mark.parametrize("name", ["balance_change", "gold_amount", "reward_count"])
def test_amounts_and_unrelated_numbers_are_no_balance_views(name: str) -> None:
    rules = _analyze(
        (Event(name="gold_spend", properties=("gold_amount", name)),),
        tuple(Property(name=n, type=NUMBER) for n in {"gold_amount", name}),
        ("gold",))
    source = _source(rules, name)
    assert source is None or source.type not in ("after", "before")


def test_a_running_total_is_no_balance_an_event_shows() -> None:
    """A lifetime total only earns: ``balance_after`` shows the balance gold moved."""
    rules = _analyze(
        (Event(name="currency_flow", properties=("currency_id", "transaction_type", "amount",
                                                  "balance_after")),),
        (Property(name="currency_id", type=STRING, enum=("gold", "gem")),
         Property(name="transaction_type", type=STRING, enum=("gain", "spend")),
         Property(name="amount", type=NUMBER), Property(name="balance_after", type=NUMBER)),
        ("current_gold_balance", "lifetime_gold_earned"))
    source = _source(rules, "balance_after")
    assert source is not None and source.type == "after"
    assert source.targets == ("current_gold_balance",)


def test_only_before_and_after_list_several_balances() -> None:
    assert PropertySource(type="after", of=["a", "b"]).targets == ("a", "b")
    with pytest.raises(ValueError, match="lists several"):
        PropertySource(type="mirror", of=["a", "b"])
