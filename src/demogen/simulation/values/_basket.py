"""An order lists the products the user carted: each user's basket (issue 13).

A cart event (Rules ``event_roles.cart``: ``add_to_cart``) puts the thing its id property
names (``product_id``) in the user's basket; a revenue event's list of the same thing's ids
(``product_ids``, ``products``) shows the basket, and the order takes out what it lists.
The basket keeps what was carted in this session and earlier ones and not bought yet (a
cart outlives a visit), each thing once, in the order it was carted; an order holds at most
the plan's longest list (the latest carted), the rest stays in the cart. An order made with
an empty basket draws its list as the plan says. How many lines orders have follows how
often buyers cart (the preset's ``content_loop.payer_cart_per_view``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from demogen.analysis.heuristic._catalogues import ID, catalogue_role, priced_stems
from demogen.analysis.heuristic.values.names import leaf, normalize, singular
from demogen.simulation._context import UserContext
from demogen.simulation.values._convert import MAX_LIST, MISS, to_str
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._objects import length_bounds
from demogen.simulation.values._pairs import Hook
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

BASKET = "basket\x1f"


@dataclass(frozen=True, slots=True)
class Basket:
    """The thing carted (``stem``), each cart event's id property naming it, and each
    revenue event's list showing what was carted."""

    stem: str
    carts: dict[str, str]
    orders: dict[str, str]

    @property
    def slot(self) -> str:
        return BASKET + self.stem

    def shows(self, event: str, name: str) -> bool:
        return self.orders.get(event) == name

    def sampler(self, prop: Property, inner: Sampler) -> Sampler:
        """The order's list: the basket (its latest ``hi`` things, the plan's longest
        list), else ``inner``'s draw."""
        slot = self.slot
        hi = length_bounds(prop.list_length or prop.value_range, default=(1, MAX_LIST),
                           cap=MAX_LIST)[1]

        def carted(u: UserContext, v: dict[str, Any], t: str) -> Any:
            basket: list[str] | None = u.sticky.get(slot)
            return basket[-hi:] if basket else inner(u, v, t)

        return carted

    def hooks(self, event: str) -> tuple[Hook, ...]:
        """A cart event adds its thing to the basket, an order takes out what it lists."""
        slot = self.slot
        key = self.carts.get(event)
        if key is not None:

            def put(u: UserContext, values: dict[str, Any]) -> None:
                ident = values.get(key)
                if ident is None or ident is MISS:
                    return
                ident = ident if isinstance(ident, str) else to_str(ident)
                basket: list[str] = u.sticky.setdefault(slot, [])
                if ident in basket:     # carted again: one line, now the latest
                    basket.remove(ident)
                basket.append(ident)
                del basket[:-MAX_LIST]

            return (put,)
        name = self.orders.get(event)
        if name is not None:

            def bought(u: UserContext, values: dict[str, Any]) -> None:
                basket: list[str] | None = u.sticky.get(slot)
                if basket:      # what a longest order could not hold stays in the cart
                    listed = set(values.get(name) or ())
                    basket[:] = [x for x in basket if x not in listed]

            return (bought,)
        return ()


def plan_basket(tables: Tables) -> Basket | None:
    """The basket of a plan whose cart events name a priced thing that its revenue events
    list; None where there is none (no cart role, no order list of the carted thing)."""
    roles = tables.rules.event_roles
    carts: dict[str, tuple[str, str]] = {}
    for event in roles.cart:
        found = _thing_id(tables, event)
        if found is not None:
            carts[event] = found
    stems = {stem for _, stem in carts.values()}
    for stem in priced_stems():     # the best thing carted, where several are
        if stem not in stems:
            continue
        orders = {event: name for event in roles.revenue
                  if (name := _order_list(tables, event, stem)) is not None}
        if orders:
            return Basket(stem, {e: key for e, (key, s) in carts.items() if s == stem},
                          orders)
    return None


def _listed(tables: Tables, event: str) -> Iterable[str]:
    found = tables.taxonomy.event(event)
    return found.properties if found is not None else ()


def _thing_id(tables: Tables, event: str) -> tuple[str, str] | None:
    """The cart event's id property of a priced thing and its stem (``product_id``,
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
    """The revenue event's list of ``stem`` ids: a list of strings without a fixed set of
    values whose name says the thing (``products``, ``product_ids``, ``commodity_list``)."""
    for name in _listed(tables, event):
        prop = tables.props.get(name)
        if prop is None or prop.type != PropertyType.LIST or prop.enum:
            continue
        words = normalize(leaf(name)).split("_")
        if stem in (singular(w) for w in words):
            return name
    return None
