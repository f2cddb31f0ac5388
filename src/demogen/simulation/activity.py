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

Two shapes of real logs need more than that mixture (issue 13): most installs never come
back, and established users visit at very different rates (many once a month or less),
so that about half of a month's active users show up on one day only. So:

- ``one_visit``: the installs in that lowest share of engagement leave after their install
  day (hazard 1); the others carry the whole retention, and are fitted to D1/D7/D30
  divided by their share. Existing users are drawn from survivors, so none is one-visit.
- ``visit_sigma``: each user's habit is multiplied by a visit frequency ``f`` (lognormal,
  mean 1, independent of engagement). The fit averages ``min(x · f, cap)`` over ``f``
  in closed form (:func:`_capped_mean`), so the retention targets still hold.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

import numpy as np

from demogen.simulation.presets import VerticalPreset

ACTIVE_EXPONENT = 0.5
MAX_ACTIVE = 0.95
MAX_HAZARD = 0.9
#: Days over which the novelty of a new install fades (assumption; fits §2's D1→D7 drop).
NOVELTY_DAYS = 3.0
#: Shorter fades the fit tries, in order, when the targets do not fit with NOVELTY_DAYS: with
#: one-visit installs the retained ones carry a high D1 alone (0.45 / 0.55 = 0.82 on the
#: game), and a 3-day fade leaves them far above a low D7 (D1 0.45, D7 0.09: D7 0.147).
SHORTER_NOVELTY_DAYS = (2.0, 1.5, 1.0)
#: Largest |log(fitted ÷ target)| over D1/D7/D30 at which a fit counts as landed.
_LANDED = 0.05
#: Age at which "users still around" are measured for the long-run activity target.
SURVIVOR_AGE = 60
_GRID_POINTS = 256
#: Relative error within which fits count as tied (:func:`_steadiest_best`).
_NEAR_TIE = 0.02
#: The retained installs' D1 the one-visit share leaves room for: a larger share is cut
#: down so that the others can still make the targeted D1 (calibration asks up to 0.85).
MAX_RETAINED_D1 = 0.8


@dataclass(frozen=True, slots=True)
class ActivityParams:
    """Fitted parameters plus the engagement spread they were fitted for."""

    active_scale: float      # A
    novelty: float           # ν
    hazard_scale: float      # H
    hazard_exponent: float   # K
    engagement_sigma: float
    #: Installs below this engagement leave after their install day (0: none do).
    one_visit_engagement: float = 0.0
    #: Spread (log sd) of the per-user visit frequency ``f`` (0: every user f = 1).
    visit_sigma: float = 0.0
    #: Days over which the novelty boost fades (τ).
    novelty_days: float = NOVELTY_DAYS

    def visit_frequency(self, rnd: random.Random) -> float:
        """A user's visit frequency: lognormal with mean 1."""
        s = self.visit_sigma
        return math.exp(rnd.gauss(-s * s / 2, s)) if s > 0 else 1.0

    def habit(self, engagement: float, frequency: float = 1.0) -> float:
        """Long-run daily activity of an alive user with this engagement and frequency."""
        return min(self.active_scale * engagement**ACTIVE_EXPONENT * frequency, MAX_ACTIVE)

    def active_probability(self, habit: float, age: int) -> float:
        boost = 1.0 + self.novelty * self.fade(age) if age >= 1 else 1.0
        return min(habit * boost, MAX_ACTIVE)

    def fade(self, age: int) -> float:
        """What is left of the novelty boost ``age`` days after install (1 on day 1)."""
        return _novelty(age, self.novelty_days)

    def hazard(self, engagement: float) -> float:
        if engagement < self.one_visit_engagement:
            return 1.0
        return min(self.hazard_scale * engagement ** (-self.hazard_exponent), MAX_HAZARD)

    def engagement_quantile(self, q: float) -> float:
        return math.exp(self.engagement_sigma * NormalDist().inv_cdf(q))


def engagement_grid(sigma: float, points: int = _GRID_POINTS) -> np.ndarray:
    """Equal-probability quantiles of the engagement distribution."""
    normal = NormalDist()
    z = np.array([normal.inv_cdf((i + 0.5) / points) for i in range(points)])
    return np.exp(sigma * z)


def one_visit_cut(share: float, d1: float) -> float:
    """The one-visit share a fit can honour: the retained installs must reach D1."""
    return min(max(share, 0.0), max(0.0, 1 - d1 / MAX_RETAINED_D1))


def _staying(points: int, share: float) -> np.ndarray:
    """1 for the grid's engagement quantiles above the one-visit share, else 0."""
    return np.array([0.0 if (i + 0.5) / points < share else 1.0 for i in range(points)])


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """Φ(z) to ~1e-7 (Abramowitz & Stegun 7.1.26), vectorised without scipy."""
    x = np.abs(z) / math.sqrt(2)
    t = 1 / (1 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (
        -1.453152027 + t * 1.061405429))))
    erf = 1 - poly * np.exp(-x * x)
    return 0.5 * (1 + np.sign(z) * erf)


def _capped_mean_exact(x: np.ndarray, sigma: float) -> np.ndarray:
    """E[min(x · f, MAX_ACTIVE)] over the visit frequency f = exp(σZ − σ²/2) (mean 1)."""
    z0 = (np.log(MAX_ACTIVE / np.maximum(x, 1e-300)) + sigma * sigma / 2) / sigma
    return x * _normal_cdf(z0 - sigma) + MAX_ACTIVE * (1 - _normal_cdf(z0))


#: log x of the table :func:`_capped_mean` interpolates (the fit calls it ~100 times on
#: arrays of 1.5 M cells; the closed form is ten times slower than a table look-up).
_LOG_X = np.linspace(-16.0, 8.0, 6001)


def _capped_mean(x: np.ndarray, sigma: float) -> np.ndarray:
    """E[min(x · f, MAX_ACTIVE)] over the visit frequency f, read from a table of the
    closed form (below the table it is ~x ≈ 0, above it the cap)."""
    if sigma <= 0:
        return np.minimum(x, MAX_ACTIVE)
    return np.interp(np.log(np.maximum(x, 1e-300)), _LOG_X, _capped_table(sigma),
                     left=0.0, right=MAX_ACTIVE)


@cache
def _capped_table(sigma: float) -> np.ndarray:
    return _capped_mean_exact(np.exp(_LOG_X), sigma)


def _novelty(days: int, novelty_days: float = NOVELTY_DAYS) -> float:
    return math.exp(-(days - 1) / novelty_days)


def expected_retention(params: ActivityParams, days: list[int]) -> list[float]:
    """r(N) of the model (without returns), for checking a fit."""
    e = engagement_grid(params.engagement_sigma)
    habit = params.active_scale * e**ACTIVE_EXPONENT
    h = np.array([params.hazard(x) for x in e])
    return [
        float(np.mean(_capped_mean(habit * (1 + params.novelty * params.fade(n)),
                                   params.visit_sigma) * (1 - h) ** n))
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
                 base_activity: float = 0.3, one_visit: float = 0.0,
                 visit_sigma: float = 0.0,
                 novelty_days: float = NOVELTY_DAYS) -> ActivityParams:
    """Choose A, ν, H, K so that D1/D7/D30 and the long-run activity match their targets.

    ``one_visit`` is the share of installs (the least engaged) who never come back (cut by
    :func:`one_visit_cut`), ``visit_sigma`` the spread of the users' visit frequency.
    The novelty fades over ``novelty_days`` (the preset's; :data:`NOVELTY_DAYS` by default)
    unless the targets do not land with it (within :data:`_LANDED`); then the first of the
    shorter :data:`SHORTER_NOVELTY_DAYS` that lands, or the closest of all. Targets that
    land keep their fade, so the presets' curves do not depend on the shorter ones.
    Deterministic and fast (about a second a fade), so it runs at the start of every
    generation.
    """
    if not d1 > d7 > d30 > 0:
        raise ValueError(f"retention targets must fall: D1 {d1} > D7 {d7} > D30 {d30} > 0")
    if not 0 < base_activity < MAX_ACTIVE:
        raise ValueError(f"long-run activity {base_activity} must be between 0 and {MAX_ACTIVE}")
    shape = _Shape(sigma, base_activity, one_visit_cut(one_visit, d1), visit_sigma)
    fits = []
    shorter = tuple(days for days in SHORTER_NOVELTY_DAYS if days < novelty_days)
    for fade in (novelty_days, *shorter):
        params = _fit_with_fade((d1, d7, d30), shape, fade)
        got = expected_retention(params, [1, 7, 30])
        miss = max(abs(math.log(g / w)) for g, w in zip(got, (d1, d7, d30), strict=True))
        if miss <= _LANDED:
            return params
        fits.append((miss, params))
    return min(fits, key=lambda fit: fit[0])[1]


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a fit keeps fixed: engagement spread, long-run activity, one-visit share (cut)
    and visit-frequency spread."""

    sigma: float
    base_activity: float
    one_visit: float
    visit_sigma: float


def _fit_with_fade(targets: tuple[float, float, float], shape: _Shape,
                   novelty_days: float) -> ActivityParams:
    """The grid fit of A, ν, H, K for one novelty fade."""
    d1, d7, d30 = targets
    sigma, base_activity = shape.sigma, shape.base_activity
    one_visit, visit_sigma = shape.one_visit, shape.visit_sigma
    e = engagement_grid(sigma)[None, :]
    staying = _staying(e.shape[1], one_visit)[None, :]
    hs, ks = np.meshgrid(np.geomspace(0.002, 8.0, 100), np.linspace(0.0, 4.0, 61))
    hs, ks = hs.ravel()[:, None], ks.ravel()[:, None]
    survive = (1 - np.minimum(hs * e ** (-ks), MAX_HAZARD)) * staying
    weights = survive**SURVIVOR_AGE
    weights = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-300)
    root = e**ACTIVE_EXPONENT
    scale = _bisect(np.full_like(hs, base_activity),
                    lambda a: np.sum(weights * _capped_mean(a * root, visit_sigma), axis=1,
                                     keepdims=True), high=50.0)
    habit = scale * root

    def retention(nu: np.ndarray, n: int) -> np.ndarray:
        boosted = _capped_mean(habit * (1 + nu * _novelty(n, novelty_days)), visit_sigma)
        return np.mean(boosted * survive**n, axis=1, keepdims=True)

    nu = _bisect(np.full_like(hs, d1), lambda v: retention(v, 1), high=200.0)
    r1, r7, r30 = retention(nu, 1), retention(nu, 7), retention(nu, 30)
    error = (4 * np.log(r1 / d1) ** 2 + np.log(r7 / d7) ** 2 + np.log(r30 / d30) ** 2).ravel()
    best = _steadiest_best(error, ks.ravel())
    return ActivityParams(
        active_scale=float(scale[best, 0]),
        novelty=float(nu[best, 0]),
        hazard_scale=float(hs[best, 0]),
        hazard_exponent=float(ks[best, 0]),
        engagement_sigma=sigma,
        one_visit_engagement=(math.exp(sigma * NormalDist().inv_cdf(one_visit))
                              if one_visit > 0 else 0.0),
        visit_sigma=visit_sigma,
        novelty_days=novelty_days,
    )


def _steadiest_best(error: np.ndarray, exponents: np.ndarray) -> int:
    """The grid point of least error, the lowest hazard exponent among near-ties.

    Targets the model cannot reach exactly (a D7 below what D1 and the long-run activity
    allow) leave a ridge of (H, K) points whose errors differ by a fraction of a percent;
    the plain argmin then jumps along it with tiny moves of the targets, and calibration,
    which moves the targets a little each round, sees the run flip between two shapes.
    Taking the lowest K within :data:`_NEAR_TIE` of the least error keeps one end of the
    ridge; a target the model fits exactly has no near-ties and keeps its argmin.
    """
    near = error <= error.min() * (1 + _NEAR_TIE) + 1e-12
    return int(np.lexsort((error, exponents, ~near))[0])


def fit_preset(preset: VerticalPreset, base_activity: float,
               retention: tuple[float, float, float] | None = None) -> ActivityParams:
    """:func:`fit_activity` with the preset's engagement and visit shape, to the preset's
    retention targets (or ``retention``, D1/D7/D30, when calibration searches)."""
    r = preset.retention
    d1, d7, d30 = retention if retention is not None else (r.d1, r.d7, r.d30)
    return fit_activity(d1, d7, d30, preset.engagement_sigma, base_activity=base_activity,
                        one_visit=preset.visits.one_visit_share,
                        visit_sigma=preset.visits.frequency_sigma,
                        novelty_days=preset.novelty_days)
