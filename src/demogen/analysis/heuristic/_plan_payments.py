"""A payment for a plan waits for the plan: ``invoice_paid`` (plan Pro | Business) comes
after ``plan_upgraded`` set the user's plan, never to a user still on Free.
It is also the plan's payment (``with_plan_renewals``): it comes right after the
subscription event that buys the plan, then a billing period apart while the user stays.

A subscription event (``subscription_start`` concept) that sets a user property from a value
it carries (``plan = {{plan}}``) buys it. A payment (``purchase`` concept) carrying a
property of that name whose values leave out some of the user property's (the Free the
user starts on) bills what was bought: the subscription is its prerequisite.
"""

from __future__ import annotations

import re
from typing import Any

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._lifecycle import MIN_SCORE
from demogen.analysis.heuristic._money import Money
from demogen.analysis.heuristic._periods import billing_days, stated_periods
from demogen.analysis.rules import EventSpec, Funnel, UpdateRule
from demogen.vocab import UpdateType

_REFERENCE = re.compile(r"^\{\{\s*[A-Za-z0-9_.]+\s*\}\}$")

#: The chance a subscription is paid for and, each period, renewed (monthly B2B SaaS
#: retention is about 95 %: a twentieth of subscriptions end each month).
PLAN_RENEWAL_RATE = 0.95


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


def with_plan_renewals(specs: dict[str, EventSpec], payments: dict[str, list[str]],
                       ctx: Context) -> dict[str, EventSpec]:
    """A payment that bills a bought plan (``plan_payment_prerequisites``) and follows
    nothing else is the plan's payment: it follows the first subscription event buying the
    plan at once (``paid_at_once``) and renews a billing period later (``after_days``: the
    shortest period its values name, else a month's; ``period_by``: the period each value
    of a billing period it shares with the charge names, annual 365). A subscription cancel
    that followed the payment follows the subscription event instead and stops its payments
    (the share of the subscriptions that stop renewing cancelled in the app)."""
    out = dict(specs)
    for pay, subs in sorted(payments.items()):
        entry = out.get(pay)
        if entry is not None and entry.follows is not None:
            continue
        renew = {"follows": subs[0], "rate": PLAN_RENEWAL_RATE,
                 "after_days": billing_days(ctx, pay), "paid_at_once": True,
                 "period_by": stated_periods(ctx, pay, subs[0]) or None}
        out[pay] = entry.model_copy(update=renew) if entry is not None \
            else EventSpec(**renew, origin="heuristic")
        for name, spec in sorted(out.items()):  # a cancel ends the plan: no more payments
            if spec.follows == pay and ctx.index.has(name, "subscription_cancel"):
                out[name] = spec.model_copy(update={"follows": subs[0], "stops": [pay]})
    return out


def held_subscriptions(ctx: Context) -> list[str]:
    """Subscription starts nothing renews: the plan ends a subscription (a
    ``subscription_cancel`` event) but has no renewal (``subscription_renew``) and no payment
    billing a start (a ``purchase`` event sharing a property with it that is no money or
    currency: Trellio's invoice_paid.plan, examples/saas' invoice_paid.subscription_id).
    Such a start is the subscription itself, held from then on: a user starts it once
    (heuristic_segments.yaml ``paired_start_cap``), and the cancel follows it (``held``).
    Where a payment or renewal bills the plan, its chain holds it instead
    (:func:`with_plan_renewals`, follow rule ``renewal``)."""
    idx = ctx.index
    if not _sure(ctx, "subscription_cancel") or _sure(ctx, "subscription_renew"):
        return []
    starts = _sure(ctx, "subscription_start")
    money = Money(ctx)
    for pay in idx.all("purchase"):
        for start in starts:
            shared = (set(pay.props) & set(idx.info(start).props)) - set(money.by_name)
            if pay.name != start and any(not money.is_currency(p) for p in shared):
                return []
    return starts


def _sure(ctx: Context, concept: str) -> list[str]:
    """The events the analyzer is sure have ``concept``, best first."""
    return [i.name for i in ctx.index.all(concept)
            if ctx.index.score(i.name, concept) >= MIN_SCORE]


def plan_payment_order(prerequisites: dict[str, list[str]], details: list[dict[str, Any]],
                       payments: dict[str, list[str]]) -> list[dict[str, Any]]:
    """A plan's payment comes right after the subscription event that buys the plan (and
    each period after): that event is its one prerequisite (a checkout before it bought
    the plan, not the payment), and no session order asks for another event before it.
    Edits ``prerequisites`` in place; returns the session orders kept."""
    for pay, subs in payments.items():
        prerequisites[pay] = list(subs)
    return [d for d in details if not (d["scope"] == "session" and d["strict"]
                                       and d["events"][-1] in payments
                                       and not set(d["events"]) & set(payments[d["events"][-1]]))]


def plan_payment_funnels(funnels: list[Funnel], payments: dict[str, list[str]]) -> list[Funnel]:
    """A session funnel into a plan's payment from another step than the subscription
    event (a checkout → the invoice, the store's payment success) no longer holds: the
    payment comes with the subscription, not the checkout."""
    return [f for f in funnels
            if not (f.window == "session" and len(f.steps) > 1 and f.steps[-1] in payments
                    and f.steps[-2] not in payments[f.steps[-1]])]
