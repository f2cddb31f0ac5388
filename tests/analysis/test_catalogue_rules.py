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


# -- a plan's list of names: the catalogue's entries (session 9) ---------------------------

ITEMS = ["Iron Sword", "Health Potion", "Oak Shield"]


def _named_plan(*, item_ids: list[str] | None = None, id_type: PropertyType =
                PropertyType.STRING) -> EventTaxonomy:
    """Items and currencies listed by name only (ids without an enum, rows of ``items``)."""
    props = [Property(name="item_id", type=id_type, enum=item_ids),
             Property(name="item_name", type=PropertyType.STRING, enum=ITEMS),
             Property(name="currency_id", type=PropertyType.STRING),
             Property(name="currency_name", type=PropertyType.STRING, enum=["Gold", "Gems"]),
             Property(name="screen_name", type=PropertyType.STRING, enum=["home", "shop"]),
             Property(name="items", type=PropertyType.OBJECT_GROUP, children=[
                 Property(name="id", type=PropertyType.STRING),
                 Property(name="name", type=PropertyType.STRING)])]
    return EventTaxonomy(events=[
        Event(name="item_get", properties=["item_id", "item_name"]),
        Event(name="currency_get", properties=["currency_id", "currency_name"]),
        Event(name="chest_open", properties=["items"]),
        Event(name="screen_view", properties=["screen_name"])], properties=props)


def _entries(rules, stem: str) -> list[tuple[str, str | None, str | None]]:  # type: ignore[no-untyped-def]
    return [(e.id, e.name, e.type) for e in rules.catalogues[stem].entries]


def test_a_name_enum_lists_the_catalogue() -> None:
    """``item_name: [Iron Sword, …]`` beside an ``item_id`` without a list: each name an
    entry, its id the name's slug and its type from its words (Sword → equipment)."""
    rules = HeuristicAnalyzer().analyze(_named_plan(), ProductInfo(industry="game"))
    assert _entries(rules, "item") == [("iron_sword", "Iron Sword", "equipment"),
                                       ("health_potion", "Health Potion", "consumable"),
                                       ("oak_shield", "Oak Shield", "equipment")]
    assert _entries(rules, "currency") == [("gold", "Gold", "currency"),
                                           ("gems", "Gems", "currency")]
    # a name shown alone already is its whole list: no catalogue for it
    assert "screen" not in rules.catalogues


def test_ids_listed_beside_the_names_pair_in_order() -> None:
    ids = ["w_01", "p_01", "s_01"]
    rules = HeuristicAnalyzer().analyze(_named_plan(item_ids=ids), ProductInfo(industry="game"))
    assert [(i, n) for i, n, _ in _entries(rules, "item")] == list(zip(ids, ITEMS, strict=True))
    # another number of ids: which is which is unknown, the ids stay unnamed
    rules = HeuristicAnalyzer().analyze(_named_plan(item_ids=ids[:2]),
                                        ProductInfo(industry="game"))
    assert _entries(rules, "item") == [("w_01", None, None), ("p_01", None, None)]


def test_a_number_id_numbers_the_names() -> None:
    rules = HeuristicAnalyzer().analyze(_named_plan(id_type=PropertyType.NUMBER),
                                        ProductInfo(industry="game"))
    assert [(i, n) for i, n, _ in _entries(rules, "item")] == [
        ("1", "Iron Sword"), ("2", "Health Potion"), ("3", "Oak Shield")]


def test_the_run_shows_only_the_plans_names_one_per_id() -> None:
    """Every record and object row names an item of the plan's list, and one id one name
    (before: rows drew names of their own, 'Mystic Orb' beside the plan's Iron Sword)."""
    from demogen.simulation.values import ValueFactory
    from tests.simulation.test_values import NOW, make_user

    taxonomy, product = _named_plan(), ProductInfo(industry="game")
    rules = HeuristicAnalyzer().analyze(taxonomy, product)
    factory = ValueFactory(taxonomy, rules, product, seed=4)
    names: dict[str, set[str]] = {}
    for i in range(150):
        user = make_user(i)
        got = factory.event_sampler("item_get").sample(user, NOW)
        names.setdefault(got["item_id"], set()).add(got["item_name"])
        for row in factory.event_sampler("chest_open").sample(user, NOW)["items"]:
            names.setdefault(row["id"], set()).add(row["name"])
    assert set(names) == {"iron_sword", "health_potion", "oak_shield"}, names
    assert all(len(shown) == 1 for shown in names.values()), names
    assert set().union(*names.values()) == set(ITEMS)


# -- an id whose number is a price point of the plan's currency (session 12) ---------------

CN_PACKS = ["gem_6", "gem_30", "gem_68", "gem_128", "gem_328", "gem_648", "month_card"]


def _cny_plan() -> EventTaxonomy:
    props = [Property(name="product_id", type=PropertyType.STRING, examples=CN_PACKS),
             Property(name="pay_amount", type=PropertyType.NUMBER, description="单位元 (6~648)"),
             Property(name="currency", type=PropertyType.STRING, enum=["CNY"])]
    return EventTaxonomy(events=[Event(name="recharge_success",
                                       properties=["product_id", "pay_amount", "currency"])],
                         properties=props)


def test_a_pack_named_by_a_price_point_costs_that_point() -> None:
    """``gem_30`` in a CNY plan costs 30 元 (the CNY tier 30 stands at), not the tier its
    rank among the packs lands on (12 元 before: six packs spread over seven tiers)."""
    rules = HeuristicAnalyzer().analyze(_cny_plan(), ProductInfo(industry="game"))
    usd = load_currencies().currencies["USD"].points
    cny = load_currencies().currencies["CNY"].points
    prices = {e.id: e.price_usd for e in rules.catalogues["product"].entries}
    shown = {i: cny[usd.index(p)] for i, p in prices.items() if i != "month_card" and p}
    assert shown == {"gem_6": 6, "gem_30": 30, "gem_68": 68, "gem_128": 128,
                     "gem_328": 328, "gem_648": 648}, prices
