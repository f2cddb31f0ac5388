"""Events done inside a stay are done while the user is in it: a gift inside a live stream.

Rules ``events.<e>.during: <opener>`` (``gift_send`` during ``live_enter``) says the event
happens between the user's opening a stay and leaving it (the later steps of the opener's
session sequence, ``live_exit``), showing the stay's key (``live_id``: the sequence's
``key``, else the id the opener and event share whose word is the opener's: live_enter →
live_id). A session's start or end closes every stay. The check reports such an event
showing no stay the user is in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where


@dataclass(frozen=True, slots=True)
class _Stay:
    opener: str
    closers: frozenset[str]
    key: str


class StaysChecker(Checker):
    name = "stays"
    description = ("an event done inside a stay (Rules events.*.during: a gift in a live "
                   "stream) comes between the user's entering it and leaving it, showing "
                   "its id")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        rules = given.rules
        ec = rules.event_constraints
        self.stays: dict[str, _Stay] = {}
        for event, spec in rules.events.items():
            if spec.during is None:
                continue
            detail = next((d for d in ec.sequence_details
                           if d.events and d.events[0] == spec.during), None)
            closers = frozenset(detail.events[1:]) if detail is not None else frozenset()
            key = (detail.key if detail is not None else None) or _key_of(spec.during)
            self.stays[event] = _Stay(spec.during, closers, key)
        self.openers = {s.opener: s.key for s in self.stays.values()}
        self.closers = {c: s.key for s in self.stays.values() for c in s.closers}
        self.bounds = frozenset((*ec.session_start_events, *ec.session_end_events))
        self._open: dict[str, dict[str, set[Any]]] = {}   # user → opener → ids open

    @property
    def active(self) -> bool:
        return bool(self.stays)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        name, uid = record.get("#event_name"), record.get("#distinct_id")
        props = record.get("properties")
        if record.get("#type") != "track" or not isinstance(uid, str) \
                or not isinstance(props, dict):
            return
        if name in self.bounds:
            self._open.pop(uid, None)
        if name in self.openers:
            self._open.setdefault(uid, {}).setdefault(str(name), set()).add(
                props.get(self.openers[str(name)]))
        if name in self.closers:
            for ids in self._open.get(uid, {}).values():
                ids.discard(props.get(self.closers[str(name)]))
        stay = self.stays.get(str(name))
        if stay is not None:
            shown = props.get(stay.key)
            if shown not in self._open.get(uid, {}).get(stay.opener, set()):
                report(where, f"{name} ({stay.key} {shown!r}) outside any {stay.opener} of "
                              "the user's still open in the session")


def _key_of(opener: str) -> str:
    """``live_enter`` → ``live_id``: the id of the thing the opener enters."""
    return f"{opener.rsplit('_', 1)[0]}_id"


__all__ = ["StaysChecker"]
