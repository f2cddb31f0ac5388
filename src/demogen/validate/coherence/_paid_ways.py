"""Paid ways: a thing had with an in-app currency was bought first.

Rules ``paid_ways`` name a way of having a thing (``unlock_type``) whose codes paid in an
in-app currency (``4``: 소장(코인)) need a spend of it (``coin_use``) on the same thing (the
way's ``keys``: ``series_id``, ``episode_no``) before, in the user's session (between two of
the rules' ``session_start_events``). A record showing a paid code with no such spend is
reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["PaidWaysChecker"]


class PaidWaysChecker(Checker):
    name = "paid_ways"
    description = ("a way paid in an in-app currency (unlock_type 4: 소장(코인); rules "
                   "paid_ways) comes after a spend (coin_use) of the same thing in the session")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        rules = given.rules
        self.ways = dict(sorted(rules.paid_ways.items()))
        self.starts = frozenset(rules.event_constraints.session_start_events)
        #: Spend event → the ways it buys for.
        self.spends: dict[str, list[str]] = {}
        for name, way in self.ways.items():
            for event in way.spends:
                self.spends.setdefault(event, []).append(name)
        #: (user, way) → the things spent on this session.
        self.spent: dict[tuple[str, str], set[tuple[str, ...]]] = {}

    @property
    def active(self) -> bool:
        return bool(self.ways) and bool(self.starts)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None:
            return
        event, uid, props, _ = seen
        if event in self.starts:
            for name in self.ways:
                self.spent.pop((uid, name), None)
        for name in self.spends.get(event, ()):
            self.spent.setdefault((uid, name), set()).add(self._thing(name, props))
        for name, way in self.ways.items():
            code = props.get(name)
            if code is None or str(code) not in way.paid or event in way.spends \
                    or not all(k in props for k in way.keys):
                continue
            if self._thing(name, props) not in self.spent.get((uid, name), set()):
                shown = ", ".join(f"{k} {props[k]!r}" for k in way.keys)
                report(where, f"user {uid}: {event} {name} {code!r} (paid) with no "
                              f"{' / '.join(way.spends)} of {shown} before it in the session")

    def _thing(self, name: str, props: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(str(props.get(k)) for k in self.ways[name].keys)
