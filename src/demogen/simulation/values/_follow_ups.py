"""A follow-up shows the order it follows, not the user's latest one.

Paired events share the latest thing of their group (``_pairs``): a payment shows the
order just submitted. A follow-up (Rules ``events.<e>.follows``: a delivery after a
payment, a return after a delivery) comes sessions later, while more orders come: showing
the latest, two deliveries after two orders both showed the second. So each user keeps a
ledger per group: one entry per thing (an order), holding what the group's slots held when
its events drew it (its id, its amounts) and which events already showed it. A follow-up
``X`` of ``T`` shows the oldest thing ``T`` showed and ``X`` has not: its slots are put back
for the event's draw and the latest thing's restored after it, so the next payment still
pairs with the order submitted before it. Without such a thing (the planner brought the
follow-up about, the key was left out) the follow-up shows the latest, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from demogen.simulation.values._pairs import PairGroup

#: ``sample(user, time) -> values`` of one event.
Sample = Callable[[Any, str], dict[str, Any]]
#: Things a user's ledger remembers per group (a heavy buyer's oldest orders drop out:
#: their follow-ups have long happened).
LEDGER_SIZE = 64
_ABSENT = object()
#: Set in ``user.sticky`` while a wrapper outside put back the thing a record shows (an
#: order held over that a cancel cancels, ``_pay_later``): the ledger picks no other.
CHOSEN = "\x1fchosen"


def due_slot(ledger: FollowUps) -> str:
    """The sticky slot of the keys of ``ledger``'s things a follow-up is due to show on a
    later day (a check-in on the stay date: ``_stays``), each with that follow-up: the
    ledger's own pick for what it excludes (a cancel) leaves them (``_stays`` has a cancel
    pick a stay still to come, and stops its check-in)."""
    return f"{ledger.slot}\x1fdue"


@dataclass(slots=True)
class _Thing:
    key: Any                        # its value of the group's key (the order id)
    kept: dict[str, Any]            # the group's slots as its latest event left them
    shown_by: set[str]              # events that showed it


@dataclass(frozen=True, slots=True)
class FollowUps:
    """The ledger of one pair group whose members follow one another (``follows``)."""

    group: PairGroup
    #: follow-up → the event it follows, both members of the group.
    follows: Mapping[str, str]
    #: follow-up → the follow-ups it excludes (Rules ``stops``, both ways): a thing one of
    #: them showed is never shown by it (no check-in of a cancelled booking, no cancel of
    #: a stay checked in).
    exclusive: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def slot(self) -> str:
        return f"{self.group.slot}\x1fledger"

    @property
    def slots(self) -> tuple[str, str]:
        """The sticky slots that hold one thing: its values and its money."""
        return self.group.slot, f"{self.group.slot}\x1fmoney"

    def wrap(self, event: str, sample: Sample) -> Sample:
        """``sample`` of ``event``, showing the thing it follows and noting it shown."""
        trigger = self.follows.get(event)
        noted = event in self.follows.values() or trigger is not None
        if not noted:
            return sample
        key, slots, slot, due = self.group.key, self.slots, self.slot, due_slot(self)
        barred = self.exclusive.get(event, frozenset())

        def of_its_thing(u: Any, t: str) -> dict[str, Any]:
            ledger: list[_Thing] = u.sticky.setdefault(slot, [])
            sticky = u.sticky
            latest = None
            if trigger is not None and CHOSEN not in sticky:
                kept_for = sticky.get(due, {}) if barred else {}
                thing = next((x for x in self.open_things(sticky, event)
                              if kept_for.get(x.key) not in barred), None)
                if thing is not None:
                    latest = {s: sticky.get(s, _ABSENT) for s in slots}
                    _put(sticky, thing.kept)
            values = sample(u, t)
            _note(ledger, values.get(key, _ABSENT), event,
                  {s: sticky.get(s, _ABSENT) for s in slots})
            if latest is not None:
                _put(sticky, latest)
            return values

        return of_its_thing

    def open_things(self, sticky: Mapping[str, Any], event: str) -> list[_Thing]:
        """The things follow-up ``event`` may show, oldest first: shown by the event it
        follows, not by it nor by a follow-up it excludes (a cancelled booking's check-in)."""
        trigger = self.follows.get(event)
        barred = self.exclusive.get(event, frozenset())
        return [x for x in sticky.get(self.slot, ()) if trigger in x.shown_by
                and event not in x.shown_by and barred.isdisjoint(x.shown_by)]


def _put(sticky: dict[str, Any], kept: Mapping[str, Any]) -> None:
    for s, x in kept.items():
        if x is _ABSENT:
            sticky.pop(s, None)
        else:
            sticky[s] = x


def _note(ledger: list[_Thing], key: Any, event: str, kept: dict[str, Any]) -> None:
    """The thing named ``key`` was shown by ``event`` (a new thing when none was)."""
    if key is _ABSENT:
        return
    for thing in reversed(ledger):
        if thing.key == key:
            thing.kept = kept
            thing.shown_by.add(event)
            return
    ledger.append(_Thing(key, kept, {event}))
    if len(ledger) > LEDGER_SIZE:
        del ledger[0]


def plan_follow_ups(groups: tuple[PairGroup, ...], follows: Mapping[str, str],
                    stops: Mapping[str, Iterable[str]] | None = None
                    ) -> tuple[FollowUps, ...]:
    """Per pair group, its members that follow another member (Rules ``follows``), with
    the follow-ups that exclude one another (Rules ``stops``)."""
    both = exclusive(stops or {})
    out = []
    for group in groups:
        members = set(group.members)
        mine = {e: t for e, t in follows.items() if e in members and t in members and e != t}
        if mine:
            out.append(FollowUps(group, dict(sorted(mine.items())),
                                 {e: x for e, x in both.items() if e in mine}))
    return tuple(out)


def exclusive(stops: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Event → the events it excludes: what it stops (Rules ``stops``) and what stops it
    (a cancel and a check-in of one booking never both happen)."""
    out: dict[str, set[str]] = {}
    for stopper, stopped in sorted(stops.items()):
        for event in stopped:
            if event != stopper:
                out.setdefault(stopper, set()).add(event)
                out.setdefault(event, set()).add(stopper)
    return {e: frozenset(x) for e, x in sorted(out.items())}
