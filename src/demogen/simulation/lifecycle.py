"""Lifecycle stages (advance with what a user did) and the stage filter on events.

The filter is the seed's LifecycleRulesEngine: per stage a list of wildcard patterns
(``tutorial_*``, ``*_start``); an event is allowed when any pattern matches. Stages only
move forward.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from demogen.vocab import LifecycleStage

STAGE_ORDER: tuple[LifecycleStage, ...] = tuple(LifecycleStage)
_RANK = {stage: i for i, stage in enumerate(STAGE_ORDER)}


def rank(stage: LifecycleStage) -> int:
    return _RANK[stage]


def advance(current: LifecycleStage, reached: LifecycleStage) -> LifecycleStage:
    """The later of two stages: stages never go back."""
    return reached if _RANK[reached] > _RANK[current] else current


def allowed_events(
    events: list[str], lifecycle_rules: dict[LifecycleStage, list[str]]
) -> dict[LifecycleStage, frozenset[str]]:
    """For each stage, the events its patterns allow (all events where no rule is given).

    A stage whose patterns match nothing falls back to the next stage's set, so a too
    narrow rule slows a user down instead of leaving sessions empty.
    """
    result: dict[LifecycleStage, frozenset[str]] = {}
    fallback = frozenset(events)
    for stage in reversed(STAGE_ORDER):
        patterns = lifecycle_rules.get(stage)
        if patterns is None:
            allowed = frozenset(events)
        else:
            allowed = frozenset(
                e for e in events if any(fnmatchcase(e.lower(), p.lower()) for p in patterns)
            )
        result[stage] = allowed or fallback
        fallback = result[stage]
    return result
