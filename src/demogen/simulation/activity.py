"""Daily activity: who is active on which day.

Each user has a latent engagement ``e`` (lognormal, median 1; heavy right tail). While
"alive" the user is active on day ``n`` after install with probability

    a(e, n) = min(A · e^0.5 · (1 + ν · exp(-(n - 1) / τ)), 0.95)

times the weekday multiplier: a long-run habit ``A · e^0.5`` plus a novelty boost that
fades over the first days. Each day the user also leaves for good ("churns") with hazard
``h(e) = min(H · e^-K, 0.9)``. Classic N-day retention of an install cohort is then

    r(N) = E_e[ a(e, N) · (1 - h(e))^N ]

a mixture of exponentials that decays like a power law, as real curves do
(realism-bands.md §1.1). :func:`fit_activity` picks H and K on a grid, A so that users
still around after two months are active on ``base_activity`` of their days (this is
what sets DAU/MAU), and ν so that r(1) hits D1; the grid point that best matches D7 and
D30 wins. Churned users come back with a small daily probability, which is what makes
RETURNING users.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

ACTIVE_EXPONENT = 0.5
MAX_ACTIVE = 0.95
MAX_HAZARD = 0.9
#: Days over which the novelty of a new install fades (assumption; fits §2's D1→D7 drop).
NOVELTY_DAYS = 3.0
#: Age at which "users still around" are measured for the long-run activity target.
SURVIVOR_AGE = 60
_GRID_POINTS = 256


@dataclass(frozen=True, slots=True)
class ActivityParams:
    """Fitted parameters plus the engagement spread they were fitted for."""

    active_scale: float      # A
    novelty: float           # ν
    hazard_scale: float      # H
    hazard_exponent: float   # K
    engagement_sigma: float

    def habit(self, engagement: float) -> float:
        """Long-run daily activity of an alive user with this engagement."""
        return min(self.active_scale * engagement**ACTIVE_EXPONENT, MAX_ACTIVE)

    def active_probability(self, habit: float, age: int) -> float:
        boost = 1.0 + self.novelty * math.exp(-(age - 1) / NOVELTY_DAYS) if age >= 1 else 1.0
        return min(habit * boost, MAX_ACTIVE)

    def hazard(self, engagement: float) -> float:
        return min(self.hazard_scale * engagement ** (-self.hazard_exponent), MAX_HAZARD)

    def engagement_quantile(self, q: float) -> float:
        return math.exp(self.engagement_sigma * NormalDist().inv_cdf(q))


def engagement_grid(sigma: float, points: int = _GRID_POINTS) -> np.ndarray:
    """Equal-probability quantiles of the engagement distribution."""
    normal = NormalDist()
    z = np.array([normal.inv_cdf((i + 0.5) / points) for i in range(points)])
    return np.exp(sigma * z)


def _novelty(days: int) -> float:
    return math.exp(-(days - 1) / NOVELTY_DAYS)


def expected_retention(params: ActivityParams, days: list[int]) -> list[float]:
    """r(N) of the model (without returns), for checking a fit."""
    e = engagement_grid(params.engagement_sigma)
    habit = np.minimum(params.active_scale * e**ACTIVE_EXPONENT, MAX_ACTIVE)
    h = np.minimum(params.hazard_scale * e ** (-params.hazard_exponent), MAX_HAZARD)
    return [
        float(np.mean(np.minimum(habit * (1 + params.novelty * _novelty(n)), MAX_ACTIVE)
                      * (1 - h) ** n))
        for n in days
    ]


def _bisect(target: np.ndarray, value_of, high: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Per row, the x in [0, high] where the increasing ``value_of(x)`` meets ``target``."""
    low, top = np.zeros_like(target), np.full_like(target, high)
    for _ in range(48):
        mid = (low + top) / 2
        above = value_of(mid) > target
        top, low = np.where(above, mid, top), np.where(above, low, mid)
    return low


def fit_activity(d1: float, d7: float, d30: float, sigma: float,
                 base_activity: float = 0.3) -> ActivityParams:
    """Choose A, ν, H, K so that D1/D7/D30 and the long-run activity match their targets.

    Deterministic and fast (well under a second), so it runs at the start of every
    generation.
    """
    if not d1 > d7 > d30 > 0:
        raise ValueError(f"retention targets must fall: D1 {d1} > D7 {d7} > D30 {d30} > 0")
    if not 0 < base_activity < MAX_ACTIVE:
        raise ValueError(f"long-run activity {base_activity} must be between 0 and {MAX_ACTIVE}")
    e = engagement_grid(sigma)[None, :]
    hs, ks = np.meshgrid(np.geomspace(0.002, 8.0, 100), np.linspace(0.0, 4.0, 61))
    hs, ks = hs.ravel()[:, None], ks.ravel()[:, None]
    survive = 1 - np.minimum(hs * e ** (-ks), MAX_HAZARD)
    weights = survive**SURVIVOR_AGE
    weights = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-300)
    root = e**ACTIVE_EXPONENT
    scale = _bisect(np.full_like(hs, base_activity),
                    lambda a: np.sum(weights * np.minimum(a * root, MAX_ACTIVE), axis=1,
                                     keepdims=True), high=50.0)
    habit = np.minimum(scale * root, MAX_ACTIVE)

    def retention(nu: np.ndarray, n: int) -> np.ndarray:
        boosted = np.minimum(habit * (1 + nu * _novelty(n)), MAX_ACTIVE)
        return np.mean(boosted * survive**n, axis=1, keepdims=True)

    nu = _bisect(np.full_like(hs, d1), lambda v: retention(v, 1), high=200.0)
    r1, r7, r30 = retention(nu, 1), retention(nu, 7), retention(nu, 30)
    error = (4 * np.log(r1 / d1) ** 2 + np.log(r7 / d7) ** 2 + np.log(r30 / d30) ** 2).ravel()
    best = int(np.argmin(error))
    return ActivityParams(
        active_scale=float(scale[best, 0]),
        novelty=float(nu[best, 0]),
        hazard_scale=float(hs[best, 0]),
        hazard_exponent=float(ks[best, 0]),
        engagement_sigma=sigma,
    )
