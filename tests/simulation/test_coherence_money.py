"""Money (issue 11): within a record every amount comes from one amount in the record's
currency, ``*_usd`` amounts are its store-tier twin or its FX conversion, orders add up and
discount flags agree, and an FX edit in Rules moves the USD amounts.

Measured before: ``"price":5708.35,"currency":"USD","price_usd":1.99`` and ``"price":1200,
"currency":"KRW","price_usd":42`` (game); idle ``te_iap_transaction`` ``"price_usd":49.99,
"currency_local":"EUR","price_local":0.99``; KRW price / price_usd ratios from 28.6 to
5,666.7; a Segment-plan order ``"total":2530,"shipping":10,"tax":237,"currency":"KRW"``;
users outside KR/US/JP paying mostly in KRW; KR e-commerce ``pay_order``
``"order_amount":16.11,"order_actual_amount":53.95,"is_use_discount":false``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from demogen.analysis.rules import Rules
from demogen.currencies import load_currencies, local_price, tier_twin
from tests.corpus import corpus
from tests.simulation.generated_outputs import Generated, tracks

IDLE = "te_data_generator__idle-game-example"
SHOP = "te_data_generator__ecommerce-tracking-plan"
SEGMENT = "segment_ecommerce_v2"
TABLE = load_currencies().currencies


def _events(g: Generated, *names: str) -> Iterator[Mapping[str, Any]]:
    for record in tracks(g.records):
        if record["#event_name"] in names:
            yield record["properties"]


def _agrees(local: float, code: str, usd: float, fx: dict[str, float]) -> bool:
    """``usd`` is ``local`` of ``code``'s store-tier twin, or its FX conversion to a cent."""
    points = TABLE[code].points
    if local in points and TABLE["USD"].points[points.index(local)] == usd:
        return True
    return abs(local * fx[code] - usd) <= max(0.011, 0.01 * usd)


def test_game_price_and_price_usd_are_one_amount(buyers_output) -> None:
    g = buyers_output("game")
    fx = g.rules.money.fx
    seen = [p for p in _events(g, "purchase") if "price_usd" in p]
    assert seen, "no purchase with price_usd"
    for p in seen:
        if p["currency"] == "USD":
            assert p["price"] == p["price_usd"], p
        assert _agrees(p["price"], p["currency"], p["price_usd"], fx), p
        if p["currency"] in ("KRW", "JPY"):
            assert isinstance(p["price"], int), p
    krw = [p["price"] / p["price_usd"] for p in seen if p["currency"] == "KRW"]
    # KRW per USD along the store tiers: about 1,100-1,300 (was 28.6 … 5,666.7)
    assert all(1000 <= r <= 1400 for r in krw), krw


def test_game_currency_follows_the_market(coherence_output) -> None:
    """The plan's currency enum is KRW, USD, JPY: users of other markets pay in USD."""
    g = coherence_output("game")
    # outside UTC+9 (Korea, Japan): no Korean or Japanese market
    others = [p["currency"] for r in tracks(g.records) if "currency" in r["properties"]
              and r["properties"].get("#zone_offset") != 9.0
              for p in (r["properties"],)]
    assert others
    assert others.count("KRW") / len(others) < 0.05


@corpus
def test_idle_iap_local_and_usd_agree(buyers_output) -> None:
    g = buyers_output(IDLE)   # purchases: the spenders' run (a 300-user run may hold none)
    fx = g.rules.money.fx
    seen = list(_events(g, "te_iap_transaction", "te_iap_purchase_succeeded"))
    assert seen
    for p in seen:
        code = p["currency_local"]
        if code == "USD":
            assert p["price_local"] == p["price_usd"], p
        assert _agrees(p["price_local"], code, p["price_usd"], fx), p


@corpus
def test_segment_orders_add_up(coherence_output) -> None:
    g = coherence_output(SEGMENT)
    # g.records carry the plan's names
    seen = [p for p in _events(g, "Order Completed", "Order Updated", "Checkout Started")
            if "currency" in p]
    assert seen
    for p in seen:
        if TABLE[p["currency"]].decimals == 0:
            assert all(isinstance(p[k], int) for k in ("revenue", "shipping", "tax")), p
        # revenue: the lines ("excluding shipping and tax"); subtotal: "after discounts";
        # total: "with discounts applied, including shipping and tax"
        net = p["revenue"] - p["discount"]
        if "subtotal" in p:     # the plan declares subtotal and total integers: within 1
            assert p["subtotal"] == pytest.approx(net, abs=1), p
        if "total" in p:
            assert p["total"] == pytest.approx(net + p["shipping"] + p["tax"], abs=1), p
        if "value" in p:
            assert p["value"] == pytest.approx(p["revenue"] + p["shipping"] + p["tax"],
                                               abs=0.011), p


@corpus
def test_kr_shop_orders_in_won_with_agreeing_discounts(coherence_output) -> None:
    g = coherence_output(SHOP)
    assert g.rules.money.currency == "KRW"   # read from the plan's "60000원 이상"
    seen = list(_events(g, "submit_order", "pay_order", "order_detail"))
    assert seen
    for p in seen:
        amount, paid = p["order_amount"], p["order_actual_amount"]
        assert isinstance(amount, int) and isinstance(paid, int), p
        assert paid <= amount, p
        assert p["is_use_discount"] == (paid < amount), p
    assert any(p["is_use_discount"] for p in seen) and not all(p["is_use_discount"]
                                                                for p in seen)
    for p in _events(g, "commodity_detail", "add_cart"):
        assert p["present_price"] <= p["original_price"], p


def test_an_fx_edit_moves_the_usd_amounts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A shop (baskets, not tiers) whose USD amount is converted: doubling the KRW rate in
    Rules doubles the USD amounts of the same KRW orders."""
    from demogen.simulation.values import ValueFactory
    from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
    from demogen.vocab import PropertyType as T
    from tests.simulation.test_values import NOW, make_user

    taxonomy = EventTaxonomy(
        events=(Event(name="order", properties=("currency", "revenue", "revenue_usd")),),
        properties=(Property(name="currency", type=T.STRING),
                    Property(name="revenue", type=T.NUMBER),
                    Property(name="revenue_usd", type=T.NUMBER)))
    base = {"monetary_properties": {"revenue": {"currency_property": "currency"},
                                    "revenue_usd": {"currency_property": "currency"}}}
    rates = Rules().money.fx["KRW"]

    def orders(rules: Rules) -> list[dict[str, Any]]:
        factory = ValueFactory(taxonomy, rules, ProductInfo(industry="ecommerce"), seed=1)
        sampler = factory.event_sampler("order")
        return [sampler.sample(make_user(i, country="KR"), NOW) for i in range(50)]

    before = orders(Rules.from_data(base))
    after = orders(Rules.from_data({**base, "money": {"fx": {"KRW": rates * 2}}}))
    assert [o["revenue"] for o in before] == [o["revenue"] for o in after]
    for a, b in zip(before, after, strict=True):
        assert a["currency"] == "KRW"
        assert b["revenue_usd"] == pytest.approx(2 * a["revenue_usd"], abs=0.011)
        assert a["revenue_usd"] == pytest.approx(a["revenue"] * rates, abs=0.011)


# -- catalogue prices, order rows and coupon rates (session 7) -----------------------------


def _entry_prices(g: Generated, stem: str) -> dict[str, float]:
    return {e.id: e.price_usd for e in g.rules.catalogues[stem].entries
            if e.price_usd is not None}


def test_game_products_cost_their_catalogue_price(coherence_output) -> None:
    """Measured: ``"product_id":"remove_ads_永久"`` at 100 KRW, one product at several
    prices. A purchase of a listed product is at its entry's tier, in USD and locally."""
    g = coherence_output("game")
    prices = _entry_prices(g, "product")
    assert prices, "the analyzer lists the game's products"
    seen = [p for p in _events(g, "product_view", "purchase_start", "purchase")
            if p.get("product_id") in prices]
    assert len(seen) > 100
    usd = TABLE["USD"].points
    for p in seen:
        want = prices[p["product_id"]]
        assert p.get("price_usd", want) == want, p
        assert p["price"] == TABLE[p["currency"]].points[usd.index(want)], p


@corpus
def test_kr_shop_rows_and_views_show_their_entrys_price(coherence_output) -> None:
    """Measured: ``commodity_list`` rows with ``original_price`` 4.41 in a KRW shop. Every
    row and every product view shows its commodity's catalogue price in won, and an order's
    lines are its rows' prices × quantities."""
    g = coherence_output(SHOP)
    fx = g.rules.money.fx
    prices = _entry_prices(g, "commodity")
    assert set(prices) == {f"상품{i}" for i in range(1, 7)}
    won = {k: local_price(v, "KRW", fx) for k, v in prices.items()}
    orders = 0
    for p in _events(g, "commodity_detail", "add_cart", "buy_now"):
        assert p["original_price"] == won[p["commodity_id"]], p
    for p in _events(g, "submit_order", "pay_order", "order_detail", "send_commodity"):
        rows = p["commodity_list"]
        for row in rows:
            assert row["original_price"] == won[row["commodity_id"]], row
        lines = sum(r["original_price"] * r["commodity_amount"] for r in rows)
        assert p["order_amount"] == lines + p.get("transportation_costs", 0), p
        orders += 1
    assert orders > 20


@corpus
def test_kr_shop_coupon_shows_the_orders_discount(coherence_output) -> None:
    """Measured: ``"order_amount":82,"order_actual_amount":303,"is_use_discount":false`` with
    a 66 % coupon. The used coupon is there exactly when the order is discounted, and its
    percentage is the discount over the lines."""
    g = coherence_output(SHOP)
    with_coupon = 0
    for p in _events(g, "submit_order", "pay_order", "order_detail", "send_commodity",
                     "cancel_order"):
        if "order_amount" not in p or "is_use_discount" not in p:
            continue    # (cancel_order carries neither the flag nor the coupon)
        assert ("coupon" in p) == p["is_use_discount"], p
        if "coupon" not in p:
            assert p["order_actual_amount"] == p["order_amount"], p
            continue
        with_coupon += 1
        rate = float(p["coupon"]["coupon_discount"].rstrip("%")) / 100
        lines = p["order_amount"] - p.get("transportation_costs", 0)
        discount = p["order_amount"] - p["order_actual_amount"]
        assert abs(discount - lines * rate) <= max(1, 0.006 * lines), p
    assert with_coupon > 3


def test_a_store_tier_twin_is_no_copy_into_a_currency_worth_another_amount() -> None:
    """KRW 1,200 and USD 0.99 are one store tier; USD 4.99 and EUR 4.99 share the number,
    so an amount named in euros (``charged_total_eur``) is converted at the FX table
    instead (the unseen fintech plan copied 7,618 of 10,877 non-EUR charges)."""
    fx = Rules().money.fx
    assert tier_twin(1200, "KRW", "USD", fx) == 0.99
    assert tier_twin(4.99, "USD", "EUR", fx) is None
    assert tier_twin(4.99, "GBP", "EUR", fx) is None
    assert tier_twin(4.99, "USD", "EUR", {**fx, "EUR": fx["USD"]}) == 4.99
    assert tier_twin(5.0, "USD", "EUR", fx) is None     # no tier


# -- rows of events without an amount, one row per thing (session 9) ----------------------


def _cart_plan() -> Any:
    from demogen.taxonomy import Event, EventTaxonomy, Property
    from demogen.vocab import PropertyType as T

    rows = (Property(name="commodity_list.commodity_id", type=T.STRING,
                     enum=tuple(f"c{i}" for i in range(1, 9))),
            Property(name="commodity_list.commodity_name", type=T.STRING),
            Property(name="commodity_list.price", type=T.NUMBER),
            Property(name="commodity_list.quantity", type=T.NUMBER))
    return EventTaxonomy(
        events=(Event(name="view_cart", properties=("commodity_list",)),
                Event(name="order_paid", properties=("currency", "order_total",
                                                     "commodity_list"))),
        properties=(Property(name="currency", type=T.STRING),
                    Property(name="order_total", type=T.NUMBER),
                    Property(name="commodity_list", type=T.OBJECT_GROUP, children=rows)))


def test_a_views_rows_show_their_things_prices_once_each() -> None:
    """A cart list on a view event (no amount of its own) shows each commodity at its
    entry's price in the user's currency, the price the order shows, and names each
    commodity once (its rows were drawn freely, the same id in several rows)."""
    from demogen.simulation.values import ValueFactory
    from demogen.taxonomy import ProductInfo
    from tests.simulation.test_values import NOW, make_user

    rules = Rules.from_data({"monetary_properties": {
        "order_total": {"currency_property": "currency"}}})
    factory = ValueFactory(_cart_plan(), rules, ProductInfo(industry="ecommerce"), seed=1)
    view, order = factory.event_sampler("view_cart"), factory.event_sampler("order_paid")
    shown: dict[tuple[str, str], set[float]] = {}
    lists = 0
    for i in range(60):
        user = make_user(i, country="KR")
        for sampler in (view, order):
            props = sampler.sample(user, NOW)
            code = props.get("currency", "KRW")
            ids = [row["commodity_id"] for row in props["commodity_list"]]
            assert len(set(ids)) == len(ids), props
            lists += len(ids) > 1
            for row in props["commodity_list"]:
                shown.setdefault((code, row["commodity_id"]), set()).add(row["price"])
    assert lists >= 10
    krw = {k: v for k, v in shown.items() if k[0] == "KRW"}
    assert len(krw) >= 6
    assert all(len(prices) == 1 for prices in shown.values()), shown
    assert all(isinstance(p, int) and p >= 1000 for (_, prices) in krw.items()
               for p in prices), krw


# -- a plan's own price enum prices its catalogue (session 9) -----------------------------


def _enum_plan(ids: tuple[str, ...] | None) -> Any:
    from demogen.taxonomy import Event, EventTaxonomy, Property
    from demogen.vocab import PropertyType as T

    return EventTaxonomy(
        events=(Event(name="purchase", properties=("product_id", "price")),),
        properties=(Property(name="product_id", type=T.STRING, enum=ids),
                    Property(name="price", type=T.NUMBER, enum=(0.99, 4.99, 19.99))))


@pytest.mark.parametrize("ids", [None, ("starter", "gems_a", "gems_b", "vip", "skin")])
def test_a_price_enum_prices_the_products(ids: tuple[str, ...] | None) -> None:
    """``price: [0.99, 4.99, 19.99]`` beside ``product_id``: every USD purchase shows a price
    of the enum, and one product one price (the entry's price used to replace the enum:
    drawn per product at any tier). With the plan's ids the analyzer writes the entries'
    price_usd from the enum; without, the run draws each product's point from its id."""
    from demogen.analysis.heuristic import HeuristicAnalyzer
    from demogen.simulation.values import ValueFactory
    from demogen.taxonomy import ProductInfo
    from tests.simulation.test_values import NOW, make_user

    taxonomy = _enum_plan(ids)
    rules = HeuristicAnalyzer().analyze(taxonomy, ProductInfo(industry="game"))
    assert "price" in rules.monetary_properties
    if ids is not None:
        listed = {e.id: e.price_usd for e in rules.catalogues["product"].entries}
        assert set(listed) == set(ids)
        assert set(listed.values()) <= {0.99, 4.99, 19.99}, listed
    sampler = ValueFactory(taxonomy, rules, ProductInfo(industry="game"), seed=2
                           ).event_sampler("purchase")
    shown: dict[str, set[float]] = {}
    for i in range(200):
        props = sampler.sample(make_user(i, country="US"), NOW)
        shown.setdefault(props["product_id"], set()).add(props["price"])
    assert len(shown) >= 3
    assert all(len(prices) == 1 for prices in shown.values()), shown
    assert set().union(*shown.values()) <= {0.99, 4.99, 19.99}, shown


@corpus
def test_kr_shop_rows_show_their_price_in_yuan_and_jiao(coherence_output) -> None:
    """``commodity_list[]``'s ``commodity_yuan`` / ``commodity_jiao`` (names of a currency
    unit: ``currencies.yaml`` unit_words) are the row's ``original_price`` in CNY and in
    jiao at Rules' FX (measured: 7 jiao, 31 yuan beside 18,800 KRW: drawn apart)."""
    g = coherence_output(SHOP)
    fx = g.rules.money.fx
    rows = [row for p in _events(g, "submit_order", "pay_order", "order_detail")
            for row in p["commodity_list"]]
    assert len(rows) >= 30
    for row in rows:
        yuan = row["original_price"] * fx["KRW"] / fx["CNY"]
        assert row["commodity_yuan"] == pytest.approx(yuan, abs=0.006), row
        assert row["commodity_jiao"] == round(yuan * 10), row
