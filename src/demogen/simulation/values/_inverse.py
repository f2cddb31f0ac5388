"""Inverse-CDF tables: one uniform draw turned into a number of a given shape.

The stdlib's ``betavariate`` (two ``gammavariate`` rejection loops) and ``lognormvariate``
(a ratio-of-uniforms loop) cost 1–2 µs each, in Python. Here the same distributions are
tabulated once per property, at compile time, and a draw is one ``random()`` and a lookup:

- an integer property over at most :data:`MAX_DISCRETE` values gets the probability of
  each value (``P(round(X) = k)``): a draw is one ``bisect``, like an enum;
- any other number gets a table of its quantile function (:class:`Quantiles`), linear
  between points 1/256 of probability apart, and ever closer in the tails (halving down
  to 2⁻⁴⁰), so a heavy tail keeps its weight.

Every shape is first described as a fine grid ``(x, F)``: increasing ``x`` and the CDF
there (a point mass is a vertical step: two points with the same ``x``). Beta CDFs are
integrated numerically (midpoint rule over ``x = (1 - cos πs) / 2``, which tames the
density's endpoint singularities); lognormal ones come from ``NormalDist``.

Only ``math`` and plain floats are used (no numpy): its vectorised ``exp``/``log`` may
round differently on another CPU, and the tables must be the same on every worker.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

#: Increasing values and the CDF at each.
Grid = tuple[Sequence[float], Sequence[float]]

MAX_DISCRETE = 1024      # integer ranges up to this many values get exact probabilities
_CELLS = 256             # quantile table: cells of equal probability, halved again and
_TAIL = tuple(2.0 ** -k for k in range(9, 41))    # again towards each end (to ~1e-12)
_BETA_STEPS = 4096
_STD = NormalDist()


@functools.cache
def _beta_edges() -> tuple[float, ...]:
    quarter = math.pi / 2.0
    return tuple(math.sin(quarter * i / _BETA_STEPS) ** 2 for i in range(_BETA_STEPS + 1))


@functools.lru_cache(maxsize=16)   # the fixed shapes (low, log …) come back often
def beta_grid(a: float, b: float) -> Grid:
    """Beta(a, b) on [0, 1]."""
    h = 1.0 / _BETA_STEPS
    quarter = math.pi / 2.0
    edges = _beta_edges()
    cdf = [0.0]
    total = 0.0
    for i in range(_BETA_STEPS):
        theta = quarter * (i + 0.5) * h     # x = sin²θ, 1 - x = cos²θ, dx = sin 2θ dθ
        log_density = 2.0 * ((a - 1.0) * math.log(math.sin(theta))
                             + (b - 1.0) * math.log(math.cos(theta)))
        total += math.exp(log_density) * math.sin(2.0 * theta) * quarter * h
        cdf.append(total)
    return edges, tuple(c / total for c in cdf)


def clipped_lognormal_grid(mu: float, sigma: float, low: float, high: float,
                           tries: int) -> Grid:
    """``lognormvariate(mu, sigma)`` drawn up to ``tries`` times until it lands in
    [low, high], else the last draw clipped into it (a point mass at either end)."""
    if high <= 0:   # never lands: always clipped to high
        return [high, high], [0.0, 1.0]
    z_low = -math.inf if low <= 0 else (math.log(low) - mu) / sigma
    z_high = (math.log(high) - mu) / sigma
    below, above = _cdf(z_low), _sf(z_high)
    inside = max(0.0, 1.0 - below - above)
    out = 1.0 - inside
    failed = out ** tries
    at_low = failed * below / out if out > 0 else 0.0
    at_high = failed * above / out if out > 0 else 0.0
    start = max(low, 0.0)
    xs, cdf = [start, start], [0.0, at_low]     # the point masses: vertical steps
    for q in _probabilities():
        z = _z_between(z_low, z_high, below, above, inside, q)
        xs.append(min(max(math.exp(mu + sigma * z), start), high))
        cdf.append(at_low + (1.0 - at_low - at_high) * q)
    top = high if math.isfinite(high) else xs[-1]   # no cap: the last 2⁻⁴⁰ stops there
    return [*xs, top, top], [*cdf, 1.0 - at_high, 1.0]


def triangular_grid(low: float, high: float, mode: float, steps: int = 4096) -> Grid:
    """``triangular(low, high, mode)``."""
    span = high - low
    xs = [low + span * i / steps for i in range(steps + 1)]
    cdf = []
    for x in xs:
        if x <= mode:
            f = (x - low) ** 2 / (span * (mode - low)) if mode > low else 0.0
        else:
            f = 1.0 - (high - x) ** 2 / (span * (high - mode)) if high > mode else 1.0
        cdf.append(min(max(f, 0.0), 1.0))
    return xs, cdf


def transformed(grid: Grid, fn: Callable[[float], float], *, decreasing: bool = False) -> Grid:
    """The grid of ``fn(X)`` for a monotone ``fn``."""
    xs, cdf = grid
    ys = [fn(x) for x in xs]
    if decreasing:
        return ys[::-1], [1.0 - c for c in cdf[::-1]]
    return ys, list(cdf)


def discrete(grid: Grid, low: int, high: int) -> tuple[float, ...]:
    """Cumulative probabilities of ``round(X)`` clipped into ``low``…``high``; the last
    one is 1.0."""
    cum = [_interp(k + 0.5, *grid) for k in range(low, high)]
    return (*itertools.accumulate(cum, max), 1.0)


@dataclass(frozen=True, slots=True)
class Quantiles:
    """The quantile function, linear between ``edges``: for ``edges[i-1] <= u <
    edges[i]`` the value is ``start[i] + slope[i] * u`` (``i = bisect_right(edges, u)``;
    index 0 is never used, and the last edge lies past 1)."""

    edges: tuple[float, ...]
    start: tuple[float, ...]
    slope: tuple[float, ...]

    def __call__(self, u: float) -> float:
        i = bisect.bisect_right(self.edges, u)
        return self.start[i] + self.slope[i] * u


def quantiles(grid: Grid) -> Quantiles:
    xs, cdf = _increasing(grid)
    # Point masses (vertical steps) get edges of their own, so that no cell smears one.
    steps = {c for i in range(1, len(xs)) if xs[i] == xs[i - 1] for c in cdf[i - 1:i + 1]}
    ps = sorted({0.0, *_probabilities(), *(c for c in steps if 0 < c < 1), 1.0})
    qs = [_interp(p, cdf, xs) for p in ps]
    start, slope = [0.0], [0.0]
    for i in range(1, len(ps)):
        k = (qs[i] - qs[i - 1]) / (ps[i] - ps[i - 1])
        slope.append(k)
        start.append(qs[i - 1] - k * ps[i - 1])
    return Quantiles((*ps[:-1], 2.0), tuple(start), tuple(slope))


def _increasing(grid: Grid) -> Grid:
    """The grid with flat stretches of the CDF cut to their last point, so that the CDF
    increases strictly and the quantile is the smallest x reaching each probability."""
    xs, cdf = grid
    keep = [i for i in range(len(cdf)) if i == len(cdf) - 1 or cdf[i + 1] > cdf[i]]
    return [xs[i] for i in keep], [cdf[i] for i in keep]


def _interp(x: float, xs: Sequence[float], ys: Sequence[float]) -> float:
    """Linear interpolation in increasing ``xs``; clamped at the ends."""
    i = bisect.bisect_right(xs, x)
    if i == 0:
        return ys[0]
    if i == len(xs):
        return ys[-1]
    x0, x1 = xs[i - 1], xs[i]
    if x1 == x0:
        return ys[i]
    return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - x0) / (x1 - x0)


def _probabilities() -> list[float]:
    inner = [i / _CELLS for i in range(1, _CELLS)]
    return sorted({*inner, *_TAIL, *(1.0 - t for t in _TAIL)})


def _cdf(z: float) -> float:
    return 0.0 if z == -math.inf else 0.5 * math.erfc(-z / math.sqrt(2.0))


def _sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _z_between(z_low: float, z_high: float, below: float, above: float, inside: float,
               q: float) -> float:
    """The q-quantile of the standard normal truncated to [z_low, z_high]; the upper
    half through the survival function, so the far tail keeps its precision."""
    if q <= 0.5:
        target = below + q * inside
        return z_low if target <= 0 else max(z_low, _STD.inv_cdf(min(target, 1 - 1e-16)))
    tail = above + (1.0 - q) * inside
    return z_high if tail <= 0 else min(z_high, -_STD.inv_cdf(min(tail, 1 - 1e-16)))
