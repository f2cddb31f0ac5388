"""Plan events the simulation never emits, and why: ``demogen analyze`` and ``generate``
name each one, so no event of the plan disappears without a word."""

from __future__ import annotations

from demogen.analysis.rules import Rules
from demogen.simulation.behaviour import compile_behaviour
from demogen.taxonomy import EventTaxonomy

__all__ = ["never_generated"]


#: Why an event is never generated, by what keeps it out.
_SYSTEM_REASON = ("a server-side snapshot or feed, not a user action "
                  "(event_constraints.system_events); demogen simulates users")
_STAGE_REASON = "no lifecycle stage allows it (lifecycle_rules)"
_UNREACHED_REASON = ("no segment, session chain or flow leads to it (it follows only events "
                     "that are not generated)")


def never_generated(taxonomy: EventTaxonomy, rules: Rules) -> dict[str, str]:
    """Plan events the simulation never emits, each with the reason, in plan order.

    An event is emitted when it brackets sessions, installs, pays or refunds, is a step
    of an onboarding progression or purchase flow, is drawn freely (fill) or from a
    segment's backbone, follows a chain whose leader is emitted, or follows up an emitted
    event (Rules ``events.<name>.follows``).
    """
    plan = compile_behaviour(taxonomy, rules)
    # A purchase is refunded with the first refund event only (SessionPlanner).
    refund = plan.refund[:1] if plan.revenue else ()
    reached = {*plan.install, plan.session_start, plan.session_end, plan.signup, *plan.login,
               *plan.revenue, *refund,
               *(s for flow in plan.progressions for s in flow.steps),
               *(s for flow in plan.purchase_flow.values() for s in flow.steps)}
    for behaviour in plan.segments.values():
        reached.update(step for step, p in behaviour.backbone if p > 0)
        for table in behaviour.fill.values():
            reached.update(table.names)
    grown = True
    while grown:     # chains and follow-ups reached through others (search → product → cart)
        before = len(reached)
        for leader, flows in plan.chains.items():
            if leader in reached:
                reached.update(s for flow in flows for s in flow.steps)
        for trigger, followers in plan.followers.items():
            if trigger in reached:
                reached.update(follower for follower, _ in followers)
        grown = len(reached) > before
    system = set(rules.event_constraints.system_events)
    permitted = set().union(*plan.allowed.values()) if plan.allowed else set(plan.events)
    out: dict[str, str] = {}
    for name in plan.events:
        if name in reached:
            continue
        out[name] = (_SYSTEM_REASON if name in system else
                     _STAGE_REASON if name not in permitted else
                     _refund_reason(plan.refund, bool(plan.revenue)) if name in plan.refund else
                     _UNREACHED_REASON)
    return out


def _refund_reason(refunds: tuple[str, ...], revenue: bool) -> str:
    if not revenue:
        return "a refund (event_roles.refund), but no event is a purchase (event_roles.revenue)"
    return (f"a refund (event_roles.refund): purchases are reversed by the first refund "
            f"event only, {refunds[0]}")
