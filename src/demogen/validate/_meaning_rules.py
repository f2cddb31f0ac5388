"""What the meaning checks read from the rules and the plan, compiled once.

validate reads the rules itself (it never asks the generator how it reads them):

- **formulas**: ``property_relationships`` entries with a ``formula``. A formula's random
  parts (``randint``, ``uniform``, ``random``) are not in the data, so a value is checked
  against its bounds: the formula evaluated with every random part at its low end and at
  its high end (:func:`formula_bounds`). The generator keeps a formula's result inside the
  property's range (``value_ranges``, else the plan's range), so the bounds are too.
- **set once**: user properties the plan writes with ``user_setOnce``, or that update
  patterns set with ``set_once`` and never with ``set`` (``current_plan``: ``free`` once at
  signup, then each plan change: not set once).
- **added**: user properties the plan writes with ``user_add``.
- **progress** (never goes down): number user properties no update pattern decrements,
  which the update patterns only ever increment (counts, running totals), or whose name
  ends in a level word (``level``, ``lv``, ``lvl``: ``player_level``, ``char_lv``) and
  some update pattern changes. Ranks, tiers and grades are not progress (they fall in
  competitive modes); nor is a level no event moves (a difficulty level is a setting).
- **user properties** (mirrors): the plan's user properties, and what update patterns
  change. An event property with the same name shows the user's current value, unless
  the plan gives it another type (then it means something else on events), or on the
  events where it names the user's pick (``chosen_on``: a checkout's plan).

Names are the ones the files carry (the plan's names through :class:`NameMap`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.formula import EVALUATION_ERRORS, Formula, FormulaEvaluator
from demogen.analysis.heuristic.values import progression
from demogen.analysis.naming import NameMap
from demogen.analysis.rules import Rules
from demogen.errors import FormulaError
from demogen.taxonomy import EventTaxonomy, Property
from demogen.validate._sql import SAFE_NAME
from demogen.vocab import PropertyType, UpdateMethod, UpdateType

__all__ = ["FormulaRule", "MeaningRules", "compile_meaning", "formula_bounds"]

#: The last word of a level's name (``player_level``, ``char_lv``).
_LEVEL = re.compile(r"(^|_)(level|lv|lvl)$", re.IGNORECASE)


class _End:
    """The generator a formula draws from, always at one end of each range."""

    def __init__(self, high: bool):
        self._high = high

    def integers(self, low: int, high: int, endpoint: bool = False) -> int:
        return (high if endpoint else high - 1) if self._high else low

    def uniform(self, low: float, high: float) -> float:
        return high if self._high else low

    def random(self) -> float:
        return 1.0 if self._high else 0.0


_LOW, _HIGH = FormulaEvaluator(_End(False)), FormulaEvaluator(_End(True))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class FormulaRule:
    """``target`` = ``formula``; the generator keeps it inside [low, high]."""

    target: str
    formula: Formula
    low: float | None = None
    high: float | None = None
    #: Where ``property_constraints`` fixes the target instead (a yoga session's distance
    #: is 0, whatever the formula says): the property it depends on and those of its values.
    unless: tuple[str, frozenset[str]] | None = None

    def bounds(self, values: Mapping[str, float]) -> tuple[float, float] | None:
        """The least and the greatest value the formula gives for ``values`` (its random
        parts at either end), inside the property's range; None when it cannot be
        evaluated (an input is missing or not a number)."""
        ends = formula_bounds(self.formula, values)
        if ends is None:
            return None
        lo, hi = ends
        if self.low is not None:
            lo, hi = max(lo, self.low), max(hi, self.low)
        if self.high is not None:
            lo, hi = min(lo, self.high), min(hi, self.high)
        return lo, hi


def formula_bounds(formula: Formula, values: Mapping[str, float]) -> tuple[float, float] | None:
    """``formula`` over ``values`` with its random parts at their low and at their high
    ends, in order (a part with a negative sign swaps them)."""
    args = [values.get(n) for n in formula.names]
    if not all(isinstance(a, int | float) and not isinstance(a, bool) for a in args):
        return None
    try:
        ends = (_LOW.function(formula)(*args), _HIGH.function(formula)(*args))
        lo, hi = float(ends[0]), float(ends[1])
    except EVALUATION_ERRORS:
        return None
    return (lo, hi) if lo <= hi else (hi, lo)


@dataclass(frozen=True)
class MeaningRules:
    formulas: tuple[FormulaRule, ...] = ()
    set_once: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    progress: frozenset[str] = frozenset()
    user_properties: frozenset[str] = frozenset()
    #: (event, property) where the event names the user's pick, not their value (Rules'
    #: ``chosen_on``: a checkout's plan): no mirror there.
    chosen: frozenset[tuple[str, str]] = frozenset()
    #: The record type the plan's update method writes, per user property that has one
    #: (``member_id`` → ``user_setOnce``): no other record type may write it.
    methods: Mapping[str, str] = field(default_factory=dict)
    #: What cannot be checked and why, as notes.
    skipped: tuple[str, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        """Every property the checks read, once."""
        found = [n for f in self.formulas for n in (f.target, *f.formula.names,
                                                    *(f.unless[:1] if f.unless else ()))]
        found += sorted(self.set_once | self.added | self.progress | self.user_properties
                        | set(self.methods))
        return list(dict.fromkeys(found))


def compile_meaning(rules: Rules, plan: EventTaxonomy | None = None) -> MeaningRules:
    """The meaning checks' reading of ``rules`` (in the names the files carry) and of
    ``plan`` (in the plan's names; renamed here)."""
    names = NameMap.build(plan) if plan is not None else NameMap()

    def written(name: str) -> str:
        return names.properties.get(name, name)

    user_props: dict[str, Property] = {}
    for prop in plan.user_properties if plan is not None else ():
        if not prop.is_preset:
            user_props.setdefault(written(prop.name), prop)
    ops: dict[str, set[UpdateType]] = {}
    for pattern in rules.update_patterns.values():
        for prop, rule in pattern.items():
            ops.setdefault(prop, set()).add(rule.type)
            if rule.reverse_when:   # a flow's spend takes: a balance, not a progress
                ops[prop].add(UpdateType.DECREMENT)
    skipped: list[str] = []
    formulas = _formulas(rules, plan, written, skipped)
    # A set_once pattern beside a set one gives a first value that the set may change.
    set_once = {p for p, kinds in ops.items() if UpdateType.SET_ONCE in kinds
                and UpdateType.SET not in kinds}
    set_once |= {n for n, p in user_props.items() if p.update_method is UpdateMethod.USER_SET_ONCE}
    added = {n for n, p in user_props.items() if p.update_method is UpdateMethod.USER_ADD}
    numbers = {n for n, p in user_props.items() if p.type == PropertyType.NUMBER}
    progress = set()
    # A streak starts again after a missed day: the progression check follows it.
    streaks = progression.streak_counters(ops, rules.progression.streak_counters)
    for prop, kinds in ops.items():
        if UpdateType.DECREMENT in kinds or (plan is not None and prop not in numbers) or \
                prop in streaks:
            continue
        if kinds == {UpdateType.INCREMENT} or (
                _LEVEL.search(prop) and kinds & {UpdateType.SET, UpdateType.INCREMENT}):
            progress.add(prop)
    return MeaningRules(
        formulas=tuple(formulas),
        set_once=frozenset(_safe(set_once)),
        added=frozenset(_safe(added)),
        progress=frozenset(_safe(progress)),
        user_properties=frozenset(_safe({*user_props, *ops} - _retyped(plan, user_props))),
        chosen=frozenset((event, name) for name, spec in rules.properties.items()
                         for event in spec.chosen_on or ()),
        methods={n: method.value for n in _safe(set(user_props))
                 if (method := user_props[n].update_method) is not None},
        skipped=tuple(skipped),
    )


def _formulas(rules: Rules, plan: EventTaxonomy | None, written: Any,
              skipped: list[str]) -> list[FormulaRule]:
    ranges: dict[str, tuple[float, float]] = {}
    if plan is not None:
        for prop in (*plan.properties, *plan.common_properties, *plan.user_properties):
            if prop.value_range is not None:
                ranges.setdefault(written(prop.name), (prop.value_range.min,
                                                       prop.value_range.max))
    ranges.update({name: (r.min, r.max) for name, r in rules.value_ranges.items()})
    found = []
    for target, relationship in sorted(rules.property_relationships.items()):
        if not relationship.formula:
            continue
        target = written(target)
        where = f"formula of {target!r}"
        try:
            formula = Formula.compile(relationship.formula)
        except FormulaError as exc:
            skipped.append(f"{where}: {exc}")
            continue
        unsafe = [n for n in (target, *formula.names) if not SAFE_NAME.fullmatch(n)]
        if unsafe:
            skipped.append(f"{where}: {', '.join(map(repr, unsafe))} is not a property name "
                           "the files can carry")
            continue
        low, high = ranges.get(target, (None, None))
        found.append(FormulaRule(target, formula, low, high, _fixed_by(rules, target, written)))
    return found


def _fixed_by(rules: Rules, target: str, written: Any) -> tuple[str, frozenset[str]] | None:
    """The constraint that decides ``target`` for some values of another property."""
    constraint = next((c for name, c in rules.property_constraints.items()
                       if written(name) == target), None)
    if constraint is None or not constraint.depends_on or not constraint.mapping:
        return None
    parent = written(constraint.depends_on[0])
    if not SAFE_NAME.fullmatch(parent):
        return None
    return parent, frozenset(str(v) for v in constraint.mapping)


def _retyped(plan: EventTaxonomy | None, user_props: Mapping[str, Property]) -> set[str]:
    """User properties an event property of the same name gives another type: the plan
    means something else by it on events (a numeric ``server_id`` beside the text one)."""
    if plan is None:
        return set()
    names = NameMap.build(plan)
    return {written for prop in (*plan.properties, *plan.common_properties)
            if (written := names.properties.get(prop.name, prop.name)) in user_props
            and prop.type != user_props[written].type}


def _safe(names: set[str]) -> list[str]:
    return sorted(n for n in names if SAFE_NAME.fullmatch(n) and not n.startswith("#"))
