"""Event properties that name what the user picks, not what they hold (Rules'
``properties.<p>.chosen_on``).

A checkout names the plan and the seats being bought while the user is still on Free: on
such an event (a ``picks`` concept of ``heuristic_updates.yaml``'s ``chosen``), an event
property mirroring a user property that a purchase sets from its own value (``plan_upgraded``:
``plan = {{plan}}``) is the choice. The generator draws it from the event's values; validate's
mirror check leaves it alone. Elsewhere (``seat_added.plan``) it still shows the user's plan.
"""

from __future__ import annotations

import re
from functools import cache

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.rules import PropertySpec, UpdateRule
from demogen.vocab import UpdateType

_REFERENCE = re.compile(r"^\{\{\s*[A-Za-z0-9_.]+\s*\}\}$")


@cache
def _concepts(key: str) -> tuple[str, ...]:
    """``picks`` or ``buys``: concepts of the events where the user chooses / buys."""
    return tuple(load("updates")["chosen"][key])


def with_chosen(specs: dict[str, PropertySpec], patterns: dict[str, dict[str, UpdateRule]],
                ctx: Context) -> dict[str, PropertySpec]:
    """``specs`` with ``chosen_on`` for each event property a checkout names of what a
    purchase sets (``checkout_started.plan``, ``checkout_started.seats``)."""
    bought = _bought(patterns, ctx)
    picks = [e for e in ctx.names if any(ctx.index.has(e, c) for c in _concepts("picks"))]
    out = dict(specs)
    for event in picks:
        for name in ctx.index.info(event).props:
            spec = out.get(name)
            if name in ctx.common_names or spec is None or spec.source is None or \
                    spec.source.type != "mirror" or spec.source.of not in bought:
                continue
            chosen = [*(spec.chosen_on or ()), event]
            out[name] = spec.model_copy(update={"chosen_on": chosen})
    return out


def _bought(patterns: dict[str, dict[str, UpdateRule]], ctx: Context) -> set[str]:
    """User properties a purchase event sets from a value it carries."""
    buys = [e for e in ctx.names if any(ctx.index.has(e, c) for c in _concepts("buys"))]
    return {target for event in buys for target, rule in patterns.get(event, {}).items()
            if rule.type is UpdateType.SET and isinstance(rule.value, str)
            and _REFERENCE.match(rule.value)}
