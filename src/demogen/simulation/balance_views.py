"""Event properties that show a balance the event moves, as it was before the move or as
the move left it (``balance_after``, ``token_change_before``, ``gold_balance``).

Rules' ``properties.<name>.source`` ``{type: after, of: ...}`` (or a ``before`` listing
several balances) names the balances; on an event whose update patterns move one of them
(the currency the event names passes the update's ``when``), the property shows that
balance. The balances are read before any of the event's moves (an update of a fixed
amount is applied before the event's properties are drawn) and the view is set once the
update reading the event's own amount is applied too. A single-balance ``before`` is the
values' ``before`` mirror (drawn before any update reading the event), not handled here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from demogen.analysis.rules import Rules
from demogen.simulation.state import Update, moves


@dataclass(frozen=True, slots=True)
class BalanceView:
    """An event property showing one of ``balances`` before or after the event's move."""

    prop: str
    balances: tuple[str, ...]
    after: bool


def balance_views(rules: Rules) -> dict[str, tuple[BalanceView, ...]]:
    """Per event with an update pattern, the views of the balances it moves."""
    views = [BalanceView(name, spec.source.targets, spec.source.type == "after")
             for name, spec in sorted(rules.properties.items())
             if spec.source is not None and (spec.source.type == "after" or (
                 spec.source.type == "before" and isinstance(spec.source.of, list)))]
    out: dict[str, tuple[BalanceView, ...]] = {}
    for event, pattern in rules.update_patterns.items():
        here = tuple(v for v in views if set(v.balances) & pattern.keys())
        if here:
            out[event] = here
    return out


def balances_held(views: tuple[BalanceView, ...], state: Mapping[str, Any]) -> dict[str, Any]:
    """The balances the views may show, as they are before the event's move."""
    return {name: state.get(name) for view in views for name in view.balances}


def show_balances(views: tuple[BalanceView, ...], updates: tuple[Update, ...],
                  before: Mapping[str, Any], state: Mapping[str, Any],
                  props: dict[str, Any]) -> None:
    """Set each view the event carries to the balance its updates moved (the first one
    listed), before (``before``) or after (``state``) the move; a view of a balance the
    event does not move (a currency that is no balance) keeps its drawn value."""
    if all(view.prop not in props for view in views):
        return
    moved = [u.prop for u in updates if moves(u, props)]
    for view in views:
        if view.prop not in props:
            continue
        name = next((n for n in view.balances if n in moved), None)
        value = None if name is None else (state if view.after else before).get(name)
        if isinstance(value, int | float):
            props[view.prop] = value
