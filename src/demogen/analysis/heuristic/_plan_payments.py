"""A payment for a plan waits for the plan: ``invoice_paid`` (plan Pro | Business) comes
after ``plan_upgraded`` set the user's plan, never to a user still on Free.

A subscription event (``subscription_start`` concept) that sets a user property from a value
it carries (``plan = {{plan}}``) buys it. A payment (``purchase`` concept) carrying a
property of that name whose values leave out some of the user property's (the Free the
user starts on) bills what was bought: the subscription is its prerequisite.
"""

from __future__ import annotations

import re

from demogen.analysis.heuristic._context import Context
from demogen.analysis.rules import UpdateRule
from demogen.vocab import UpdateType

_REFERENCE = re.compile(r"^\{\{\s*[A-Za-z0-9_.]+\s*\}\}$")


def plan_payment_prerequisites(patterns: dict[str, dict[str, UpdateRule]],
                               ctx: Context) -> dict[str, list[str]]:
    """Payment event → the subscription events that buy the plan it bills."""
    bought: dict[str, list[str]] = {}
    for sub in ctx.index.all("subscription_start"):
        for target, rule in patterns.get(sub.name, {}).items():
            if rule.type is UpdateType.SET and isinstance(rule.value, str) and \
                    _REFERENCE.match(rule.value):
                bought.setdefault(target, []).append(sub.name)
    out: dict[str, list[str]] = {}
    for pay in ctx.index.all("purchase"):
        for target, subs in sorted(bought.items()):
            if target in pay.props and _a_paid_value(ctx, target):
                out.setdefault(pay.name, [])
                out[pay.name] += [s for s in subs if s != pay.name and s not in out[pay.name]]
    return {event: subs for event, subs in out.items() if subs}


def _a_paid_value(ctx: Context, name: str) -> bool:
    """The event property ``name`` lists only some of the user property's values (not
    Free)."""
    held = ctx.user_props.get(name)
    shown = next((p for p in ctx.taxonomy.properties if p.name == name and p.enum), None)
    if held is None or not held.enum or shown is None:
        return False
    return set(map(str, shown.enum)) < set(map(str, held.enum))
