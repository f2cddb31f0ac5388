"""Consumables (analysis/heuristic/_consumables.py): a balance of a thing used one at a
time (boosts, Super Likes, hints) is taken 1 by each use and filled by the packs bought;
the pack's count property shows the id's number and packs are priced per unit, bigger
packs cheaper each (catalogues.yaml ``pack_prices``).

Before (Sparkd, tests/data/unseen/dating): no update pattern moved ``boosts_balance`` or
``super_likes_balance``, ``boosts_left`` was drawn, ``quantity`` was drawn apart from the
id (5 of 6 purchases off, 300 × 10 seed 3) and the packs cost 0.99 / 9.99 / 99.99 USD by
rank (a 10-pack 10.00 USD each beside a single's 0.99).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.heuristic._consumables import thing_of
from demogen.analysis.rules import Rules, UpdateRule
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType, Scope, UpdateMethod, UpdateType
from tests.simulation.generated_outputs import analysed

DATING = Path(__file__).parents[1] / "data" / "unseen" / "dating"
NUMBER, STRING = PropertyType.NUMBER, PropertyType.STRING


@pytest.fixture(scope="module")
def sparkd() -> Rules:
    return analysed(DATING)[2]


def test_a_use_takes_one_and_packs_of_the_thing_fill_it(sparkd: Rules) -> None:
    patterns = sparkd.update_patterns
    assert patterns["boost_activated"] == {
        "boosts_balance": UpdateRule(type=UpdateType.DECREMENT, value=1)}
    assert patterns["super_like_used"] == {
        "super_likes_balance": UpdateRule(type=UpdateType.DECREMENT, value=1)}
    bought = patterns["purchase_completed"]
    assert bought["boosts_balance"] == UpdateRule(
        type=UpdateType.INCREMENT, value="{{quantity}}",
        when={"product_id": ["boost_1", "boost_5", "boost_10"]})
    assert bought["super_likes_balance"].when == {
        "product_id": ["super_like_5", "super_like_15", "super_like_25"]}


def test_left_shows_the_balance_after_the_use(sparkd: Rules) -> None:
    for view, balance in (("boosts_left", "boosts_balance"),
                          ("super_likes_left", "super_likes_balance")):
        source = sparkd.properties[view].source
        assert source is not None and (source.type, source.of) == ("after", balance)


def test_a_pack_gives_its_count_and_costs_less_each_when_bigger(sparkd: Rules) -> None:
    entries = {e.id: e for e in sparkd.catalogues["product"].entries}
    assert {i: e.attributes.get("quantity") for i, e in entries.items()} == {
        "boost_1": "1", "boost_5": "5", "boost_10": "10",
        "super_like_5": "5", "super_like_15": "15", "super_like_25": "25"}
    for family in (("boost_1", "boost_5", "boost_10"),
                   ("super_like_5", "super_like_15", "super_like_25")):
        totals = [entries[i].price_usd or 0.0 for i in family]
        each = [t / int(i.rsplit("_", 1)[1]) for t, i in zip(totals, family, strict=True)]
        assert totals == sorted(totals) and len(set(totals)) == 3, totals
        assert each == sorted(each, reverse=True) and len(set(each)) == 3, each
    # A Boost ~5-8 USD each, a Super Like ~1-2 USD (catalogues.yaml pack_prices).
    assert 4 <= (entries["boost_1"].price_usd or 0) <= 8
    assert 1 <= (entries["super_like_25"].price_usd or 0) / 25 <= 2


def test_the_thing_is_the_balance_name_without_its_balance_words() -> None:
    assert thing_of("super_likes_balance") == ("super", "like")
    assert thing_of("boosts_left") == ("boost",)
    assert thing_of("hints_remaining") == ("hint",)


def _puzzle(use_description: str, ids: tuple[str, ...], *, use: str = "hint_used",
            balance: str = "hints_balance", left: str = "hints_left") -> Rules:
    """A puzzle game whose hints are used one at a time and sold in packs."""
    events = (Event(name="app_start"),
              Event(name=use, description=use_description,
                    properties=("level_id", left)),
              Event(name="iap_purchase", description="In-app purchase.",
                    properties=("product_id", "price", "currency", "quantity")),
              Event(name="app_end"))
    props = (Property(name="level_id", type=NUMBER), Property(name=left, type=NUMBER),
             Property(name="product_id", type=STRING, enum=ids),
             Property(name="price", type=NUMBER), Property(name="currency", type=STRING),
             Property(name="quantity", type=NUMBER))
    plan = EventTaxonomy(events=events, properties=props, user_properties=(
        Property(name=balance, type=NUMBER, scope=Scope.USER,
                 description="Hints the player holds.", update_method=UpdateMethod.USER_SET),))
    return HeuristicAnalyzer().analyze(plan, ProductInfo(industry="game"))


def test_any_consumable_sold_in_packs_is_a_balance_of_its_own() -> None:
    """Hints in a puzzle game, no dating word: the use takes one, only the hint packs add
    (the level skips do not), and the use shows what is left."""
    rules = _puzzle("Player uses one hint.", ("hints_3", "hints_10", "skip_1", "skip_5"))
    assert rules.update_patterns["hint_used"] == {
        "hints_balance": UpdateRule(type=UpdateType.DECREMENT, value=1)}
    assert rules.update_patterns["iap_purchase"]["hints_balance"].when == {
        "product_id": ["hints_3", "hints_10"]}
    source = rules.properties["hints_left"].source
    assert source is not None and (source.type, source.of) == ("after", "hints_balance")


def test_a_balance_no_pack_fills_is_no_consumable() -> None:
    """No pack names hints: nothing ties the balance (a balance only drained would empty)."""
    rules = _puzzle("Player uses one hint.", ("coins_100", "coins_500", "coins_1000"))
    assert "hints_balance" not in rules.update_patterns.get("hint_used", {})


def test_lives_and_packs_named_pack_are_consumables_too() -> None:
    """``lives_balance`` counts lives (``extra_life_used``: one life); ``lives_pack_5`` is a
    pack of them."""
    rules = _puzzle("Player continues a failed level.", ("lives_pack_5", "lives_pack_20"),
                    use="extra_life_used", balance="lives_balance", left="lives_left")
    assert rules.update_patterns["extra_life_used"] == {
        "lives_balance": UpdateRule(type=UpdateType.DECREMENT, value=1)}
    assert rules.update_patterns["iap_purchase"]["lives_balance"].value == "{{quantity}}"


def test_a_pack_named_pack_is_priced_by_its_thing() -> None:
    """``boost_pack_10`` is 10 boosts (``pack_prices.pack_words``); a thing with no unit
    price listed keeps the rank prices (none here)."""
    from demogen.analysis.heuristic._catalogue_rules import _pack_prices

    prices = _pack_prices({"boost_pack_1": 1, "boost_pack_5": 5, "boost_pack_10": 10})
    assert prices == {"boost_pack_1": 6.99, "boost_pack_5": 26.99, "boost_pack_10": 48.99}
    assert _pack_prices({"gem_60": 60, "gem_300": 300}) == {}
