"""Stay dates: a check-in is not before the check-in date of the booking it names.

A booking names the day its stay starts (a property Rules call ``kind: stay``:
``checkin_date``, ``departure_date``, ``visit_date``); the event that starts the stay
(an event whose name says so: ``hotel_checkin``, ``flight_departure``) and names the same
booking (a shared id Rules call unique: ``booking_no``) happens on or after that day. A
check-in on the 3rd of a stay booked from the 17th is what a drill-down from the stay to
its booking finds contradicted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic.values import kinds
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["StayDatesChecker"]


class StayDatesChecker(Checker):
    name = "stay_dates"
    description = ("per user, an event that starts a stay (check-in, departure: its name with "
                   "_date is a stay date) is not before the stay date (properties.*.kind: stay) "
                   "the booking it names (a unique id) showed")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        rules = given.rules
        #: Stay dates naming a stay's first day (a checkout date is its last).
        self.starts = frozenset(name for name, spec in rules.properties.items()
                                if spec.kind == kinds.STAY and not kinds.ends_a_stay(name))
        self.unique = frozenset(name for name, spec in rules.properties.items()
                                if spec.id is not None and spec.id.mode == "unique")
        #: (user, id property, id value) → the stay's first day (``yyyy-MM-dd``).
        self.booked: dict[tuple[str, str, Any], str] = {}

    @property
    def active(self) -> bool:
        return bool(self.starts and self.unique)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None or seen.time is None:
            return
        event, uid, props, time = seen
        ids = [(name, props[name]) for name in sorted(self.unique & props.keys())
               if isinstance(props[name], str | int)]
        if kinds.starts_a_stay(event):
            for name, value in ids:
                day = self.booked.get((uid, name, value))
                if day is not None and time[:10] < day:
                    report(where, f"user {uid}: {event} on {time[:10]} before the stay date "
                                  f"{day} its {name} {value!r} was booked for")
            return
        stay = next((str(props[p])[:10] for p in sorted(self.starts & props.keys())
                     if isinstance(props[p], str)), None)
        if stay is not None:
            for name, value in ids:
                self.booked.setdefault((uid, name, value), stay)
