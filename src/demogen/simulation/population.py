"""Who the users are: install day, engagement, starting segment, payer propensity.

Every draw comes from the user's own generator, seeded from (seed, user index), so a
user is the same whatever shard or worker simulates them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from itertools import accumulate

import numpy as np

from demogen.analysis.rules import Rules
from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.activity import ActivityParams
from demogen.simulation.presets import VerticalPreset
from demogen.simulation.segments import CompiledSegment
from demogen.vocab import LifecycleStage, Segment

#: Install ages (days before the window) of existing users by their starting segment,
#: from the seed's user generator (NEW 0–3 days, ACTIVE 7–30, RETURNING 60–90 …).
_START_AGE = {
    Segment.NEW_USER: (1, 3),
    Segment.ACTIVE_USER: (7, 90),
    Segment.POWER_USER: (30, 180),
    Segment.CHURNING_USER: (14, 120),
    Segment.RETURNING_USER: (60, 90),
}
_START_STAGE = {
    Segment.NEW_USER: LifecycleStage.FIRST_SESSION,
    Segment.ACTIVE_USER: LifecycleStage.ACTIVE,
    Segment.POWER_USER: LifecycleStage.ADVANCED,
    Segment.CHURNING_USER: LifecycleStage.ACTIVE,
    Segment.RETURNING_USER: LifecycleStage.ACTIVE,
}
POWER_ENGAGEMENT_QUANTILE = 0.9
#: Payer share by starting segment when the rules give no purchase probabilities.
DEFAULT_PAY_WEIGHTS = {Segment.POWER_USER: 2.0}
#: Users who start the window CHURNING are already drifting away: they come less often than
#: an ACTIVE user of the same engagement and leave sooner, so their active days thin out
#: over the window (issue 13: they were active on 22.9 % of days, like ACTIVE users, with
#: no decline).
CHURNING_HAZARD_BOOST = 6.0
CHURNING_HABIT = 0.6
#: ... and their daily activity chance keeps falling, × e^(−day / this) with the days since
#: the window's start, so they fade faster than ACTIVE users on every seed (the hazard alone
#: left a few engaged ones holding the second half up: ×1.25 vs ACTIVE ×0.84 on one seed).
CHURNING_FADE_DAYS = 10.0
#: Potential payers ÷ target payer rate; not every potential payer buys in a month, but
#: established users are engagement-skewed (measured on the bundled examples).
PAYER_SHARE_FACTOR = 0.9
#: A payer's chance of buying in a session at median engagement: about 2–3 purchases a
#: month for a typical payer (Swrve, realism-bands.md §1.5), more for whales.
PURCHASE_RATE = 0.03
#: Sessions per active day PURCHASE_RATE was tuned at (the game preset).
PURCHASE_SESSIONS = 2.8
#: A buyer's purchase chance on a day follows that day's segment by the ratio of the
#: segments' purchase probabilities to ACTIVE's, held inside these bounds (uncapped, a
#: payer turning POWER from NEW bought ×10 and the game's purchases rose 44 → 110).
DAY_PAY_BOUNDS = (1 / 3, 3.0)


def user_random(seed: int, index: int) -> random.Random:
    """The user's own stream: a pure function of (seed, user index)."""
    state = np.random.SeedSequence([seed, index]).generate_state(4, dtype=np.uint64)
    return random.Random(int.from_bytes(state.tobytes(), "little"))


@dataclass(slots=True)
class SimUser(UserContext):
    """A user as the engine follows them day by day."""

    install_day: int = 0             # window day index; negative = before the window
    existing: bool = False
    alive: bool = True
    habit: float = 0.3               # long-run daily activity while alive
    hazard: float = 0.05
    last_active_day: int | None = None
    returned_day: int | None = None
    potential_payer: bool = False
    #: Sets out to buy like a payer but never does: the failed attempts of a declared
    #: attempt conversion (BehaviourPlan.hesitation).
    hesitant: bool = False
    #: The share of the failed attempts a payer makes themselves, trying again before they
    #: buy: where payers are so common that too few hesitant buyers are left beside them.
    own_failures: float = 0.0
    #: Those failed attempts accrued and not yet shown (a whole one is shown).
    failures_owed: float = 0.0
    purchase_rate: float = 0.0       # chance that a session holds a purchase
    #: ``purchase_rate`` × this on a day in a segment (missing: × 1); the run's own
    #: factors, shared by every user (:func:`day_pay_factors`).
    day_pay: dict[Segment, float] = field(default_factory=dict)
    #: Days over which the daily activity chance falls by e (None: no fade); a user who
    #: starts the window CHURNING fades until they come back (:meth:`habit_on`).
    fade_days: float | None = None
    sessions: int = 0
    done: set[str] = field(default_factory=set)
    progress_limits: list[int] = field(default_factory=list)
    purchases: int = 0               # a hesitant buyer's: the times they set out to buy
    #: Where the user's own hour sits on the hourly curve (0–1): their chronotype.
    chronotype: float = 0.5
    custom: CompiledSegment | None = None   # a custom segment (demogen.yaml), for the run

    def habit_on(self, day: int) -> float:
        """The long-run daily activity on window ``day``: faded for a drifting user who has
        not come back since the window started."""
        if self.fade_days is None or (self.returned_day is not None and self.returned_day >= 0):
            return self.habit
        return self.habit * math.exp(-max(day, 0) / self.fade_days)


@dataclass(frozen=True, slots=True)
class PopulationModel:
    """Everything needed to create any user, built once per run."""

    preset: VerticalPreset
    activity: ActivityParams
    days: int
    segment_mix: dict[Segment, float]
    power_engagement: float
    install_cum_weights: tuple[float, ...]
    #: Hesitant buyers per potential payer (BehaviourPlan.hesitant_ratio).
    hesitant_ratio: float = 0.0
    #: Payer share × this, by the segment a user starts in (:func:`pay_weights`).
    pay_weights: dict[Segment, float] = field(default_factory=lambda: dict(DEFAULT_PAY_WEIGHTS))
    #: A buyer's purchase chance by the day's segment, before the run's scale
    #: (:func:`segment_day_weights`; empty: flat).
    day_weights: dict[Segment, float] = field(default_factory=dict)
    #: ... and after it (:meth:`with_day_shares`): what each user's ``day_pay`` is.
    day_pay: dict[Segment, float] = field(default_factory=dict)

    @classmethod
    def build(cls, preset: VerticalPreset, activity: ActivityParams, days: int,
              start_weekday: int, segment_mix: dict[Segment, float],
              hesitant_ratio: float = 0.0,
              purchase_probabilities: dict[Segment, float] | None = None) -> PopulationModel:
        weekly = preset.growth.weekly_multipliers
        weights = [weekly[(start_weekday + d) % 7] for d in range(days)]
        probabilities = purchase_probabilities or {}
        return cls(preset, activity, days, segment_mix,
                   activity.engagement_quantile(POWER_ENGAGEMENT_QUANTILE),
                   tuple(accumulate(weights)), hesitant_ratio,
                   pay_weights(probabilities, segment_mix, preset.growth.existing_base_share),
                   segment_day_weights(probabilities))

    def with_day_shares(self, shares: dict[Segment, float]) -> PopulationModel:
        """This model with its buyers' day factors scaled to the run's expected shares of
        buyer active-days by segment (:func:`day_pay_factors`)."""
        return replace(self, day_pay=day_pay_factors(self.day_weights, shares))

    def create(self, index: int, rnd: random.Random, device: DeviceProfile,
               custom: CompiledSegment | None = None) -> SimUser:
        user = SimUser(index=index, rnd=rnd, device=device, custom=custom)
        sigma = self.activity.engagement_sigma
        if rnd.random() < self.preset.growth.existing_base_share:
            self._existing(user, rnd)
        else:
            days = range(self.days)
            user.install_day = rnd.choices(days, cum_weights=self.install_cum_weights)[0]
            user.engagement = math.exp(rnd.gauss(0.0, sigma))
        if custom is not None:
            user.engagement *= custom.engagement
        user.habit = self.activity.habit(user.engagement, self.activity.visit_frequency(rnd))
        user.hazard = self.activity.hazard(user.engagement)
        if user.segment is Segment.CHURNING_USER:
            user.hazard = min(user.hazard * CHURNING_HAZARD_BOOST, 0.9)
            user.habit *= CHURNING_HABIT
            user.fade_days = CHURNING_FADE_DAYS
        self._payer(user, rnd)
        user.day_pay = self.day_pay
        user.chronotype = rnd.random()
        return user

    def _existing(self, user: SimUser, rnd: random.Random) -> None:
        """An existing user, drawn from the survivors of their install age."""
        segments = list(self.segment_mix)
        segment = rnd.choices(segments, weights=[self.segment_mix[s] for s in segments])[0]
        low, high = _START_AGE.get(segment, (7, 90))
        age = rnd.randint(low, high)
        user.existing, user.segment, user.install_day = True, segment, -age
        user.stage = _START_STAGE.get(segment, LifecycleStage.ACTIVE)
        user.engagement = self._survivor_engagement(rnd, age, segment)
        user.last_active_day = -rnd.randint(1, 3 if segment is not Segment.CHURNING_USER else 6)
        if segment is Segment.RETURNING_USER:
            user.returned_day = user.last_active_day

    def _survivor_engagement(self, rnd: random.Random, age: int, segment: Segment) -> float:
        """Engagement of someone still around after ``age`` days (survivors skew high)."""
        sigma = self.activity.engagement_sigma
        for _ in range(64):
            e = math.exp(rnd.gauss(0.0, sigma))
            if segment is Segment.POWER_USER and e < self.power_engagement:
                continue
            if rnd.random() < (1 - self.activity.hazard(e)) ** age:
                return e
        return self.power_engagement

    def _payer(self, user: SimUser, rnd: random.Random) -> None:
        """Payers are a small, engagement-skewed share; their rate drives whale spend."""
        draw, payers = rnd.random(), self.payer_chance(user)
        user.potential_payer = draw < payers
        # Hesitant buyers are drawn like payers (the same share, beside it), so their
        # attempts balance the payers' purchases whatever the engagement mix.
        wanted = payers * self.hesitant_ratio
        user.hesitant = payers <= draw < min(payers + wanted, 1.0)
        if user.potential_payer and payers + wanted > 1.0:
            # Where payers are common (a big spender segment) the share beside them is cut
            # at everyone: the payers fail the attempts the missing hesitant buyers would
            # have (a 0.3 conversion landed at 0.45 on an all-spenders run).
            user.own_failures = (payers + wanted - 1.0) / wanted
            # A random start without a draw of its own: below ``payers`` the draw is even.
            user.failures_owed = draw / payers
        if user.potential_payer or user.hesitant:
            user.purchase_rate = self.buy_rate(user)

    def payer_chance(self, user: SimUser) -> float:
        """The chance the user is a potential payer: the payer share, skewed by
        engagement, their starting segment's weight and a custom segment's spend."""
        share = self.preset.payer_rate * PAYER_SHARE_FACTOR * min(user.engagement, 4.0) ** 0.5
        share *= self.pay_weights.get(user.segment, 1.0)
        share *= user.custom.spend if user.custom is not None else 1.0
        return min(share, 0.9)

    def buy_rate(self, user: SimUser) -> float:
        """A buyer's chance of a purchase in a session. Per session: verticals with fewer
        sessions a day buy more often per session."""
        spend = user.custom.spend if user.custom is not None else 1.0
        per_session = self.preset.payer_purchase_rate or (
            PURCHASE_RATE * PURCHASE_SESSIONS / self.preset.sessions_per_active_day.mean)
        return min(min(per_session * user.engagement**0.5, 0.25) * spend, 0.9)


def segment_purchase_probabilities(rules: Rules, revenue: tuple[str, ...]
                                   ) -> dict[Segment, float]:
    """Per segment, how likely its users buy: Rules ``segment_analysis`` ›
    ``event_probabilities`` of the revenue events (the highest); segments that name none
    are left out."""
    out: dict[Segment, float] = {}
    for segment, profile in rules.segment_analysis.items():
        given = [profile.event_probabilities[e] for e in revenue
                 if e in profile.event_probabilities]
        if given:
            out[segment] = max(given)
    return out


def pay_weights(probabilities: dict[Segment, float], segment_mix: dict[Segment, float],
                existing_share: float) -> dict[Segment, float]:
    """Payer share multipliers by starting segment, proportional to the segments' purchase
    probabilities and averaging 1 over the users who start in them (new installs start
    NEW), so the rules decide *who* pays while ``payer_rate`` keeps deciding how many.
    Without probabilities in the rules: :data:`DEFAULT_PAY_WEIGHTS`."""
    starts: dict[Segment, float] = {Segment.NEW_USER: 1 - existing_share}
    total_mix = sum(segment_mix.values()) or 1.0
    for segment, weight in segment_mix.items():
        starts[segment] = starts.get(segment, 0.0) + existing_share * weight / total_mix
    if not any(probabilities.get(s, 0.0) > 0 for s in starts):
        return dict(DEFAULT_PAY_WEIGHTS)
    known = [p for s in starts if (p := probabilities.get(s)) is not None]
    fallback = sum(known) / len(known)
    raw = {s: probabilities.get(s, fallback) for s in starts}
    mean = sum(starts[s] * raw[s] for s in starts) / sum(starts.values())
    return {s: raw[s] / mean for s in starts}


def segment_day_weights(probabilities: dict[Segment, float]) -> dict[Segment, float]:
    """A buyer's purchase chance factor by the segment they are in on the day: the rules'
    purchase probability of the segment ÷ ACTIVE's, within :data:`DAY_PAY_BOUNDS` (so a
    CHURNING day buys less than an ACTIVE one, a POWER day more). NEW days keep the
    engine's own first-days rush (half the first purchases on D0–D1, realism-bands §2)
    and are left out. Empty (flat) when the rules give no purchase probabilities."""
    if not any(p > 0 for p in probabilities.values()):
        return {}
    known = list(probabilities.values())
    fallback = sum(known) / len(known)
    base = probabilities.get(Segment.ACTIVE_USER, fallback) or fallback
    low, high = DAY_PAY_BOUNDS
    return {s: min(max(probabilities.get(s, fallback) / base, low), high)
            for s in Segment if s is not Segment.NEW_USER}


def day_pay_factors(weights: dict[Segment, float], shares: dict[Segment, float]
                    ) -> dict[Segment, float]:
    """The day factors scaled by one run-level number, so that the buyers' expected
    purchases over the run's ``shares`` of their active days (by segment, weighted by
    what each day would buy) stay those of the flat model: the segment decides *when*,
    ``payer_rate`` still *how many*. A scale from one plan's shares did not hold on
    another (examples/ecommerce's buyers come back after a gap far more than the game's)."""
    weighted = sum(shares.get(s, 0.0) * w for s, w in weights.items())
    total = sum(shares.get(s, 0.0) for s in weights)
    if not weights or weighted <= 0:
        return {}
    scale = total / weighted
    return {s: w * scale for s, w in weights.items()}
