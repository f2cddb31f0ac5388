"""A played-out title stops (issue 13): where a tick's playhead reaches the title's length
shown beside it, the playback ends there, with its completion (Rules ``playback.complete``)
in that tick's place, and nothing more of it comes until the next start.

The planner plans a session's ticks before the values draw the title and its length, so
only the records know where a title ends: the engine hands each playback record here once
its values are drawn (``Playout.settle``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from demogen.analysis.heuristic.values.milestones import names_length
from demogen.simulation.behaviour import BehaviourPlan
from demogen.simulation.population import SimUser
from demogen.taxonomy import EventTaxonomy

#: Where a user's playout lives in ``user.sticky``: (the last start, whether it ended).
SLOT = "\x1fplayout"
_NOTHING = (None, False)

Sample = Callable[[SimUser, str], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Playout:
    starts: frozenset[str]
    #: The starts, and what plays until the end (ticks, controls, completions): the
    #: records the engine hands here.
    watch: frozenset[str]
    completes: frozenset[str]
    #: Per tick, its (playhead, title length) property pairs.
    ends: dict[str, tuple[tuple[str, str], ...]]
    #: Per start, the completion its chains lead to (the first one: none, the playback
    #: just stops at the end).
    completion: dict[str, str]

    def settle(self, user: SimUser, event: str, props: dict[str, Any], text: str,
               samplers: dict[str, Sample]) -> tuple[str, dict[str, Any]] | None:
        """The record to keep for this playback event: itself, its playback's completion
        in its place (a tick reaching the title's end), or None (after the end)."""
        start, ended = user.sticky.get(SLOT, _NOTHING)
        if event in self.starts:
            user.sticky[SLOT] = (event, False)
            return event, props
        if ended:
            return None
        if event in self.completes:
            user.sticky[SLOT] = (start, True)
        elif self._at_end(event, props):
            user.sticky[SLOT] = (start, True)
            complete = self.completion.get(start) if start is not None else None
            if complete is not None:
                return complete, samplers[complete](user, text)
        return event, props

    def _at_end(self, event: str, props: dict[str, Any]) -> bool:
        for head, length in self.ends.get(event, ()):
            at, end = props.get(head), props.get(length)
            if isinstance(at, int | float) and isinstance(end, int | float) and at >= end:
                return True
        return False


def compile_playout(taxonomy: EventTaxonomy, plan: BehaviourPlan,
                    playheads: list[str]) -> Playout | None:
    """The playout of a plan whose ticks show a playhead beside the title's length (None:
    nothing to stop)."""
    controls = plan.controls
    ends: dict[str, tuple[tuple[str, str], ...]] = {}
    for event in plan.progress:
        found = taxonomy.event(event)
        present = sorted(found.properties) if found is not None else []
        pairs = tuple((head, length) for head in playheads if head in present
                      for length in present if length != head and names_length(length))
        if pairs:
            ends[event] = pairs
    if not ends or not controls.starts:
        return None
    completion: dict[str, str] = {}
    for start in sorted(controls.starts):
        step = next((s for flow in plan.chains.get(start, ()) for s in flow.steps
                     if s in controls.completes), None)
        if step is not None:
            completion[start] = step
    return Playout(starts=controls.starts,
                   watch=frozenset(plan.progress) | controls.starts | controls.pauses
                   | controls.resumes | controls.within | controls.completes,
                   completes=controls.completes, ends=ends, completion=completion)
