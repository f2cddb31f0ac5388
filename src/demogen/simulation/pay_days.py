"""Which segments a run's buyers spend their active days in: a dry run of the activity
and segment model at set-up (no sessions, no events), from which the buyers' day factors
get their run-level scale (population.day_pay_factors).

The dry run makes each user again from a fresh copy of their own stream, so it finds the
run's own payers (which payers a run draws moved the shares most: a few dozen buyers),
then follows each payer's days a few times on streams of its own. It never draws from the
users' streams the run uses, so nothing the run writes moves, and it is a pure function of
the run's inputs: every worker that builds the simulation computes the same shares.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from demogen.simulation.population import SimUser, user_random
from demogen.vocab import Segment

if TYPE_CHECKING:
    from demogen.simulation.engine import Simulation

#: Users the dry run makes at most (the first ones by index), and the times it follows
#: each payer's days: cheap beside the run (measured in docs/behaviour.md).
DRY_USERS = 5000
DRY_REPLICAS = 8
#: Mixed into the dry run's seeds, so its streams are not the users' own.
_DRY_TAG = 0x5E6D

ActiveToday = Callable[["Simulation", SimUser, int, float], bool]
SegmentOf = Callable[["Simulation", SimUser, int], Segment]


def buyer_day_shares(sim: Simulation, active_today: ActiveToday,
                     segment_of: SegmentOf) -> dict[Segment, float]:
    """Per segment, the share of the payers' expected purchases on their non-NEW active
    days under the flat model: each active day of a payer counts their purchase rate ×
    the day's expected sessions. ``active_today`` and ``segment_of`` are the engine's own
    day steps."""
    config = sim.config
    week = sim.preset.weekday_multipliers
    weekday = config.start.weekday()
    totals: dict[Segment, float] = {}
    for index in range(min(config.users, DRY_USERS)):
        user = _payer_again(sim, index)
        if user is None:
            continue
        user.rnd = _dry_random(config.seed, index)
        start = user.alive, user.last_active_day, user.returned_day
        for _ in range(DRY_REPLICAS):
            user.alive, user.last_active_day, user.returned_day = start
            for day in range(max(user.install_day, 0), config.days):
                if not active_today(sim, user, day, week[(weekday + day) % 7]):
                    continue
                segment = segment_of(sim, user, day)
                user.last_active_day = day
                if segment is not Segment.NEW_USER:
                    sessions = sim.sessions.expected_count(segment, user.engagement)
                    totals[segment] = totals.get(segment, 0.0) + user.purchase_rate * sessions
    whole = sum(totals.values())
    return {s: totals[s] / whole for s in Segment if s in totals} if whole > 0 else {}


def _payer_again(sim: Simulation, index: int) -> SimUser | None:
    """User ``index`` as the run makes them (the engine's first draws, from a fresh copy
    of their stream), if they are a potential payer."""
    rnd = user_random(sim.config.seed, index)
    device = sim.devices.new_device(rnd, index, sim.ids)
    user = sim.population.create(index, rnd, device, sim.membership.of(index))
    return user if user.potential_payer else None


def _dry_random(seed: int, index: int) -> random.Random:
    state = np.random.SeedSequence([seed, index, _DRY_TAG]).generate_state(4, dtype=np.uint64)
    return random.Random(int.from_bytes(state.tobytes(), "little"))
