"""Things earned once: a badge, an achievement, a trophy (Rules ``properties.<p>.earned``).

Per user, a value of an earned thing (``badge_id`` on ``badge_earned``) shown by an earning
event a second time is a badge earned twice; a value naming a distance (``first_5k: [5,
run]``) shown before any record of the user covered it (``distance_km`` at least 5 beside a
``workout_type`` it counts on; a total, ``distance_50k``, over all of them) is a badge not
earned. (A distance covered before the window
cannot be seen: a user seen from the window's start may be reported; the generator keeps
to what the window shows.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.rules import Earned
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["EarnedChecker"]


class EarnedChecker(Checker):
    name = "earned"
    description = ("per user, a thing earned (badge_id on badge_earned: rules properties "
                   "earned) is earned once, and one naming a distance (first_5k) after a "
                   "record covering it")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        #: Event → the earned properties on it.
        self.earning: dict[str, list[tuple[str, Earned]]] = {}
        #: (distance property, activity property) pairs to note.
        self.grounds: set[tuple[str, str]] = set()
        for name, spec in sorted(given.rules.properties.items()):
            if spec.earned is None:
                continue
            for event in spec.earned.events:
                self.earning.setdefault(event, []).append((name, spec.earned))
            if spec.earned.distance and spec.earned.activity:
                self.grounds.add((spec.earned.distance, spec.earned.activity))
        #: (user, property) → the values earned.
        self.held: dict[tuple[str, str], set[str]] = {}
        #: (user, distance property) → the farthest per activity, and the sum.
        self.far: dict[tuple[str, str], dict[str, float]] = {}
        self.total: dict[tuple[str, str], dict[str, float]] = {}

    @property
    def active(self) -> bool:
        return bool(self.earning)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None:
            return
        event, uid, props, _ = seen
        for distance, activity in self.grounds:
            x = props.get(distance)
            if isinstance(x, int | float) and not isinstance(x, bool) and activity in props:
                far = self.far.setdefault((uid, distance), {})
                kind = str(props[activity])
                far[kind] = max(far.get(kind, 0.0), float(x))
                total = self.total.setdefault((uid, distance), {})
                total[kind] = total.get(kind, 0.0) + float(x)
        for name, earned in self.earning.get(event, ()):
            if name not in props:
                continue
            value = str(props[name])
            held = self.held.setdefault((uid, name), set())
            if value in held:
                report(where, f"user {uid}: {event} of {name} {value!r}, earned before")
            held.add(value)
            need = earned.needs.get(value)
            seen_far = self.total if value in earned.totals else self.far
            if need and earned.distance and not _covered(
                    seen_far.get((uid, earned.distance), {}), need, value in earned.totals):
                report(where, f"user {uid}: {event} of {name} {value!r} before any "
                              f"{earned.distance} of {need[0]:g} "
                              f"({', '.join(map(str, need[1:])) or 'any activity'})")


def _covered(far: Mapping[str, float], need: list[Any], total: bool) -> bool:
    least, kinds = float(need[0]), {str(k) for k in need[1:]}
    shown = [km for kind, km in far.items() if not kinds or kind in kinds]
    return (sum(shown) if total else max(shown, default=0.0)) >= least
