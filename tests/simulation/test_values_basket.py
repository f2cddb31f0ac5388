"""An order lists the products its buyer carted (issue 13; values/_basket.py)."""

from __future__ import annotations

import pytest

from demogen.simulation.values._basket import plan_basket
from demogen.simulation.values._tables import Tables
from tests.corpus import corpus
from tests.simulation.generated_outputs import Generated, tracks

PLANS = [pytest.param("ecommerce", id="ecommerce"),
         pytest.param("segment_ecommerce_v2", marks=corpus, id="segment_ecommerce_v2")]


def _basket(g: Generated):
    tables = Tables(g.taxonomy, g.rules, g.product, seed=g.seed, pool_size=60)
    basket = plan_basket(tables)
    assert basket is not None, f"{g.source.name}: no order lists what the cart events name"
    return basket


@pytest.mark.parametrize("source", PLANS)
def test_an_order_lists_products_carted_and_not_yet_bought(coherence_output,
                                                          source: str) -> None:
    """Every product an order lists was carted by its buyer before it and is not in an
    earlier order of theirs since; most orders hold a few lines."""
    g = coherence_output(source)
    basket = _basket(g)
    orders = lengths = 0
    short = 0
    for timeline in g.timelines.values():
        cart: set[str] = set()
        for record in tracks(timeline):
            event, values = record["#event_name"], record["properties"]
            if event in basket.carts and values.get(basket.carts[event]) is not None:
                cart.add(str(values[basket.carts[event]]))
            elif event in basket.orders:
                listed = values[basket.orders[event]]
                assert listed and set(listed) <= cart, (event, listed, sorted(cart))
                cart -= set(listed)
                orders += 1
                lengths += len(listed)
                short += len(listed) <= 3
    assert orders >= 10, orders
    assert short >= orders / 3, (short, orders, lengths / orders)


def test_a_plan_without_a_cart_role_has_no_basket(coherence_output) -> None:
    """Orders of a plan whose rules name no cart event draw their list as the plan says."""
    g = coherence_output("ecommerce")
    rules = g.rules.model_copy(update={"event_roles": g.rules.event_roles.model_copy(
        update={"cart": []})})
    tables = Tables(g.taxonomy, rules, g.product, seed=g.seed, pool_size=60)
    assert plan_basket(tables) is None
