"""Custom segments: groups of users a person defines in ``demogen.yaml`` (``segments:``).

The built-in segments (NEW, ACTIVE, POWER, CHURNING, RETURNING) are states a user moves
through; a custom segment is who the user *is* for the whole run: weekend warriors, early
risers, high spenders. Each has a share of the users and changes how they behave:

- ``engagement``: multiplies the user's latent engagement (how often they come back);
- ``activity``: ``weekend_only``, ``early_morning``, ``night_owl``, or ``hours`` (24 weights,
  local time) and ``weekdays`` (7 weights, Monday first) of their own;
- ``spend``: multiplies the chance to be a payer and how often a payer buys;
- ``events`` / ``forbidden_events``: the only events they do, or events they never do
  (the session's start and end events always stay).

Example::

    segments:
      - {name: weekend_warriors, share: 0.2, activity: weekend_only}
      - {name: whales, share: 0.05, spend: 4, engagement: 1.5}

Membership is drawn from a stream of its own, seeded from (seed, user index): users outside
every custom segment behave exactly as in a run without segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["ActivityPattern", "CompiledSegment", "CustomSegment", "SegmentMembership"]


class ActivityPattern(StrEnum):
    WEEKEND_ONLY = "weekend_only"
    EARLY_MORNING = "early_morning"
    NIGHT_OWL = "night_owl"


#: Weekday weights (Monday first, mean 1) and local-hour weights of the named patterns.
_PATTERN_WEEKDAYS = {ActivityPattern.WEEKEND_ONLY: (0, 0, 0, 0, 0, 3.5, 3.5)}
_PATTERN_HOURS = {
    ActivityPattern.EARLY_MORNING: (1, 0.5, 0.5, 1, 4, 10, 14, 12, 6, 2, 1, 1,
                                    1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5),
    ActivityPattern.NIGHT_OWL: (10, 8, 5, 2, 0.5, 0.2, 0.2, 0.2, 0.3, 0.5, 0.5, 0.5,
                                0.8, 0.8, 0.8, 0.8, 1, 1, 1.5, 2, 4, 7, 10, 12),
}
#: A salt that keeps the membership stream apart from the user's own stream.
_MEMBERSHIP_STREAM = 0x5E6_3E47


class CustomSegment(BaseModel):
    """One custom segment as ``demogen.yaml`` declares it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, description="Shown in --debug-users and the report.")
    share: float = Field(gt=0, le=1, description="Share of all users, 0–1.")
    engagement: float = Field(1.0, gt=0, le=20, description="Engagement multiplier.")
    activity: ActivityPattern | None = Field(None, description="A named activity pattern.")
    hours: tuple[float, ...] | None = Field(
        None, min_length=24, max_length=24, description="24 local-hour weights.")
    weekdays: tuple[float, ...] | None = Field(
        None, min_length=7, max_length=7, description="7 weekday weights, Monday first.")
    spend: float = Field(1.0, ge=0, le=50, description="Spend multiplier (payers, purchases).")
    events: tuple[str, ...] | None = Field(None, description="The only events they do.")
    forbidden_events: tuple[str, ...] = Field((), description="Events they never do.")

    @model_validator(mode="after")
    def _check(self) -> CustomSegment:
        for what, weights in (("hours", self.hours), ("weekdays", self.weekdays)):
            if weights is not None and (min(weights) < 0 or sum(weights) <= 0):
                raise ValueError(f"{what} needs non-negative weights with a positive sum")
        return self

    def weekday_weights(self) -> tuple[float, ...] | None:
        """Activity multipliers per weekday (mean 1), or None: the preset's week."""
        weights = self.weekdays or _PATTERN_WEEKDAYS.get(self.activity)  # type: ignore[arg-type]
        if weights is None:
            return None
        mean = sum(weights) / 7
        return tuple(w / mean for w in weights)

    def hour_weights(self) -> tuple[float, ...] | None:
        return self.hours or _PATTERN_HOURS.get(self.activity)  # type: ignore[arg-type]

    def describe(self) -> str:
        """One line for people: ``whales: 20% of users, spend ×5``."""
        parts = [f"{self.share:.0%} of users"]
        if self.engagement != 1:
            parts.append(f"engagement ×{self.engagement:g}")
        if self.activity is not None:
            parts.append(self.activity.value)
        parts += [what for what, given in (("own hours", self.hours),
                                           ("own weekdays", self.weekdays)) if given]
        if self.spend != 1:
            parts.append(f"spend ×{self.spend:g}")
        if self.events is not None:
            parts.append(f"only {', '.join(self.events)}")
        if self.forbidden_events:
            parts.append(f"never {', '.join(self.forbidden_events)}")
        return f"{self.name}: {', '.join(parts)}"


@dataclass(frozen=True, slots=True)
class CompiledSegment:
    """A segment as the engine reads it per user and day."""

    name: str
    engagement: float
    spend: float
    weekdays: tuple[float, ...] | None
    hours: tuple[float, ...] | None
    allowed: frozenset[str] | None
    forbidden: frozenset[str]

    def keeps(self, event: str, always: frozenset[str]) -> bool:
        if event in always:
            return True
        if event in self.forbidden:
            return False
        return self.allowed is None or event in self.allowed


@dataclass(frozen=True, slots=True)
class SegmentMembership:
    """Which custom segment (if any) each user belongs to: a pure function of
    (seed, user index)."""

    segments: tuple[CompiledSegment, ...]
    cum_shares: tuple[float, ...]
    seed: int

    @classmethod
    def build(cls, segments: tuple[CustomSegment, ...], seed: int) -> SegmentMembership:
        compiled = tuple(
            CompiledSegment(s.name, s.engagement, s.spend, s.weekday_weights(),
                            s.hour_weights(),
                            frozenset(s.events) if s.events is not None else None,
                            frozenset(s.forbidden_events))
            for s in segments)
        return cls(compiled, tuple(accumulate(s.share for s in segments)), seed)

    def of(self, index: int) -> CompiledSegment | None:
        if not self.segments:
            return None
        draw = np.random.SeedSequence([self.seed, index, _MEMBERSHIP_STREAM]).generate_state(
            1, dtype=np.uint64)[0] / 2.0**64
        for segment, upto in zip(self.segments, self.cum_shares, strict=True):
            if draw < upto:
                return segment
        return None


def check_segments(segments: tuple[CustomSegment, ...], events: list[str]) -> list[str]:
    """Problems with ``segments`` against the plan's ``events``: shares over 1, repeated
    names, event names the plan lacks (with the closest one)."""
    import difflib

    problems = []
    total = sum(s.share for s in segments)
    if total > 1 + 1e-9:
        problems.append(f"segments: the shares add up to {total:g}; they must be at most 1")
    names = [s.name for s in segments]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"segments: '{name}' is declared twice")
    known = set(events)
    for segment in segments:
        for key, listed in (("events", segment.events or ()),
                            ("forbidden_events", segment.forbidden_events)):
            for event in listed:
                if event not in known:
                    close = difflib.get_close_matches(event, events, n=1, cutoff=0.6)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    problems.append(f"segments '{segment.name}' {key}: the plan has no "
                                    f"event '{event}'{hint}")
    return problems
