"""Rows priced where no amount is: a cart's list on a view event shows its things' prices.

An event without a money amount (``view_cart``, ``order_detail`` where Rules tie the
amounts to other events) may still list priced things (``commodity_list[]`` with an id and
a price). Each row shows its catalogue entry's price in the record's currency (its currency
property, else Rules' ``money.currency``, else the user's market's), as the rows of an order
do (:class:`Lines`), so one thing costs the same in a view, a cart and an order.
"""

from __future__ import annotations

from typing import Any

from demogen.simulation._context import UserContext
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._money import currency_property_of, record_currency, record_money
from demogen.simulation.values._money_lines import Lines, order_rows
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property


def row_prices(tables: Tables, prop: Property, event: str, present: frozenset[str],
               fn: Sampler, deps: set[str]) -> Sampler:
    """``fn`` with each row's price its entry's, when ``prop`` lists priced things on an
    event whose money does not price them already (``deps`` gains the currency property)."""
    if record_money(tables, event, present) is not None:
        return fn   # the record's own lines write the rows' prices (RecordMoney.draw)
    rows = order_rows(tables, prop)
    if rows is None:
        return fn
    lines = Lines(tables, None, (rows,))
    money = tables.money
    cp = currency_property_of(tables, present)
    if cp is not None:
        deps.add(cp)
    name = prop.name

    def priced(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = fn(u, v, t)
        lines.lines({name: x}, record_currency(money, cp, u, v))
        return x

    return priced
