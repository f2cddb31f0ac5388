"""A check-in on its booking's stay date: planner ↔ values.

A booking names the day its stay starts (a property Rules call ``kind: stay``:
``checkin_date``); the event that starts the stay (``hotel_checkin``, following the
payment: Rules ``events.<e>.follows``) happens on that day, which the values draw only
after the planner planned the session of the payment. So, as for renewals
(``simulation.renewals``), the planner marks each payment that brings a check-in with a
stay number; the values, drawing the payment, keep the booking's slots (its id, its dates,
its price) and tell the stay's first and last day (window days) under that number; in the
user's next sessions the planner makes the check-in due on the first day, as long as the
stay lasts. A cancel of that booking before its stay (values) stops its check-in. A
booked stay brings the traveller to the app (the engine makes its days active while its
check-in is due, :meth:`Stays.brings_on`), so only a stay after the window goes unchecked.
A booking whose trigger names no stay date falls back to the follow-up's usual chance per
session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from demogen.simulation.marks import SessionMarks, marks_of

#: Where a user's marks live in ``user.sticky`` (the per-user memory both sides reach).
SLOT = "\x1fstays"
#: Stays to come where no booking names its stay's days: cancels are not counted.
UNLIMITED = 1 << 30


@dataclass(slots=True)
class _Waiting:
    """A check-in brought about whose stay the values have not told yet."""

    number: int         # the stay
    event: str          # the check-in event
    session: int        # the planner's session of the trigger


@dataclass(slots=True)
class Stays(SessionMarks):
    """One user's booked stays: the planner's marks and the values' memory (``count``: stays
    so far; ``kept``: stay → its booking's sticky slots, id, dates and money)."""

    #: (trigger event, its occurrence in the session, 1-based) → the stay it books.
    booked: dict[tuple[str, int], int] = field(default_factory=dict)
    #: (check-in event, its occurrence in the session) → the stay it starts.
    checking_in: dict[tuple[str, int], int] = field(default_factory=dict)
    waiting: list[_Waiting] = field(default_factory=list)
    #: Check-in event → (first day, last day, stay), earliest first.
    due: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    #: The values' side: stay → its first and last window day (None: the booking names none).
    days: dict[int, tuple[int, int] | None] = field(default_factory=dict)
    #: The values' side: a paid booking's key → its stay's first window day (a cancel
    #: picks a stay still to come).
    starts: dict[Any, int] = field(default_factory=dict)
    #: The values' side: the key of a booking due a check-in → its stay.
    numbers: dict[Any, int] = field(default_factory=dict)
    #: Some booking of the user named its stay's first day (``starts`` is to be read).
    dated: bool = False

    def spent(self) -> None:
        self.booked.clear()
        self.checking_in.clear()

    def bring(self, event: str, trigger: tuple[str, int]) -> None:
        """The trigger (its occurrence) brings a check-in: a stay of its own."""
        self.waiting.append(_Waiting(self.number(self.booked, trigger), event, self.session))

    def told(self) -> list[str]:
        """Check-ins of earlier sessions' bookings get their days (the values told them);
        the check-ins whose booking named no stay, one entry each, for the usual chance."""
        still, untimed = [], []
        for w in self.waiting:
            if w.session >= self.session:
                still.append(w)
                continue
            days = self.days.pop(w.number, None)
            if days is None:
                self.kept.pop(w.number, None)
                untimed.append(w.event)
                continue
            queue = self.due.setdefault(w.event, [])
            queue.append((*days, w.number))
            queue.sort()
        self.waiting = still
        return untimed

    def is_due(self, event: str, day: int) -> bool:
        """A check-in of ``event`` is due on ``day``; stays over before it are dropped
        (nobody checks in after their stay) and their bookings forgotten."""
        queue = self.due.get(event)
        while queue and queue[0][1] < day:
            self.kept.pop(queue.pop(0)[2], None)
        return bool(queue) and queue[0][0] <= day

    def brings_on(self, day: int) -> bool:
        """A stay due a check-in lasts on ``day`` (told or still waiting for the planner):
        the traveller comes to the app that day (the engine's active days)."""
        if any(first <= day <= last for queue in self.due.values()
               for first, last, _ in queue):
            return True
        told = (self.days.get(w.number) for w in self.waiting)
        return any(days is not None and days[0] <= day <= days[1] for days in told)

    def to_come(self, day: int) -> int:
        """How many bookings' stays are still to come after ``day`` (a cancel has one to
        cancel each); where no booking names its stay's days, no limit."""
        if not self.dated:
            return UNLIMITED
        return sum(first > day for first in self.starts.values())

    def stop(self, number: int) -> None:
        """The stay's booking was cancelled: its check-in is no longer due."""
        self.waiting = [w for w in self.waiting if w.number != number]
        for queue in self.due.values():
            queue[:] = [entry for entry in queue if entry[2] != number]
        self.kept.pop(number, None)
        self.days.pop(number, None)

    def checked_in(self, event: str, nth: int) -> None:
        """The planner noted the due check-in (its ``nth`` of the session)."""
        self.checking_in[(event, nth)] = self.due[event].pop(0)[2]


def stays(sticky: dict[str, Any]) -> Stays:
    """The user's marks (made on first use)."""
    return marks_of(sticky, SLOT, Stays)
