"""Times ahead: an expiry, a next time or an end shown on an event is after the event.

A property Rules call ``kind: future`` (``rental_expire_at``, ``next_free_at``,
``trial_end_time``: data/heuristic_values.yaml ``times.future``) names a moment the event
looks ahead to; a rental that expires the instant it is made, or a "next free episode" in
the past, is what a drill-down into the record finds contradicted. Only drawn times are
read: a time shown from the user's state (Rules ``source``) may be long gone, and an end
or expiry event (``trial_end``) shows its own time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic.values.kinds import FUTURE, time_kind
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["TimesChecker"]


class TimesChecker(Checker):
    name = "times"
    description = ("a time property ahead of its event (properties.*.kind: future: an expiry, "
                   "a next time, an end) is after the record's #time")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        self.ahead = tuple(sorted(name for name, spec in given.rules.properties.items()
                                  if spec.kind == FUTURE and spec.source is None))
        #: Event → whether it is an end or expiry itself (its name read as a time ahead).
        self.ends: dict[str, bool] = {}

    @property
    def active(self) -> bool:
        return bool(self.ahead)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None or seen.time is None:
            return
        event, _, props, time = seen
        ends = self.ends.get(event)
        if ends is None:
            ends = self.ends[event] = time_kind(event) == FUTURE
        if ends:    # trial_end's trial_end_time is its own time
            return
        for name in self.ahead:
            value = props.get(name)
            if isinstance(value, str) and not _after(value, time):
                report(where, f"{event}: {name} {value!r} is not after "
                              f"the event's time {time}")


def _after(value: str, time: str) -> bool:
    """``value`` is later than ``time`` (both ``yyyy-MM-dd[ HH:mm:ss.SSS]``; a date alone is
    after a time of its own day: an expiry day may be today)."""
    n = min(len(value), len(time))
    return value[:n] > time[:n] or (n < len(time) and value[:n] == time[:n])
