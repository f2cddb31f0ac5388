"""Toggles: an add names a thing the user does not hold.

A toggle pair (``favorite_add`` / ``favorite_remove``, ``follow`` / ``unfollow``:
heuristic_flows.yaml ``toggle_words``, :func:`~demogen.analysis.heuristic.values.toggles.
is_toggle`) puts a thing (the pair's shared thing id: ``series_id``) in the user's set and
takes it out. Per user and role, an add of a thing the user added in the window and has not
removed since is a favourite added twice. (A remove of a thing not added in the window is
not reported: it may have been added before.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic.values.steps import step_thing_id
from demogen.analysis.heuristic.values.toggles import is_toggle
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["TogglesChecker"]


class TogglesChecker(Checker):
    name = "toggles"
    description = ("per user, a toggle's add (favorite_add, follow: heuristic_flows.yaml "
                   "toggle_words) names a thing (series_id) not already added and not removed "
                   "since")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        #: Event → (the pair's add event, its key, whether the event adds).
        self.toggles: dict[str, tuple[str, str, bool]] = {}
        if given.plan is not None:
            props = {e.name: list(e.properties) for e in given.plan.events}
            for put in sorted(props):
                for take in sorted(props):
                    shared = [n for n in props[put] if n in props[take]]
                    key = step_thing_id(shared)
                    if key is not None and put != take and is_toggle(put, take):
                        self.toggles[put] = (put, key, True)
                        self.toggles[take] = (put, key, False)
        #: (user, role, add event) → the things held.
        self.held: dict[tuple[str, str, str], set[str]] = {}

    def active(self) -> bool:
        return bool(self.toggles)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None or seen[0] not in self.toggles:
            return
        event, uid, props, _ = seen
        put, key, adds = self.toggles[event]
        if key not in props:
            return
        thing = str(props[key])
        held = self.held.setdefault((uid, str(record.get("#account_id")), put), set())
        if adds and thing in held:
            report(where, f"user {uid}: {event} of {key} {props[key]!r}, added before and not "
                          "removed since")
        if adds:
            held.add(thing)
        else:
            held.discard(thing)
