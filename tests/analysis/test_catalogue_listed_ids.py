"""Ids a plan lists alone (an id enum, no name list) get their names and types in Rules'
``catalogues`` from the analyzer, and the run shows those (issue 11). Before: the entries
held ids and prices only; names and types were drawn in the run from its seed, so
``demogen analyze`` showed nothing a user could edit."""

from __future__ import annotations

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.heuristic._catalogues import catalogue_data
from demogen.analysis.heuristic._entry_names import categories
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType

SHOP = ProductInfo(industry="ecommerce")


def _plan(ids: list[str]) -> EventTaxonomy:
    props = [Property(name="commodity_id", type=PropertyType.STRING, enum=ids),
             Property(name="commodity_name", type=PropertyType.STRING),
             Property(name="commodity_category", type=PropertyType.STRING),
             Property(name="price", type=PropertyType.NUMBER)]
    return EventTaxonomy(events=[Event(name="commodity_view",
                                       properties=["commodity_id", "commodity_name",
                                                   "commodity_category"]),
                                 Event(name="pay_order",
                                       properties=["commodity_id", "commodity_name", "price"])],
                         properties=props)


OPAQUE = ["상품1", "상품2", "상품3", "P100037", "P100038"]


def test_ids_listed_alone_get_a_name_and_a_type() -> None:
    rules = HeuristicAnalyzer().analyze(_plan(OPAQUE), SHOP)
    entries = rules.catalogues["commodity"].entries
    assert [e.id for e in entries] == OPAQUE
    assert all(e.name and e.name != e.id for e in entries)
    assert all(e.type in categories() for e in entries)    # opaque shop ids: a category
    again = HeuristicAnalyzer().analyze(_plan(OPAQUE), SHOP)
    assert again.catalogues == rules.catalogues             # a function of the plan alone


def test_a_readable_id_names_itself() -> None:
    rules = HeuristicAnalyzer().analyze(_plan(["gem_pack_60", "starter_pack"]),
                                        ProductInfo(industry="game"))
    names = {e.id: e.name for e in rules.catalogues["commodity"].entries}
    assert names == {"gem_pack_60": "Gem Pack 60", "starter_pack": "Starter Pack"}


def test_a_long_list_is_named_up_to_the_cap() -> None:
    cap = int(catalogue_data()["named_entries_cap"])
    ids = [f"상품{k}" for k in range(1, cap + 11)]
    entries = HeuristicAnalyzer().analyze(_plan(ids), SHOP).catalogues["commodity"].entries
    assert len(entries) == len(ids)
    assert all(e.name for e in entries[:cap])
    assert not any(e.name for e in entries[cap:])


def test_the_run_shows_the_names_rules_give() -> None:
    """Every record shows the Rules entry's name and type for its id; a user's edit is
    what the records show."""
    from demogen.simulation.values import ValueFactory
    from tests.simulation.test_values import NOW, make_user

    taxonomy = _plan(OPAQUE)
    rules = HeuristicAnalyzer().analyze(taxonomy, SHOP)
    entries = rules.catalogues["commodity"].entries
    entries[0] = entries[0].model_copy(update={"name": "Linen Shirt", "type": "Fashion"})
    listed = {e.id: (e.name, e.type) for e in entries}
    factory = ValueFactory(taxonomy, rules, SHOP, seed=4)
    seen = set()
    for i in range(120):
        got = factory.event_sampler("commodity_view").sample(make_user(i), NOW)
        ident = got["commodity_id"]
        assert (got["commodity_name"], got["commodity_category"]) == listed[ident], got
        seen.add(ident)
    assert OPAQUE[0] in seen and len(seen) >= 3
