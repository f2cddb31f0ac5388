"""Counted sums: nothing summed where nothing was counted.

An event that adds its amount to one user property and 1 to another (a purchase:
``total_pay_amount`` += ``price_usd``, ``pay_count`` += 1; a ride: ``lifetime_spend`` +=
``total_charged``, ``total_rides`` += 1: :func:`~demogen.analysis.heuristic.values.
progression.counted_sums`) keeps the two together. Per user, as their ``user_set`` and
``user_add`` records leave the profile after each moment (records at one ``#time`` taken
together), a sum above 0 beside its count at 0 is money paid by nobody (the bundled game's
players showed a paid total, and a VIP level from it, with no payment counted).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic.values.progression import counted_sums
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where

__all__ = ["CountedSumsChecker"]


class CountedSumsChecker(Checker):
    name = "counted_sums"
    description = ("per user, a sum an event adds its amount to (total_pay_amount) is 0 "
                   "while the count it adds 1 to (pay_count) is")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        self.pairs = counted_sums(given.rules)
        self.watched = frozenset(n for pair in self.pairs for n in pair)
        #: user → (their profile of the watched properties, the #time it was last moved at,
        #: where).
        self.users: dict[str, tuple[dict[str, Any], str, Where | None]] = {}
        self.reported: set[str] = set()

    @property
    def active(self) -> bool:
        return bool(self.pairs)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        kind, props = record.get("#type"), record.get("properties")
        if kind not in ("user_set", "user_add") or not isinstance(props, dict) \
                or not self.watched & props.keys():
            return
        uid, time = str(record.get("#distinct_id")), str(record.get("#time", ""))
        profile, last, at = self.users.get(uid, ({}, time, where))
        if time != last:
            self._judge(uid, profile, at, report)
        for name in self.watched & props.keys():
            value = props[name]
            if not isinstance(value, int | float):
                continue
            profile[name] = value if kind == "user_set" else profile.get(name, 0) + value
        self.users[uid] = (profile, time, where)

    def finish(self, report: Report) -> None:
        for uid, (profile, _, at) in self.users.items():
            self._judge(uid, profile, at, report)

    def _judge(self, uid: str, profile: dict[str, Any], where: Where | None,
               report: Report) -> None:
        if uid in self.reported:
            return
        for total, count in self.pairs:
            if profile.get(total, 0) > 0 and not profile.get(count, 0):
                report(where, f"user {uid}: {total} {profile[total]} with {count} 0 "
                              "(an amount summed, nothing counted)")
                self.reported.add(uid)
                return
