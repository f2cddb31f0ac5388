"""The basket check: an order line holds at least what its buyer carted of its thing.

A cart event (Rules ``event_roles.cart``: ``add_cart``) adds the priced thing its id names
(``commodity_id``) to the user's cart, as many as its quantity says (``commodity_amount``;
one per add where it shows none); a removal (``event_roles.remove``) takes the thing out.
A revenue event (``event_roles.revenue``) whose rows name the thing and its quantity
(``commodity_list`` of ``commodity_id`` + ``commodity_amount``) buys its lines: a thing
carted twice is one line holding both adds, so a line showing fewer than were carted is
reported. A paid order may show the rows of its checkout made earlier (``submit_order``,
then ``pay_order`` a day later): the same rows on an earlier record fix what was carted
then; what is carted after it stays in the cart. An order of things never carted (an empty
cart's order) is not checked. Two orders open at once (a checkout made before the other
order was paid) hold a thing twice only if it was carted again between their checkouts:
else the later-paid one buys what the first already bought (a held order's products
listed again at the next checkout, and both paid).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from demogen.analysis.heuristic._catalogues import (
    ID,
    catalogue_role,
    fields_stem,
    is_quantity,
    priced_stems,
)
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where

#: A list of rows as (thing, quantity) pairs, in order: the key of an order's lines.
Lines = tuple[tuple[str, float], ...]


@dataclass
class _Cart:
    """One user's carted things: how many, and whether every add showed its quantity
    (else the count is a floor), and per list of rows shown before an order what was
    carted of its things then."""

    counts: dict[str, tuple[float, bool]] = field(default_factory=dict)
    #: Per list of things shown before an order (a checkout's rows), what was carted of
    #: them then and where it was shown, latest last (an order shows the latest checkout
    #: of its things).
    shown: dict[tuple[str, ...], list[tuple[dict[str, tuple[float, bool]], int]]] = field(
        default_factory=dict)
    #: Per thing, how many of it checkouts not paid yet hold (a checkout whose order is
    #: paid sessions later took them out of the cart; an abandoned one holds them for good,
    #: which only lowers what later checkouts must show).
    held: dict[str, float] = field(default_factory=dict)
    #: The user's basket records so far: the position of the latest one.
    at: int = 0
    #: Per thing, where it was carted.
    carted_at: dict[str, list[int]] = field(default_factory=dict)
    #: Per thing, its latest order: where its rows were shown (its checkout) and paid.
    bought: dict[str, tuple[int, int]] = field(default_factory=dict)


class BasketChecker(Checker):
    name: ClassVar[str] = "basket"
    description: ClassVar[str] = ("an order line holds at least as many of its thing as its "
                                  "buyer carted since their last order (a product carted "
                                  "again raises its line's quantity)")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        roles = given.rules.event_roles
        self._carts = frozenset(roles.cart)
        self._removes = frozenset(roles.remove)
        self._orders = frozenset(roles.revenue)
        self._money = frozenset(given.rules.monetary_properties)
        self._stems = priced_stems()
        self._users: dict[str, _Cart] = {}

    @property
    def active(self) -> bool:
        return bool(self._carts and self._orders)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        event, props = record.get("#event_name"), record.get("properties")
        if record.get("#type") != "track" or not isinstance(props, Mapping):
            return
        uid = str(record.get("#distinct_id") or record.get("#account_id"))
        if event in self._carts or event in self._removes:
            found = self._thing(props)
            if found is not None:
                cart = self._users.setdefault(uid, _Cart())
                cart.at += 1
                if event in self._carts:
                    self._put(cart, props, *found)
                    cart.carted_at.setdefault(found[1], []).append(cart.at)
                else:
                    cart.counts.pop(found[1], None)
            return
        if not any(isinstance(v, list) for v in props.values()):
            return
        cart = self._users.setdefault(uid, _Cart())
        cart.at += 1
        for lines in self._lines(props):
            if event in self._orders:
                shown = cart.shown.get(_things(lines))
                then, at = shown.pop() if shown else (None, cart.at)
                self._bought_once(cart, lines, at, where, report)
                self._buy(cart, lines, then, where, report)
            else:   # a checkout: its order may show these rows later
                self._show(cart, lines)

    def _thing(self, props: Mapping[str, Any]) -> tuple[str, str] | None:
        """The stem and id of the priced thing a cart or removal names, best stem first."""
        ids = sorted((self._stems.index(role.stem), name, role.stem) for name in props
                     if (role := catalogue_role(name)) is not None and role.field == ID
                     and role.stem in self._stems and props[name] is not None)
        return (ids[0][2], str(props[ids[0][1]])) if ids else None

    def _put(self, cart: _Cart, props: Mapping[str, Any], stem: str, ident: str) -> None:
        counted = [props[name] for name in sorted(props) if is_quantity(name, stem)
                   and name not in self._money and _count(props[name])]
        n = counted[0] if counted else None
        total, exact = cart.counts.get(ident, (0.0, True))
        cart.counts[ident] = (total + (n if n is not None else 1), exact and n is not None)

    def _lines(self, props: Mapping[str, Any]) -> list[Lines]:
        """The record's lists of rows naming a priced thing and its quantity."""
        out: list[Lines] = []
        for name in sorted(props):
            rows = props[name]
            if not isinstance(rows, list) or not rows or not isinstance(rows[0], Mapping):
                continue
            keys = list(rows[0])
            stem = fields_stem(name, keys)
            key = next((k for k in keys if (r := catalogue_role(k, stem)) is not None
                        and r.field == ID and r.stem in self._stems), None)
            quantity = next((k for k in keys if is_quantity(k, stem)
                             and f"{name}.{k}" not in self._money), None)
            if key is None or quantity is None:
                continue
            out.append(tuple((str(row.get(key)), float(row.get(quantity)))
                             for row in rows if isinstance(row, Mapping)
                             and row.get(key) is not None and _count(row.get(quantity))))
        return out

    def _show(self, cart: _Cart, lines: Lines) -> None:
        """A checkout's rows: its order may show them later, holding what was carted of
        their things and is not held by an earlier checkout yet to be paid."""
        then = self._free(cart, lines)
        for ident, (free, _) in then.items():
            cart.held[ident] = cart.held.get(ident, 0.0) + free
        cart.shown.setdefault(_things(lines), []).append((then, cart.at))

    @staticmethod
    def _free(cart: _Cart, lines: Lines) -> dict[str, tuple[float, bool]]:
        """What was carted of an order's things and no checkout yet to be paid holds."""
        out: dict[str, tuple[float, bool]] = {}
        for ident, _ in lines:
            total, exact = cart.counts.get(ident, (0.0, False))
            if total - cart.held.get(ident, 0.0) > 0:
                out[ident] = (total - cart.held.get(ident, 0.0), exact)
        return out

    def _bought_once(self, cart: _Cart, lines: Lines, shown: int, where: Where,
                     report: Report) -> None:
        """An order's things (its checkout shown at ``shown``) not bought by another order
        paid after its checkout, unless carted again between the two checkouts (each order
        holding its own)."""
        for ident, _ in lines:
            other = cart.bought.get(ident)
            if other is not None and other[1] > shown:
                first, last = sorted((shown, other[0]))
                if not any(first < at <= last for at in cart.carted_at.get(ident, ())):
                    report(where, f"order line {ident!r} was bought by an order paid after "
                                  "this order's checkout, and not carted again between them")
            cart.bought[ident] = (shown, cart.at)

    def _buy(self, cart: _Cart, lines: Lines, shown: dict[str, tuple[float, bool]] | None,
             where: Where, report: Report) -> None:
        """An order's lines: each holds what was carted (when its checkout showed them, what
        it ``shown``); what was carted since stays in the cart."""
        then = self._free(cart, lines) if shown is None else shown
        for ident, n in lines:
            carted = then.get(ident)
            if shown is not None and carted is not None:    # paid: no longer held
                cart.held[ident] = cart.held.get(ident, 0.0) - carted[0]
            if carted is not None and n < carted[0]:
                report(where, f"order line {ident!r} holds {_num(n)}, fewer than the "
                              f"{_num(carted[0])} its buyer carted")
            total, exact = cart.counts.pop(ident, (0.0, False))
            # What stays is what was carted after the checkout, not the line's shortfall:
            # a short line is reported once, not again on every later order.
            bought = carted[0] if carted is not None else n
            if exact and total > bought:
                cart.counts[ident] = (total - bought, True)
            if ident in cart.held:  # no checkout holds more than is left in the cart
                cart.held[ident] = min(cart.held[ident], cart.counts.get(ident, (0.0,))[0])


def _things(lines: Lines) -> tuple[str, ...]:
    return tuple(ident for ident, _ in lines)


def _count(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
