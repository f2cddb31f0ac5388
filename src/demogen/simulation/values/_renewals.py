"""A renewal shows the charge that brought it; a charge tells the planner its plan's period.

The planner (``simulation.renewals``) marks each charge that brings a renewal with a
subscription number, and each renewal with the subscription it renews. Drawing the charge,
the values keep its pair groups' slots (the plan, its price) and the plan's billing period
(``analysis.billing``) under that number; drawing the renewal, they put the slots back, so
the renewal shows the same plan at the same price, then restore the latest thing. A cancel
the planner dates after some renewals (it ends the chain) shows its subscription's plan so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.billing import entry_periods, length_of, period_of, plan_of, stated_period
from demogen.analysis.rules import SWITCH_SHARE, Rules
from demogen.simulation.marks import this_session
from demogen.simulation.renewals import SLOT, Renewals
from demogen.simulation.values._pairs import PairGroup
from demogen.simulation.values._pay_later import Sample, draw_as_kept, keep

#: Draws a switching subscriber's checkout or charge makes at most to name another plan than
#: the running one (two plans, one at 9 in 10 of the draws: 16 miss the other 18 % of the time;
#: at even odds, 1 in 65,000).
SWITCH_DRAWS = 16


@dataclass(frozen=True, slots=True)
class Renewed:
    """The charges that bring renewals (Rules ``after_days``), the renewals and the cancels
    that stop them."""

    members: frozenset[str]
    #: The sticky slots that hold one subscription: its groups' values and money.
    slots: tuple[str, ...]
    #: Plan (catalogue entry id) → its billing period in days.
    periods: Mapping[str, int]
    #: Charge → the chance its subscriber switches plans (Rules ``switch_share``; 0 where
    #: the catalogue holds one plan: there is none to switch to).
    switch: Mapping[str, float]
    #: The other events of the subscriptions' groups (a checkout): in a session where the
    #: subscriber switches, they name another plan than the running one too.
    grouped: frozenset[str]
    #: The slots of every group holding a charge, a renewal or one of ``grouped`` (a trial
    #: pairing with the checkout): emptied for a switching draw, which names a plan afresh.
    redrawn: tuple[str, ...] = ()
    #: Charge → the billing periods its own values state (Rules ``period_by``), for plans
    #: with no catalogue period (``billing_period`` annual: 365).
    stated: Mapping[str, Mapping[str, Mapping[str, int]]] = field(default_factory=dict)
    #: The start of something that runs out (a trial) → its property telling the days to
    #: its end (Rules ``after_days_by``: ``trial_days``), None where none does: the start
    #: names no billing period (a trial of the monthly plan does not last a month).
    lengths: Mapping[str, str | None] = field(default_factory=dict)

    def wrap(self, event: str, sample: Sample) -> Sample:
        """``sample`` of ``event``, keeping a charge's plan or showing it on its renewal,
        as the planner marked the occurrence."""
        if event not in self.members and event not in self.grouped:
            return sample
        slots, periods = self.slots, dict(self.periods)
        share = self.switch.get(event, 0.0)

        def of_its_charge(u: Any, t: str) -> dict[str, Any]:
            marks = this_session(u, SLOT, Renewals)
            if marks is None:
                return sample(u, t)
            if event not in self.members:
                return self._other_plan(sample, u, t, marks)
            nth = marks.drawn(event)
            number = marks.renewing.get((event, nth))
            kept = None if number is None else marks.kept.get(number)
            if kept is not None:
                return draw_as_kept(sample, u, t, kept, slots)
            values = self._other_plan(sample, u, t, marks)
            number = marks.charged.get((event, nth))
            if number is not None:
                marks.kept[number] = keep(u.sticky, slots)
                marks.period[number] = length_of(values, self.lengths[event]) \
                    if event in self.lengths else period_of(values, periods) \
                    or stated_period(values, self.stated.get(event))
                marks.plan[number] = plan_of(values, periods)
                marks.switch_share[number] = share
            return values

        return of_its_charge

    def _other_plan(self, sample: Sample, u: Any, t: str, marks: Renewals) -> dict[str, Any]:
        """``sample``, drawn again (at most :data:`SWITCH_DRAWS` times, the slots the session's
        earlier events left emptied and the user's properties holding the plan hidden: a
        ``plan_code`` mirroring ``plan_code_now``) while it names the plan the subscriber
        switches away from this session."""
        values = sample(u, t)
        leaving = None if marks.leaving is None else marks.plan.get(marks.leaving)
        if leaving is None or marks.stayed or plan_of(values, self.periods) != leaving:
            return values
        hidden: list[tuple[dict[Any, Any], dict[Any, Any]]] = []
        for _ in range(SWITCH_DRAWS):
            # Each draw may keep the plan it drew again (a mirror's kept value): hide anew.
            hidden += [(held, _hide(held, leaving)) for held in (u.state, u.sticky)]
            for slot in self.redrawn:
                u.sticky.pop(slot, None)
            values = sample(u, t)
            if plan_of(values, self.periods) != leaving:
                break
        # The user's current plan is the one they switch to (the checkout before the charge
        # named it: the charge shows it too); the old one where no draw found another.
        chosen = plan_of(values, self.periods)
        marks.stayed = chosen == leaving
        for held, kept in hidden:
            for k, x in kept.items():
                held.setdefault(k, x if chosen is None else chosen)
        return values


def _hide(held: dict[Any, Any], plan: str) -> dict[Any, Any]:
    """Take out of ``held`` the entries holding ``plan`` (a user's ``plan_code_now``, a kept
    ``plan_code``), so a draw mirroring them draws a plan afresh; they are returned."""
    out = {k: x for k, x in held.items() if isinstance(x, str) and x == plan}
    for k in out:
        del held[k]
    return out


def plan_renewals(groups: tuple[PairGroup, ...], rules: Rules) -> Renewed | None:
    """The charges and renewals Rules time (``follows`` with ``after_days``)."""
    renewed = frozenset(name for name, spec in rules.events.items()
                        if spec.follows and spec.after_days is not None)
    if not renewed:
        return None
    # A cancel that stops a renewal (Rules ``stops``) ends a chain: it shows its plan too.
    members = frozenset(e for name, spec in rules.events.items() if spec.follows
                        and (name in renewed or renewed & set(spec.stops or ()))
                        for e in (name, spec.follows))
    mine = [g for g in groups if members & set(g.members)]
    periods = entry_periods(rules)
    # A charge's prerequisites (its checkout) name the plan bought as the charge does.
    prerequisites = rules.event_constraints.prerequisites
    shares = {spec.follows: SWITCH_SHARE if spec.switch_share is None else spec.switch_share
              for name, spec in sorted(rules.events.items()) if name in renewed}
    grouped = frozenset((*(e for g in mine for e in g.members),
                         *(e for c in shares if c for e in prerequisites.get(c, ())))) - members
    return Renewed(members=members, slots=_slots(mine), periods=periods,
                   switch={charge: share if len(periods) > 1 else 0.0
                           for charge, share in shares.items() if charge},
                   grouped=grouped,
                   redrawn=_slots([g for g in groups if (members | grouped) & set(g.members)]),
                   stated={spec.follows: spec.period_by
                           for name, spec in sorted(rules.events.items())
                           if name in renewed and spec.follows and spec.period_by},
                   lengths={spec.follows: spec.after_days_by
                            for name, spec in sorted(rules.events.items())
                            if name in renewed and spec.follows and spec.expires})


def _slots(groups: list[PairGroup]) -> tuple[str, ...]:
    """The sticky slots holding the values and money of ``groups``."""
    return tuple(s for g in groups for s in (g.slot, f"{g.slot}\x1fmoney"))
