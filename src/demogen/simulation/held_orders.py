"""Orders submitted in one session and paid in a later one: what the planner tells the values.

The planner (``story.SessionPlanner._purchase``) holds a share of the orders a payer submits
(Rules ``events.<revenue>.later_share``) and pays each in one of the user's next sessions.
The values are drawn after the planner planned the session, event by event: they must know
which occurrence of the attempt (``submit_order``) is an order held over, and which
occurrence of the purchase (``pay_order``) pays one, so the payment shows that order (its
id, its amounts), not the user's latest. The planner writes those marks here, by the
occurrence's number among the session's events of that name; the values keep each held
order's slots under its hold number until it is paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from demogen.simulation.marks import SessionMarks, marks_of

#: Where a user's marks live in ``user.sticky`` (the per-user memory both sides reach).
SLOT = "\x1fheld_orders"


@dataclass(slots=True)
class HeldOrders(SessionMarks):
    """One user's orders held over to a later session (``count``: holds so far; ``kept``:
    hold number → the order's sticky slots as its attempt left them)."""

    #: (attempt event, its occurrence in the session, 1-based) → the hold's number.
    held: dict[tuple[str, int], int] = field(default_factory=dict)
    #: (revenue event, its occurrence in the session) → the number of the hold it pays;
    #: (a cancel, its occurrence) → the number of the hold it cancels (never paid then).
    paid: dict[tuple[str, int], int] = field(default_factory=dict)

    def spent(self) -> None:
        self.held.clear()
        self.paid.clear()


def held_orders(sticky: dict[str, Any]) -> HeldOrders:
    """The user's marks (made on first use)."""
    return marks_of(sticky, SLOT, HeldOrders)
