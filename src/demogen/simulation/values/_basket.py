"""An order lists the products the user carted: each user's basket (issue 13).

A cart event (Rules ``event_roles.cart``: ``add_to_cart``) puts the thing its id property
names (``product_id``) in the user's basket; a removal (``event_roles.remove``:
``remove_from_cart``) names one thing in the basket and takes it out; a cart view
(``event_roles.cart_view``: ``view_cart``, ``begin_checkout``) lists the basket in its list
of the same thing's ids (``products``); a revenue event's list shows the basket, and the
order takes out what it lists. The basket keeps what was carted in this session and earlier
ones and not bought yet (a cart outlives a visit), each thing once, in the order it was
carted; an order buys a few of the latest carted lines (:func:`_lines`, at most the plan's
longest list), the rest stays in the cart, mostly abandoned as in real shops. An order made
with an empty basket draws its list as the plan says; a cart view shows an empty cart (where
the plan's list may be empty). An order's list of rows (``commodity_list`` of objects) holds
a row per carted thing (``_objects.given_rows``); where the order shows the rows of an event
before it (``pay_order`` the ``submit_order`` of its order), that event lists the basket
too, and the order takes out what it shows. How many lines orders have follows how often
buyers cart (the preset's ``content_loop.payer_cart_per_view``) and :data:`ORDER_MORE`. A
thing carted again stays one line whose quantity grows: the cart event's quantity
(``commodity_amount``) is the amount added, an order's or checkout's row shows the total
carted (at least one per add where the cart shows no quantity), and the order's amount adds
up its rows (``_money_lines``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.heuristic._catalogues import ID, catalogue_role, is_quantity, priced_stems
from demogen.analysis.heuristic.values.names import leaf, normalize, singular
from demogen.analysis.rules import IN_CART_SHARE
from demogen.simulation._context import UserContext
from demogen.simulation.values._convert import MAX_LIST, MISS, to_str
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._objects import GivenRows, length_bounds, row_thing
from demogen.simulation.values._pairs import Hook, PairGroup
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

BASKET = "basket\x1f"
#: Beside a basket's slot: per carted thing, how many were carted and whether every add
#: showed its quantity (else the count is a floor: one per add).
COUNTS = "\x1fcounts"


@dataclass(frozen=True, slots=True)
class Basket:
    """The thing carted (``stem``); each cart and removal event's id property naming it;
    each revenue event's list buying what was carted and each cart view's list showing it;
    each checkout's list (an event whose list the order shows: ``submit_order``) listing
    it; per list of rows, its field naming the thing (``commodity_id``)."""

    stem: str
    carts: dict[str, str]
    orders: dict[str, str]
    removes: dict[str, str]
    views: dict[str, str]
    checkouts: dict[str, str] = field(default_factory=dict)
    row_ids: dict[str, str] = field(default_factory=dict)
    #: Orders showing the list of a checkout before them (``pay_order``).
    placed: frozenset[str] = frozenset()
    #: Per event, its id property that rather names a thing not in the cart (a cart event's
    #: own; where the cart shows the thing of a view before it, the view's too), and the
    #: share of its draws that may name one in it (Rules ``events.<cart>.in_cart_share``).
    picks: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: Per cart event, its quantity property (how many it adds: ``commodity_amount``).
    adds: dict[str, str] = field(default_factory=dict)
    #: Per list of rows, its rows' quantity field (the line's total: ``commodity_amount``).
    row_counts: dict[str, str] = field(default_factory=dict)

    @property
    def slot(self) -> str:
        return BASKET + self.stem

    @property
    def counts(self) -> str:
        return self.slot + COUNTS

    def shows(self, event: str, name: str) -> bool:
        """Whether the basket decides ``name`` on ``event``; an order placed at a checkout
        shows the checkout's list (its pair group's), not the basket as it is now."""
        if name == self.orders.get(event):
            return event not in self.placed
        return name in (self.views.get(event), self.removes.get(event),
                        self.checkouts.get(event), self.picks.get(event, ("",))[0])

    def ids(self, name: str, value: Any) -> list[str]:
        """The things a list value names: its strings, or its rows' thing fields."""
        key = self.row_ids.get(name)
        named = value if isinstance(value, list) else []
        if key is not None:
            named = [x.get(key) for x in named if isinstance(x, dict)]
        return [x if isinstance(x, str) else to_str(x) for x in named if x is not None]

    def sampler(self, prop: Property, inner: Sampler, event: str,
                rows: GivenRows | None = None) -> Sampler:
        """A list: the basket (an order's or checkout's latest :func:`_lines` things, a cart view's
        latest ``hi``, the plan's longest list; a list of objects: their ``rows``); with an
        empty basket an order or a checkout draws ``inner``'s list and a cart view shows an
        empty cart (where the plan's lists may be empty). A removal's id: one thing in the
        basket, else ``inner``'s draw. A cart's (or the view's it shows) id: rather a thing
        not in the basket (:func:`_fresh`)."""
        slot = self.slot
        pick = self.picks.get(event)
        if pick is not None and pick[0] == prop.name:
            return _fresh(slot, inner, pick[1])
        if prop.type not in (PropertyType.LIST, PropertyType.OBJECT_GROUP):

            def removed(u: UserContext, v: dict[str, Any], t: str) -> Any:
                basket: list[str] | None = u.sticky.get(slot)
                return basket[int(u.rnd.random() * len(basket))] if basket else inner(u, v, t)

            return removed
        lo, hi = length_bounds(prop.list_length or prop.value_range, default=(0, MAX_LIST),
                               cap=MAX_LIST)
        if event in self.views and lo == 0:
            inner = _empty
        buys = event not in self.views
        if prop.type == PropertyType.OBJECT_GROUP:
            if rows is None:
                return inner
            return _rows_of(slot, hi, inner, _counted(rows, self.counts,
                                                     self.row_counts.get(prop.name)), buys)

        def carted(u: UserContext, v: dict[str, Any], t: str) -> Any:
            basket: list[str] | None = u.sticky.get(slot)
            if not basket:
                return inner(u, v, t)
            return basket[-_lines(u, slot, hi):] if buys else basket[-hi:]

        return carted

    def hooks(self, event: str) -> tuple[Hook, ...]:
        """A cart event adds its thing to the basket, a removal and an order take out what
        they name."""
        if (key := self.carts.get(event)) is not None:
            return (self._put(key, self.adds.get(event)),)
        if (key := self.removes.get(event)) is not None:
            return (self._take(key, listed=False),)
        if (name := self.orders.get(event)) is not None:
            return (self._take(name, listed=True),)
        return ()

    def held(self, event: str) -> Hook | None:
        """A checkout whose order is paid in a later session (``held_orders``) takes what it
        lists out of the basket: the order holds it now, so a checkout before the payment
        lists what was carted since, not those things again."""
        name = self.checkouts.get(event)
        return self._take(name, listed=True) if name is not None else None

    def kept(self, u: UserContext) -> tuple[list[str] | None, dict[str, Any] | None]:
        """The basket as it stands, to put back after a held order's payment (whose things
        its checkout took out already: :meth:`held`)."""
        basket, counts = u.sticky.get(self.slot), u.sticky.get(self.counts)
        return (None if basket is None else list(basket),
                None if counts is None else dict(counts))

    def put_back(self, u: UserContext, kept: tuple[list[str] | None, dict[str, Any] | None]
                 ) -> None:
        for slot, value in zip((self.slot, self.counts), kept, strict=True):
            if value is None:
                u.sticky.pop(slot, None)
            else:
                u.sticky[slot] = value

    def _put(self, key: str, added: str | None) -> Hook:
        slot, counts_slot = self.slot, self.counts

        def put(u: UserContext, values: dict[str, Any]) -> None:
            ident = values.get(key)
            if ident is None or ident is MISS:
                return
            ident = ident if isinstance(ident, str) else to_str(ident)
            basket: list[str] = u.sticky.setdefault(slot, [])
            counts: dict[str, tuple[float, bool]] = u.sticky.setdefault(counts_slot, {})
            if ident in basket:     # carted again: one line, now the latest, holding more
                basket.remove(ident)
            else:
                counts.pop(ident, None)
            basket.append(ident)
            for gone in basket[:-MAX_LIST]:
                counts.pop(gone, None)
            del basket[:-MAX_LIST]
            n = values.get(added) if added is not None else None
            shown = isinstance(n, int | float) and not isinstance(n, bool) and n > 0
            total, exact = counts.get(ident, (0, True))
            counts[ident] = (total + (n if shown else 1), exact and shown)

        return put

    def _take(self, name: str, *, listed: bool) -> Hook:
        slot, counts_slot = self.slot, self.counts

        def take(u: UserContext, values: dict[str, Any]) -> None:
            basket: list[str] | None = u.sticky.get(slot)
            if basket:      # what a longest order could not hold stays in the cart
                value = values.get(name)
                named = value if listed or isinstance(value, list) else \
                    [] if value is None or value is MISS else [value]
                counts: dict[str, tuple[float, bool]] = u.sticky.setdefault(counts_slot, {})
                gone = set(self.ids(name, named)) - _left(counts, named, self.row_ids.get(name),
                                                          self.row_counts.get(name))
                basket[:] = [x for x in basket if x not in gone]
                for ident in gone:
                    counts.pop(ident, None)

        return take


def _left(counts: dict[str, tuple[float, bool]], rows: Any, key: str | None,
          quantity: str | None) -> set[str]:
    """The things an order's ``rows`` leave in the cart: those carted again after its
    checkout (a paid order shows the rows of its checkout), whose carted count, less the
    row's quantity, stays in the cart (their counts updated)."""
    if key is None or quantity is None or not isinstance(rows, list):
        return set()
    left: set[str] = set()
    for row in rows:
        ident, n = (row.get(key), row.get(quantity)) if isinstance(row, dict) else (None, None)
        ident = ident if ident is None or isinstance(ident, str) else to_str(ident)
        total, exact = counts.get(ident, (0, False)) if ident is not None else (0, False)
        if exact and isinstance(n, int | float) and total > n:
            counts[ident] = (total - n, True)
            left.add(ident)
    return left


#: An order (or its checkout) buys the latest carted lines, one more while a draw passes
#: this: a geometric count (mean 6.7) that the basket and the plan's longest list cut
#: short. Buying the whole basket made orders of up to the plan's longest list (20 lines
#: in segment_ecommerce_v2, 5.3 on average) and left no payer's cart abandoned; measured
#: 2,000 users x 30 days, seeds 3/7/11: 3.0-4.0 lines per order on three shops, with
#: purchases per cart 0.252-0.382 (issue 13; realism-bands §3: 2.87 units per order).
ORDER_MORE = 0.85


#: Beside a basket's slot: the basket and the number of lines its latest order or
#: checkout took, so an attempt tried again on the same cart shows the same lines.
LINES = "\x1flines"


def _lines(u: UserContext, slot: str, hi: int) -> int:
    """How many of the basket's latest lines an order buys (:data:`ORDER_MORE`); as many as
    the order before it where the basket has not changed since (a declined checkout tried
    again, a checkout and the order placed at it)."""
    basket = tuple(u.sticky[slot])
    last = u.sticky.get(slot + LINES)
    if last is not None and last[0] == basket:
        return last[1]
    n = 1
    while n < hi and u.rnd.random() < ORDER_MORE:
        n += 1
    u.sticky[slot + LINES] = (basket, n)
    return n


def _rows_of(slot: str, hi: int, inner: Sampler, rows: GivenRows, buys: bool) -> Sampler:
    """A list of objects: a row per thing in the basket (an order's or checkout's latest
    :func:`_lines`, a cart view's latest ``hi``), else ``inner``'s rows."""

    def carted_rows(u: UserContext, v: dict[str, Any], t: str) -> Any:
        basket: list[str] | None = u.sticky.get(slot)
        if not basket:
            return inner(u, v, t)
        return rows(u, v, t, basket[-(_lines(u, slot, hi) if buys else hi):])

    return carted_rows


def _counted(rows: GivenRows, counts_slot: str, quantity: str | None) -> GivenRows:
    """``rows`` whose quantity field (``quantity``) shows how many of the row's thing were
    carted: the total where every add showed its quantity, else at least one per add."""
    if quantity is None:
        return rows

    def counted(u: UserContext, v: dict[str, Any], t: str, ids: Sequence[str]
                ) -> list[dict[str, Any]]:
        out = rows(u, v, t, ids)
        counts: dict[str, tuple[float, bool]] = u.sticky.get(counts_slot, {})
        for row, ident in zip(out, ids, strict=True):
            total, exact = counts.get(ident, (0, False))
            drawn = row.get(quantity)
            if exact or not isinstance(drawn, int | float) or drawn < total:
                row[quantity] = total if total else drawn
        return out

    return counted


#: Draws a cart (or its view) makes at most to find a thing not in the basket: with six
#: products and five carted, 16 draws miss the sixth 5 % of the time.
_FRESH_DRAWS = 16


def _fresh(slot: str, inner: Sampler, in_cart_share: float) -> Sampler:
    """``inner``'s thing, drawn again (at most :data:`_FRESH_DRAWS` times, keeping the
    catalogue's weights) while it is in the basket, except in ``in_cart_share`` of the draws
    that hit one: a shopper mostly carts what they have not carted yet, so with a small
    catalogue a cart add rarely repeats a line. A follower's inner (the cart showing its
    view's thing) gives the same thing again and keeps it."""

    def fresh(u: UserContext, v: dict[str, Any], t: str) -> Any:
        value = inner(u, v, t)
        basket: list[str] | None = u.sticky.get(slot)
        if not basket or _named(value) not in basket or u.rnd.random() < in_cart_share:
            return value
        for _ in range(_FRESH_DRAWS):
            value = inner(u, v, t)
            if _named(value) not in basket:
                break
        return value

    return fresh


def _named(value: Any) -> str:
    return value if isinstance(value, str) else to_str(value)


def _empty(u: UserContext, v: dict[str, Any], t: str) -> list[str]:
    return []


def plan_basket(tables: Tables, groups: Sequence[PairGroup] = ()) -> Basket | None:
    """The basket of a plan whose cart events name a priced thing that its revenue events
    list; None where there is none (no cart role, no order list of the carted thing).
    ``groups``: the pair groups, whose leaders an order shows its list from (checkouts)."""
    roles = tables.rules.event_roles
    carts = _thing_ids(tables, roles.cart)
    stems = {stem for _, stem in carts.values()}
    for stem in priced_stems():     # the best thing carted, where several are
        if stem not in stems:
            continue
        orders = _lists(tables, roles.revenue, stem)
        if orders:
            removes = _thing_ids(tables, roles.remove)
            viewed = _lists(tables, [e for e in roles.cart_view if e not in orders], stem)
            checkouts, placed = _checkouts(tables, groups, orders, stem, viewed)
            listed = {*orders.values(), *viewed.values(), *checkouts.values()}
            carted = _naming(carts, stem)
            return Basket(stem, carted, orders, _naming(removes, stem), viewed, checkouts,
                          _row_ids(tables, listed), placed, _picks(tables, groups, carted),
                          _adds(tables, carted, stem), _row_counts(tables, listed))
    return None


def _picks(tables: Tables, groups: Sequence[PairGroup], carts: dict[str, str]
           ) -> dict[str, tuple[str, float]]:
    """Per cart event its id, and where it shows the thing of the events leading its pair
    group (``view_product`` → ``add_to_cart`` sharing ``product_id``) theirs, with the
    cart's share of adds that may repeat a carted thing."""
    out: dict[str, tuple[str, float]] = {}
    for event, key in carts.items():
        spec = tables.rules.events.get(event)
        share = spec.in_cart_share if spec is not None and spec.in_cart_share is not None \
            else IN_CART_SHARE
        out[event] = (key, share)
        for group in groups:
            if group.key == key and event in group.members and event not in group.leaders:
                out.update({lead: (key, share) for lead in sorted(group.leaders)
                            if lead not in out})
    return out


def _checkouts(tables: Tables, groups: Sequence[PairGroup], orders: dict[str, str],
               stem: str, viewed: dict[str, str]) -> tuple[dict[str, str], frozenset[str]]:
    """The events an order shows its list from (its pair group's leaders listing the same
    property: ``submit_order`` before ``pay_order``), which list the basket too, and the
    orders placed at one. A leader that is a cart view (``Checkout Started``) stays one:
    its order lists the basket itself."""
    out: dict[str, str] = {}
    placed: set[str] = set()
    for event, name in orders.items():
        for group in groups:
            if event not in group.members or event in group.leaders or name not in group.names:
                continue
            leads = [lead for lead in sorted(group.leaders) if lead not in orders
                     and lead not in viewed and _order_list(tables, lead, stem) == name]
            out.update(dict.fromkeys(leads, name))
            if leads:
                placed.add(event)
    return out, frozenset(placed)


def _row_ids(tables: Tables, listed: Iterable[str]) -> dict[str, str]:
    """Per list of rows, the field naming the row's thing (``commodity_id``)."""
    out: dict[str, str] = {}
    for name in listed:
        prop = tables.props.get(name)
        found = row_thing(prop) if prop is not None and \
            prop.type == PropertyType.OBJECT_GROUP else None
        if found is not None:
            out[name] = found[0]
    return out


def _adds(tables: Tables, carts: dict[str, str], stem: str) -> dict[str, str]:
    """Per cart event, its number property saying how many of ``stem`` it adds (not money)."""
    out: dict[str, str] = {}
    for event in carts:
        found = next((name for name in sorted(_listed(tables, event))
                      if (p := tables.props.get(name)) is not None
                      and p.type == PropertyType.NUMBER and is_quantity(name, stem)
                      and name not in tables.rules.monetary_properties), None)
        if found is not None:
            out[event] = found
    return out


def _row_counts(tables: Tables, listed: Iterable[str]) -> dict[str, str]:
    """Per list of rows naming the thing, its rows' quantity field (``commodity_amount``;
    not money)."""
    out: dict[str, str] = {}
    for name in listed:
        prop = tables.props.get(name)
        found = row_thing(prop) if prop is not None and \
            prop.type == PropertyType.OBJECT_GROUP else None
        if prop is None or found is None:
            continue
        quantity = next((key for c in prop.children if c.type == PropertyType.NUMBER
                         and is_quantity(key := leaf(c.name), found[1])
                         and f"{name}.{key}" not in tables.rules.monetary_properties), None)
        if quantity is not None:
            out[name] = quantity
    return out


def _naming(ids: dict[str, tuple[str, str]], stem: str) -> dict[str, str]:
    return {event: key for event, (key, s) in ids.items() if s == stem}


def _thing_ids(tables: Tables, events: Iterable[str]) -> dict[str, tuple[str, str]]:
    return {event: found for event in events if (found := _thing_id(tables, event)) is not None}


def _lists(tables: Tables, events: Iterable[str], stem: str) -> dict[str, str]:
    return {event: name for event in events
            if (name := _order_list(tables, event, stem)) is not None}


def _listed(tables: Tables, event: str) -> Iterable[str]:
    found = tables.taxonomy.event(event)
    return found.properties if found is not None else ()


def _thing_id(tables: Tables, event: str) -> tuple[str, str] | None:
    """The cart or removal event's id property of a priced thing and its stem (``product_id``,
    ``product``): the best priced stem where it names several."""
    stems = priced_stems()
    ids = [(stems.index(role.stem), name, role.stem) for name in _listed(tables, event)
           if (role := catalogue_role(name)) is not None and role.field == ID
           and role.stem in stems]
    if not ids:
        return None
    _, name, stem = min(ids)
    return name, stem


def _order_list(tables: Tables, event: str, stem: str) -> str | None:
    """The revenue or cart-view event's list of ``stem`` ids: a list of strings without a
    fixed set of values whose name says the thing (``products``, ``product_ids``), or a
    list of objects whose rows name one (``commodity_list`` of ``commodity_id``)."""
    for name in _listed(tables, event):
        prop = tables.props.get(name)
        if prop is not None and prop.type == PropertyType.OBJECT_GROUP:
            found = row_thing(prop)
            if found is not None and found[1] == stem:
                return name
            continue
        if prop is None or prop.type != PropertyType.LIST or prop.enum:
            continue
        words = normalize(leaf(name)).split("_")
        if stem in (singular(w) for w in words):
            return name
    return None
