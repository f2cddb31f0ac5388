"""Progression: levels, stages and VIP only move forward, and agree with each other.

Per user, across their records in order (event properties and user properties alike):

- a user's level or VIP level (a ``level``/``vip`` user property an event moves or shows,
  and the event properties that show it) never goes back; a stage id property never goes
  back to an earlier stage of the same shape (``world2_stage3`` after ``world1_stage9``);
- in one record, a ``max_*``/``highest_*``/``best_*`` value is never below its
  ``current_*``/``cur_*`` one;
- a VIP level above its first value only after a payment (a revenue event, or a paid total
  above 0: the user property a revenue event adds its amount to);
- a first-pay flag (Rules kind ``first_pay``: ``is_first_pay``, ``first_recharge``) on a
  revenue event is true on the user's first payment and false on every later one (false
  on a first payment counts only for a user installed in the window: an older user may
  have paid before it);
- a day counter (Rules' ``progression.day_counters``, else ``total_login_day``-like names)
  grows by at most one per day the user was active since it was first seen;
- a streak (Rules' ``progression.streak_counters``, else ``current_streak``-like names) an
  event moves, and an event property mirroring it (``streak_days``), changes only by one on
  the day after its last change, or back to 1 after a missed day; an event that ends a
  streak (Rules' ``progression.streak_losses``, else ``streak_lost``-like names) comes only
  after a day without its step, and a freeze (``streak_freezes``) keeps it as if stepped
  the day before;
- an event that promotes or demotes the user (``league_promoted``: progression.yaml
  ``ladder_up_words``) and sets an enum from its own value shows the next rung of the
  plan's order (one up or down from the last one it showed; never past an end: no
  demotion on the first rung);
- a plan change (Rules' ``progression.plan_changes``, else ``plan_upgraded``: progression.yaml
  ``plan_up_words``) that sets an enum from its own value carries a value above (below, for
  a downgrade) the user's before it, as the user records last set it;
- a chapter number never goes back and agrees with a stage id beside it (``stage_3_7`` is
  in chapter 3; a one-number id ``stage_045`` by Rules' ``progression.stages_per_chapter``).

validate/_meaning.py's ``progress`` check covers a user property that goes down through
``user_set``/``user_add``; this one covers event properties and what properties say together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from demogen.analysis.heuristic.values import progression
from demogen.analysis.heuristic.values.vocabulary import FIRST_PAY
from demogen.analysis.naming import NameMap
from demogen.analysis.rules import Rules, per_role_properties
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where
from demogen.vocab import UpdateType

__all__ = ["ProgressionChecker"]

_USER_RECORDS = frozenset({"user_set", "user_setOnce", "user_add"})
_LEVEL_KINDS = frozenset({"level", "vip"})
_REFERENCE = re.compile(r"^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$")


class ProgressionChecker(Checker):
    name = "progression"
    description = ("levels, stages and VIP levels never go back; max ≥ current; VIP only "
                   "after a payment; a first-pay flag only on the first payment; day "
                   "counters count days")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        rules = given.rules
        user_props = _user_properties(rules, given.plan)
        kinds = {n: s.kind for n, s in rules.properties.items()}
        moved = {p for pattern in rules.update_patterns.values() for p in pattern}
        #: property → the user property whose level it is (itself for a user property).
        self.levels: dict[str, str] = {}
        for name, spec in rules.properties.items():
            source = spec.source
            if source is not None and source.type == "mirror" and source.of and \
                    kinds.get(source.of) in _LEVEL_KINDS:
                self.levels[name] = source.of
        for name in user_props:
            if kinds.get(name) in _LEVEL_KINDS and (name in moved or name in self.levels.values()):
                self.levels[name] = name
        # A role's values restart with a role on a new server: the roles check follows them.
        role = per_role_properties(rules)
        self.levels = {n: of for n, of in self.levels.items() if n not in role and of not in role}
        self.vip = {n: of for n, of in self.levels.items() if kinds.get(of) == "vip"}
        self.vip_base = {of: _bottom(rules, given.plan, of) for of in self.vip.values()}
        #: Every stage property (a chapter is checked against them); ``stages``: those this
        #: check follows forward (a role's stage restarts on a new server: ``roles`` does).
        self.stage_names = frozenset(
            n for n, s in rules.properties.items()
            if progression.is_stage_name(n, s.id.stem if s.id else None)
            and (s.id is not None or progression.shows_cleared(n)))
        self.stages = self.stage_names - role
        self.role = role
        self.revenue = frozenset(rules.event_roles.revenue)
        self.installs = frozenset(rules.event_roles.install)
        self.first_flags = tuple(sorted(n for n, s in rules.properties.items()
                                        if s.kind == FIRST_PAY))
        self.paid = _paid_totals(rules)
        self.days = progression.day_counters(user_props, rules.progression.day_counters,
                                             kinds) & user_props
        self.streaks = _streaks(rules, user_props, moved)
        events = [e.name for e in given.plan.events] if given.plan is not None else \
            list(rules.events)
        losses, freezes = progression.streak_ends(events, rules.progression.streak_losses,
                                                  rules.progression.streak_freezes)
        self.losses = frozenset(losses) if self.streaks else frozenset()
        self.freezes = frozenset(freezes) if self.streaks else frozenset()
        self.ladders = _ladders(rules, given.plan)
        self.plan_changes = _plan_changes(rules, given.plan)
        self.plans = frozenset(change[0] for change in self.plan_changes.values())
        self.pairs = progression.max_current_pairs(rules.properties)
        self.chapters = frozenset(n for n in rules.properties if progression.is_chapter_name(n))
        self.per_chapter = rules.progression.stages_per_chapter
        self._users: dict[str, _User] = {}

    @property
    def active(self) -> bool:
        return bool(self.levels or self.stages or self.days or self.pairs or self.chapters
                    or self.streaks or self.ladders or self.plan_changes
                    or (self.first_flags and self.revenue))

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        props = record.get("properties")
        uid = record.get("#distinct_id")
        if not isinstance(props, dict) or not isinstance(uid, str):
            return
        user = self._users.get(uid)
        if user is None:
            user = self._users[uid] = _User()
        kind, event = record.get("#type"), record.get("#event_name")
        time = str(record.get("#time", ""))
        day = time[:10]
        if user.pending and user.pending[0][0] != time:
            self._flush(user, report)
        user.dates.add(day)
        if kind == "track" and event in self.installs:
            user.installed = True
        if kind == "track" and event in self.revenue and self.first_flags:
            self._first_pay(user, props, where, report, uid)
        if (kind == "track" and event in self.revenue) or any(
                _positive(props.get(name)) for name in self.paid):
            user.paid = True    # before the record's VIP level: a history shows both
            user.pending.clear()    # … possibly in two records at the same #time
        self._pairs(props, where, report)
        if kind == "track" and event in self.losses:
            self._streak_end(user, event, day, where, report, uid)
        if kind == "track" and event in self.ladders:
            self._ladder(user, self.ladders[event], props, where, report, uid)
        if kind == "track" and event in self.plan_changes:
            self._plan_change(user, self.plan_changes[event], props, where, report, uid)
        elif kind in _USER_RECORDS and self.plans:
            user.plans.update((n, props[n]) for n in self.plans if n in props)
        if kind == "track" and self.chapters:
            self._chapters(user, props, where, report, uid)
        if kind == "track" or kind in _USER_RECORDS:
            for name, value in props.items():
                self._value(user, name, value, kind, where, report, uid, time)
        if kind == "track" and event in self.freezes:   # the streak it shows is kept too
            self._streak_end(user, event, day, where, report, uid)
        user.tracked = user.tracked or kind == "track"

    def _first_pay(self, user: _User, props: Mapping[str, Any], where: Where, report: Report,
                   uid: str) -> None:
        for name in self.first_flags:
            value = props.get(name)
            if value is True and user.paid:
                report(where, f"user {uid}: {name} is true on a payment after an earlier one")
            elif value is False and not user.paid and user.installed:
                report(where, f"user {uid}: {name} is false on the user's first payment")

    def _flush(self, user: _User, report: Report) -> None:
        for _, where, message in user.pending:
            report(where, message)
        user.pending.clear()

    def finish(self, report: Report) -> None:
        for user in self._users.values():
            self._flush(user, report)

    def _value(self, user: _User, name: str, value: Any, kind: Any, where: Where,
               report: Report, uid: str, time: str) -> None:
        adds = kind == "user_add"
        number = value if isinstance(value, int | float) and not isinstance(value, bool) \
            else None
        if adds:
            if name in self.days and number is not None:
                now = user.days[name][2] if name in user.days else 0
                self._day_count(user, name, now + number, where, report, uid)
            return
        level = self.levels.get(name)
        if level is not None and number is not None:
            seen = user.levels.get(name)
            if seen is not None and number < seen:
                report(where, f"user {uid}: {name} went back from {seen:g} to {number:g}")
            user.levels[name] = number   # one drop is one finding, not one per record after
            base = self.vip_base.get(self.vip.get(name, ""))
            if base is not None and number > base and not user.paid:
                user.pending.append((time, where, f"user {uid}: {name} {number:g} above "
                                                  f"{base:g} before any payment"))
        elif name in self.stages:
            order = progression.stage_order(value)
            if order is not None:
                seen_order = user.stages.get((name, order[0]))
                if seen_order is not None and order[1] < seen_order[0]:
                    report(where, f"user {uid}: {name} went back from {seen_order[1]!r} "
                                  f"to {value!r}")
                user.stages[(name, order[0])] = (order[1], value)
        if name in self.days and number is not None:
            self._day_count(user, name, number, where, report, uid)
        if name in self.streaks and number is not None:
            self._streak(user, name, number, time[:10], where, report, uid)
            if kind != "track" and not user.tracked and number > 0:
                # A streak the user arrived with stepped on a day the output does not
                # show: lost on the window's first day the user missed (unknown here).
                user.streaks[name] = (number, "", time[:10])

    def _streak(self, user: _User, name: str, value: float, day: str, where: Where,
                report: Report, uid: str) -> None:
        """One more on the day after the last change, or 1 after a missed day (the first
        step from a value a user arrived with, whose day is not known, either one)."""
        kept = user.streaks.get(name)
        if kept is not None and kept[0] == value:
            user.streaks[name] = (value, kept[1], day)
            return
        user.streaks[name] = (value, day, day)
        if kept is None:
            return
        last, since, seen = kept
        first = name not in user.stepped
        user.stepped.add(name)
        gap = _days(since or seen, day)
        if (gap == 1 and value == last + 1) or (gap > 1 and value <= 1) or \
                (first and (value == last + 1 or value <= 1)):
            return
        # A 1 seen again later may be a streak started again (or shown by another event
        # before that day's step): 2 follows it on its day or the next.
        if last <= 1 and value == last + 1 and _days(seen, day) <= 1:
            return
        when = "on the same day" if gap == 0 else "a day later" if gap == 1 else \
            f"after {gap} days"
        report(where, f"user {uid}: {name} went from {last:g} to {value:g} {when}")

    def _streak_end(self, user: _User, event: str, day: str, where: Where, report: Report,
                    uid: str) -> None:
        """A loss needs a day without the streak's step since its last one; a freeze keeps
        the streak as if it stepped the day before."""
        for name, (value, since, seen) in list(user.streaks.items()):
            if event in self.freezes:
                user.streaks[name] = (value, date.fromordinal(
                    date.fromisoformat(day).toordinal() - 1).isoformat(), seen)
            elif value > 0 and since and _days(since, day) < 2:
                report(where, f"user {uid}: {event} with {name} {value:g} stepped on {since}: "
                              "no missed day")
                return

    def _ladder(self, user: _User, ladder: tuple[str, int, tuple[str, ...]],
                props: Mapping[str, Any], where: Where, report: Report, uid: str) -> None:
        """One rung from the last one shown (the first move of a user: any rung); a move
        has a rung to go to (no demotion on the first rung, no promotion on the last)."""
        name, rungs, order = ladder
        value = props.get(name)
        if value not in order:
            return
        at, last = order.index(value), user.rungs.get(name)
        user.rungs[name] = at
        if last is None or at == last + rungs:
            return
        end = "first" if last + rungs < 0 else "last" if last + rungs >= len(order) else None
        report(where, f"user {uid}: {name} moved from {order[last]!r} to {value!r} "
                      f"({rungs:+d} rung)" + (f", past the {end} rung" if end else ""))

    def _plan_change(self, user: _User, change: tuple[str, str, int, tuple[str, ...]],
                     props: Mapping[str, Any], where: Where, report: Report, uid: str) -> None:
        """An upgrade to a plan above the one the user held (a downgrade: below)."""
        plan, name, move, order = change
        value, held = props.get(name), user.plans.get(plan)
        if value not in order or held not in order:
            return
        if (order.index(value) - order.index(held)) * move <= 0:
            way = "above" if move > 0 else "below"
            report(where, f"user {uid}: {name} {value!r} on a plan change from {held!r}: "
                          f"not {way} it")

    def _day_count(self, user: _User, name: str, value: float, where: Where, report: Report,
                   uid: str) -> None:
        kept = user.days.get(name)
        if kept is None:    # (first value, dates the user had then, value now)
            user.days[name] = (value, len(user.dates), value)
            return
        first, dates, _ = kept
        days = len(user.dates) - dates + 1
        if value - first > days:
            report(where, f"user {uid}: {name} {value:g} counts more than the {days} days "
                          f"active since it was {first:g}")
        user.days[name] = (first, dates, value)

    def _chapters(self, user: _User, props: Mapping[str, Any], where: Where, report: Report,
                  uid: str) -> None:
        """A chapter number never goes back, and some stage id of the record is in it."""
        for name in self.chapters & props.keys():
            chapter = props[name]
            if not isinstance(chapter, int | float) or isinstance(chapter, bool):
                continue
            seen = user.levels.get(name)
            if seen is not None and chapter < seen and name not in self.role:
                report(where, f"user {uid}: {name} went back from {seen:g} to {chapter:g}")
            user.levels[name] = chapter
            beside = sorted((self.stage_names - self.chapters) & props.keys())
            shown = {c for stage in beside if (c := self._chapter_of(props[stage])) is not None}
            if shown and chapter not in shown:
                stages = ", ".join(f"{s} {props[s]!r}" for s in beside)
                report(where, f"{name} {chapter:g} but {stages} is in chapter "
                              f"{' or '.join(f'{c:g}' for c in sorted(shown))}")

    def _chapter_of(self, stage: Any) -> int | None:
        """The chapter a stage id is in: its group number (``stage_3_7`` → 3), else by
        Rules' stages per chapter (None: not known)."""
        order = progression.stage_order(stage)
        if order is None:
            return None
        numbers = order[1]
        if len(numbers) > 1:
            return numbers[-2]
        return 1 + (numbers[0] - 1) // self.per_chapter if self.per_chapter else None

    def _pairs(self, props: Mapping[str, Any], where: Where, report: Report) -> None:
        for high, low in self.pairs:
            a, b = props.get(high), props.get(low)
            if a is None or b is None:
                continue
            if isinstance(a, int | float) and isinstance(b, int | float):
                behind = a < b
            else:
                oa, ob = progression.stage_order(a), progression.stage_order(b)
                behind = bool(oa and ob and oa[0] == ob[0] and oa[1] < ob[1])
            if behind:
                report(where, f"{high} {a!r} is below {low} {b!r}")

    def notes(self) -> list[str]:
        if self.vip and not self.paid and not self.revenue:
            return ["VIP levels: no revenue event in the rules, so payments are not known"]
        return []


class _User:
    __slots__ = ("dates", "days", "installed", "levels", "paid", "pending", "plans", "rungs",
                 "stages", "stepped", "streaks", "tracked")

    def __init__(self) -> None:
        self.levels: dict[str, float] = {}
        self.stages: dict[tuple[str, str], tuple[tuple[int, ...], Any]] = {}
        #: per day counter: (first value, dates the user had then, value now)
        self.days: dict[str, tuple[float, int, float]] = {}
        self.dates: set[str] = set()
        #: per streak: (value, day it took that value or "" when not known, last day it
        #: showed it)
        self.streaks: dict[str, tuple[float, str, str]] = {}
        #: streaks that changed once (their first step is from a value of unknown day)
        self.stepped: set[str] = set()
        #: whether a track record of the user came (before it, a user record shows what
        #: the user arrived with)
        self.tracked = False
        #: per ladder property: the rung the user's last move showed
        self.rungs: dict[str, int] = {}
        #: per plan (a user property a plan change sets): the value user records last set
        self.plans: dict[str, Any] = {}
        self.paid = False
        #: Installed in the window: no payment before its first record.
        self.installed = False
        #: VIP levels seen before a payment: (#time, where, message), reported unless a
        #: paid total comes at the same #time.
        self.pending: list[tuple[str, Where, str]] = []


def _streaks(rules: Rules, user_props: set[str], moved: set[str]) -> frozenset[str]:
    """The streaks an event moves (``current_streak``) and the event properties showing
    them (``streak_days`` mirroring it). A streak-like event property that shows no user
    property is drawn per record: not followed here."""
    counters = progression.streak_counters(user_props, rules.progression.streak_counters)
    counters = counters & moved
    shows = {n for n, s in rules.properties.items()
             if s.source is not None and s.source.type == "mirror" and s.source.of in counters}
    return frozenset(counters | shows)


def _ladders(rules: Rules, plan: Any) -> dict[str, tuple[str, int, tuple[str, ...]]]:
    """Event → (the enum it sets from its own value, +1 / -1, the plan's order)."""
    enums = {p.name: tuple(str(v) for v in p.enum if v is not None)
             for p in (plan.user_properties if plan is not None else ()) if p.enum}
    found = {}
    for event, pattern in rules.update_patterns.items():
        rungs = progression.ladder_move(event)
        for prop, rule in pattern.items():
            order = enums.get(prop, ())
            if rungs and len(order) > 1 and rule.type is UpdateType.SET and \
                    str(rule.value).replace(" ", "") == "{{" + prop + "}}":
                found[event] = (prop, rungs, order)
    return found


def _plan_changes(rules: Rules, plan: Any) -> dict[str, tuple[str, str, int, tuple[str, ...]]]:
    """Event → (the enum user property it sets, the event property it sets it from, +1 /
    -1, the plan's order), for the events that change a plan (``plan_upgraded``)."""
    enums = {p.name: tuple(str(v) for v in p.enum if v is not None)
             for p in (plan.user_properties if plan is not None else ()) if p.enum}
    found = {}
    for event, pattern in rules.update_patterns.items():
        move = progression.plan_move(event, rules.progression.plan_changes)
        for prop, rule in pattern.items():
            order = enums.get(prop, ())
            shown = _REFERENCE.match(rule.value) if isinstance(rule.value, str) else None
            if move and len(order) > 1 and rule.type is UpdateType.SET and shown:
                found[event] = (prop, shown.group(1), move, order)
    return found


def _days(since: str, day: str) -> int:
    return date.fromisoformat(day).toordinal() - date.fromisoformat(since).toordinal()


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _user_properties(rules: Rules, plan: Any) -> set[str]:
    found = {p for pattern in rules.update_patterns.values() for p in pattern}
    if plan is not None:
        names = NameMap.build(plan)
        found |= {names.properties.get(p.name, p.name) for p in plan.user_properties
                  if not p.is_preset}
    return found


def _bottom(rules: Rules, plan: Any, name: str) -> float:
    """A user property's first value: its own range's bottom (an event property of the
    same name may have another range), else the rules' range, else 0."""
    if plan is not None:
        names = NameMap.build(plan)
        for prop in plan.user_properties:
            if names.properties.get(prop.name, prop.name) == name and prop.value_range:
                return float(prop.value_range.min)
    vr = rules.value_ranges.get(name)
    return float(vr.min) if vr is not None else 0.0


def _paid_totals(rules: Rules) -> frozenset[str]:
    """User properties a revenue event adds an amount to (``total_pay_amount``)."""
    found = set()
    for event in rules.event_roles.revenue:
        for prop, rule in rules.update_patterns.get(event, {}).items():
            if rule.type is UpdateType.INCREMENT and isinstance(rule.value, str) and \
                    _REFERENCE.match(rule.value):
                found.add(prop)
    return frozenset(found)
