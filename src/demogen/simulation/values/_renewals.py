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
from dataclasses import dataclass
from typing import Any

from demogen.analysis.billing import entry_periods, period_of
from demogen.analysis.rules import Rules
from demogen.simulation.renewals import SLOT, Renewals
from demogen.simulation.values._pairs import PairGroup
from demogen.simulation.values._pay_later import Sample, draw_as_kept, keep


@dataclass(frozen=True, slots=True)
class Renewed:
    """The charges that bring renewals (Rules ``after_days``), the renewals and the cancels
    that stop them."""

    members: frozenset[str]
    #: The sticky slots that hold one subscription: its groups' values and money.
    slots: tuple[str, ...]
    #: Plan (catalogue entry id) → its billing period in days.
    periods: Mapping[str, int]

    def wrap(self, event: str, sample: Sample) -> Sample:
        """``sample`` of ``event``, keeping a charge's plan or showing it on its renewal,
        as the planner marked the occurrence."""
        if event not in self.members:
            return sample
        slots, periods = self.slots, dict(self.periods)

        def of_its_charge(u: Any, t: str) -> dict[str, Any]:
            marks: Renewals | None = u.sticky.get(SLOT)
            if marks is None or marks.session != u.session_number:
                return sample(u, t)
            nth = marks.seen[event] = marks.seen.get(event, 0) + 1
            number = marks.renewing.get((event, nth))
            kept = None if number is None else marks.kept.get(number)
            if kept is not None:
                return draw_as_kept(sample, u, t, kept, slots)
            values = sample(u, t)
            number = marks.charged.get((event, nth))
            if number is not None:
                marks.kept[number] = keep(u.sticky, slots)
                marks.period[number] = period_of(values, periods)
            return values

        return of_its_charge


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
    return Renewed(members=members,
                   slots=tuple(s for g in mine for s in (g.slot, f"{g.slot}\x1fmoney")),
                   periods=entry_periods(rules))
