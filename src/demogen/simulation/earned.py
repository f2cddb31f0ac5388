"""Things earned once (Rules ``properties.<p>.earned``: ``badge_id`` on ``badge_earned``),
as both sides of the run see them.

A user earns each value once, and a value naming a distance (``first_5k: [5, run]``) only
once they have covered it. The values side notes the farthest distance per activity
(``values/_earned.py``) and the values earned in ``user.sticky`` (the per-user memory both
sides reach); the planner lets an earning event happen only while something is left to
earn that is reached (:meth:`Earnable.left`), so a user never earns a badge twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from demogen.analysis.rules import Earned, Rules

_HELD = "earned\x1f"
_COVERED = "covered\x1f"
_TOTAL = "total\x1f"


@dataclass(frozen=True, slots=True)
class Earnable:
    """One property's things earned: what can be earned and what each needs covered."""

    prop: str
    values: tuple[str, ...]
    #: Value → (the distance, the activity values it counts on; empty: any).
    needs: Mapping[str, tuple[float, frozenset[str]]]
    #: Values whose distance is a total over the user's records (``distance_50k``).
    totals: frozenset[str]
    #: ``user.sticky`` slots: the values earned (a dict, in the order earned), and per
    #: activity the farthest distance and the distance in all.
    held_slot: str
    covered_slot: str
    total_slot: str

    def reached(self, sticky: Mapping[str, Any], value: Any) -> bool:
        """Whether ``value`` needs no distance, or one the user has covered."""
        need = self.needs.get(str(value))
        if need is None:
            return True
        least, kinds = need
        far = sticky.get(self.total_slot if value in self.totals else self.covered_slot) or {}
        shown = [km for kind, km in far.items() if not kinds or kind in kinds]
        return (sum(shown) if value in self.totals else max(shown, default=0)) >= least

    def fresh(self, sticky: Mapping[str, Any]) -> list[str]:
        """The values still to earn that the user has reached, in the plan's order."""
        held = sticky.get(self.held_slot) or {}
        return [v for v in self.values if v not in held and self.reached(sticky, v)]


def earnable(prop: str, earned: Earned) -> Earnable:
    needs = {value: (float(need[0]), frozenset(str(k) for k in need[1:]))
             for value, need in earned.needs.items() if need}
    distance = earned.distance or ""
    return Earnable(prop, tuple(earned.values), needs, frozenset(earned.totals),
                    _HELD + prop, _COVERED + distance, _TOTAL + distance)


def covered_slots(distance: str) -> tuple[str, str]:
    """Where the farthest ``distance`` per activity and its sum live in ``user.sticky``."""
    return _COVERED + distance, _TOTAL + distance


def earning_events(rules: Rules) -> dict[str, tuple[Earnable, ...]]:
    """Event → the things earned on it (``badge_earned`` → ``badge_id``'s)."""
    out: dict[str, list[Earnable]] = {}
    for name, spec in sorted(rules.properties.items()):
        if spec.earned is None or not spec.earned.values:
            continue
        found = earnable(name, spec.earned)
        for event in spec.earned.events:
            out.setdefault(event, []).append(found)
    return {event: tuple(found) for event, found in out.items()}


__all__ = ["Earnable", "covered_slots", "earnable", "earning_events"]
