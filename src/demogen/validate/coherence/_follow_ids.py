"""Follow-up ids: a delivery, a refund, a return names an order the user placed before it.

A follow-up (Rules ``events.X.follows: T``: ``Order Delivered`` after ``Order Placed``,
``apply_return`` after ``pay_order``) that carries an id its trigger carries too, of a thing
new in every record (``properties.<id>.id.mode: unique``: an order, a transaction, a booking),
shows a value of that id the same user's ``T`` showed before it. A refund of an order the
user never placed is what a drill-down from the refund to its order finds empty.

Each occurrence of the trigger brings at most one follow-up (``rate`` is per occurrence):
a follow-up naming a thing the same event already named for that user (two deliveries of
the second order, none of the first) names the wrong order.

A follow-up another one stops (Rules ``events.S.stops``: a booking cancel stops its
check-in) never shows a thing the stopper showed that user before it: a check-in of a
cancelled booking is what a drill-down from the stay to its booking finds contradicted.

An event that names a thing such a trigger made (Rules ``prerequisites``: ``message_sent``
needs ``match_created``, and carries its new-every-time ``match_id``) shows a value of that
id the same user's trigger showed before it, as often as it likes (many messages in one
match): a message in a match the user never made is a thread a drill-down finds empty.

Which ids the trigger carries is learned from its records; a follower with no trigger record
before it is the ``flows`` check's finding, not this one's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where

__all__ = ["FollowIdsChecker"]


class FollowIdsChecker(Checker):
    name = "follow_ids"
    description = ("per user, a follow-up (events.*.follows: a delivery, a refund of an order) "
                   "shows the id (an id Rules call unique: order, transaction) of a thing its "
                   "trigger showed that user before it, one follow-up per thing, none of a "
                   "thing an event that stops it showed (events.*.stops: no check-in of a "
                   "cancelled booking); an event that needs such a trigger (prerequisites: "
                   "a message after match_created) and carries its id names one of the "
                   "user's")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        rules = given.rules
        self.unique = frozenset(name for name, spec in rules.properties.items()
                                if spec.id is not None and spec.id.mode == "unique")
        self.follows = {name: spec.follows for name, spec in rules.events.items()
                        if spec.follows and spec.follows != name}
        self.triggers = frozenset(self.follows.values())
        #: Event → the triggers whose things it names (it needs them before it: Rules
        #: ``prerequisites``; no follow-up itself): a message after ``match_created``.
        self.naming = {event: tuple(t for t in pre if t in self.triggers and t != event)
                       for event, pre in sorted(rules.event_constraints.prerequisites.items())
                       if event not in self.follows}
        self.naming = {e: t for e, t in self.naming.items() if t}
        #: Follow-up → the events that stop it (``stops`` read with ``follows`` only).
        self.stopped_by: dict[str, tuple[str, ...]] = {}
        for name, spec in sorted(rules.events.items()):
            for stopped in (spec.stops or []) if spec.follows else []:
                self.stopped_by[stopped] = (*self.stopped_by.get(stopped, ()), name)
        #: Trigger → the unique ids its records carry (seen so far).
        self.carried: dict[str, set[str]] = {}
        #: (user, trigger, id property) → the values the user's trigger records showed.
        self.seen: dict[tuple[str, str, str], set[Any]] = {}
        #: (user, follow-up, id property) → the values the user's follow-ups showed.
        self.followed: dict[tuple[str, str, str], set[Any]] = {}

    @property
    def active(self) -> bool:
        return bool(self.unique and self.follows)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        if record.get("#type") != "track":
            return
        event = record.get("#event_name")
        props = record.get("properties")
        if not isinstance(event, str) or not isinstance(props, Mapping):
            return
        uid = str(record.get("#distinct_id") or record.get("#account_id"))
        trigger = self.follows.get(event)
        if trigger is not None:
            for name in sorted(self.carried.get(trigger, set()) & props.keys()):
                shown = self.seen.get((uid, trigger, name))
                value = props[name]
                if not shown or not isinstance(value, str | int | float):
                    continue
                if value not in shown:
                    report(where, f"user {uid}: {event}.{name} {value!r} is no "
                                  f"{trigger} of this user before it (events.{event}.follows: "
                                  f"{trigger})")
                    continue
                for stopper in self.stopped_by.get(event, ()):
                    if value in self.followed.get((uid, stopper, name), ()):
                        report(where, f"user {uid}: {event}.{name} {value!r} after a {stopper} "
                                      f"of it (events.{stopper}.stops: {event})")
                followed = self.followed.setdefault((uid, event, name), set())
                if value in followed:
                    report(where, f"user {uid}: {event}.{name} {value!r} again: an earlier "
                                  f"{event} followed that {trigger} already (one {event} per "
                                  f"{trigger}: events.{event}.follows)")
                followed.add(value)
        for creator in self.naming.get(event, ()):
            for name in sorted(self.carried.get(creator, set()) & props.keys()):
                shown = self.seen.get((uid, creator, name))
                value = props[name]
                if shown and isinstance(value, str | int | float) and value not in shown:
                    report(where, f"user {uid}: {event}.{name} {value!r} names no {creator} "
                                  f"of this user before it (prerequisites.{event}: {creator})")
        if event in self.triggers:
            ids = self.unique & props.keys()
            self.carried.setdefault(event, set()).update(ids)
            for name in ids:
                if isinstance(props[name], str | int | float):
                    self.seen.setdefault((uid, event, name), set()).add(props[name])
