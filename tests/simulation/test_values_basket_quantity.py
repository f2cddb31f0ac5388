"""A product carted again raises its order line's quantity (issue 13; values/_basket.py): the
cart event's quantity is the amount added, the order's line shows the total carted, and the
order's amount adds up its lines."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest

from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.values._basket import Basket
from demogen.simulation.values._plans import ValuePlan
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType
from tests.simulation.generated_outputs import Generated, tracks

KR_SHOP = "te_data_generator__ecommerce-tracking-plan"
ITEMS = Property(name="items", type=PropertyType.OBJECT_GROUP)


def _user() -> UserContext:
    device = DeviceProfile(distinct_id="d", country="KR", zone_offset=9.0, ip="1.1.1.1",
                           locale="ko_KR", language="ko", currency="KRW")
    return UserContext(index=1, rnd=random.Random(1), device=device)


def _drawn(u: UserContext, v: dict[str, Any], t: str, ids: Sequence[str]
           ) -> list[dict[str, Any]]:
    """Rows as the plan draws them: one of each thing."""
    return [{"product_id": x, "quantity": 1} for x in ids]


def _basket(adds: dict[str, str]) -> Basket:
    return Basket("product", {"add": "product_id"}, {"buy": "items"}, {}, {},
                  row_ids={"items": "product_id"}, adds=adds, row_counts={"items": "quantity"})


def _cart(basket: Basket, user: UserContext, product: str, quantity: int | None) -> None:
    values: dict[str, Any] = {"product_id": product}
    if quantity is not None:
        values["quantity"] = quantity
    for hook in basket.hooks("add"):
        hook(user, values)


def _order(basket: Basket, user: UserContext) -> list[dict[str, Any]]:
    rows = basket.sampler(ITEMS, lambda u, v, t: [], "buy", _drawn)(user, {}, "")
    for hook in basket.hooks("buy"):
        hook(user, {"items": rows})
    return rows


def test_a_recarted_product_is_one_line_holding_both_adds() -> None:
    basket, user = _basket({"add": "quantity"}), _user()
    _cart(basket, user, "p1", 2)
    _cart(basket, user, "p2", 1)
    _cart(basket, user, "p1", 3)
    assert _order(basket, user) == [{"product_id": "p2", "quantity": 1},
                                    {"product_id": "p1", "quantity": 5}]
    _cart(basket, user, "p1", 4)     # bought: a new add starts a new line
    assert _order(basket, user) == [{"product_id": "p1", "quantity": 4}]


def test_adds_without_a_quantity_count_one_each_at_least() -> None:
    """A cart showing no quantity: the line keeps its drawn quantity, raised to the number
    of adds."""
    basket, user = _basket({}), _user()
    for _ in range(3):
        _cart(basket, user, "p1", None)
    _cart(basket, user, "p2", None)
    assert _order(basket, user) == [{"product_id": "p1", "quantity": 3},
                                    {"product_id": "p2", "quantity": 1}]


def test_an_order_showing_its_checkout_leaves_later_adds_in_the_cart() -> None:
    """A paid order shows the rows of its checkout: what was carted after the checkout
    stays in the cart, as many as were added since."""
    basket, user = _basket({"add": "quantity"}), _user()
    _cart(basket, user, "p1", 2)
    checkout = basket.sampler(ITEMS, lambda u, v, t: [], "buy", _drawn)(user, {}, "")
    _cart(basket, user, "p1", 3)
    for hook in basket.hooks("buy"):
        hook(user, {"items": checkout})
    assert _order(basket, user) == [{"product_id": "p1", "quantity": 3}]


def _kr(g: Generated) -> Basket:
    tables = Tables(g.taxonomy, g.rules, g.product, seed=g.seed, pool_size=60)
    basket = ValuePlan.build(tables).basket
    assert basket is not None
    return basket


@pytest.mark.corpus
def test_the_kr_shop_reads_its_quantities(coherence_output) -> None:
    """The cart's ``commodity_amount`` is the amount added; the order rows' is the line's."""
    basket = _kr(coherence_output(KR_SHOP))
    assert basket.adds == {"add_cart": "commodity_amount"}
    assert set(basket.row_counts.values()) == {"commodity_amount"}


def _paid_later(records: list[dict[str, Any]], basket: Basket, starts: set[str]) -> set[str]:
    """The order ids whose payment comes in a later session than their checkout."""
    checked_out: dict[str, int] = {}
    later: set[str] = set()
    session = 0
    for record in records:
        event, order = record["#event_name"], record["properties"].get("order_id")
        session += event in starts
        if event in basket.checkouts and order:
            checked_out.setdefault(order, session)
        elif event in basket.orders and order in checked_out and checked_out[order] < session:
            later.add(order)
    return later


@pytest.mark.corpus
def test_kr_shop_order_lines_hold_what_was_carted(buyers_output) -> None:
    """Each line of a paid order naming a product carted since the buyer's last order
    shows as many as its checkout saw carted, several adds summed; the order's amount
    adds up its lines (price x quantity)."""
    g = buyers_output(KR_SHOP)     # spenders: a 300-user run holds a handful of orders
    basket = _kr(g)
    checked = summed = 0
    starts = set(g.rules.event_constraints.session_start_events)
    for timeline in g.timelines.values():
        held = _paid_later(tracks(timeline), basket, starts)
        cart: dict[str, tuple[int, int]] = {}     # product: (quantity, adds)
        shown: dict[str, dict[str, tuple[int, int]]] = {}
        for record in tracks(timeline):
            event, values = record["#event_name"], record["properties"]
            if event in basket.carts:
                ident = str(values[basket.carts[event]])
                n, adds = cart.get(ident, (0, 0))
                cart[ident] = (n + values["commodity_amount"], adds + 1)
            elif event in basket.checkouts and values.get("order_id"):
                shown[values["order_id"]] = dict(cart)
                if values["order_id"] in held:
                    # An order paid in a later session holds what its checkout lists:
                    # what is carted after starts a new line (d1d790f).
                    listed = basket.checkouts[event]
                    for ident in basket.ids(listed, values.get(listed)):
                        cart.pop(ident, None)
            elif event in basket.orders:
                then = shown.pop(values.get("order_id"), cart)
                rows = values[basket.orders[event]]
                for row in rows:
                    ident = str(row["commodity_id"])
                    if ident in then:
                        assert row["commodity_amount"] == then[ident][0], (row, then[ident])
                        checked += 1
                        summed += then[ident][1] > 1
                    if values.get("order_id") in held:
                        continue    # its checkout took it out of the cart already
                    n = cart.pop(ident, (0, 0))[0] - row["commodity_amount"]
                    if n > 0:
                        cart[ident] = (n, 1)
                lines = sum(r["original_price"] * r["commodity_amount"] for r in rows)
                assert values["order_amount"] == lines + values["transportation_costs"], values
    assert checked >= 20, checked
    assert summed >= 3, (summed, checked)
