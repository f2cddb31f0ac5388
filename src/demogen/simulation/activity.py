"""Daily activity: who is active on which day.

Each user has a latent engagement ``e`` (lognormal, median 1; heavy right tail). While
"alive" the user is active on a day with probability ``a(e) = min(A·e^0.5, 0.95)``
times the weekday multiplier, and leaves for good ("churns") each day with hazard
``h(e) = min(H·e^-K, 0.9)``. Classic N-day retention of an install cohort is then

    r(N) = E_e[ a(e) · (1 - h(e))^N ]

a mixture of exponentials that decays like a power law, as real curves do
(realism-bands.md §1.1). :func:`fit_activity` picks A, H and K so that r(1), r(7) and
r(30) hit the preset's targets. Churned users come back with a small daily probability
(``return_probability``), which is what makes RETURNING users.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

ACTIVE_EXPONENT = 0.5
MAX_ACTIVE = 0.95
MAX_HAZARD = 0.9
_GRID_POINTS = 256


@dataclass(frozen=True, slots=True)
class ActivityParams:
    """Fitted parameters plus the engagement spread they were fitted for."""

    active_scale: float      # A
    hazard_scale: float      # H
    hazard_exponent: float   # K
    engagement_sigma: float

    def active_probability(self, engagement: float) -> float:
        return min(self.active_scale * engagement**ACTIVE_EXPONENT, MAX_ACTIVE)

    def hazard(self, engagement: float) -> float:
        return min(self.hazard_scale * engagement ** (-self.hazard_exponent), MAX_HAZARD)

    def engagement_quantile(self, q: float) -> float:
        return math.exp(self.engagement_sigma * NormalDist().inv_cdf(q))


def engagement_grid(sigma: float, points: int = _GRID_POINTS) -> np.ndarray:
    """Equal-probability quantiles of the engagement distribution."""
    normal = NormalDist()
    z = np.array([normal.inv_cdf((i + 0.5) / points) for i in range(points)])
    return np.exp(sigma * z)


def expected_retention(params: ActivityParams, days: list[int]) -> list[float]:
    """r(N) of the model (without returns), for checking a fit."""
    e = engagement_grid(params.engagement_sigma)
    a = np.minimum(params.active_scale * e**ACTIVE_EXPONENT, MAX_ACTIVE)
    h = np.minimum(params.hazard_scale * e ** (-params.hazard_exponent), MAX_HAZARD)
    return [float(np.mean(a * (1 - h) ** n)) for n in days]


def fit_activity(d1: float, d7: float, d30: float, sigma: float) -> ActivityParams:
    """Choose A, H, K so that the model's D1/D7/D30 match the targets.

    A grid over (H, K), with A solved by bisection for D1 on every grid point at once,
    then the point with the smallest log error on D7 and D30. Deterministic and fast
    (well under a second), so it runs at the start of every generation.
    """
    if not d1 > d7 > d30 > 0:
        raise ValueError(f"retention targets must fall: D1 {d1} > D7 {d7} > D30 {d30} > 0")
    e = engagement_grid(sigma)
    hs, ks = np.meshgrid(np.geomspace(0.002, 8.0, 120), np.linspace(0.0, 4.0, 81))
    hs, ks = hs.ravel()[:, None], ks.ravel()[:, None]
    h = np.minimum(hs * e[None, :] ** (-ks), MAX_HAZARD)
    survive1, survive7, survive30 = (1 - h), (1 - h) ** 7, (1 - h) ** 30
    low, high = np.zeros_like(hs), np.full_like(hs, 50.0)
    for _ in range(50):
        mid = (low + high) / 2
        a = np.minimum(mid * e[None, :] ** ACTIVE_EXPONENT, MAX_ACTIVE)
        too_high = np.mean(a * survive1, axis=1, keepdims=True) > d1
        high, low = np.where(too_high, mid, high), np.where(too_high, low, mid)
    a = np.minimum(low * e[None, :] ** ACTIVE_EXPONENT, MAX_ACTIVE)
    r1 = np.mean(a * survive1, axis=1)
    r7 = np.mean(a * survive7, axis=1)
    r30 = np.mean(a * survive30, axis=1)
    error = (
        (np.log(r1 / d1)) ** 2 * 4 + (np.log(r7 / d7)) ** 2 + (np.log(r30 / d30)) ** 2
    )
    best = int(np.argmin(error))
    return ActivityParams(
        active_scale=float(low[best, 0]),
        hazard_scale=float(hs[best, 0]),
        hazard_exponent=float(ks[best, 0]),
        engagement_sigma=sigma,
    )
