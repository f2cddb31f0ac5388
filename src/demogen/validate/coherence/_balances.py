"""Balance views: an event's ``balance_after`` / ``token_change_before`` shows the balance
the event moved, as the move left it or as it was.

Rules' ``properties.<p>.source`` ``{type: after, of: ...}`` (or a ``before`` listing several
balances) makes ``p`` such a view on every event whose update pattern moves one of the
balances: the first one listed whose update's ``when`` holds for the event (``token_get``
moves ``current_gold`` when its ``token_id`` is ``gold``). A view of a balance the event
does not move keeps a drawn value and is not checked; neither is a single-balance
``before`` (the values' ``before`` mirror, on any event: the ``mirror`` check's concern).

Per user, across their records in order, the balances are what the ``user_set`` /
``user_setOnce`` / ``user_add`` records made them (a ``user_add`` adds to 0 when nothing is
known, as ThinkingData does). An event's own updates are the user records right after it
at the same ``#time``: an ``after`` view must equal the balance once they are applied, a
``before`` view the balance before the event. A balance the records have not shown yet is
not checked.

A spend (an event whose update takes ``{{prop}}`` from a balance, where its ``when`` holds)
costs at most the balance before it: a ``coin_use`` of 3 coins by a user holding 2 (the
balance floored at 0, so balance-after + amount ≠ balance-before) is reported; so is a
use of a consumable (a fixed decrement of a property of kind ``balance``: ``boost_activated``
takes 1 from ``boosts_balance``) by a user whose records hold less than it, and a pack of
it bought (``purchase_completed`` adding ``{{quantity}}``) whose balance after is not the
balance before plus the pack (held at the balance's top: the pack was not all given).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.rules import Rules
from demogen.simulation.values._spends import fill_amounts, spend_amounts
from demogen.validate._rules_view import value_text
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where

__all__ = ["BalancesChecker"]

_USER_RECORDS = frozenset({"user_set", "user_setOnce", "user_add", "user_unset"})
#: Balances are whole numbers or cents: values closer than half a cent agree.
_SLACK = 0.005


@dataclass(frozen=True, slots=True)
class _View:
    """Event property ``prop`` shows one of ``balances`` after (or before) the event."""

    prop: str
    balances: tuple[str, ...]
    after: bool


@dataclass(frozen=True, slots=True)
class _Move:
    """An event's update of ``balance``, applied when every condition holds (property →
    its values, as given and as text)."""

    balance: str
    when: tuple[tuple[str, tuple[Any, ...], frozenset[str]], ...]

    def holds(self, props: Mapping[str, Any]) -> bool:
        return all(_matches(props.get(name), given, texts) for name, given, texts in self.when)


@dataclass(frozen=True, slots=True)
class _Shown:
    """A view an event carries: its value and the balance it shows."""

    view: _View
    balance: str
    value: float


@dataclass(slots=True)
class _Pending:
    """An event with views, waiting for the user records of its own updates."""

    time: str
    where: Where
    event: str
    shown: tuple[_Shown, ...]
    before: dict[str, float]
    #: The consumable balances the event fills, with the amount it adds.
    fills: tuple[tuple[str, str, float], ...] = ()


@dataclass(slots=True)
class _User:
    balances: dict[str, float] = field(default_factory=dict)
    pending: _Pending | None = None


class BalancesChecker(Checker):
    name = "balances"
    description = ("an event's balance-after / balance-before property (Rules source after | "
                   "before) shows the balance the event moved, after or before its move; a "
                   "spend costs at most the balance before it; a pack of a consumable adds "
                   "all of its count")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        rules = given.rules
        views = _views(rules)
        #: Per event: its views and the balance moves its update pattern makes.
        self.events: dict[str, tuple[tuple[_View, ...], tuple[_Move, ...]]] = {}
        for event, pattern in sorted(rules.update_patterns.items()):
            here = tuple(v for v in views if set(v.balances) & pattern.keys())
            if here:
                shown = {b for v in here for b in v.balances}
                moves = tuple(_move(name, rule.when) for name, rule in pattern.items()
                              if name in shown)
                self.events[event] = (here, moves)
        #: Per spending event, the balances it takes an amount from and the amount's name.
        self.spends = _spends(rules)
        #: Per event filling a consumable's balance (a pack bought): what it adds, when.
        self.fills = {event: tuple((_move(balance, rules.update_patterns[event][balance].when),
                                    prop) for balance, prop, _, _ in found)
                      for event, found in fill_amounts(rules, spend_amounts(rules)).items()}
        moved = [m for _, moves in self.events.values() for m in moves]
        spent = [m for pairs in self.spends.values() for m, _ in pairs]
        self.balances = frozenset(m.balance for m in (*moved, *spent))
        self.unmoved = sorted(v.prop for v in views
                              if not any(v in here for here, _ in self.events.values()))
        self._users: dict[str, _User] = {}

    @property
    def active(self) -> bool:
        return bool(self.events or self.spends or self.fills)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        props, uid = record.get("properties"), record.get("#distinct_id")
        if not isinstance(props, dict) or not isinstance(uid, str):
            return
        kind, time = record.get("#type"), str(record.get("#time", ""))
        user = self._users.get(uid)
        if user is not None and user.pending is not None and not (
                kind in _USER_RECORDS and user.pending.time == time):
            self._settle(uid, user, report)
        if kind in _USER_RECORDS:
            if not self.balances.isdisjoint(props):
                if user is None:
                    user = self._users[uid] = _User()
                _apply(user.balances, str(kind), props, self.balances)
        elif kind == "track" and record.get("#event_name") in self.spends and user is not None:
            self._spent(uid, user, str(record["#event_name"]), props, where, report)
        event = str(record.get("#event_name"))
        if kind == "track" and (event in self.events or event in self.fills):
            shown = self._shown(event, props) if event in self.events else ()
            fills = tuple((m.balance, prop, amount) for m, prop in self.fills.get(event, ())
                          if m.holds(props) and (amount := _number(props.get(prop))) is not None)
            if shown or fills:
                if user is None:
                    user = self._users[uid] = _User()
                user.pending = _Pending(time, where, event, shown, dict(user.balances), fills)

    def _spent(self, uid: str, user: _User, event: str, props: Mapping[str, Any],
               where: Where, report: Report) -> None:
        """A spend costing more than the balance the user's records made before it."""
        for move, prop in self.spends[event]:
            balance = move.balance
            held = user.balances.get(balance)
            amount = _number(props.get(prop)) if isinstance(prop, str) else prop
            if held is not None and amount is not None and amount > held + _SLACK \
                    and move.holds(props):
                what = f"{prop} {_text(amount)}" if isinstance(prop, str) \
                    else f"{_text(amount)} of {balance}"
                report(where, f"user {uid}: {event} spends {what}, but "
                              f"{balance} was {_text(held)} before it")

    def _shown(self, event: str, props: Mapping[str, Any]) -> tuple[_Shown, ...]:
        """The views ``event`` carries that show a balance it moves (the first one listed)."""
        views, moves = self.events[event]
        moved = {m.balance for m in moves if m.holds(props)}
        found = []
        for view in views:
            value = _number(props.get(view.prop))
            balance = next((b for b in view.balances if b in moved), None)
            if value is not None and balance is not None:
                found.append(_Shown(view, balance, value))
        return tuple(found)

    def _settle(self, uid: str, user: _User, report: Report) -> None:
        pending = user.pending
        user.pending = None
        if pending is None:
            return
        for balance, prop, amount in pending.fills:
            was, now = pending.before.get(balance), user.balances.get(balance)
            if was is not None and now is not None and abs(was + amount - now) >= _SLACK:
                report(pending.where, f"user {uid}: {pending.event} adds {prop} "
                                      f"{_text(amount)} to {balance} {_text(was)}, but "
                                      f"{balance} is {_text(now)} after it")
        for shown in pending.shown:
            view = shown.view
            expected = (user.balances if view.after else pending.before).get(shown.balance)
            if expected is None or abs(shown.value - expected) < _SLACK:
                continue
            moment = "is {} after it" if view.after else "was {} before it"
            report(pending.where, f"user {uid}: {pending.event} shows {view.prop} "
                                  f"{_text(shown.value)}, but {shown.balance} "
                                  f"{moment.format(_text(expected))}")

    def finish(self, report: Report) -> None:
        for uid, user in self._users.items():
            self._settle(uid, user, report)

    def notes(self) -> list[str]:
        if not self.unmoved:
            return []
        return [f"{', '.join(self.unmoved)}: no update pattern moves the balances shown, "
                "so nothing to check"]


def _views(rules: Rules) -> list[_View]:
    """The balance views the rules declare: every ``after`` source, and the ``before``
    sources listing several balances."""
    return [_View(name, spec.source.targets, spec.source.type == "after")
            for name, spec in sorted(rules.properties.items())
            if spec.source is not None and (spec.source.type == "after" or (
                spec.source.type == "before" and isinstance(spec.source.of, list)))]


def _spends(rules: Rules) -> dict[str, tuple[tuple[_Move, str | float], ...]]:
    """Event → (its move of a balance, amount) for each decrement it makes that the
    generator withholds when the balance does not cover it (values/_spends.py
    ``spend_amounts``: a ``{{prop}}`` amount that is no money, a fixed use of a balance)."""
    out: dict[str, tuple[tuple[_Move, str | float], ...]] = {}
    for event, amounts in spend_amounts(rules).items():
        found = tuple((_move(balance, rules.update_patterns[event][balance].when), amount)
                      for balance, amount, _ in amounts)
        if found:
            out[event] = found
    return out


def _move(balance: str, when: dict[str, list[Any]] | None) -> _Move:
    return _Move(balance, tuple((name, tuple(values), frozenset(
        t for v in values if (t := value_text(v)) is not None))
        for name, values in sorted((when or {}).items())))


def _matches(value: Any, given: tuple[Any, ...], texts: frozenset[str]) -> bool:
    """A condition's value list holds ``value`` (as given, or as the same text)."""
    return value in given or value_text(value) in texts or str(value) in texts


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _text(value: float) -> str:
    """A balance as written (no exponent: 2451540, 12.5)."""
    return f"{value:.15g}"


def _apply(balances: dict[str, float], kind: str, props: Mapping[str, Any],
           names: frozenset[str]) -> None:
    """One user record's change of the balances (a value that is no number forgets it)."""
    for name in names & props.keys():
        value = _number(props[name])
        if kind == "user_unset" or value is None:
            balances.pop(name, None)
        elif kind == "user_add":
            balances[name] = balances.get(name, 0.0) + value
        elif kind == "user_set" or name not in balances:
            balances[name] = value
