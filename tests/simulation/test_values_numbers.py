"""Number shapes drawn through inverse-CDF tables match the stdlib samplers they replace.

``_number_shapes`` used to draw with ``betavariate``, ``lognormvariate`` (with redraws, then a
clip) and ``triangular``; it now draws one ``random()`` through tables (``_inverse``).
The reference below is that former code, verbatim in behaviour: each shape is drawn both
ways from independent streams and the two samples must agree (two-sample
Kolmogorov–Smirnov distance and mean).
"""

from __future__ import annotations

import bisect
import math
import random
import statistics
from collections.abc import Callable
from typing import Any

import pytest

from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.values import _inverse as inverse
from demogen.simulation.values._number_shapes import NumberSpec, number_sampler

N = 40_000
#: KS critical distance for two samples of N at α ≈ 0.001 (1.95 · √(2/N)).
KS_LIMIT = 1.95 * math.sqrt(2.0 / N)


def _reference(spec: NumberSpec) -> Callable[[random.Random], float]:
    """The stdlib drawing the tables replace (the former ``_number_shapes._raw`` + rounding)."""
    lo, hi = float(spec.lo), float(spec.hi)
    if spec.integer:
        lo, hi = float(math.ceil(lo)), float(math.floor(hi))
    span, center = hi - lo, spec.center

    def clipped(draw: Callable[[random.Random], float]) -> Callable[[random.Random], float]:
        def run(rnd: random.Random) -> float:
            for _ in range(4):
                x = draw(rnd)
                if lo <= x <= hi:
                    return x
            return min(max(x, lo), hi)
        return run

    raw: Callable[[random.Random], float]
    if spec.shape == "mean" and center is not None:
        m = (center - lo) / span
        if span > 100 and (0 < m < 0.1 or 0.9 < m < 1):
            up = m < 0.1
            offset = center - lo if up else hi - center
            mu = math.log(offset) - 0.5
            base, sign = (lo, 1) if up else (hi, -1)
            raw = clipped(lambda rnd: base + sign * rnd.lognormvariate(mu, 1.0))
        else:
            m = min(max(m, 0.02), 0.98)
            a, b = max(5.0 * m, 0.6), max(5.0 * (1.0 - m), 0.6)
            raw = lambda rnd: lo + span * rnd.betavariate(a, b)  # noqa: E731
    elif spec.shape == "low":
        raw = lambda rnd: lo + span * rnd.betavariate(1.2, 3.0)  # noqa: E731
    elif spec.shape == "beta22":
        raw = lambda rnd: lo + span * rnd.betavariate(2.0, 2.0)  # noqa: E731
    elif spec.shape == "log":
        top = math.log1p(span)
        raw = lambda rnd: lo + math.expm1(top * rnd.betavariate(2.5, 1.5))  # noqa: E731
    elif spec.shape == "lognormal":
        med = center if center is not None and lo < center < hi else math.sqrt(max(lo, 1.0) * hi)
        mu = math.log(max(med, 1e-9))
        raw = clipped(lambda rnd: rnd.lognormvariate(mu, 1.0))
    elif spec.shape == "tri":
        mode = center if center is not None and lo <= center <= hi else lo + span / 3
        raw = lambda rnd: rnd.triangular(lo, hi, mode)  # noqa: E731
    else:
        raise AssertionError(spec.shape)
    if spec.integer:
        return lambda rnd: min(max(round(raw(rnd)), lo), hi)
    return lambda rnd: min(max(round(raw(rnd), spec.decimals), lo), hi)


def _user(seed: int) -> UserContext:
    device = DeviceProfile(distinct_id="d", country="US", zone_offset=0.0, ip="1.1.1.1",
                           locale="en_US", language="en", currency="USD")
    return UserContext(index=seed, rnd=random.Random(seed), device=device)


def _ks(a: list[float], b: list[float]) -> float:
    """Two-sample Kolmogorov–Smirnov distance (ties handled: compared at every value)."""
    a, b = sorted(a), sorted(b)
    return max(abs(bisect.bisect_right(a, x) / len(a) - bisect.bisect_right(b, x) / len(b))
               for x in {*a[::7], *b[::7], a[0], b[0], a[-1], b[-1]})


SPECS = [
    NumberSpec(1, 20, "low", True),                      # chapter
    NumberSpec(0, 1_000_000, "log", True),               # score
    NumberSpec(10, 300, "mean", True, center=60),        # duration with a mean
    NumberSpec(0, 1_000_000, "mean", True, center=8000),  # skewed from the bottom
    NumberSpec(0, 1000, "mean", True, center=950),       # skewed from the top
    NumberSpec(0.0, 1.0, "beta22", False, decimals=3),   # ratio
    NumberSpec(1, 3600, "lognormal", True, center=90),   # seconds
    NumberSpec(0.5, 50.0, "lognormal", False, center=2.0),
    NumberSpec(18, 70, "tri", True, center=30),          # age
    NumberSpec(0.0, 5.0, "tri", False, decimals=1, center=4.5),
    NumberSpec(1, 200_000, "low", True),                 # wide: quantile table, not discrete
    NumberSpec(0.0, 999.99, "mean", False, center=35.0),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.shape}-{s.lo}-{s.hi}")
def test_tables_draw_what_the_stdlib_drew(spec: NumberSpec) -> None:
    sampler, reference = number_sampler(spec), _reference(spec)
    user, rnd = _user(1), random.Random(2)
    ours = [sampler(user, {}, "") for _ in range(N)]
    theirs = [reference(rnd) for _ in range(N)]
    lo, hi = (math.ceil(spec.lo), math.floor(spec.hi)) if spec.integer else (spec.lo, spec.hi)
    assert all(lo <= x <= hi for x in ours)
    assert all(isinstance(x, int) for x in ours) == spec.integer
    assert _ks(ours, theirs) < KS_LIMIT
    spread = statistics.pstdev(theirs) or 1.0
    assert abs(statistics.fmean(ours) - statistics.fmean(theirs)) < 5 * spread * math.sqrt(2 / N)


def test_beta_grid_is_the_beta_cdf() -> None:
    xs, cdf = inverse.beta_grid(2.0, 2.0)           # F(x) = 3x² − 2x³
    assert max(abs(f - (3 * x * x - 2 * x ** 3)) for x, f in zip(xs, cdf, strict=True)) < 1e-6
    xs, cdf = inverse.beta_grid(0.6, 1.0)           # F(x) = x^0.6: a singular density at 0
    assert max(abs(f - x ** 0.6) for x, f in zip(xs, cdf, strict=True)) < 1e-4


def test_clipped_lognormal_puts_the_failed_redraws_at_the_ends() -> None:
    # median 1, range [0.5, 2]: P(inside) = Φ(ln 2) − Φ(−ln 2) ≈ 0.512
    inside = math.erf(math.log(2.0) / math.sqrt(2.0))
    grid = inverse.clipped_lognormal_grid(0.0, 1.0, 0.5, 2.0, tries=4)
    table = inverse.quantiles(grid)
    at_each_end = (1.0 - inside) ** 4 / 2.0           # symmetric: half below, half above
    assert table(at_each_end * 0.99) == pytest.approx(0.5)
    assert table(1.0 - at_each_end * 0.99) == pytest.approx(2.0)
    assert 0.5 < table(at_each_end * 1.2) < table(0.5) == pytest.approx(1.0, abs=1e-6)


def test_discrete_probabilities_are_those_of_the_rounded_value() -> None:
    grid = inverse.transformed(inverse.beta_grid(1.0, 1.0), lambda x: 1.0 + 4.0 * x)
    cum = inverse.discrete(grid, 1, 5)                # uniform on [1, 5], rounded
    probabilities = [b - a for a, b in zip((0.0, *cum), cum, strict=False)]
    assert probabilities == pytest.approx([0.125, 0.25, 0.25, 0.25, 0.125])


def test_quantile_table_is_fine_in_the_tails() -> None:
    # A heavy right tail far below the cap: the mean must not be pulled up by the last
    # cell (a 1/1,024-wide cell interpolated linearly up to 1e6 would add ~500).
    sampler = number_sampler(NumberSpec(1.0, 1e6, "lognormal", False, center=100.0))
    user = _user(3)
    mean = statistics.fmean(sampler(user, {}, "") for _ in range(N))
    assert mean == pytest.approx(100.0 * math.exp(0.5), rel=0.05)


def _same(values: list[Any]) -> bool:
    return len(set(values)) == 1


def test_tables_are_a_function_of_the_spec() -> None:
    spec = NumberSpec(0, 5000, "mean", False, center=400.0)
    draws = [[number_sampler(spec)(_user(7), {}, "") for _ in range(50)] for _ in range(3)]
    assert _same([tuple(d) for d in draws])


@pytest.mark.parametrize(("low", "high"), [(-math.inf, math.inf), (5.0, math.inf),
                                           (-math.inf, 60.0), (20.0, 40.0)])
def test_clipped_lognormal_table_matches_redraws(low: float, high: float) -> None:
    """Baskets: ``lognormvariate`` redrawn up to 4 times into [low, high], then clipped."""
    mu, sigma = math.log(30.0), 0.7
    table = inverse.quantiles(inverse.clipped_lognormal_grid(mu, sigma, low, high, 4))
    ours_rnd, theirs_rnd = random.Random(4), random.Random(5)

    def theirs() -> float:
        for _ in range(4):
            x = theirs_rnd.lognormvariate(mu, sigma)
            if low <= x <= high:
                return x
        return min(max(x, low), high)

    ours = [min(max(table(ours_rnd.random()), low), high) for _ in range(N)]
    reference = [theirs() for _ in range(N)]
    assert _ks(ours, reference) < KS_LIMIT
    spread = statistics.pstdev(reference)
    assert abs(statistics.fmean(ours) - statistics.fmean(reference)) < 5 * spread * math.sqrt(2 / N)
