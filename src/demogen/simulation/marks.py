"""Marks the planner leaves for the values, by each event's occurrence in a session.

The planner plans a whole session before the values draw it, event by event. Where a later
record must show an earlier one (a payment the order held over, a renewal its charge, a
check-in its booking), the planner marks occurrences (the 2nd ``pay_order`` of the session)
with a number, and the values, drawing the marked occurrence, keep the thing under that
number or show it again. :class:`SessionMarks` is what those ledgers share
(``held_orders``, ``renewals``, ``stays``): the session the marks are of, each side's count
of occurrences, the numbers given and the things kept by number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar


@dataclass(slots=True)
class SessionMarks:
    """One user's marks for one session, and the things kept across sessions."""

    #: The session the marks are of (the planner's ``user.sessions + 1``).
    session: int = 0
    #: The planner: occurrences of each trigger noted so far in ``session``.
    planned: dict[str, int] = field(default_factory=dict)
    #: Numbers given so far in the user's life: the next one.
    count: int = 0
    #: The values' side: occurrences of marked events drawn so far in ``session``.
    seen: dict[str, int] = field(default_factory=dict)
    #: The values' side: number → the thing's sticky slots, to show it again later.
    kept: dict[int, dict[str, Any]] = field(default_factory=dict)

    def new_session(self, session: int) -> None:
        """The planner starts planning ``session``: last session's marks are spent."""
        self.session = session
        self.planned.clear()
        self.seen.clear()
        self.spent()

    def spent(self) -> None:
        """Clear a ledger's own marks of the session (its occurrence → number maps)."""

    def noted(self, trigger: str) -> int:
        """The planner noted ``trigger`` once more this session: its occurrence."""
        nth = self.planned[trigger] = self.planned.get(trigger, 0) + 1
        return nth

    def number(self, marks: dict[tuple[str, int], int], occurrence: tuple[str, int]) -> int:
        """The number ``marks`` give ``occurrence`` (event, nth), a new one the first time."""
        number = marks.get(occurrence)
        if number is None:
            number, self.count = self.count, self.count + 1
            marks[occurrence] = number
        return number

    def drawn(self, event: str) -> int:
        """The values draw ``event`` once more this session: its occurrence."""
        nth = self.seen[event] = self.seen.get(event, 0) + 1
        return nth


Marks = TypeVar("Marks", bound=SessionMarks)


def marks_of(sticky: dict[str, Any], slot: str, kind: type[Marks]) -> Marks:
    """The user's marks of ``kind`` in ``sticky[slot]`` (made on first use)."""
    marks = sticky.get(slot)
    if not isinstance(marks, kind):
        marks = sticky[slot] = kind()
    return marks


def this_session(u: Any, slot: str, kind: type[Marks]) -> Marks | None:
    """The user's marks in ``sticky[slot]`` where they are of the session being drawn
    (None: no marks, or marks of another session: nothing is marked in this one)."""
    marks = u.sticky.get(slot)
    return marks if isinstance(marks, kind) and marks.session == u.session_number else None
