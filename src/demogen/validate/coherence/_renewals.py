"""A renewal comes a billing period of its plan after the charge it renews.

Rules time a renewal (``events.<renewal>.follows`` a charge, ``after_days``); a plan's own
period is its catalogue entry's ``period_days`` (``analysis.billing``). Each charge or
renewal of a plan is paid for one period: a renewal must find a payment of the same plan
(same user) at least its period before — a day early at most — that no renewal renewed
yet; a yearly plan renewed 30 days after its charge is a finding. An event that stops the
renewal (Rules ``events.<cancel>.stops``: a subscription cancel) ends the subscription of the
plan it shows: its latest payment is renewed no more, so a renewal of it after the cancel is a
finding too. A charge of another plan while one runs is a switch (Rules
``events.<renewal>.switch_share``): it ends the running plan, whose renewal after it is a finding.
A renewal that is also the charge's own payment (``events.<renewal>.paid_at_once``: an invoice
paid for an upgrade) comes after each charge before the next one: a charge left unpaid is a
finding, and that payment renews nothing (the charge started the period).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from demogen.analysis.billing import entry_periods, period_of, stated_period
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where

#: A renewal may come this much before its period is over: the planner makes it due a day
#: either way, on a day (a charge late on day 0, its renewal early on day 29: 28 days).
_EARLY = timedelta(days=2)


class RenewalsChecker(Checker):
    name = "renewals"
    description = ("a renewal comes a billing period of its plan (the catalogue entry's "
                   "period_days, else the period its values state by events.<renewal>."
                   "period_by, else events.<renewal>.after_days) after a charge of the "
                   "same plan it renews, none after the cancel of its subscription "
                   "(events.<cancel>.stops) or a switch to another plan")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        events = given.rules.events
        #: renewal → (the charge it follows, its after_days)
        self._renewals = {name: (spec.follows, spec.after_days)
                          for name, spec in sorted(events.items())
                          if spec.follows and spec.after_days is not None
                          and not spec.expires}     # a trial's end: the expiries check
        self._charges = {charge: name for name, (charge, _) in self._renewals.items()}
        #: cancel → the renewal it stops (``stops`` read with ``follows`` only)
        self._ends = {name: stopped for name, spec in sorted(events.items()) if spec.follows
                      for stopped in spec.stops or [] if stopped in self._renewals}
        self._periods = entry_periods(given.rules)
        #: renewal → the billing periods its charge's values state (Rules ``period_by``)
        self._stated = {name: events[name].period_by for name in self._renewals}
        #: Renewals that are their charge's own payment, and (user, renewal, plan) → the
        #: charge still waiting for it.
        self._at_once = {name for name in self._renewals if events[name].paid_at_once}
        self._owed: dict[tuple[str, str, str | None], tuple[Where, str]] = {}
        #: (user, renewal, plan) → when its latest subscription was cancelled, and how
        #: (the cancel, or the charge of the plan switched to)
        self._cancelled: dict[tuple[str, str, str | None], tuple[datetime, str]] = {}
        #: (user, renewal, plan) → times of its payments no renewal renewed yet, oldest first
        self._paid: dict[tuple[str, str, str | None], list[datetime]] = {}
        #: (user, renewal) → the plans they paid for so far (where a switch looks)
        self._plans: dict[tuple[str, str], set[str]] = {}

    @property
    def active(self) -> bool:
        return bool(self._renewals)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        event = record.get("#event_name")
        renewal = event if event in self._renewals else \
            self._charges.get(str(event)) or self._ends.get(str(event))
        if renewal is None or record.get("#type") != "track":
            return
        props = record.get("properties") or {}
        plan = next((v for _, v in sorted(props.items())
                     if isinstance(v, str) and v in self._periods), None)
        key = (str(record.get("#distinct_id")), renewal, plan)
        time = datetime.fromisoformat(str(record["#time"]))
        paid = self._paid.setdefault(key, [])
        if event in self._ends:     # its subscription (the latest payment) renews no more
            if paid:
                paid.pop()
            self._cancelled[key] = (time, f"the cancel of its subscription "
                                          f"(events.{event}.stops)")
            return
        if renewal in self._at_once and self._paid_for(key, str(event), where, report):
            return
        if event != renewal and plan is not None:
            self._switch(key, time)
            self._plans.setdefault(key[:2], set()).add(plan)
        if event == renewal:
            # A renewal shows its charge's period (the upgrade's billing_period) too.
            period = period_of(props, self._periods) \
                or stated_period(props, self._stated[renewal]) or self._renewals[renewal][1] or 0
            due = time - timedelta(days=period) + _EARLY
            renewed = next((i for i, t in enumerate(paid) if t <= due), None)
            cancelled, how = self._cancelled.get(key, (None, ""))
            if renewed is None and cancelled is not None and (not paid or cancelled > paid[-1]):
                report(where, f"{event}{f' of {plan}' if plan else ''} comes "
                              f"{(time - cancelled).days} days after {how}")
            elif renewed is None:
                latest = f"; its latest payment {(time - paid[-1]).days} days before" \
                    if paid else ""
                report(where, f"{event}{f' of {plan}' if plan else ''} comes sooner than its "
                              f"{period}-day period after any charge it could renew{latest}")
            else:
                del paid[renewed]
        paid.append(time)

    def _paid_for(self, key: tuple[str, str, str | None], event: str, where: Where,
                  report: Report) -> bool:
        """A charge owes its payment (one still owed is reported); the payment settles it.
        Whether the record was that payment (it starts no period of its own)."""
        if event != key[1]:
            owed = self._owed.pop(key, None)
            if owed is not None:
                report(*owed)
            self._owed[key] = (where, f"{event} is not paid: no {key[1]} after it before "
                                      f"the next (events.{key[1]}.paid_at_once)")
            return False
        return self._owed.pop(key, None) is not None

    def finish(self, report: Report) -> None:
        for owed in self._owed.values():
            report(*owed)

    def _switch(self, key: tuple[str, str, str | None], time: datetime) -> None:
        """A charge of plan ``key[2]``: a running subscription of another plan (payments no
        renewal renewed yet) ends; none of its renewals may come after it."""
        user, renewal, plan = key
        for other in sorted(self._plans.get((user, renewal), ())):
            paid = self._paid.get((user, renewal, other))
            if other != plan and paid:
                paid.clear()
                self._cancelled[(user, renewal, other)] = (
                    time, f"the switch to {plan} (events.{renewal}.switch_share)")
