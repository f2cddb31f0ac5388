"""Flows: how often each event happens, and after what (Rules ``events``).

Per user, across their records in order:

- a follower (``events.X.follows: T``: a return after an order, a leave after a join) never
  outnumbers what it follows: its n-th occurrence needs n occurrences of ``T`` before it (a
  follower before any ``T`` is one too many);
- an event with a lifetime cap (``max_per_user``, or the ``lifecycle`` class's default)
  happens at most that often;
- an event with a per-session cap (``per_session``) happens at most that often between two
  of the user's session starts (the rules' ``session_start_events``);
- a start with alternative ends (several session sequences from one event:
  ``battle_start → battle_win`` and ``battle_start → battle_fail``, ``init_order → payment``
  and ``init_order → payment_fail``) gets at most one end each time: in a session, its ends
  together never outnumber its starts (an end before any start is one too many); an end
  that may pay an order of an earlier session (``events.<end>.later_share``) may end a start
  left open in one of the user's sessions before, at most ``later_days`` days before it (a
  day more for a session across midnight);
- a payment never names an order the user cancelled or refunded before it (``_cancelled``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from demogen.analysis.rules import Rules
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where
from demogen.validate.coherence._cancelled import CancelledOrders

__all__ = ["FlowsChecker"]


@dataclass(slots=True)
class _User:
    counts: dict[str, int] = field(default_factory=dict)
    session: dict[str, int] = field(default_factory=dict)
    #: Per start with alternative ends: its starts minus its ends in this session.
    open: dict[str, int] = field(default_factory=dict)
    #: Per start whose order may be paid in a later session: the days (ordinals) of the
    #: starts left open in the user's sessions before, oldest first.
    held: dict[str, list[int]] = field(default_factory=dict)
    #: Per such start: the day of its latest record.
    started: dict[str, int] = field(default_factory=dict)
    #: Per event capped per day: (the day of its last record, how many that day).
    today: dict[str, tuple[int, int]] = field(default_factory=dict)


def _alternative_ends(rules: Rules, followers: set[str]) -> dict[str, str]:
    """End → its start, for starts that lead several session sequences with different
    next steps: a strict sequence's first pair starts it (battle_start → battle_fail), a
    loose one may add the purchase an attempt ends in (purchase_start → purchase in a
    purchase funnel's sequence). Session brackets and followers (``follows``) come from
    elsewhere."""
    ec = rules.event_constraints
    skip = {*ec.session_start_events, *ec.session_end_events, *followers}
    revenue = set(rules.event_roles.revenue)
    session = [d for d in ec.sequence_details if d.scope == "session" and len(d.events) >= 2]
    nexts: dict[str, set[str]] = {}
    for detail in session:
        start, end = detail.events[0], detail.events[1]
        if detail.strict and not {start, end} & skip and start != end:
            nexts.setdefault(start, set()).add(end)
    for detail in session:
        for start, end in zip(detail.events, detail.events[1:], strict=False):
            if start in nexts and end in revenue and end not in skip:
                nexts[start].add(end)
    return {end: start for start, ends in nexts.items() if len(ends) > 1 for end in ends}


class FlowsChecker(Checker):
    name = "flows"
    description = ("per user, a follower (events.*.follows) never outnumbers what it follows; "
                   "max_per_user, per_session and max_per_day caps hold; a start with "
                   "alternative ends (win | fail) ends at most once, each end after its "
                   "start (an order paid later within events.*.later_days); no payment of a "
                   "cancelled order")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        rules = given.rules
        # A renewal (``after_days``) renews its charge or the renewal before it, so it may
        # outnumber the charges: the ``renewals`` check pairs it with what it renews.
        self.follows = {name: spec.follows for name, spec in rules.events.items()
                        if spec.follows and spec.follows != name and spec.after_days is None}
        self.lifetime = {name: cap for name, spec in rules.events.items()
                         if (cap := spec.lifetime_cap()) is not None}
        self.starts = frozenset(rules.event_constraints.session_start_events)
        self.per_session = {name: spec.per_session for name, spec in rules.events.items()
                            if spec.per_session is not None} if self.starts else {}
        self.per_day = {name: spec.max_per_day for name, spec in rules.events.items()
                        if spec.max_per_day is not None}
        self.counted = frozenset((*self.follows, *self.follows.values(), *self.lifetime))
        self.ends = _alternative_ends(rules, set(self.follows))
        self.outcome_starts = frozenset(self.ends.values())
        #: Ends that may pay an order of an earlier session (events.<e>.later_share).
        self.later = frozenset(name for name, spec in rules.events.items()
                               if spec.later_share and name in self.ends)
        self.held_starts = frozenset(self.ends[name] for name in self.later)
        #: Days an order paid later may wait (events.<e>.later_days), per such end.
        self.later_days = {name: rules.events[name].pay_later_days() for name in self.later}
        self.cancelled = CancelledOrders(rules)
        self._users: dict[str, _User] = {}

    @property
    def active(self) -> bool:
        return bool(self.follows or self.lifetime or self.per_session or self.per_day
                    or self.ends
                    or self.cancelled.active)

    def notes(self) -> list[str]:
        caps = [n for n, spec in self.given.rules.events.items() if spec.per_session]
        if caps and not self.starts:
            return [f"per-session caps ({', '.join(sorted(caps))}) not checked: the rules "
                    "name no session start event"]
        return []

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        if record.get("#type") != "track":
            return
        event = record.get("#event_name")
        if not isinstance(event, str):
            return
        uid = str(record.get("#distinct_id") or record.get("#account_id"))
        props = record.get("properties")
        if self.cancelled.active and isinstance(props, Mapping):
            self.cancelled.record(uid, event, props, where, report)
        if event not in self.counted and event not in self.per_session \
                and event not in self.per_day \
                and event not in self.starts and event not in self.ends \
                and event not in self.outcome_starts:
            return
        user = self._users.setdefault(uid, _User())
        day = _day(record)
        if event in self.starts:
            user.session.clear()
            for start in self.held_starts:     # an order left unpaid may be paid later
                left = user.open.get(start, 0)
                user.held.setdefault(start, []).extend([user.started.get(start, 0)] * left)
            user.open.clear()
        if event in self.outcome_starts:
            user.open[event] = user.open.get(event, 0) + 1
            user.started[event] = day
        start = self.ends.get(event)
        if start is not None:
            if user.open.get(start, 0) < 1 and event in self.later and user.held.get(start):
                self._pay_held(user, uid, event, start, day, where, report)
            elif user.open.get(start, 0) < 1:
                report(where, f"user {uid}: {event} without a {start} before it in the session "
                              f"(each {start} ends once)")
            else:
                user.open[start] -= 1
        if event in self.counted:
            self._count(user, uid, event, where, report)
        cap = self.per_session.get(event)
        if cap is not None:
            n = user.session[event] = user.session.get(event, 0) + 1
            if n > cap:
                report(where, f"user {uid}: {event} #{n} in one session "
                              f"(events.{event}.per_session: {cap})")
        cap = self.per_day.get(event)
        if cap is not None:
            self._count_day(user, uid, event, cap, day, where, report)

    @staticmethod
    def _count_day(user: _User, uid: str, event: str, cap: int, day: int, where: Where,
                   report: Report) -> None:
        """At most ``cap`` of ``event`` on one day of ``#time`` (a streak grows once a day)."""
        last, n = user.today.get(event, (day, 0))
        n = n + 1 if last == day else 1
        user.today[event] = (day, n)
        if n > cap:
            report(where, f"user {uid}: {event} #{n} on one day "
                          f"(events.{event}.max_per_day: {cap})")

    def _pay_held(self, user: _User, uid: str, event: str, start: str, day: int,
                  where: Where, report: Report) -> None:
        """``event`` pays the oldest ``start`` left open before that has not lapsed (one
        more day for a session across midnight); older ones lapsed unpaid."""
        held, days = user.held[start], self.later_days[event]
        lapsed = 0
        while held and day - held[0] > days + 1:
            held.pop(0)
            lapsed += 1
        if held:
            held.pop(0)
        else:
            report(where, f"user {uid}: {event} pays a {start} left open more than {days} "
                          f"days before it (events.{event}.later_days: {days}; {lapsed} "
                          f"lapsed)")

    def _count(self, user: _User, uid: str, event: str, where: Where, report: Report) -> None:
        n = user.counts[event] = user.counts.get(event, 0) + 1
        trigger = self.follows.get(event)
        if trigger is not None:
            had = user.counts.get(trigger, 0)
            if n > had:
                report(where, f"user {uid}: {event} #{n} after {had} {trigger} "
                              f"(events.{event}.follows: {trigger})")
        cap = self.lifetime.get(event)
        if cap is not None and n > cap:
            report(where, f"user {uid}: {event} #{n} (at most {cap} per user: "
                          f"events.{event}.max_per_user)")


def _day(record: Mapping[str, Any]) -> int:
    """The day of a record's ``#time`` (``2024-05-01 13:45:54.364``), as an ordinal."""
    time = record.get("#time")
    try:
        return date.fromisoformat(str(time)[:10]).toordinal()
    except ValueError:
        return 0
