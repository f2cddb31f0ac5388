"""A trial runs out once, its days after its start, unless the user bought a plan in between.

Rules time an end of what a start began (``events.<end>.follows`` the start,
``after_days``, ``expires``: a trial's end ``trial_days`` after ``trial_started``); events
``voided_by`` it (a plan bought: ``plan_upgraded``) void a pending one. Per user, in order:

- an end needs a start still running before it: not one that ended already, not one a
  purchase voided (an end after the upgrade), never none;
- an end comes no sooner than its days after its start (the start's own value of
  ``after_days_by``: its ``trial_days``, else ``after_days``; a day early at most: a start
  late in the day, its end early on its due day);
- a start that neither ended nor was voided is still running: the end comes in the
  user's first session from its due day on, so a record more than a day after the first
  day the user came back from then (a session across midnight) says the plan stayed on
  trial past its end;
- nobody starts a trial after buying a plan (the end would take back a plan paid for).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from demogen.analysis.billing import length_of
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where

__all__ = ["ExpiriesChecker"]

#: An end may come this much before its days are over (a start at 23:00, its end on the
#: due day at 01:00: 13 days and 2 hours for 14).
_EARLY = timedelta(days=1)
#: Days after the first day a user comes back from the due day on that a record may come
#: while the end is still to come (that session may cross midnight).
_LATE = 1


@dataclass(slots=True)
class _Run:
    """A running start: when and where it was, and the first day the user came back from
    its due day on (None: not yet)."""

    time: datetime
    where: Where
    days: int               # its own length (after_days_by), else after_days
    back: date | None = None


@dataclass(frozen=True, slots=True)
class _End:
    end: str
    start: str
    days: int
    by: str | None
    voided_by: frozenset[str]


class ExpiriesChecker(Checker):
    name = "expiries"
    description = ("a trial's end (events.<end>.expires) comes once per start, its "
                   "after_days after it, never after a purchase that voids it "
                   "(events.<end>.voided_by) and never late: a record past its due day "
                   "with the trial still running is a plan left on trial")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        self._ends = tuple(_End(name, spec.follows, spec.after_days, spec.after_days_by,
                                frozenset(spec.voided_by or ()))
                           for name, spec in sorted(given.rules.events.items())
                           if spec.expires and spec.follows and spec.after_days is not None)
        self._by_start = {e.start: e for e in self._ends}
        self._by_end = {e.end: e for e in self._ends}
        self._voiding = {v: [e for e in self._ends if v in e.voided_by]
                         for e in self._ends for v in e.voided_by}
        #: (user, end) → the running start's time and where it is, or a note of what
        #: ended it (str): "ended", "voided by plan_upgraded".
        self._running: dict[tuple[str, str], _Run | str] = {}
        #: (user, end) → whether the user already bought (a voiding event happened).
        self._bought: set[tuple[str, str]] = set()

    @property
    def active(self) -> bool:
        return bool(self._ends)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        user = str(record.get("#distinct_id") or record.get("#account_id"))
        raw = record.get("#time")
        if not isinstance(raw, str):
            return
        time = datetime.fromisoformat(raw)
        self._overdue(user, time, report)
        event = record.get("#event_name")
        if record.get("#type") != "track" or not isinstance(event, str):
            return
        for end in self._voiding.get(event, ()):
            key = (user, end.end)
            self._bought.add(key)
            if isinstance(self._running.get(key), _Run):
                self._running[key] = f"voided by {event}"
        if event in self._by_start:
            props = record.get("properties")
            days = length_of(props, self._by_start[event].by) \
                if isinstance(props, Mapping) else None
            self._start(self._by_start[event], user, time, days, where, report)
        if event in self._by_end:
            self._end(self._by_end[event], user, time, where, report)

    def _start(self, end: _End, user: str, time: datetime, days: int | None, where: Where,
               report: Report) -> None:
        key = (user, end.end)
        if key in self._bought:
            report(where, f"{end.start} after the user bought a plan: its {end.end} would "
                          f"take it back (events.{end.end}.voided_by)")
        self._running[key] = _Run(time, where, days or end.days)

    def _end(self, end: _End, user: str, time: datetime, where: Where,
             report: Report) -> None:
        key = (user, end.end)
        running = self._running.get(key)
        if not isinstance(running, _Run):
            how = running or f"no {end.start} before it"
            report(where, f"{end.end} without a running {end.start}: {how}")
            return
        if time - running.time < timedelta(days=running.days) - _EARLY:
            report(where, f"{end.end} comes {(time - running.time).days} days after "
                          f"{end.start}, before its {running.days} days run out "
                          f"(events.{end.end}.{'after_days_by' if end.by else 'after_days'})")
        self._running[key] = "ended"

    def _overdue(self, user: str, time: datetime, report: Report) -> None:
        """A record of ``user`` past the session a running start's end was due in: the
        end never came."""
        day = time.date()
        for end in self._ends:
            key = (user, end.end)
            running = self._running.get(key)
            if not isinstance(running, _Run) or \
                    (day - running.time.date()).days < running.days:
                continue
            if running.back is None:
                running.back = day
            elif (day - running.back).days > _LATE:
                report(running.where, f"{end.start} never ends: no {end.end} (nor "
                                      f"{' / '.join(sorted(end.voided_by)) or 'purchase'}) "
                                      f"{(time - running.time).days} days on, its "
                                      f"{running.days} days over")
                self._running[key] = "reported"
