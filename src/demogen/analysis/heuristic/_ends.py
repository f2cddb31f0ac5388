"""A start's alternative ends: one of them per start, their chances adding up to at most 1.

A start that leads several session sequences ends once, in the next step of one of them
(``combat_start → combat_victory | combat_failure``; the simulation draws one end per start
with the chance declared into it). Two things keep those chances honest:

- **nesting**: of two success-like ends about activities of different sizes, the coarser
  one follows the finer (``combat_victory → stage_clear``): a stage is cleared by winning
  its fight, not instead of it. Which activity is coarser is read from
  ``activity_scale`` in ``heuristic_flows.yaml`` (a round inside a battle inside a stage
  inside a chapter); the finer end is about the start's own activity.
- **fitting**: where the ends still declare more than 1 together (quest complete 0.9 from
  the first-day template, quest fail 0.3 from the quest's own completion rate), the
  failure ends share what the success ends leave (0.9 → 0.1), else all are scaled down to
  1. Without it the generator scales them down itself and no declared number holds.

Purchase attempts are left alone: a revenue event's chance is the purchase story's
(``BehaviourPlan.purchase_failures``), and two revenue events may record one purchase.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._funnels import follow_rate
from demogen.analysis.heuristic._sequences import Ordering
from demogen.analysis.rules import Funnel

#: Verb classes of an end that is a success of its start (a clear, a win, a completion).
SUCCESS_VERBS = frozenset({"end", "success"})
#: ... and of one that is not: a fail, or a quit before the end (``lesson_quit``, verb
#: class ``close``), which share what the successes leave.
FAIL_VERBS = frozenset({"fail", "close"})


@dataclass(frozen=True)
class NestedEnd:
    """``coarser`` was an end of ``start`` beside ``finer``; now it follows ``finer``."""

    start: str
    finer: str
    coarser: str


def nest_coarser_ends(ctx: Context, graph: Ordering) -> list[NestedEnd]:
    """Reroute ``start → coarser`` to ``finer → coarser`` in the ordering, for each start
    with a success end about its own activity and one about a coarser activity."""
    nested: list[NestedEnd] = []
    for start in sorted({a for a, _ in graph.edges}, key=lambda n: ctx.order[n]):
        successes = [b for b in graph.successors(start)
                     if graph.edges[start, b].seq and ctx.index.info(b).verb in SUCCESS_VERBS]
        own = ctx.index.info(start).obj
        finer = [b for b in successes if ctx.index.info(b).obj & own]
        if len(finer) != 1 or (rank := _scale(ctx, finer[0])) is None:
            continue
        for coarser in successes:
            size = _scale(ctx, coarser)
            if (not ctx.index.info(coarser).obj & own and size is not None and size > rank
                    and graph.reroute(start, finer[0], coarser)):
                nested.append(NestedEnd(start, finer[0], coarser))
    return nested


def _scale(ctx: Context, event: str) -> int | None:
    """How coarse the activity ``event`` is about is (``activity_scale``), if listed."""
    tiers: list[list[str]] = load("flows")["activity_scale"]
    obj = ctx.index.info(event).obj
    found = [i for i, words in enumerate(tiers) if obj & set(words)]
    return max(found) if found else None


def with_nested_ends(ctx: Context, funnels: list[Funnel], nested: list[NestedEnd]
                     ) -> list[Funnel]:
    """Funnels walking ``start → coarser`` walk ``start → finer → coarser``: the start
    converts into the finer end as it did into the coarser one (the finer end's own
    funnel, where one declares it, keeps that number), the coarser end follows the finer
    at its follow rate."""
    out = list(funnels)
    for end in nested:
        for i, funnel in enumerate(out):
            steps = funnel.steps
            if end.finer in steps or (end.start, end.coarser) not in pairwise(steps):
                continue
            at = steps.index(end.coarser)
            conversion = list(funnel.conversion or [])
            if conversion:
                conversion.insert(at + 1, follow_rate(ctx, end.coarser))
            out[i] = funnel.model_copy(update={
                "steps": [*steps[:at], end.finer, *steps[at:]], "conversion": conversion})
    return out


def fit_ends(ctx: Context, funnels: list[Funnel], details: list[dict[str, Any]],
             revenue: set[str]) -> list[Funnel]:
    """Funnels whose conversions into one start's ends add up to at most 1 (module doc)."""
    out = list(funnels)
    for start, ends in _alternative_ends(details).items():
        if set(ends) & revenue:
            continue
        where = {end: _declared_at(out, start, end) for end in ends}
        if any(w is None for w in where.values()):
            continue  # the generator's default shares the starts: nothing declared to fit
        declared = {end: out[f].conversion[s] for end, (f, s) in _located(where).items()}
        for end, p in _fitted(ctx, declared).items():
            f, s = _located(where)[end]
            conversion = list(out[f].conversion)
            conversion[s] = p
            out[f] = out[f].model_copy(update={"conversion": conversion})
    return out


def _alternative_ends(details: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Start → the next steps of the session sequences it leads, where more than one."""
    ends: dict[str, list[str]] = {}
    for detail in details:
        events = detail["events"]
        if detail["scope"] == "session" and len(events) >= 2:
            ends.setdefault(events[0], [])
            if events[1] not in ends[events[0]]:
                ends[events[0]].append(events[1])
    return {start: found for start, found in ends.items() if len(found) > 1}


def _declared_at(funnels: list[Funnel], a: str, b: str) -> tuple[int, int] | None:
    """(funnel, step) of the first funnel declaring ``a → b`` (the copy the rules read:
    ``EventConstraints.step_conversion``)."""
    for f, funnel in enumerate(funnels):
        if funnel.conversion:
            for s in range(1, len(funnel.steps)):
                if funnel.steps[s - 1] == a and funnel.steps[s] == b:
                    return f, s
    return None


def _located(where: dict[str, tuple[int, int] | None]) -> dict[str, tuple[int, int]]:
    return {end: at for end, at in where.items() if at is not None}


def _fitted(ctx: Context, declared: dict[str, float]) -> dict[str, float]:
    """New conversions for the ends whose number changes ({} when they fit already)."""
    total = sum(declared.values())
    if total <= 1:
        return {}
    failures = {e: p for e, p in declared.items() if ctx.index.info(e).verb in FAIL_VERBS}
    success = total - sum(failures.values())
    if failures and success < 1:
        left, weight = 1 - success, sum(failures.values())
        fitted = {e: _down(left * p / weight) for e, p in failures.items()}
    else:
        fitted = {e: _down(p / total) for e, p in declared.items()}
    # Four-decimal numbers that add up to 1 may sum to 1.0000000000000002 in floats.
    while sum({**declared, **fitted}.values()) > 1:
        largest = max(fitted, key=lambda e: (fitted[e], e))
        fitted[largest] = round(fitted[largest] - 0.0001, 4)
    return fitted


def _down(p: float) -> float:
    """``p`` to 4 decimals, rounded down so the ends never add up past 1 (a remainder
    computed as 0.0999999… stays 0.1)."""
    return math.floor(p * 10_000 + 1e-6) / 10_000


__all__ = ["NestedEnd", "fit_ends", "nest_coarser_ends", "with_nested_ends"]
