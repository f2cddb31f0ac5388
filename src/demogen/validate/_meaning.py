"""The meaning checks of ``demogen validate``: one walk over each user's records in order.

A user's **current value** of a user property is what the user's ``user_set`` /
``user_setOnce`` / ``user_add`` records made it so far (a ``user_setOnce`` changes only an
unset value; a ``user_add`` changes only a known one; ``user_unset`` forgets it). An
event's **own updates** are the user records that follow it at the same ``#time``: the
event may show the value before or after them (``level_up`` shows the level it reached,
a purchase the total spent before it), so an event's value is checked against both.
Nothing is checked against a value the records have not shown yet.

- ``formula``: a declared formula (``property_relationships``) holds on every event that
  carries its property, with its inputs from the same event, else the user's current
  values; and for the user property after every change of it or of its inputs. Random
  parts are checked by their bounds (:func:`~demogen.validate._meaning_rules.
  formula_bounds`); a whole number may be the formula's value rounded (±0.5), other
  values are compared to the cent.
- ``update_method``: a user property the plan gives an update method is written only by
  that method's record (``user_setOnce`` for set-once, ``user_add`` for a counter, from 0:
  no ``user_set`` baseline, ``user_append`` for a list …); a set-once property is never
  given another value after its first (by ``user_set`` or ``user_setOnce``).
- ``progress``: a progress property (levels, counts, running totals) never goes down:
  no ``user_set`` below its current value, no negative ``user_add``.
- ``mirror``: an event property named like a user property equals the user's current
  value (before or after the event's own updates), except where the event names the
  user's pick (Rules' ``chosen_on``: a checkout's plan). Lists and objects are not compared.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from demogen.validate._meaning_rules import FormulaRule, MeaningRules

__all__ = ["MEANING_CHECKS", "MeaningWalk", "Row"]

#: Check name → what it verifies (validate's CHECKS table shows them).
MEANING_CHECKS: dict[str, str] = {
    "formula": "declared formulas (property_relationships) hold on events and user "
               "properties, random parts within their bounds",
    "update_method": "user properties are written only with the plan's update method "
                     "(user_setOnce, user_add, user_append …); set-once properties keep "
                     "their first value",
    "progress": "levels, counts and running totals never go down",
    "mirror": "event properties named like a user property show the user's current value",
}

#: (row id, #type, #time text, #event_name, values of the walked properties as text)
Row = tuple[int, str, str, str | None, Sequence[str | None]]
#: (check, row id, message)
Found = tuple[str, int, str]

_TRACK = frozenset({"track", "track_update", "track_overwrite"})
_USER = frozenset({"user_set", "user_setOnce", "user_add", "user_unset", "user_append",
                   "user_uniq_append"})
#: Records whose values the walk does not follow (lists): only their type is checked.
_APPENDS = frozenset({"user_append", "user_uniq_append"})
_ABSENT = object()


def _value(text: str | None) -> Any:
    """A value as the checks compare it: a number when it reads as one, else its text."""
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a))
    return a == b


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else repr(value)


class MeaningWalk:
    """Checks one user's rows at a time (:meth:`user`), in ``#time`` order."""

    def __init__(self, rules: MeaningRules, columns: Sequence[str],
                 per_role: frozenset[str] = frozenset()):
        self.rules = rules
        #: Role values: followed per role (``roles`` of :meth:`user`), a new role afresh.
        self.per_role = per_role
        self.index = {name: i for i, name in enumerate(columns)}
        self.columns = tuple(columns)
        #: Properties user records change, by column.
        self._user_cols = [(i, n) for i, n in enumerate(columns) if n in rules.user_properties
                           or n in rules.set_once or n in rules.added or n in rules.progress
                           or any(f.target == n or n in f.formula.names
                                  for f in rules.formulas)]
        self._mirrors = [(i, n) for i, n in enumerate(columns) if n in rules.user_properties]
        self._event_formulas = [(self.index[f.target], f) for f in rules.formulas]

    def _fixed(self, rule: FormulaRule, values: Sequence[str | None]) -> bool:
        """A constraint decides the target on this record (its parent's value is listed)."""
        if rule.unless is None:
            return False
        parent, listed = rule.unless
        col = self.index.get(parent)
        return col is not None and values[col] in listed

    def user(self, uid: str, rows: Sequence[Row],
             roles: Sequence[int] | None = None) -> Iterator[Found]:
        """``roles``: the user's role (server number) at each row; a role's values are
        its own (a new role's level starts afresh, an old role's is kept with it)."""
        state: dict[str, Any] = {}
        kept: dict[int, dict[str, Any]] = {}
        role = 0
        i, count = 0, len(rows)
        while i < count:
            rid, kind, stamp = rows[i][:3]
            if roles is not None and roles[i] != role:
                kept[role] = {p: state.pop(p) for p in self.per_role & state.keys()}
                role = roles[i]
                state.update(kept.pop(role, {}))
            if kind in _TRACK:
                end = i + 1
                while end < count and rows[end][1] in _USER and rows[end][2] == stamp:
                    end += 1
                prior: dict[str, Any] = {}
                changed: set[str] = set()
                for row in rows[i + 1:end]:
                    yield from self._apply(uid, row, state, prior, changed)
                yield from self._event(uid, rows[i], state, prior)
                yield from self._state_formulas(uid, rows[end - 1][0], state, changed)
                i = end
            elif kind in _USER:
                changed = set()
                yield from self._apply(uid, rows[i], state, {}, changed)
                yield from self._state_formulas(uid, rid, state, changed)
                i += 1
            else:
                i += 1

    # -- user records ----------------------------------------------------------------------

    def _apply(self, uid: str, row: Row, state: dict[str, Any], prior: dict[str, Any],
               changed: set[str]) -> Iterator[Found]:
        rid, kind, _, _, values = row
        rules = self.rules
        for col, prop in self._user_cols:
            text = values[col]
            if text is None and kind != "user_unset":
                continue
            method = rules.methods.get(prop)
            if method is not None and kind not in (method, "user_unset"):
                yield ("update_method", rid, f"user {uid!r}: {prop!r} is written with "
                       f"{method} (the plan's update method), but a {kind} record writes it")
            if kind in _APPENDS:
                continue
            new, old = _value(text), state.get(prop)
            if kind == "user_unset":
                new = None
            elif kind == "user_add":
                if not isinstance(new, float):
                    continue
                if prop in rules.progress and new < 0:
                    yield ("progress", rid, f"user {uid!r}: {prop!r} goes down by "
                           f"{_shown(-new)} (user_add); it only ever grows")
                # ThinkingData adds to 0 when there is no value yet: a counter's history
                new = (old if isinstance(old, float) else 0.0) + new
            else:
                yield from self._set(uid, rid, kind, prop, new, old,
                                     wrong_record=method is not None and kind != method)
                if kind == "user_setOnce" and old is not None:
                    continue
            if prop not in prior:
                prior[prop] = old
            if new is None:
                state.pop(prop, None)
            else:
                state[prop] = new
            changed.add(prop)

    def _set(self, uid: str, rid: int, kind: str, prop: str, new: Any,
             old: Any, *, wrong_record: bool = False) -> Iterator[Found]:
        """``wrong_record``: the record's type already broke the plan's method (one
        finding per record and property)."""
        rules = self.rules
        if old is None:
            return
        if prop in rules.set_once and not _same(new, old) and not wrong_record:
            yield ("update_method", rid, f"user {uid!r}: {prop!r} is set once, but {kind} "
                   f"gives it {_shown(new)} after {_shown(old)}")
        if kind == "user_set" and prop in rules.added and not wrong_record:
            yield ("update_method", rid, f"user {uid!r}: {prop!r} is written with user_add, "
                   f"but user_set gives it {_shown(new)} (it was {_shown(old)})")
        if kind == "user_set" and prop in rules.progress and isinstance(new, float) \
                and isinstance(old, float) and new < old and not _same(new, old):
            yield ("progress", rid, f"user {uid!r}: {prop!r} goes down from {_shown(old)} "
                   f"to {_shown(new)}; it only ever grows")

    def _state_formulas(self, uid: str, rid: int, state: dict[str, Any],
                        changed: set[str]) -> Iterator[Found]:
        if not changed:
            return
        for rule in self.rules.formulas:
            if rule.target not in changed and changed.isdisjoint(rule.formula.names):
                continue
            value = state.get(rule.target)
            if not isinstance(value, float):
                continue
            bounds = rule.bounds({n: state.get(n) for n in rule.formula.names})  # type: ignore[misc]
            if bounds is not None and not _within(value, bounds):
                yield ("formula", rid, f"user {uid!r}: {rule.target!r} is {_shown(value)}, "
                       f"but {rule.formula.text} gives {_range(bounds)} for "
                       f"{_inputs(rule, state.get)}")

    # -- events ----------------------------------------------------------------------------

    def _event(self, uid: str, row: Row, state: dict[str, Any],
               prior: dict[str, Any]) -> Iterator[Found]:
        rid, _, _, name, values = row

        def before(prop: str) -> Any:
            return prior[prop] if prop in prior else state.get(prop)

        for col, rule in self._event_formulas:
            value = _value(values[col])
            if not isinstance(value, float) or self._fixed(rule, values):
                continue
            own = {n: _value(values[self.index[n]]) for n in rule.formula.names}
            known = {n: v for n, v in own.items() if v is not None}
            ends = [bounds for lookup in (before, state.get)
                    if (bounds := rule.bounds({n: known.get(n, lookup(n))
                                               for n in rule.formula.names})) is not None]
            if ends and not any(_within(value, b) for b in ends):
                yield ("formula", rid, f"{name!r} of user {uid!r}: {rule.target!r} is "
                       f"{_shown(value)}, but {rule.formula.text} gives {_range(ends[0])} "
                       f"for {_inputs(rule, {n: known.get(n, before(n)) for n in own}.get)}")
        for col, prop in self._mirrors:
            text = values[col]
            if text is None or text[:1] in ("[", "{") or (name, prop) in self.rules.chosen:
                continue
            value = _value(text)
            was, now = before(prop), state.get(prop)
            seen = [v for v in (was, now) if v is not None]
            if not seen or any(_same(value, v) for v in seen):
                continue
            current = " then ".join(dict.fromkeys(map(_shown, seen)))
            yield ("mirror", rid, f"{name!r} of user {uid!r}: {prop!r} is {_shown(value)}, but "
                   f"the user's {prop!r} is {current}")


def _within(value: float, bounds: tuple[float, float]) -> bool:
    slack = 0.5 if float(value).is_integer() else 0.01
    slack += 1e-9 * max(abs(bounds[0]), abs(bounds[1]))
    return bounds[0] - slack <= value <= bounds[1] + slack


def _range(bounds: tuple[float, float]) -> str:
    lo, hi = bounds
    return f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}"


def _inputs(rule: FormulaRule, lookup: Callable[[str], Any]) -> str:
    return ", ".join(f"{n} = {_shown(lookup(n))}" for n in rule.formula.names)
