"""What ends or keeps a streak over a missed day (Rules ``progression.streak_losses``,
``streak_freezes``).

A streak (``current_streak``) steps once a day on the event that extends it; a day without
that step breaks it. The break is told once, in the user's first session after it: a loss
(``streak_lost``, showing the streak lost and setting it to 0) or, for a single missed day
and in ``freeze_share`` of them, a freeze (``streak_freeze_used``) that keeps the streak as
if it had stepped the day before. Neither comes otherwise: the planner plays them here,
never from the segment tables. Where the freeze shows the freezes held (``freezes_left``),
it needs one: the count drops on it and rises when one is bought (simulation/state.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

#: Where the state keeps a count no record shows (the freezes held, ``freezes_left``).
_HELD = "\x1fheld\x1f"


def held_key(prop: str) -> str:
    """The state key of the count of freezes an event property (``freezes_left``) shows."""
    return _HELD + prop


@dataclass(frozen=True, slots=True)
class StreakEnds:
    #: (streak counter, the state key of the last day it stepped, ``YYYY-MM-DD``).
    counters: tuple[tuple[str, str], ...]
    losses: tuple[str, ...]
    freezes: tuple[str, ...]
    freeze_share: float
    #: The ordinal of the window's first day (day 0 of the planner).
    start: int = 0
    #: State keys of the freezes the user holds (:func:`held_key`): a freeze needs one.
    held: tuple[str, ...] = ()

    def from_day(self, start: date) -> StreakEnds:
        return replace(self, start=start.toordinal())

    @property
    def events(self) -> frozenset[str]:
        return frozenset((*self.losses, *self.freezes))

    def missed(self, state: Mapping[str, Any], day: int) -> int:
        """Days without a step between a running streak's last step and ``day`` (0 when
        no streak runs, or when it stepped yesterday or today)."""
        today = self.start + day
        most = 0
        for prop, mark in self.counters:
            value, last = state.get(prop), state.get(mark)
            if isinstance(value, int | float) and value > 0 and isinstance(last, str):
                most = max(most, today - date.fromisoformat(last).toordinal() - 1)
        return most

    def due(self, state: Mapping[str, Any], day: int, rnd: Any) -> str | None:
        """The event telling a break of the user's streak in a session of ``day``: a freeze
        for one missed day (in ``freeze_share`` of them), else a loss; None without one."""
        missed = self.missed(state, day)
        if missed <= 0:
            return None
        if missed == 1 and self.freezes and rnd.random() < self.freeze_share and \
                all(state.get(key, 0) >= 1 for key in self.held):
            return self.freezes[0]
        return self.losses[0] if self.losses else None
