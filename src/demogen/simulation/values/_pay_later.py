"""A payment in a later session shows the order it pays, not the user's latest.

Paired events share the latest thing of their group (``_pairs``): a payment shows the
order just submitted. An order the planner held over (Rules ``events.<revenue>.
later_share``; ``simulation.held_orders``) is paid sessions later, maybe after other orders:
its attempt's slots (the order's id, its amounts) are kept under the hold's number when the
attempt is drawn, put back for the payment's draw, and the latest order's restored after
it, so the session's own orders still pair as before. A session group (its pairs hold
within a session) takes the kept order as this session's. Where orders list the user's
basket, a held order's checkout takes its things out of the basket and its payment leaves
the basket as it is (``_basket.Basket.held``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from demogen.analysis.rules import Rules
from demogen.simulation.held_orders import SLOT, HeldOrders
from demogen.simulation.marks import this_session
from demogen.simulation.values._basket import Basket
from demogen.simulation.values._follow_ups import _ABSENT, CHOSEN, _put
from demogen.simulation.values._pairs import PairGroup

#: ``sample(user, time) -> values`` of one event.
Sample = Callable[[Any, str], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class LaterPayments:
    """The pair groups of the purchases some orders are paid later in."""

    #: The events of those groups (an attempt and its purchase among them).
    members: frozenset[str]
    #: The sticky slots that hold one order: each group's values and money.
    slots: tuple[str, ...]
    #: What the orders list from the user's cart (None: the plan has no basket).
    basket: Basket | None = None

    def wrap(self, event: str, sample: Sample) -> Sample:
        """``sample`` of ``event``, keeping an order held over (its attempt) or showing it
        (the payment that pays it, a cancel that cancels it), as the planner marked the
        occurrence."""
        if event not in self.members:
            return sample
        slots, basket = self.slots, self.basket
        hold = basket.held(event) if basket is not None else None

        def of_its_order(u: Any, t: str) -> dict[str, Any]:
            marks = this_session(u, SLOT, HeldOrders)
            if marks is None:
                return sample(u, t)
            nth = marks.drawn(event)
            number = marks.paid.get((event, nth))
            kept = None if number is None else marks.kept.pop(number, None)
            if kept is not None:
                # a cancel of the order shows it, not the follow-up ledger's pick
                if basket is None:
                    return draw_as_kept(sample, u, t, kept, slots, chosen=True)
                carted = basket.kept(u)     # its checkout took its things already
                values = draw_as_kept(sample, u, t, kept, slots, chosen=True)
                basket.put_back(u, carted)
                return values
            values = sample(u, t)
            number = marks.held.get((event, nth))
            if number is not None:
                marks.kept[number] = keep(u.sticky, slots)
                if hold is not None:
                    hold(u, values)
            return values

        return of_its_order


def keep(sticky: Mapping[str, Any], slots: tuple[str, ...]) -> dict[str, Any]:
    """The slots of one order (or charge) as they stand, to show it again later."""
    return {s: sticky.get(s, _ABSENT) for s in slots}


def draw_as_kept(sample: Sample, u: Any, t: str, kept: Mapping[str, Any],
                 slots: tuple[str, ...], *, chosen: bool = False) -> dict[str, Any]:
    """``sample`` drawn with the ``kept`` slots put back (as this session's), the latest
    restored after it, so the session's own orders still pair as before. ``chosen``: the
    follow-up ledger leaves the kept thing shown (:data:`_follow_ups.CHOSEN`)."""
    sticky = u.sticky
    latest = keep(sticky, slots)
    _put(sticky, _in_session(kept, u.session_number))
    if chosen:
        sticky[CHOSEN] = True
    values = sample(u, t)
    if chosen:
        del sticky[CHOSEN]
    _put(sticky, latest)
    return values


def _in_session(kept: Mapping[str, Any], session: int) -> dict[str, Any]:
    """The kept slots as if drawn in ``session`` (each slot's tuple opens with its session
    number), so a group whose pairs hold within a session still pairs the payment."""
    return {s: (session, *x[1:]) if isinstance(x, tuple) and x and isinstance(x[0], int)
            else x for s, x in kept.items()}


def plan_later_payments(groups: tuple[PairGroup, ...], rules: Rules,
                        basket: Basket | None = None) -> LaterPayments | None:
    """The groups of the purchases Rules let pay later (``later_share`` above 0), and the
    basket their orders list."""
    later = {e for e, spec in rules.events.items() if spec.later_share}
    mine = [g for g in groups if later & set(g.members)]
    if not mine:
        return None
    return LaterPayments(members=frozenset(e for g in mine for e in g.members),
                         slots=tuple(s for g in mine for s in (g.slot, f"{g.slot}\x1fmoney")),
                         basket=basket)
