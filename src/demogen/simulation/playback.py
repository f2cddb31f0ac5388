"""Playbacks with milestone progress events (Rules ``playback.milestones``, issue 13).

A milestone event (GA4 ``video_progress`` at 10/25/50/75 %) is sent once per threshold a
playback passes, in increasing order, only up to how far the viewer watched; its
completion (``video_complete``) only after the whole title. The planner plays a playback
where its start is drawn (``SessionPlanner``); the values show each milestone's threshold
(``values/_milestones``), which the planner tells them here, in ``user.sticky``.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.heuristic.values.milestones import percent_steps
from demogen.analysis.rules import Rules
from demogen.taxonomy import EventTaxonomy

#: Chance a viewer watches to the end when no funnel declares the start → end conversion.
DEFAULT_FINISH = 0.5
#: Where a user's marks live in ``user.sticky`` (the per-user memory both sides reach).
SLOT = "\x1fplayback_marks"


@dataclass(frozen=True, slots=True)
class MilestonePlan:
    """One playback start's milestones."""

    event: str
    complete: str | None
    #: Thresholds as shares of the title (0, 1], increasing.
    steps: tuple[float, ...]
    #: Chance the viewer watches to the end (the funnel's start → complete conversion).
    finish: float

    def watched(self, rnd: random.Random) -> float:
        """How far one playback gets: the whole title with ``finish``, else anywhere
        before its end (a viewer who stops may stop at any point)."""
        return 1.0 if rnd.random() < self.finish else rnd.random()

    def passed(self, watched: float) -> int:
        """How many thresholds a playback watched this far passes."""
        return sum(1 for step in self.steps if step <= watched)


@dataclass(slots=True)
class PlaybackMarks:
    """The threshold index of each milestone the planner planned in the session, in order
    (the values take them one by one as the records are drawn)."""

    queue: deque[int] = field(default_factory=deque)


def playback_marks(sticky: dict[str, Any]) -> PlaybackMarks:
    """The user's marks (made on first use)."""
    marks = sticky.get(SLOT)
    if marks is None:
        marks = sticky[SLOT] = PlaybackMarks()
    return marks


def milestone_thresholds(taxonomy: EventTaxonomy, rules: Rules, event: str) -> tuple[float, ...]:
    """The milestone's thresholds in percent: Rules' own, else its property's enum."""
    spec = rules.playback.milestones[event]
    if spec.thresholds:
        return tuple(sorted(set(spec.thresholds)))
    prop = next((p for p in taxonomy.properties if p.name == spec.property), None)
    return percent_steps(prop) if prop is not None else ()


def compile_milestones(taxonomy: EventTaxonomy, rules: Rules,
                       known: set[str]) -> dict[str, MilestonePlan]:
    """Playback start → its milestones, for the milestones the plan has."""
    out: dict[str, MilestonePlan] = {}
    for event, spec in rules.playback.milestones.items():
        steps = milestone_thresholds(taxonomy, rules, event)
        if event not in known or spec.start not in known or not steps:
            continue
        complete = spec.complete if spec.complete in known else None
        finish = rules.event_constraints.step_conversion(spec.start, complete) \
            if complete else None
        out[spec.start] = MilestonePlan(
            event=event, complete=complete, steps=tuple(s / 100 for s in steps),
            finish=DEFAULT_FINISH if finish is None else finish)
    return out


@dataclass(frozen=True, slots=True)
class PlaybackControls:
    """The player's controls (Rules ``playback.start/pause/resume/within/complete``) as the
    planner keeps them: a pause only while something plays in the session (after a start,
    not after its completion, and not while paused), and its resume right after it (or
    none: the viewer leaves); a resume never otherwise; a seek or a buffering (``within``)
    only while something plays; a completion ends the playback."""

    starts: frozenset[str] = frozenset()
    pauses: frozenset[str] = frozenset()
    #: The resume a pause is followed by (the first the plan has), or None.
    resume: str | None = None
    resumes: frozenset[str] = frozenset()
    within: frozenset[str] = frozenset()
    #: What ends a playback (``playback.complete``): nothing of it plays after.
    completes: frozenset[str] = frozenset()
    #: Share of pauses not resumed: the playback ends paused.
    left_paused: float = 0.0


def compile_controls(rules: Rules, known: set[str]) -> PlaybackControls:
    """The controls the plan has; pauses and ``within`` events need a start (none: no
    rule)."""
    playback = rules.playback
    starts = frozenset(e for e in playback.start if e in known)
    resumes = tuple(e for e in playback.resume if e in known)
    pauses = frozenset(e for e in playback.pause if e in known) if starts else frozenset()
    within = frozenset(e for e in playback.within if e in known) if starts else frozenset()
    completes = frozenset(e for e in playback.complete if e in known) if starts else frozenset()
    return PlaybackControls(starts=starts, pauses=pauses,
                            resume=resumes[0] if resumes else None, resumes=frozenset(resumes),
                            within=within - pauses - set(resumes) - starts,
                            completes=completes - starts, left_paused=playback.left_paused)
