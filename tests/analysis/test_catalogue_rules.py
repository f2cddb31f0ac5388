"""The analyzer writes Rules' ``catalogues`` from the plan: the ids an id property lists,
priced where a record pays for them (issue 11)."""

from __future__ import annotations

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.currencies import load_currencies
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType

IDS = ["gem_pack_60", "gem_pack_300", "gem_pack_980", "starter_pack"]


def _plan(with_price: bool) -> EventTaxonomy:
    props = [Property(name="product_id", type=PropertyType.STRING, enum=IDS),
             Property(name="product_name", type=PropertyType.STRING),
             Property(name="stage_id", type=PropertyType.STRING, enum=["s1", "s2"])]
    paid = ["product_id", "product_name"]
    if with_price:
        props.append(Property(name="price", type=PropertyType.NUMBER))
        paid.append("price")
    return EventTaxonomy(events=[Event(name="purchase", properties=paid),
                                 Event(name="stage_start", properties=["stage_id"])],
                         properties=props)


def test_an_enum_of_product_ids_becomes_priced_entries() -> None:
    rules = HeuristicAnalyzer().analyze(_plan(with_price=True), ProductInfo(industry="game"))
    entries = rules.catalogues["product"].entries
    assert [e.id for e in entries] == IDS
    tiers = load_currencies().currencies["USD"].points
    prices = {e.id: e.price_usd for e in entries}
    assert all(p in tiers for p in prices.values()), prices
    # bigger packs cost more
    assert prices["gem_pack_60"] < prices["gem_pack_300"] < prices["gem_pack_980"]
    # a stage is listed, never priced
    assert [e.price_usd for e in rules.catalogues["stage"].entries] == [None, None]


def test_entries_are_unpriced_where_nothing_is_paid() -> None:
    rules = HeuristicAnalyzer().analyze(_plan(with_price=False), ProductInfo(industry="game"))
    assert {e.price_usd for e in rules.catalogues["product"].entries} == {None}


def test_the_same_plan_gets_the_same_catalogue() -> None:
    first = HeuristicAnalyzer().analyze(_plan(with_price=True), ProductInfo(industry="shop"))
    again = HeuristicAnalyzer().analyze(_plan(with_price=True), ProductInfo(industry="shop"))
    assert first.catalogues == again.catalogues
    assert all(e.price_usd and e.price_usd > 0 for e in first.catalogues["product"].entries)
