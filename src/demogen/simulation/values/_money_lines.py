"""A record's lines from the catalogue things it names: an entry's price is the amount.

A record with a money amount and the id of a thing it pays for (``product_id``,
``commodity_id``) is priced at that entry's price: Rules' ``catalogues.<stem>.entries[].
price_usd``, else a price drawn from the id and the run seed (the same for the same id in
the whole run), shown in the record's currency at its price points
(:meth:`Money.local_price`). A quantity beside it (``commodity_amount``) multiplies a line
amount (``order_amount``), not a unit price (``original_price``). An order's rows
(``commodity_list[]``: id, price, quantity) each show their entry's price, and the order's
lines are their sum.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from demogen.analysis.heuristic._catalogues import (
    ID,
    catalogue_role,
    fields_stem,
    is_quantity,
    priced_stems,
)
from demogen.analysis.heuristic._period_plans import picked_plan
from demogen.analysis.heuristic.values.names import leaf, normalize
from demogen.currencies import (
    in_unit,
    industry_mode,
    is_unit_price,
    unit_in_name,
    unit_price_usd,
)
from demogen.simulation.values._draw import salt
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

if TYPE_CHECKING:
    from demogen.simulation.values._tables import Tables


@dataclass(frozen=True, slots=True)
class Item:
    """The thing a record pays for: its id property, the quantity property beside it, and
    whether the record's base amount is one unit's price."""

    anchor: str
    stem: str
    quantity: str | None
    unit: bool


@dataclass(frozen=True, slots=True)
class Rows:
    """An object (group) of order lines: each row's ``id_key`` names an entry of ``stem``,
    ``price_key`` shows its price, ``quantity_key`` how many."""

    parent: str
    stem: str
    id_key: str
    price_key: str
    quantity_key: str | None
    #: Fields showing the price in a currency unit their name says (``commodity_jiao``).
    units: tuple[tuple[str, tuple[str, int]], ...] = ()


class Lines:
    """The lines of one event's records, read from the catalogue things they name."""

    def __init__(self, tables: Tables, item: Item | None, rows: tuple[Rows, ...],
                 points: tuple[float, ...] = ()):
        self.item = item
        self.rows = rows
        self._money = tables.money
        self._catalogues = tables.catalogues
        self._mode = industry_mode(tables.industry)
        self._seed = tables.seed
        self._usd: dict[tuple[str, str], float] = {}
        #: The plan's own enum on the record's base amount, in the plan's currency (Rules'
        #: ``money.currency``, else USD): an entry Rules do not price costs one of them.
        self._plan_code = tables.money.rules.currency or "USD"
        self._points = points

    @property
    def deps(self) -> set[str]:
        """The record's properties the lines read (drawn before the money)."""
        out = {r.parent for r in self.rows}
        if self.item is not None:
            out.add(self.item.anchor)
            if self.item.quantity:
                out.add(self.item.quantity)
        return out

    def lines(self, v: Mapping[str, Any], code: str) -> float | None:
        """The record's lines in ``code``: the sum of its rows (each row's price written
        in), else its thing's price (× its quantity for a line amount); None when the
        record names no thing."""
        total, found = 0.0, False
        for rows in self.rows:
            value = v.get(rows.parent)
            for row in value if isinstance(value, list) else [value]:
                if not isinstance(row, dict) or row.get(rows.id_key) is None:
                    continue
                unit = self.unit_price(rows.stem, row[rows.id_key], code)
                row[rows.price_key] = unit
                for key, shown in rows.units:
                    row[key] = in_unit(unit, code, shown, self._money.rules.fx)
                total += unit * _count(row.get(rows.quantity_key) if rows.quantity_key else 1)
                found = True
        if found:
            return total
        item = self.item
        if item is None or v.get(item.anchor) is None:
            return None
        unit = self.unit_price(item.stem, v[item.anchor], code)
        if item.unit or item.quantity is None:
            return unit
        return unit * _count(v.get(item.quantity))

    def unit_price(self, stem: str, ident: Any, code: str) -> int | float:
        """One entry's price in ``code``: its Rules price, else one drawn from its id."""
        usd = self._catalogues.get(stem).entry(ident).price_usd
        if usd is None and self._points:
            point = self._points[salt(self._seed, "catalogue-price", stem, str(ident))
                                 % len(self._points)]
            if code == self._plan_code:
                return point    # in the plan's enum, as the record's amount must be
            usd = point * self._money.fx(self._plan_code)
        if usd is None:
            usd = self._drawn_usd(stem, str(ident))
        if code == self._plan_code and self._points:
            near = min(self._points, key=lambda p: abs(p * self._money.fx(code) - usd))
            if abs(near * self._money.fx(code) - usd) < 1e-6 * max(usd, 1.0):
                return near     # a Rules price that is one of the enum's points
        return self._money.local_price(usd, code)

    def _drawn_usd(self, stem: str, ident: str) -> float:
        """The USD price of an entry Rules do not price: a function of its id and the seed."""
        key = (stem, ident)
        found = self._usd.get(key)
        if found is None:
            rnd = random.Random(salt(self._seed, "catalogue-price", stem, ident))
            found = self._usd[key] = unit_price_usd(self._mode, rnd.random())
        return found


def _count(x: Any) -> float:
    """A quantity as a number (1 when it is not one)."""
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) and x > 0 else 1.0


def record_lines(tables: Tables, present: frozenset[str], members: Sequence[str],
                 base: str, points: tuple[float, ...] = ()) -> Lines | None:
    """The lines of an event carrying ``present`` whose money properties are ``members``
    (``base``: the amount holding the lines), or None when it names no priced thing."""
    props = tables.props
    stems = priced_stems()
    rows = tuple(r for name in sorted(present)
                 if (p := props.get(name)) is not None
                 and (r := _rows(tables, p, stems)) is not None)
    ids = [(stems.index(role.stem), name, role.stem) for name in present
           if (role := catalogue_role(name)) is not None and role.field == ID
           and role.stem in stems]
    # a plan picked by its period (plan: monthly | annual) where Rules price the plans
    ids = ids or [(len(stems), name, stem) for name in sorted(present)
                  if (stem := picked_plan(name, tables.rules.catalogues)) is not None]
    item = None
    if ids:
        _, anchor, stem = min(ids)
        quantity = next((n for n in sorted(present) if n not in members
                         and (p := props.get(n)) is not None
                         and p.type == PropertyType.NUMBER and is_quantity(n, stem)), None)
        item = Item(anchor, stem, quantity, is_unit_price(normalize(base)))
    if item is None and not rows:
        return None
    # the enum prices one unit: a line amount (× quantity) or an order's rows cannot be in it
    unit = item is not None and not rows and (item.unit or item.quantity is None)
    return Lines(tables, item, rows, points if unit else ())


def order_rows(tables: Tables, prop: Property) -> Rows | None:
    """``prop`` as rows naming priced things and showing their prices, or None."""
    return _rows(tables, prop, priced_stems())


def _rows(tables: Tables, prop: Property, stems: Sequence[str]) -> Rows | None:
    """``prop`` as order lines: an object (group) whose rows name a priced thing and show
    its price."""
    if prop.type not in (PropertyType.OBJECT, PropertyType.OBJECT_GROUP) or not prop.children:
        return None
    children = {leaf(c.name): c for c in prop.children}
    stem = fields_stem(prop.name, children)
    if stem not in stems:
        return None
    id_key = next((k for k in children if (r := catalogue_role(k, stem)) is not None
                   and r.field == ID and r.stem == stem), None)
    numbers = [k for k, c in children.items() if c.type == PropertyType.NUMBER]
    price_key = next((k for k in numbers if is_unit_price(normalize(k))), None)
    if id_key is None or price_key is None:
        return None
    quantity = next((k for k in numbers if is_quantity(k, stem)
                     and f"{prop.name}.{k}" not in tables.rules.monetary_properties), None)
    units = tuple((k, unit) for k in numbers if k not in (price_key, quantity)
                  and (unit := unit_in_name(k)) is not None)
    return Rows(prop.name, stem, id_key, price_key, quantity, units)
