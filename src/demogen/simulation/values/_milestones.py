"""The threshold a milestone progress event shows (GA4 ``video_percent`` on
``video_progress``): the one the planner passed for that record (``simulation.playback``),
so a playback's milestones read 10, 25, 50, 75 in order."""

from __future__ import annotations

from typing import Any

from demogen.simulation._context import UserContext
from demogen.simulation.playback import SLOT, PlaybackMarks
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property


def milestone_sampler(tables: Tables, prop: Property, event: str | None) -> Sampler | None:
    """The sampler of a milestone's threshold property on its event (None: ``prop`` is
    none)."""
    spec = tables.rules.playback.milestones.get(event) if event is not None else None
    if spec is None or spec.property != prop.name:
        return None
    shown = _shown(spec.thresholds, prop)
    if not shown:
        return None
    last = len(shown) - 1

    def threshold(u: UserContext, values: dict[str, Any], time: str) -> Any:
        marks: PlaybackMarks | None = u.sticky.get(SLOT)
        passed = marks.queue.popleft() if marks is not None and marks.queue else 0
        return shown[min(passed, last)]

    return threshold


def _shown(thresholds: list[float], prop: Property) -> tuple[Any, ...]:
    """The thresholds as the records show them, increasing: Rules' own (a whole number as
    one), else the property's enum values as the plan writes them."""
    if thresholds:
        return tuple(int(t) if float(t).is_integer() else t for t in sorted(set(thresholds)))
    try:
        return tuple(sorted(set(prop.enum or ()), key=float))
    except (TypeError, ValueError):
        return ()
