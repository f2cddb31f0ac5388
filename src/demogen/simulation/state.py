"""User state changes in one place: the update-pattern applier.

``rules.update_patterns`` say how an event changes user properties (``level_up →
level +1``, ``purchase → total_spent += {{price}}``). Updates with a literal value run
before the event's properties are drawn, so an event that mirrors state (``level`` on
``level_up``) shows the new value; updates that read the event's properties
(``{{price}}``) run after. Each change is reported with the record type that carries it
(``user_set``, ``user_setOnce``, ``user_add``, ``user_append``), and only what changed.

The record follows the plan's update method of the property when it has one: a
``user_add`` property is written as increments (from 0; a set becomes the difference), a
``user_setOnce`` one only once, an appended list item by item; :meth:`StateApplier.snapshot`
splits a user's starting state the same way. An update may hold only for some values of
the event's properties (``when``: ``token_get`` moves ``current_gold`` when its
``token_id`` is ``gold``) and be reversed for others (``reverse_when``: a currency flow's
``spend``).

Declared formulas hold in the state too (``xp = level * 100 + randint(0, 50)``): when an
update changes what a formula reads, :meth:`StateApplier.derive` recomputes its property
and sends the new value with the same change (the values module compiles the formulas
into :class:`Derivation` s; their random parts draw from the user's stream).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NamedTuple

from demogen.analysis.heuristic.values import progression
from demogen.analysis.heuristic.values.held_freezes import freeze_buys, held_counts
from demogen.analysis.rules import Progression, Rules, UpdateRule, capped_balances
from demogen.simulation.streaks import StreakEnds, held_key
from demogen.taxonomy import EventTaxonomy
from demogen.vocab import PropertyType, RecordType, UpdateMethod, UpdateType

_REFERENCE = re.compile(r"^\{\{\s*([#A-Za-z0-9_.]+)\s*\}\}$")
#: References that mean "the time of this event" (expected.json's ``event_timestamp``).
TIME_REFERENCES = frozenset({"#time", "time", "event_time", "event_timestamp", "timestamp", "now"})
#: The reference a session end's updates read the session's length from (seconds), whether
#: or not the event carries it (``total_playtime_minutes += {{#duration}} / 60``).
SESSION_LENGTH = "#duration"
#: ``state`` key prefix of the day a day counter last moved (never written: not a property).
#: State keys no record shows start so (a streak's day mark, streaks.held_key).
_HIDDEN = "\x1f"
_DAY_MARK = _HIDDEN + "day\x1f"

Changes = dict[RecordType, dict[str, Any]]
#: (event property, the values it must have): every one must hold.
Conditions = tuple[tuple[str, frozenset[Any]], ...]
#: The record each update method writes, in the order a snapshot sends them.
METHOD_RECORDS = {
    UpdateMethod.USER_SET: RecordType.USER_SET,
    UpdateMethod.USER_SET_ONCE: RecordType.USER_SET_ONCE,
    UpdateMethod.USER_ADD: RecordType.USER_ADD,
    UpdateMethod.USER_APPEND: RecordType.USER_APPEND,
    UpdateMethod.USER_UNIQ_APPEND: RecordType.USER_UNIQ_APPEND,
}
#: Exact types of numbers used as they are (``bool``, an ``int`` subclass, is not one).
_PLAIN_NUMBERS = frozenset((int, float))
#: User properties that are levels: set from an event, they go up one step.
_LEVEL = re.compile(r"(^|_)(level|lv|lvl|rank|tier|grade)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Update:
    prop: str
    op: UpdateType
    literal: Any
    reference: str | None
    kind: PropertyType
    record: RecordType
    #: Bounds of the user property (its taxonomy range, else the rules' value range):
    #: a level capped at 150 stays at 150.
    low: float | None = None
    high: float | None = None
    #: Only when the event's properties have these values (``when``) …
    when: Conditions = ()
    #: … and the other way round (a decrement for an increment) for these.
    reverse: Conditions = ()
    #: A factor on the number read (seconds into minutes: 1/60).
    scale: float | None = None
    #: A day counter (``total_login_day``): it moves at most once per day of ``#time``.
    per_day: bool = False
    #: A streak (``current_streak``): a day counter that starts again after a missed day.
    streak: bool = False
    #: The streak's best (``longest_streak``) and its record: raised as the streak grows.
    best: tuple[str, RecordType] | None = None
    #: An enum ladder (league tiers in order) and the rungs one event moves (+1 / -1).
    ladder: tuple[Any, ...] = ()
    rungs: int = 0
    #: A streak freeze (``streak_freeze_used``): the streak goes on as if it had stepped
    #: the day before (simulation/streaks.py).
    keeps: bool = False
    #: A count no record shows (the freezes held): moved within ``low`` … ``high``.
    held: bool = False


class LadderMove(NamedTuple):
    """An event's move along an enum user property's order (its rungs, in the plan's order)."""

    prop: str
    ladder: tuple[Any, ...]
    #: +1 / -1: one rung up or down; with ``jumps``, the least of a move of any rungs; 0:
    #: the event sets the rung it carries, neither up nor down (a trial of a plan).
    rungs: int
    #: A plan change (``plan_upgraded``): the event carries the rung it reaches, any one
    #: past the user's (Free → Pro or Business). Where it lands is drawn: no other plan
    #: change follows it in the session, nor one an event setting the plan (``rungs`` 0).
    jumps: bool = False


@dataclass(frozen=True, slots=True)
class Derivation:
    """A user property a formula computes from other user properties."""

    target: str
    inputs: frozenset[str]
    #: The record that carries a new value (``user_add`` carries the difference).
    record: RecordType
    #: ``(rnd, state) → value``, None when an input has no value.
    compute: Callable[[Any, Mapping[str, Any]], Any]


class EventUpdates(NamedTuple):
    """One event's updates: the literal ones, applied before its properties are drawn,
    the ones that read its properties, applied after, and the (event property, user
    property) pairs where the event shows the user property's new value."""

    before: tuple[Update, ...]
    after: tuple[Update, ...]
    shows: tuple[tuple[str, str], ...]


class StateApplier:
    """Compiled update patterns; :meth:`before` and :meth:`after` mutate ``state``."""

    def __init__(self, rules: Rules, taxonomy: EventTaxonomy, mirrors: Mapping[str, str],
                 derivations: tuple[Derivation, ...] = ()):
        #: Formulas over the state, inputs first (see :meth:`derive`).
        self.derivations = derivations
        self._derived_from = frozenset(n for d in derivations for n in d.inputs)
        user_props = {p.name: p for p in taxonomy.user_properties}
        bounds = _bounds(rules, taxonomy)
        balances = capped_balances(rules)
        days = progression.day_counters(user_props, rules.progression.day_counters,
                                        {n: s.kind for n, s in rules.properties.items()})
        streaks = progression.streak_counters(user_props, rules.progression.streak_counters)
        bests = {cur: high for high, cur in progression.max_current_pairs(user_props)}
        #: The plan's update method per user property (:meth:`snapshot`).
        self.methods = {p.name: p.update_method for p in taxonomy.user_properties
                        if p.update_method is not None}
        self._before: dict[str, tuple[Update, ...]] = {}
        self._after: dict[str, tuple[Update, ...]] = {}
        #: Per event, (event property, user property) pairs where the event shows the
        #: user property's new value (``level_up.level`` after the step up).
        self.shows: dict[str, tuple[tuple[str, str], ...]] = {}
        # A property the state derives (VIP from the sum paid) moves with its inputs only.
        derived = frozenset(d.target for d in derivations)
        #: A derived property → the event that announces its change (``vip_level`` →
        #: ``vip_level_up``): the engine plays it right after the change, never otherwise.
        self.announced_by: dict[str, str] = {}
        for event, pattern in rules.update_patterns.items():
            before, after = [], []
            for prop, rule in pattern.items():
                if prop in derived:
                    self.announced_by.setdefault(prop, event)
                    continue
                definition = user_props.get(prop)
                kind = definition.type if definition else PropertyType.NUMBER
                method = definition.update_method if definition else None
                update = _compile(prop, rule, kind, method, mirrors,
                                  bounds.get(prop, (None, None)), balance=prop in balances,
                                  per_day=prop in days or prop in streaks)
                if prop in streaks and update.per_day:
                    update = _as_streak(update, bests.get(prop), self.methods)
                update = _as_ladder(update, event, definition, mirrors)
                reads_event = update.reference or update.when or update.reverse
                (after if reads_event else before).append(update)
                reference = _reference(rule.value)
                if reference and update.reference is None and rule.type is UpdateType.SET:
                    self.shows[event] = (*self.shows.get(event, ()), (reference, prop))
            self._before[event] = tuple(before)
            self._after[event] = tuple(after)
        #: The freezes a user holds, per state key, and their range (see hold_freezes).
        self.held_freezes: dict[str, tuple[int, int]] = {}
        #: Per streak events step, (the counter, the state key of the day it last stepped).
        self.streak_marks = tuple((p, _DAY_MARK + p) for p in dict.fromkeys(
            u.prop for updates in self._before.values() for u in updates if u.streak))
        #: What ends or keeps a streak over a missed day; None when nothing does.
        self.streak_ends = self._streak_ends(rules, taxonomy)
        #: Per event with an update pattern, its compiled updates (the engine applies them
        #: with :func:`apply_updates`); :meth:`before` and :meth:`after` change nothing for
        #: the other events (most), so the engine skips both for them.
        self.updates = {e: EventUpdates(self._before[e], self._after[e], self.shows.get(e, ()))
                        for e in self._before if self._before[e] or self._after[e]}
        self.updating = frozenset(self.updates)
        #: Events that happen only because a derived property changed (see announced_by).
        self.announcements = frozenset(self.announced_by.values())
        #: Per event that moves a user along an enum ladder (``league_demoted``), the
        #: user property, its rungs and the move: the planner keeps a move on the ladder
        #: (no demotion on the first rung, no promotion on the last).
        self.ladder_moves: dict[str, LadderMove] = {
            event: LadderMove(u.prop, u.ladder, u.rungs) for event in self._before
            for u in (*self._before[event], *self._after[event]) if u.ladder}
        self.ladder_moves.update(plan_changes(rules, taxonomy, mirrors))

    def _streak_ends(self, rules: Rules, taxonomy: EventTaxonomy) -> StreakEnds | None:
        """The streak counters events step, and the events that end them (set to 0 after
        the event is drawn: it shows the streak lost) or keep them over a missed day."""
        stepped = tuple(p for p, _ in self.streak_marks)
        given = rules.progression
        losses, freezes = progression.streak_ends(
            (e.name for e in taxonomy.events), given.streak_losses, given.streak_freezes)
        if not stepped or not (losses or freezes):
            return None
        for event in losses:
            resets = tuple(Update(p, UpdateType.SET, 0, None, PropertyType.NUMBER,
                                  _record(UpdateType.SET, self.methods.get(p),
                                          PropertyType.NUMBER)) for p in stepped)
            self._after[event] = (*self._after.get(event, ()), *resets)
            self._before.setdefault(event, ())
        for event in freezes:
            keeps = tuple(Update(p, UpdateType.SET, None, None, PropertyType.NUMBER,
                                 RecordType.USER_SET, keeps=True) for p in stepped)
            self._before[event] = (*self._before.get(event, ()), *keeps)
            self._after.setdefault(event, ())
        held = self._hold_freezes(taxonomy, given, (*losses, *freezes))
        return StreakEnds(self.streak_marks, losses, freezes, given.streak_freeze_share,
                          held=tuple(held))

    def _hold_freezes(self, taxonomy: EventTaxonomy, given: Progression,
                      ends: tuple[str, ...]) -> dict[str, tuple[int, int]]:
        """The freezes the user holds, per state key, with its range: a freeze spends
        one (before its values are drawn, so its ``freezes_left`` shows what is left), a
        buy adds one (Rules ``progression.streak_freeze_counts``, ``streak_freeze_buys``)."""
        counts = held_counts(taxonomy, given)
        ranges: dict[str, tuple[int, int]] = {}
        for prop in dict.fromkeys(p for props in counts.values() for p in props):
            bounds = taxonomy.property(prop)
            span = bounds.value_range if bounds is not None else None
            ranges[held_key(prop)] = (int(span.min), int(span.max)) if span else (0, 2)
        if not ranges:
            return ranges
        spends = {e: tuple(held_key(p) for p in props) for e, props in counts.items()}
        for event, keys in spends.items():
            self._before[event] = (*self._before.get(event, ()), *(
                self._held(key, UpdateType.DECREMENT, ranges[key], ()) for key in keys))
        buys = freeze_buys(taxonomy, ends, given.streak_freeze_buys)
        for event, said in buys.items():
            self._after[event] = (*self._after.get(event, ()), *(
                self._held(key, UpdateType.INCREMENT, ranges[key], update_conditions({p: v}))
                for key in ranges for p, v in said.items()))
            self._before.setdefault(event, ())
        self.held_freezes = ranges
        return ranges

    @staticmethod
    def _held(key: str, op: UpdateType, span: tuple[int, int], when: Conditions) -> Update:
        return Update(key, op, 1, None, PropertyType.NUMBER, RecordType.USER_ADD,
                      low=span[0], high=span[1], when=when, held=True)

    def hold_freezes(self, state: dict[str, Any], rnd: Any, existing: bool) -> None:
        """The freezes a user holds when first seen: an existing user some of the range
        (bought or earned before the window), a new one its bottom."""
        for key, (low, high) in self.held_freezes.items():
            state[key] = rnd.randint(low, high) if existing else low

    def carry_streaks(self, state: dict[str, Any], start: date) -> None:
        """A streak an existing user brings into the window (``current_streak`` 7) was
        alive at its start: it stepped on the day before. A day of the window without its
        step then breaks it like any other (a loss shows the 7), where a streak with no
        day of its own would go on from any gap."""
        before = date.fromordinal(start.toordinal() - 1).isoformat()
        for prop, mark in self.streak_marks:
            value = state.get(prop)
            if isinstance(value, int | float) and value > 0 and mark not in state:
                state[mark] = before

    def counted(self) -> frozenset[str]:
        """User properties that events add to or take from (counters, balances, levels)."""
        counted = (UpdateType.INCREMENT, UpdateType.DECREMENT)
        return frozenset(u.prop for updates in (*self._before.values(), *self._after.values())
                         for u in updates if u.op in counted)

    def snapshot(self, state: Mapping[str, Any]) -> Changes:
        """A user's starting state as the records that write it: each property with its
        plan's update method (a ``user_add`` counter as one increment of what it holds,
        none at 0; a list appended item by item), the rest by ``user_set``."""
        changes: Changes = {}
        for prop, value in state.items():
            if value is None or prop.startswith(_HIDDEN):   # a day mark, the freezes held
                continue
            record = METHOD_RECORDS.get(self.methods.get(prop), RecordType.USER_SET)
            if record is RecordType.USER_ADD:
                value = _number(value)
                if not value:
                    continue
            elif record in (RecordType.USER_APPEND, RecordType.USER_UNIQ_APPEND):
                if not isinstance(value, list):
                    value = [value]
                if not value:
                    continue
            changes.setdefault(record, {})[prop] = value
        return {r: changes[r] for r in METHOD_RECORDS.values() if r in changes}

    def derive(self, changes: Changes, state: dict[str, Any], rnd: Any) -> None:
        """Recompute the formulas that read what ``changes`` changed; the new values go
        into ``state`` and ``changes``."""
        if not changes or not self._derived_from:
            return
        changed = {prop for values in changes.values() for prop in values}
        if changed.isdisjoint(self._derived_from):
            return
        for d in self.derivations:
            if changed.isdisjoint(d.inputs):
                continue
            value, old = d.compute(rnd, state), state.get(d.target)
            if value is None or value == old:
                continue
            state[d.target] = value
            carried = value
            if d.record is RecordType.USER_ADD:
                base = _number(old) or 0
                carried = _tidy(value - base)
            changes.setdefault(d.record, {})[d.target] = carried
            changed.add(d.target)

    def derive_all(self, state: dict[str, Any], rnd: Any) -> None:
        """Every formula over ``state`` (a user's starting values)."""
        for d in self.derivations:
            value = d.compute(rnd, state)
            if value is not None:
                state[d.target] = value

    def before(self, event: str, state: dict[str, Any], time_str: str) -> Changes:
        updates = self._before.get(event)
        return apply_updates(updates, state, {}, time_str) if updates else {}

    def after(self, event: str, state: dict[str, Any], props: Mapping[str, Any],
              time_str: str) -> Changes:
        updates = self._after.get(event)
        return apply_updates(updates, state, props, time_str) if updates else {}


def _bounds(rules: Rules, taxonomy: EventTaxonomy) -> dict[str, tuple[float, float]]:
    found = {name: (r.min, r.max) for name, r in rules.value_ranges.items()}
    for prop in taxonomy.user_properties:
        if prop.value_range is not None:
            found[prop.name] = (prop.value_range.min, prop.value_range.max)
    return found


def _compile(prop: str, rule: UpdateRule, kind: PropertyType,
             method: UpdateMethod | None, mirrors: Mapping[str, str],
             bounds: tuple[float | None, float | None], *, balance: bool,
             per_day: bool = False) -> Update:
    op, value = rule.type, rule.value
    reference = _reference(value)
    if _is_step_up(op, reference, prop, kind, mirrors):
        # "set level from the event's level": the event reports the level reached, so
        # the update is one step up and the event shows the result (see ``shows``).
        op, reference, value = UpdateType.INCREMENT, None, 1
    elif op is UpdateType.INCREMENT and not balance:
        # A running total (purchase count, lifetime spend) is the sum of its events: its
        # range says what to draw for users who arrive with a history, not where it stops.
        bounds = (bounds[0], None)
    elif op is UpdateType.DECREMENT and not balance:
        # … and what a refund takes back from that sum: a history above the range stays
        # above it, and the sum stops at 0, not at the range's bottom (0.99 of a price).
        bounds = (None, None)
    if op is UpdateType.SET and method is UpdateMethod.USER_SET_ONCE:
        op = UpdateType.SET_ONCE    # the plan writes it once: the first value stays
    record = _record(op, method, kind)
    return Update(prop, op, None if reference else value, reference, kind, record, *bounds,
                  when=update_conditions(rule.when), reverse=update_conditions(rule.reverse_when),
                  scale=rule.scale, per_day=per_day and op is UpdateType.INCREMENT)


def _as_streak(update: Update, best: str | None,
               methods: Mapping[str, UpdateMethod]) -> Update:
    record = METHOD_RECORDS.get(methods.get(best), RecordType.USER_SET) if best else None
    if record is RecordType.USER_ADD:
        record = RecordType.USER_SET    # a best is raised to a value, not added to
    return replace(update, streak=True, best=(best, record) if best and record else None)


def _as_ladder(update: Update, event: str, definition: Any,
               mirrors: Mapping[str, str]) -> Update:
    """A tier set from the event's own value (``league_tier = {{league_tier}}``) on a
    promotion or a demotion moves one rung of the plan's order; the event shows it."""
    enum = tuple(v for v in (definition.enum or ()) if v is not None) if definition else ()
    rungs = progression.ladder_move(event)
    if update.op is not UpdateType.SET or update.reference is None or len(enum) < 2 or \
            not rungs or mirrors.get(update.reference) != update.prop:
        return update
    return replace(update, reference=None, literal=None, ladder=enum, rungs=rungs)


def plan_changes(rules: Rules, taxonomy: EventTaxonomy, mirrors: Mapping[str, str]
                 ) -> dict[str, LadderMove]:
    """Events that set an enum user property from an event property showing it, and move
    it up or down (Rules' ``progression.plan_changes``, else ``plan_upgraded``): the
    ladder is the user property's order up to the furthest value the event can carry. The
    other events setting such a property from their own value (``trial_started``) come
    with 0 rungs."""
    given = rules.progression.plan_changes
    enums = {p.name: tuple(v for v in p.enum or () if v is not None)
             for p in taxonomy.user_properties}
    carried = {p.name: tuple(p.enum or ()) for p in taxonomy.properties}
    found: dict[str, LadderMove] = {}
    setters: dict[str, LadderMove] = {}
    for event, pattern in rules.update_patterns.items():
        move = progression.plan_move(event, given)
        for prop, rule in pattern.items():
            ref = _reference(rule.value) if rule.type is UpdateType.SET else None
            order = enums.get(prop, ())
            if ref is None or mirrors.get(ref) != prop or len(order) < 2:
                continue
            reach = [order.index(v) for v in carried.get(ref) or order if v in order]
            if not move:
                setters[event] = LadderMove(prop, order, 0, jumps=True)
            elif reach:
                end = max(reach) + 1 if move > 0 else min(reach)
                ladder = order[:end] if move > 0 else order[end:]
                found[event] = LadderMove(prop, ladder, move, jumps=True)
    changed = {m.prop for m in found.values()}
    return {**{e: m for e, m in setters.items() if m.prop in changed}, **found}


def _record(op: UpdateType, method: UpdateMethod | None, kind: PropertyType) -> RecordType:
    """The plan's method decides the record (a set of a ``user_add`` number carries the
    difference, an append to a ``user_set`` list the whole list); without one, the op."""
    if method is UpdateMethod.USER_ADD and kind is PropertyType.NUMBER:
        return RecordType.USER_ADD
    if method is not None and method is not UpdateMethod.USER_ADD:
        return METHOD_RECORDS[method]
    if op is UpdateType.SET_ONCE:
        return RecordType.USER_SET_ONCE
    if op is UpdateType.APPEND:
        return RecordType.USER_APPEND
    return RecordType.USER_SET


def update_conditions(given: Mapping[str, list[Any]] | None) -> Conditions:
    """``{token_id: [gold]}`` as (property, allowed values, texts included: a YAML ``1``
    matches an event's ``"1"``)."""
    return tuple((name, frozenset((*values, *map(str, values))))
                 for name, values in (given or {}).items())


def conditions_hold(conditions: Conditions, props: Mapping[str, Any]) -> bool:
    for name, allowed in conditions:
        value = props.get(name)
        if value not in allowed and str(value) not in allowed:
            return False
    return True


def moves(update: Update, props: Mapping[str, Any]) -> bool:
    """Whether ``update`` applies to an event showing ``props`` (its ``when`` holds)."""
    return not update.when or conditions_hold(update.when, props)


def _reference(value: Any) -> str | None:
    match = _REFERENCE.match(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def _is_step_up(op: UpdateType, reference: str | None, prop: str, kind: PropertyType,
                mirrors: Mapping[str, str]) -> bool:
    """A level set from the event: levels move one step at a time and never go down."""
    if op is not UpdateType.SET or reference is None or kind is not PropertyType.NUMBER:
        return False
    return mirrors.get(reference) == prop or bool(_LEVEL.search(prop))


def _resolve(update: Update, state: Mapping[str, Any], props: Mapping[str, Any],
             time_str: str) -> Any:
    ref = update.reference
    if ref is None:
        return update.literal
    if ref in TIME_REFERENCES:
        return time_str
    if ref in props:
        return props[ref]
    return state.get(ref)


def apply_updates(updates: tuple[Update, ...], state: dict[str, Any],
                  props: Mapping[str, Any], time_str: str) -> Changes:
    """Apply ``updates`` to ``state``; what changed, per record type."""
    changes: Changes = {}
    for update in updates:
        if update.when and not conditions_hold(update.when, props):
            continue
        if update.keeps:    # a freeze: the missed day counts as stepped
            state[_DAY_MARK + update.prop] = _day_before(time_str)
            continue
        if update.held:     # freezes held: a count no record shows, kept in its range
            step = update.literal if update.op is UpdateType.INCREMENT else -update.literal
            state[update.prop] = min(update.high, max(update.low,
                                                      state.get(update.prop, 0) + step))
            continue
        if update.per_day:      # one step per active day, however many logins
            mark = _DAY_MARK + update.prop
            last = state.get(mark)
            if last == time_str[:10]:
                continue
            state[mark] = time_str[:10]
            if update.streak and last is not None and not _next_day(last, time_str):
                state[update.prop] = 0      # a missed day: the streak starts again
        value = _rung(update, state.get(update.prop)) if update.ladder else \
            _resolve(update, state, props, time_str)
        if value is None:
            continue
        if update.scale is not None:
            number = _number(value)
            value = None if number is None else round(number * update.scale, 2)
        op = update.op      # counters and balances, the most frequent, straight to _step
        if op is UpdateType.INCREMENT or op is UpdateType.DECREMENT:
            reverse = bool(update.reverse) and conditions_hold(update.reverse, props)
            new, carried = _step(update, state.get(update.prop), value, reverse=reverse)
        else:
            new, carried = _next_value(update, state.get(update.prop), value)
        if carried is None:
            continue
        state[update.prop] = new
        changes.setdefault(update.record, {})[update.prop] = carried
        if update.best is not None:
            _raise_best(update.best, new, state, changes)
    return changes


def _rung(update: Update, current: Any) -> Any:
    """The rung ``update`` moves to from ``current`` (the first rung when not on it)."""
    ladder = update.ladder
    at = ladder.index(current) if current in ladder else 0
    return ladder[min(max(at + update.rungs, 0), len(ladder) - 1)]


def _next_day(last: str, time_str: str) -> bool:
    """Whether ``time_str`` falls on the calendar day after ``last`` (``YYYY-MM-DD``)."""
    return date.fromisoformat(time_str[:10]).toordinal() - \
        date.fromisoformat(last).toordinal() == 1


def _day_before(time_str: str) -> str:
    return date.fromordinal(date.fromisoformat(time_str[:10]).toordinal() - 1).isoformat()


def _raise_best(best: tuple[str, RecordType], value: Any, state: dict[str, Any],
                changes: Changes) -> None:
    """The best streak includes the current one."""
    prop, record = best
    high = state.get(prop)
    if isinstance(value, int | float) and (not isinstance(high, int | float) or high < value):
        state[prop] = value
        changes.setdefault(record, {})[prop] = value


def _next_value(update: Update, current: Any, value: Any) -> tuple[Any, Any]:
    """(new state value, value the record carries), or (_, None) when nothing changes."""
    op = update.op      # never an increment or decrement: apply_updates steps those
    record = update.record
    if op is UpdateType.SET_ONCE or record is RecordType.USER_SET_ONCE:
        return (value, value) if current is None else (current, None)
    if op is UpdateType.APPEND:
        items = list(current or [])
        if record is RecordType.USER_UNIQ_APPEND and str(value) in items:
            return current, None
        items.append(str(value))
        return items, ([str(value)] if record in (RecordType.USER_APPEND,
                                                  RecordType.USER_UNIQ_APPEND) else items)
    if update.kind is PropertyType.NUMBER:
        number = _number(value)
        if number is None:
            return current, None
        number = _clamp(number, update.low, update.high)
        if number == current:
            return current, None
        if record is RecordType.USER_ADD:   # the plan adds: the record carries the change
            return number, _tidy(number - (_number(current) or 0))
        return number, number
    return (value, value) if value != current else (current, None)


def _step(update: Update, current: Any, value: Any, *, reverse: bool = False
          ) -> tuple[Any, Any]:
    """An increment or a decrement (the other way round when ``reverse``): most updates
    are these, so plain numbers skip :func:`_number` and the bounds are checked here."""
    amount = value if type(value) in _PLAIN_NUMBERS else _number(value)
    if amount is None:
        return current, None
    base = (current if type(current) in _PLAIN_NUMBERS else _number(current)) or 0
    decrement = (update.op is UpdateType.DECREMENT) is not reverse
    new = base - amount if decrement else base + amount
    # Balances never go negative (seed) nor past their range; floors hold.
    if update.high is not None and new > update.high:
        new = update.high
    elif decrement and new < 0:
        new = 0
    if new < base and update.low is not None and new < update.low:
        new = update.low
    if new == base:
        return current, None
    if isinstance(new, float):      # _tidy, inline
        new = int(new) if new.is_integer() else round(new, 2)
    return new, (_tidy(new - base) if update.record is RecordType.USER_ADD else new)


def _clamp(number: float, low: float | None, high: float | None) -> float:
    if high is not None and number > high:
        return high
    if low is not None and number < low:
        return low
    return number


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _tidy(number: float | int) -> float | int:
    """Keep integers integral and money to cents, so sums read like real data."""
    if isinstance(number, float):
        return int(number) if number.is_integer() else round(number, 2)
    return number


def never_written(taxonomy: EventTaxonomy, rules: Rules) -> list[str]:
    """User properties no update pattern ties to an event and that have no starting value
    (a time, or ``start: unset``): nothing would ever write them."""
    updated = {prop for pattern in rules.update_patterns.values() for prop in pattern}
    found = []
    for prop in taxonomy.user_properties:
        spec = rules.properties.get(prop.name)
        start = spec.start if spec is not None else None
        unset = start == "unset" or (prop.type is PropertyType.TIME and start != "install")
        if prop.name not in updated and unset:
            found.append(prop.name)
    return found
