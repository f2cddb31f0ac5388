"""Positions: a user's parts of one thing never go back.

A number naming a part of a thing (``episode_no``, ``chapter_number``, ``lesson_idx``:
data/steps.yaml ``position_words``, :func:`~demogen.analysis.heuristic.values.steps.
is_position`) beside the record's thing id (``series_id``) is where the user is in that
thing: a reader moves on to the next episode of a series (or reads one again), never back
to an earlier one. Per user, role and thing, a part below the highest the user has shown
is what a drill-down into one reader's series finds contradicted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic.values.steps import is_position, step_thing_id
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["PositionsChecker"]


class PositionsChecker(Checker):
    name = "positions"
    description = ("per user and thing (series_id), a number naming a part of it (episode_no, "
                   "chapter_number: data/steps.yaml position_words) never goes below the "
                   "highest part the user has shown of that thing")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        #: Event → (its part properties, its thing id), from its first record.
        self.parts: dict[str, tuple[tuple[str, ...], str | None]] = {}
        #: (user, role, property, thing) → the highest part shown.
        self.top: dict[tuple[str, str, str, Any], Any] = {}

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None:
            return
        event, uid, props, _ = seen
        found = self.parts.get(event)
        if found is None:
            found = self.parts[event] = _parts(props.keys())
        names, thing = found
        if thing is None or thing not in props:
            return
        role = str(record.get("#account_id"))
        for name in names:
            part = props.get(name)
            if not isinstance(part, int | float) or isinstance(part, bool):
                continue
            key = (uid, role, name, str(props[thing]))
            top = self.top.get(key)
            if top is not None and part < top:
                report(where, f"user {uid}: {event} shows {name} {part!r} of {thing} "
                              f"{props[thing]!r} after {top!r}")
            else:
                self.top[key] = part


def _parts(names: Any) -> tuple[tuple[str, ...], str | None]:
    thing = step_thing_id(names)
    return tuple(sorted(n for n in names if is_position(n) and n != thing)), thing
