"""Catalogue prices inside the money check: a record's amount is the price of what it names.

A record naming a thing it pays for (``product_id``, ``commodity_id``: the stems of
``data/catalogues.yaml``' ``priced_stems``) shows that entry's price: Rules'
``catalogues.<stem>.entries[].price_usd`` in the record's currency (the matching store tier,
else converted at ``money.fx``: :func:`demogen.currencies.local_price`); an entry Rules do
not price keeps one price per currency in the whole output. A quantity beside it multiplies
a line amount (``order_amount``), not a unit price (``original_price``). An order's rows
(``commodity_list[]``) show their entries' prices and its lines are their sum.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from demogen.analysis.heuristic._catalogues import (
    ID,
    catalogue_role,
    fields_stem,
    is_quantity,
    priced_stems,
)
from demogen.analysis.heuristic._period_plans import picked_plan
from demogen.analysis.heuristic.values.names import normalize
from demogen.analysis.rules import Rules
from demogen.currencies import in_unit, is_unit_price, local_price, unit_in_name
from demogen.validate.coherence._base import Report, Where

_BASE_ROLES = ("amount", "subtotal")


class Prices:
    """Checks records' amounts against their catalogue entries' prices."""

    def __init__(self, rules: Rules) -> None:
        self._fx = rules.money.fx
        self._money = rules.monetary_properties
        self._stems = priced_stems()
        self._catalogues = rules.catalogues
        #: (stem, id) → Rules' USD price
        self._listed = {(stem, e.id): e.price_usd for stem, c in rules.catalogues.items()
                        for e in c.entries if e.price_usd is not None}
        #: (stem, id, currency) → (unit price, where first seen)
        self._seen: dict[tuple[str, str, str], tuple[float, Where]] = {}

    def check(self, event: str, props: Mapping[str, Any], members: Sequence[str],
              roles: Mapping[str, str], lines: float | None, code: str, unit: float,
              where: Where, report: Report) -> None:
        """``lines``: the record's lines as its amounts tell them (None: they do not);
        ``members``: its money properties, ``roles``: theirs; ``unit``: the currency's
        smallest amount."""
        rows = list(self._rows(props))
        if rows:
            total = 0.0
            for parent, stem, ident, price, count in rows:
                total += price * count
                self._price(event, f"{parent}[].{ident}", stem, ident, price, code, where,
                            report)
            self._units(event, props, {r[0] for r in rows}, code, where, report)
            if lines is not None and abs(lines - total) > unit * 1.5:
                report(where, f"{event}: lines {lines:g} {code} but its rows' prices × "
                              f"quantities make {round(total, 2):g}")
            return
        found = self._item(props)
        if found is None or not members:
            return
        anchor, stem = found
        base = next((n for n in sorted(members) if roles[n] in _BASE_ROLES), sorted(members)[0])
        quantity = next((n for n in sorted(props) if n not in members
                         and _number(props[n]) and is_quantity(n, stem)), None)
        per_unit = is_unit_price(normalize(base)) or quantity is None
        if lines is None:
            return
        price = lines if per_unit else lines / _count(props[quantity])
        self._price(event, f"{anchor} {props[anchor]}", stem, str(props[anchor]), price, code,
                    where, report)

    def _price(self, event: str, shown: str, stem: str, ident: str, price: float, code: str,
               where: Where, report: Report) -> None:
        usd = self._listed.get((stem, ident))
        if usd is not None:
            want = local_price(usd, code, self._fx)
            if abs(price - want) > max(0.011, 1e-6 * want):
                report(where, f"{event}: {shown} costs {price:g} {code}, but its catalogue "
                              f"entry's price is {usd:g} USD = {want:g} {code}")
            return
        key = (stem, ident, code)
        first = self._seen.get(key)
        if first is None:
            self._seen[key] = (price, where)
        elif abs(first[0] - price) > 0.011:
            report(where, f"{event}: {shown} costs {price:g} {code}, but {first[0]:g} {code} "
                          f"at {first[1].file}:{first[1].line}")

    def _units(self, event: str, props: Mapping[str, Any], parents: set[str], code: str,
               where: Where, report: Report) -> None:
        """A field of an order's row naming a currency unit (``commodity_jiao``) shows the
        row's price in that unit (at ``money.fx``)."""
        for parent in sorted(parents):
            value = props[parent]
            rows = [r for r in (value if isinstance(value, list) else [value])
                    if isinstance(r, Mapping)]
            keys = list(dict.fromkeys(k for r in rows for k in r))
            price_key = next((k for k in keys if is_unit_price(normalize(k))
                              and any(_number(r.get(k)) for r in rows)), None)
            units = [(k, u) for k in keys if k != price_key and (u := unit_in_name(k))]
            if price_key is None or not units:
                continue
            for row in rows:
                for key, shown in units:
                    x, price = row.get(key), row.get(price_key)
                    if not (_number(x) and _number(price)):
                        continue
                    want = in_unit(float(price), code, shown, self._fx)
                    if abs(float(x) - want) > 0.011:
                        report(where, f"{event}: {parent}[].{key} {x:g} but its price "
                                      f"{price:g} {code} is {want:g} {shown[0]}"
                                      f"{f' / {shown[1]}' if shown[1] > 1 else ''}")

    def _item(self, props: Mapping[str, Any]) -> tuple[str, str] | None:
        """The top-level thing the record pays for: (id property, stem)."""
        found = [(self._stems.index(role.stem), name, role.stem) for name in props
                 if (role := catalogue_role(name)) is not None and role.field == ID
                 and role.stem in self._stems and props[name] is not None]
        # a plan picked by its period (plan: monthly | annual) where Rules price the plans
        found = found or [(len(self._stems), name, stem) for name in sorted(props)
                          if props[name] is not None
                          and (stem := picked_plan(name, self._catalogues)) is not None]
        if not found:
            return None
        _, name, stem = min(found)
        return name, stem

    def _rows(self, props: Mapping[str, Any]) -> Iterator[tuple[str, str, str, float, float]]:
        """(parent, stem, id, unit price, quantity) of each order row of the record."""
        for parent, value in props.items():
            rows = value if isinstance(value, list) else [value]
            dicts = [r for r in rows if isinstance(r, Mapping)]
            if not dicts:
                continue
            keys = list(dict.fromkeys(k for r in dicts for k in r))
            stem = fields_stem(parent, keys)
            if stem not in self._stems:
                continue
            id_key = next((k for k in keys if (r := catalogue_role(k, stem)) is not None
                           and r.field == ID and r.stem == stem), None)
            price_key = next((k for k in keys if is_unit_price(normalize(k))
                              and any(_number(r.get(k)) for r in dicts)), None)
            if id_key is None or price_key is None:
                continue
            quantity = next((k for k in keys if is_quantity(k, stem)
                             and f"{parent}.{k}" not in self._money), None)
            for row in dicts:
                if row.get(id_key) is not None and _number(row.get(price_key)):
                    count = _count(row.get(quantity)) if quantity else 1.0
                    yield parent, stem, str(row[id_key]), float(row[price_key]), count


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _count(x: Any) -> float:
    """A quantity as a number (1 when it is not one), as the generator reads it."""
    return float(x) if _number(x) and x > 0 else 1.0
