"""Renewals a billing period apart, each of the charge that brought it: planner ↔ values.

A renewal (Rules ``events.<renewal>.follows`` a charge, with ``after_days``) is due a billing
period after the charge — the period of the plan *that* charge bought (a yearly plan a
year later), which the values pick only after the planner planned the session. So the
planner marks the charge's occurrence with a subscription number; the values, drawing it,
keep the charge's slots (its plan, its price) and the plan's period (the catalogue entry's
``period_days`` attribute) under that number; in the user's next sessions the planner
reads the period and makes the renewal due then (``after_days`` where the plan names
none). A renewal shows its subscription's charge and, while the user stays (at the
renewal's ``rate``), brings the next renewal a period later: charge → renewal → renewal.
A renewal its user does not reach within :data:`LAPSE_DAYS` of its day lapses: the chain ends.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from demogen.simulation.marks import SessionMarks, marks_of

#: Where a user's marks live in ``user.sticky`` (the per-user memory both sides reach).
SLOT = "\x1frenewals"
#: Days past its due day a renewal waits for its subscriber: a renewal happens in a session,
#: so one away longer lets the plan lapse (as a store's billing grace ends, 16 days for
#: monthly plans) instead of renewing on return, weeks after the period it pays for began.
LAPSE_DAYS = 16


@dataclass(slots=True)
class _Waiting:
    """A renewal brought about whose period the values have not told yet."""

    number: int          # the subscription
    renewal: str         # the renewal event
    rate: float          # the chance each renewal brings the next
    day: int             # the day of the charge
    session: int         # the planner's session of the charge
    fallback: int        # Rules ``after_days``: the period where the plan names none
    expires: bool = False   # an end (a trial's): once, never lapsing (Rules ``expires``)


@dataclass(slots=True)
class Renewals(SessionMarks):
    """One user's subscriptions: the planner's marks and the values' memory (``count``:
    subscriptions so far; ``kept``: subscription → its charge's sticky slots, plan and
    price)."""

    #: (charge event, its occurrence in the session, 1-based) → the subscription it starts.
    charged: dict[tuple[str, int], int] = field(default_factory=dict)
    #: (renewal event, its occurrence in the session) → the subscription it renews.
    renewing: dict[tuple[str, int], int] = field(default_factory=dict)
    waiting: list[_Waiting] = field(default_factory=list)
    #: Renewal event (or the cancel that ends a chain) → (due day, subscription, period
    #: days, rate), earliest first.
    due: dict[str, list[tuple[int, int, int, float]]] = field(default_factory=dict)
    #: The values' side: subscription → its plan's billing period in days (None: unnamed).
    period: dict[int, int | None] = field(default_factory=dict)
    #: The values' side: subscription → its plan (catalogue entry id; None: unnamed).
    plan: dict[int, str | None] = field(default_factory=dict)
    #: The values' side: subscription → the chance its holder switches plans while it runs
    #: (Rules ``switch_share``; 0 where the catalogue holds no other plan).
    switch_share: dict[int, float] = field(default_factory=dict)
    #: Subscriptions whose holder will switch to another plan while they run.
    switching: set[int] = field(default_factory=set)
    #: For the values: the subscription a charge of this session switches away from (its
    #: plan is not the one bought), None: no switch this session.
    leaving: int | None = None
    #: For the values: this session's checkout found no other plan (every draw named the one
    #: left), so its charge shows that plan too instead of drawing one the checkout did not.
    stayed: bool = False

    def spent(self) -> None:
        self.charged.clear()
        self.renewing.clear()
        self.leaving = None
        self.stayed = False

    def bring(self, renewal: str, charge: tuple[str, int], rate: float, day: int,
              fallback: int) -> None:
        """The charge (its occurrence) brings a renewal: a subscription of its own."""
        number = self.number(self.charged, charge)
        self.waiting.append(_Waiting(number, renewal, rate, day, self.session, fallback))

    def expire(self, end: str, charge: tuple[str, int], day: int, fallback: int) -> None:
        """The start (its occurrence) of something that runs out (a trial) brings its end,
        due the days the values tell from the start's own value (Rules ``after_days_by``)
        after ``day``, else ``fallback``: it never lapses (period 0) and brings no other
        (rate 0). Its record shows the start's thing (the plan on trial)."""
        number = self.number(self.charged, charge)
        self.waiting.append(_Waiting(number, end, 0.0, day, self.session, fallback, True))

    def void(self, ends: frozenset[str]) -> None:
        """Ends still to come of ``ends`` happen no more (a plan bought during its trial:
        the trial does not run out)."""
        for end in ends:
            self.due.pop(end, None)
        self.waiting = [w for w in self.waiting if w.renewal not in ends]

    def is_due(self, renewal: str, day: int, rnd: random.Random) -> bool:
        """A renewal of ``renewal`` is due on ``day`` (charges of earlier sessions get
        their due day here: the values told their plan's period)."""
        still = []
        for w in self.waiting:
            if w.session >= self.session:
                still.append(w)
                continue
            period = self.period.get(w.number) or w.fallback
            if w.expires:   # no switch, no lapse: the end comes once, however late
                self._add(w.renewal, w.day + period, w.number, 0, 0.0)
                continue
            share = self.switch_share.get(w.number, 0.0)
            if share > 0 and rnd.random() < share:
                self.switching.add(w.number)
            self._add(w.renewal, w.day + max(period + rnd.randint(-1, 1), 0),
                      w.number, period, w.rate)
        self.waiting = still
        queue = self.due.get(renewal)
        if queue and queue[0][0] + LAPSE_DAYS < day:
            # Lapsed renewals end their chains (a cancel, period 0, still comes late).
            queue[:] = [d for d in queue if d[2] == 0 or d[0] + LAPSE_DAYS >= day]
        return bool(queue) and queue[0][0] <= day

    def running(self, renewal: str) -> bool:
        """Whether a subscription renewed by ``renewal`` runs: a renewal of it is to come."""
        return bool(self.due.get(renewal)) or any(w.renewal == renewal for w in self.waiting)

    def may_switch(self, renewal: str) -> bool:
        """Whether every running subscription renewed by ``renewal`` is one whose holder
        switches plans: a charge may buy another plan while it runs."""
        numbers = self._running(renewal)
        return bool(numbers) and numbers <= self.switching

    def switch(self, renewal: str) -> None:
        """A charge while a subscription renewed by ``renewal`` runs: the subscriber switches
        to another plan; the running one renews no more (its cancel, if dated, is void)."""
        numbers = self._running(renewal)
        self.waiting = [w for w in self.waiting if w.number not in numbers]
        for queue in self.due.values():
            queue[:] = [d for d in queue if d[1] not in numbers]
        self.leaving = max(numbers)

    def _running(self, renewal: str) -> set[int]:
        return {d[1] for d in self.due.get(renewal, ())} | \
            {w.number for w in self.waiting if w.renewal == renewal}

    def renewed(self, renewal: str, nth: int, day: int, rnd: random.Random,
                cancel: tuple[str, float] | None = None) -> None:
        """The planner noted the due renewal (its ``nth`` of the session): it shows its
        subscription's charge and, with the renewal's rate, brings the next one. Where the
        chain stops, ``cancel`` (the event that stops it, its rate) comes in a share of the
        stops as the subscriber's explicit cancel, due during the period this renewal paid
        (before the renewal that does not come)."""
        _, number, period, rate = self.due[renewal].pop(0)
        self.renewing[(renewal, nth)] = number
        if rnd.random() < rate:
            self._add(renewal, day + max(period + rnd.randint(-1, 1), 0), number, period, rate)
        elif cancel is not None and period > 0 and rnd.random() < cancel[1]:
            self._add(cancel[0], day + rnd.randint(1, max(period - 2, 1)), number, 0, 0.0)

    def _add(self, renewal: str, due: int, number: int, period: int, rate: float) -> None:
        queue = self.due.setdefault(renewal, [])
        queue.append((due, number, period, rate))
        queue.sort()


def renewals(sticky: dict[str, Any]) -> Renewals:
    """The user's marks (made on first use)."""
    return marks_of(sticky, SLOT, Renewals)
