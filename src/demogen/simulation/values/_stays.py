"""A check-in shows the booking it starts; the booking tells the planner its stay's days.

The planner (``simulation.stays``) marks each trigger that brings a check-in (the payment
of a booking) with a stay number, and each check-in with the stay it starts. Drawing the
trigger, the values keep its pair groups' slots (the booking's id, its dates, its price)
and tell the stay's first and last window day under that number; the booking's key is
noted as due in the follow-up ledger. Drawing the check-in, they put the booking's slots
back. A cancel (an event whose Rules ``stops`` name a check-in) cancels a paid booking
whose stay is still to come (one the planner brought no check-in for first, else one due a
check-in, which it then stops: nobody cancels a stay already begun, nor checks in after
cancelling); with no stay to come it shows what the follow-up ledger picks.

A booking books what was searched: its stay's first day and its nights are the ones the
session's latest other event naming them (the search) drew (:func:`as_searched`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from demogen.analysis.heuristic.values import kinds
from demogen.analysis.rules import Rules
from demogen.simulation._context import UserContext
from demogen.simulation.marks import this_session
from demogen.simulation.sessions import DAY_SECONDS
from demogen.simulation.stays import SLOT, Stays
from demogen.simulation.values._codegen import Writer, indent, with_source
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._follow_ups import CHOSEN, FollowUps, due_slot
from demogen.simulation.values._pairs import PairGroup
from demogen.simulation.values._pay_later import Sample, draw_as_kept, keep
from demogen.simulation.values._times import names_nights, nights_of


@dataclass(frozen=True, slots=True)
class StayBookings:
    """The triggers that bring check-ins and the check-ins, with their groups' slots."""

    #: trigger → the check-ins it brings.
    triggers: Mapping[str, frozenset[str]]
    check_ins: frozenset[str]
    #: The sticky slots that hold one booking: its groups' values and money.
    slots: tuple[str, ...]
    #: Per group of a booking: its values' slot, its key and its ledger's due slot.
    keys: tuple[tuple[str, str, str], ...]
    #: Stay dates naming a stay's first day, and its last (a checkout date).
    starts: frozenset[str]
    ends: frozenset[str]
    #: A cancel (it stops a check-in) → the ledgers of the bookings it may cancel.
    cancels: Mapping[str, tuple[FollowUps, ...]] = field(default_factory=dict)

    def wrap(self, event: str, sample: Sample) -> Sample:
        """``sample`` of ``event``, keeping a booking's stay or showing it on its check-in,
        as the planner marked the occurrence."""
        if event in self.cancels:
            return self._cancelling(event, sample)
        if event not in self.triggers and event not in self.check_ins:
            return sample

        def of_its_stay(u: Any, t: str) -> dict[str, Any]:
            marks = this_session(u, SLOT, Stays)
            if marks is None:
                return sample(u, t)
            nth = marks.drawn(event)
            number = marks.checking_in.get((event, nth))
            kept = None if number is None else marks.kept.pop(number, None)
            if kept is not None:
                return draw_as_kept(sample, u, t, kept, self.slots, chosen=True)
            values = sample(u, t)
            if event not in self.triggers:
                return values
            days = self._days(u, values, t)
            keys = self._keys(u.sticky)
            if days is not None:    # when its stay begins (a cancel comes before)
                marks.starts.update((k, days[0]) for _, k, _ in keys)
                marks.dated = True
            number = marks.booked.get((event, nth))
            if number is not None:
                marks.kept[number] = keep(u.sticky, self.slots)
                marks.days[number] = days
                if days is not None:
                    self._note_due(u.sticky, keys, self.triggers[event])
                    marks.numbers.update((k, number) for _, k, _ in keys)
            return values

        return of_its_stay

    def _days(self, u: Any, values: Mapping[str, Any], t: str) -> tuple[int, int] | None:
        """The stay's first and last window day (the night before checkout), from the
        trigger's values or else its booking's (the group's latest values)."""
        shown = [values, *(kept[1] for slot, _, _ in self.keys
                           if isinstance(kept := u.sticky.get(slot), tuple))]
        first = _day(_first(shown, self.starts))
        if first is None:
            return None
        today = date.fromisoformat(t[:10])
        start = int(u.clock // DAY_SECONDS) + (first - today).days
        last = _day(_first(shown, self.ends))
        nights = (last - first).days if last is not None else _nights(shown)
        return start, start + max(nights - 1, 0)

    def _keys(self, sticky: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
        """Per group of the booking just drawn: its values' slot, its key's value and its
        ledger's due slot."""
        return [(slot, kept[1][key], due) for slot, key, due in self.keys
                if isinstance(kept := sticky.get(slot), tuple) and key in kept[1]]

    def _note_due(self, sticky: dict[str, Any], keys: Iterable[tuple[str, Any, str]],
                  check_ins: frozenset[str]) -> None:
        """The booking's keys are due a check-in: the ledger's own pick for what
        excludes it leaves them."""
        check_in = min(check_ins)
        for _, key, due in keys:
            sticky.setdefault(due, {})[key] = check_in

    def _cancelling(self, event: str, sample: Sample) -> Sample:
        """``sample`` of cancel ``event``, showing a paid booking whose stay is still to
        come and stopping its check-in."""
        ledgers = self.cancels[event]

        def of_a_stay_to_come(u: Any, t: str) -> dict[str, Any]:
            marks: Stays | None = u.sticky.get(SLOT)
            if marks is None or CHOSEN in u.sticky:
                return sample(u, t)
            today = int(u.clock // DAY_SECONDS)
            for due_too in (False, True):   # one the planner brought no check-in for first
                for ledger in ledgers:
                    dues = u.sticky.get(due_slot(ledger), {})
                    thing = next((x for x in ledger.open_things(u.sticky, event)
                                  if (x.key in dues) == due_too
                                  and _to_come(marks.starts.get(x.key), today, due_too)),
                                 None)
                    if thing is None:
                        continue
                    del marks.starts[thing.key]     # cancelled: no stay to come
                    number = marks.numbers.pop(thing.key, None) if due_too else None
                    if number is not None:  # nobody checks in after cancelling
                        dues.pop(thing.key, None)
                        marks.stop(number)
                    return draw_as_kept(sample, u, t, thing.kept, ledger.slots, chosen=True)
            return sample(u, t)

        return of_a_stay_to_come


def _to_come(first: int | None, today: int, due: bool) -> bool:
    """A stay beginning on window day ``first`` is still to come ``today``: a stay due a
    check-in only before its first day (the planner may check it in today), another one
    on its first day too."""
    return first is not None and (first > today or (first == today and not due))


def _first(shown: Iterable[Mapping[str, Any]], names: frozenset[str]) -> Any:
    return next((v[n] for v in shown for n in sorted(names & v.keys())
                 if isinstance(v[n], str)), None)


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if isinstance(text, str) else None
    except ValueError:
        return None


def _nights(shown: Iterable[Mapping[str, Any]]) -> int:
    """The booking's nights (1 where it names none)."""
    return next((n for v in shown if (n := nights_of(v)) is not None), 1)


def plan_stay_bookings(groups: tuple[PairGroup, ...], ledgers: tuple[FollowUps, ...],
                       rules: Rules) -> StayBookings | None:
    """The triggers of the follow-ups that start a stay (``hotel_checkin`` following
    ``pay_success``), where some property names a stay's first day."""
    starts = frozenset(n for n, spec in rules.properties.items()
                       if spec.kind == kinds.STAY and not kinds.ends_a_stay(n))
    triggers: dict[str, set[str]] = {}
    for event, spec in rules.events.items():
        if spec.follows and kinds.starts_a_stay(event) and starts:
            triggers.setdefault(spec.follows, set()).add(event)
    if not triggers:
        return None
    events = set(triggers) | {e for found in triggers.values() for e in found}
    mine = [g for g in groups if len(events & set(g.members)) >= 2]
    dues = {ledger.group.slot: due_slot(ledger) for ledger in ledgers}
    check_ins = {e for found in triggers.values() for e in found}
    cancels: dict[str, list[FollowUps]] = {}
    for ledger in ledgers:
        for cancel, barred in sorted(ledger.exclusive.items()):
            if cancel not in check_ins and ledger.follows.get(cancel) in triggers \
                    and barred & check_ins and ledger.group.slot in dues:
                cancels.setdefault(cancel, []).append(ledger)
    return StayBookings(
        triggers={t: frozenset(found) for t, found in sorted(triggers.items())},
        check_ins=frozenset(e for found in triggers.values() for e in found),
        slots=tuple(s for g in mine for s in (g.slot, f"{g.slot}\x1fmoney")),
        keys=tuple((g.slot, g.key, dues[g.slot]) for g in mine if g.slot in dues),
        starts=starts,
        ends=frozenset(n for n, spec in rules.properties.items()
                       if spec.kind == kinds.STAY and kinds.ends_a_stay(n)),
        cancels={c: tuple(found) for c, found in cancels.items()})


#: Where the session's latest searched stay value of a property lives in ``user.sticky``.
_SEARCHED = "\x1fsearched\x1f"


def shares_the_search(rules: Rules, name: str) -> bool:
    """A stay's first day (Rules ``kind: stay``, not a checkout date) or its nights: what
    a booking takes from the search before it (a checkout date follows from the two)."""
    spec = rules.properties.get(name)
    if spec is not None and spec.kind == kinds.STAY:
        return not kinds.ends_a_stay(name)
    return names_nights(name) and any(s.kind == kinds.STAY for s in rules.properties.values())


def as_searched(name: str, event: str, inner: Sampler) -> Sampler:
    """``name`` as the session's latest other event naming it drew it (the search before
    the booking), else ``inner``'s draw, remembered for the events after it."""
    key = _SEARCHED + name

    def searched(u: UserContext, v: dict[str, Any], t: str) -> Any:
        kept = u.sticky.get(key)
        if kept is not None and kept[0] == u.session_number and kept[1] != event:
            return kept[2]
        x = inner(u, v, t)
        u.sticky[key] = (u.session_number, event, x)
        return x

    def source(w: Writer, out: str) -> list[str]:
        kept, slot, me = w.temp(), w.ref(key), w.ref(event)
        return [f"{kept} = sk.get({slot})",
                f"if {kept} is not None and {kept}[0] == u.session_number and {kept}[1] != {me}:",
                f"    {out} = {kept}[2]",
                "else:", *indent(w.value(inner, out)),
                f"    sk[{slot}] = (u.session_number, {me}, {out})"]

    return with_source(searched, source)
