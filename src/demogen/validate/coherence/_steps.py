"""Steps: a record showing a thing's level before and after one step climbs one level from
where the thing's last step left it.

A step pair (``from_level`` / ``to_level``, ``old_star`` / ``new_star``: data/steps.yaml,
:func:`~demogen.analysis.heuristic.values.steps.step_pairs`) shows one step: after = before
+ 1. Per user, role and thing (the record's id: ``building_id``; none: the user's one), a
step starts where the last one ended, and an event showing only the after side
(``building_upgrade_finish.to_level``) shows the level the last step reached. A building
upgraded 5 → 6 and then 4 → 5, or finished at 9 after a start to 6, is what a drill-down
into one building finds contradicted. The first step of a thing in the window may start
anywhere (it may have stepped before the window).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic.values.steps import step_pairs, step_thing_id
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["StepsChecker"]

#: A step pair: (before name, after name).
Pair = tuple[str, str]


class StepsChecker(Checker):
    name = "steps"
    description = ("per user and thing (building_id), a level before/after pair (from_level / "
                   "to_level: data/steps.yaml) steps one level (after = before + 1) from where "
                   "the thing's last step ended; an event showing only the after side shows "
                   "that level")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        #: Event → its step pairs (from the plan when given, else from its first record).
        self.pairs: dict[str, list[Pair]] = {}
        #: Event → (after name, its pair) the event shows alone (the plan's pairs only).
        self.lone: dict[str, list[tuple[str, Pair]]] = {}
        if given.plan is not None:
            self._read_plan(given)
        #: (user, role, pair, thing) → the level the thing's last step reached.
        self.last: dict[tuple[str, str, Pair, Any], Any] = {}

    def _read_plan(self, given: CoherenceInput) -> None:
        assert given.plan is not None
        names = {e.name: list(e.properties) for e in given.plan.events}
        for event, props in sorted(names.items()):
            self.pairs[event] = step_pairs(props)
        afters = {pair[1]: pair for pairs in self.pairs.values() for pair in pairs}
        for event, props in sorted(names.items()):
            shown = {name for pair in self.pairs[event] for name in pair}
            lone = [(name, afters[name]) for name in sorted(props)
                    if name in afters and name not in shown]
            if lone and step_thing_id(props) is not None:
                self.lone[event] = lone

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None:
            return
        event, uid, props, _ = seen
        pairs = self.pairs.get(event)
        if pairs is None:
            pairs = self.pairs[event] = step_pairs(props.keys())
        if not pairs and event not in self.lone:
            return
        role = str(record.get("#account_id"))
        thing = step_thing_id(props.keys())
        named = props.get(thing) if thing is not None else None
        for pair in pairs:
            self._step(event, props, pair, (uid, role, pair, named), where, report)
        for after, pair in self.lone.get(event, []):
            last = self.last.get((uid, role, pair, named))
            if after in props and last is not None and props[after] != last:
                report(where, f"user {uid}: {event} shows {after} {props[after]!r} for "
                              f"{thing} {named!r}, whose last step reached {last!r}")

    def _step(self, event: str, props: Mapping[str, Any], pair: Pair,
              key: tuple[str, str, Pair, Any], where: Where, report: Report) -> None:
        before, after = props.get(pair[0]), props.get(pair[1])
        if not _is_level(before) or not _is_level(after):
            return
        uid, thing = key[0], key[3]
        of = f" of {thing!r}" if thing is not None else ""
        if after != before + 1:
            report(where, f"user {uid}: {event} {pair[0]} {before!r} → {pair[1]} {after!r}"
                          f"{of} is not one step")
        last = self.last.get(key)
        if last is not None and before != last:
            report(where, f"user {uid}: {event} {pair[0]} {before!r}{of}, whose last step "
                          f"reached {last!r}")
        self.last[key] = after


def _is_level(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
