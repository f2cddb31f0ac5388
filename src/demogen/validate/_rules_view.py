"""What the per-user checks read from :class:`Rules`, compiled once into plain tuples.

Kept apart from the SQL so the interpretation of the rules can be read (and tested) alone.
The lifecycle semantics mirror the generator's documented filter (DESIGN.md, ``Rules``):
per stage a list of wildcard patterns; a stage without patterns allows every event, and a
stage whose patterns match nothing falls back to the next stage's set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from demogen.analysis.heuristic.values import progression
from demogen.analysis.rules import Rules, capped_balances, per_role_properties
from demogen.simulation.lifecycle import allowed_events
from demogen.validate._servers import server_fields
from demogen.validate._sql import SAFE_NAME
from demogen.vocab import LifecycleStage, UpdateType

__all__ = ["CompiledRules", "Constraint", "StateRule", "compile_rules"]

#: Stages a user passes before onboarding is complete (LifecycleStage order).
PRE_ONBOARDING_STAGES: tuple[LifecycleStage, ...] = (
    LifecycleStage.INSTALLED,
    LifecycleStage.FIRST_SESSION,
    LifecycleStage.REGISTERED,
    LifecycleStage.ONBOARDING_STARTED,
)
#: ``{{…}}`` references that mean "the time of this event" (the same words the simulation's
#: update-pattern applier reads as time).
TIME_REFERENCES = frozenset({"#time", "time", "event_time", "event_timestamp", "timestamp", "now"})
#: Property names the SQL may inline in a JSON path (the TE name rule, presets with '#').
_REFERENCE = re.compile(r"^\{\{\s*([#A-Za-z0-9_.]+)\s*\}\}$")


@dataclass(frozen=True, slots=True)
class Constraint:
    """``prop``'s value must be one of ``mapping[value of depends_on]`` (texts)."""

    prop: str
    depends_on: str
    mapping: dict[str, tuple[str, ...]]
    #: [low, high] of a number per text of the parent (a walk's pace 540-900 s/km).
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StateRule:
    """One update pattern: ``event`` changes user property ``prop``.

    ``op`` is ``increment``/``decrement``/``set``/``set_once``; the amount or value is the
    ``literal`` (as text) or the event's property ``reference``; ``reference`` ``#time`` means
    the event's ``#time``. ``when``: (event property, its values as text) that must all
    hold for the update to happen; ``reverse``: the same for an increment taken instead.
    """

    event: str
    prop: str
    op: UpdateType
    literal: str | None
    reference: str | None
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    reverse: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class CompiledRules:
    one_time: tuple[str, ...] = ()
    #: (event, prerequisite, the prerequisite is a one-time event)
    prerequisites: tuple[tuple[str, str, bool], ...] = ()
    install: tuple[str, ...] = ()
    signup: tuple[str, ...] = ()
    session_start: tuple[str, ...] = ()
    session_end: tuple[str, ...] = ()
    onboarding: tuple[str, ...] = ()
    onboarding_complete: tuple[str, ...] = ()
    lifecycle_rules: tuple[tuple[LifecycleStage, tuple[str, ...]], ...] = ()
    constraints: tuple[Constraint, ...] = ()
    state_rules: tuple[StateRule, ...] = ()
    #: Balances (user properties some pattern decrements) with a range maximum: the
    #: generator stops them there, so increments past it are lost.
    capped: tuple[str, ...] = ()
    #: Day counters (``total_login_day``): the generator moves them once per day at most.
    day_counters: tuple[str, ...] = ()
    #: Role values (Rules ``properties.<p>.per_role`` and what shows them): checked per
    #: role, a role being the user on one server (:mod:`demogen.validate._servers`).
    per_role: tuple[str, ...] = ()
    #: The properties that show the user's server.
    servers: tuple[str, ...] = ()
    #: Rules the checks cannot use (unsafe names, non-numeric increments, appends), as notes.
    skipped: tuple[str, ...] = ()

    @property
    def anchor(self) -> tuple[str, ...]:
        """Events that open a user's observed history: the install events. (Not signup: a
        user installed before the window may have done anonymous steps, such as the first
        onboarding steps, before the window and sign up inside it.)"""
        return self.install

    def post_onboarding_events(self, events: Iterable[str]) -> list[str]:
        """Events of ``events`` that no stage before ``onboarding_completed`` allows,
        leaving out the events every stage needs (install, signup, session start/end,
        onboarding steps). Empty when the rules have no lifecycle rules or no onboarding."""
        if not self.lifecycle_rules or not self.onboarding_complete:
            return []
        names = sorted(set(events))
        # The generator's own stage filter, so that the check and the simulation agree.
        per_stage = allowed_events(names, {stage: list(patterns) for stage, patterns
                                           in self.lifecycle_rules})
        allowed: set[str] = set()
        for stage in PRE_ONBOARDING_STAGES:
            allowed |= per_stage[stage]
        structural = {*self.install, *self.signup, *self.session_start, *self.session_end,
                      *self.onboarding, *self.onboarding_complete}
        return [e for e in names if e not in allowed and e not in structural]


def value_text(value: Any) -> str | None:
    """A rules value as the text DuckDB's ``json_extract_string`` gives for it."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def compile_rules(rules: Rules) -> CompiledRules:
    ec, roles = rules.event_constraints, rules.event_roles
    skipped: list[str] = []
    once = set(ec.one_time_events)
    # A role creation is once per server (coherence check ``roles``), not once per user.
    one_time = tuple(e for e in dict.fromkeys(ec.one_time_events) if e not in roles.new_role)
    prerequisites = tuple(
        (event, before, before in once)
        for event, befores in sorted(ec.prerequisites.items())
        for before in dict.fromkeys(befores)
        if before != event
    )
    constraints = []
    for prop, constraint in sorted(rules.property_constraints.items()):
        if not constraint.depends_on or not (constraint.mapping or constraint.ranges):
            continue
        parent = constraint.depends_on[0]
        if not (SAFE_NAME.fullmatch(prop) and SAFE_NAME.fullmatch(parent)):
            skipped.append(f"property constraint {prop!r} on {parent!r}: not a property name")
            continue
        mapping = {
            str(value_text(key)): tuple(t for t in map(value_text, allowed) if t is not None)
            for key, allowed in constraint.mapping.items()
        }
        ranges = {str(value_text(key)): (float(r[0]), float(r[1]))
                  for key, r in constraint.ranges.items() if len(r) == 2}
        constraints.append(Constraint(prop, parent, mapping, ranges))
        if len(constraint.depends_on) > 1:
            skipped.append(f"property constraint {prop!r}: only its first parent "
                           f"{parent!r} is checked (as the generator uses it)")
    state_rules = []
    # A streak starts again after a missed day, so its steps do not add up to its value:
    # the progression check follows it.
    streaks = progression.streak_counters(
        {p for pattern in rules.update_patterns.values() for p in pattern},
        rules.progression.streak_counters)
    for event, pattern in sorted(rules.update_patterns.items()):
        for prop, rule in sorted(pattern.items()):
            if prop in streaks:
                continue
            compiled = _state_rule(event, prop, rule.type, rule.value, skipped)
            if compiled is not None and (rule.when or rule.reverse_when):
                compiled = _conditioned(compiled, rule.when, rule.reverse_when, skipped)
            if compiled is not None:
                state_rules.append(compiled)
    return CompiledRules(
        one_time=one_time,
        prerequisites=prerequisites,
        install=tuple(roles.install),
        signup=tuple(roles.signup),
        session_start=tuple(ec.session_start_events),
        session_end=tuple(ec.session_end_events),
        onboarding=tuple(roles.onboarding),
        onboarding_complete=tuple(roles.onboarding_complete),
        lifecycle_rules=tuple((stage, tuple(p)) for stage, p in rules.lifecycle_rules.items()),
        constraints=tuple(constraints),
        state_rules=tuple(state_rules),
        capped=tuple(sorted(capped_balances(rules) & set(rules.value_ranges))),
        day_counters=tuple(sorted(progression.day_counters(
            {p for pattern in rules.update_patterns.values() for p in pattern},
            rules.progression.day_counters, {n: s.kind for n, s in rules.properties.items()}))),
        per_role=tuple(sorted(per_role_properties(rules))),
        servers=tuple(sorted(server_fields(rules.properties))),
        skipped=tuple(skipped),
    )


def _conditioned(rule: StateRule, when: dict[str, list[Any]] | None,
                 reverse: dict[str, list[Any]] | None, skipped: list[str]) -> StateRule | None:
    """``rule`` with its conditions, their values as the text DuckDB reads."""
    def texts(given: dict[str, list[Any]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((name, tuple(t for v in values if (t := value_text(v)) is not None))
                     for name, values in (given or {}).items())

    names = [*(when or {}), *(reverse or {})]
    if not all(SAFE_NAME.fullmatch(n) for n in names):
        skipped.append(f"update pattern {rule.event} → {rule.prop}: a condition names no "
                       "property")
        return None
    return replace(rule, when=texts(when), reverse=texts(reverse))


def _state_rule(event: str, prop: str, op: UpdateType, value: Any,
                skipped: list[str]) -> StateRule | None:
    where = f"update pattern {event} → {prop} ({op.value})"
    if not SAFE_NAME.fullmatch(prop):
        skipped.append(f"{where}: {prop!r} is not a property name")
        return None
    if op is UpdateType.APPEND:
        skipped.append(f"{where}: appends are not checked")
        return None
    match = _REFERENCE.match(value) if isinstance(value, str) else None
    reference = match.group(1) if match else None
    if reference is not None:
        if reference in TIME_REFERENCES:
            reference = "#time"
        elif not SAFE_NAME.fullmatch(reference):
            skipped.append(f"{where}: reference {{{{{reference}}}}} is not a property name")
            return None
        return StateRule(event, prop, op, None, reference)
    literal = value_text(value)
    if literal is None:
        return None
    if op in (UpdateType.INCREMENT, UpdateType.DECREMENT):
        try:
            float(literal)
        except ValueError:
            skipped.append(f"{where}: amount {literal!r} is not a number")
            return None
    return StateRule(event, prop, op, literal, None)
