"""Number samplers: a range, a shape and an integer flag turned into one closure.

Shapes (chosen at compile time from the property's name and range):

- ``mean``: a beta distribution on [lo, hi] whose mean is the given mean (rules'
  ``NumberRange.mean``), concentration 5, so draws cluster around it without a hard edge.
- ``low``: beta(1.2, 3): most values in the lower part (levels, counts, stats).
- ``log``: for ranges spanning orders of magnitude (0–1,000,000 scores): a beta(2.5, 1.5)
  draw on the log scale, so the median is near hi^0.64 and the top is rare.
- ``lognormal``: median ``center`` (durations: 90 s), clipped to the range.
- ``geom``: geometric from lo (quantities: 1 most of the time, 2 often, 5 rarely).
- ``tri``: triangular with mode ``center`` (age, rating).
- ``beta22``: symmetric hump (percentages, ratios).
- ``uniform``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from demogen.simulation.values._codegen import Writer, with_source
from demogen.simulation.values._draw import Sampler, constant

_GEOM_P = 0.55  # P(quantity == lo); an assumption: realism-bands.md has no basket-size band


@dataclass(frozen=True, slots=True)
class NumberSpec:
    lo: float
    hi: float
    shape: str
    integer: bool
    decimals: int = 2
    center: float | None = None  # mean (shape "mean"), median (lognormal) or mode (tri)


def number_sampler(spec: NumberSpec) -> Sampler:
    """A closure drawing from ``spec``; every value lies in [lo, hi] (integer bounds if integer)."""
    lo, hi = float(spec.lo), float(spec.hi)
    if spec.integer:
        ilo, ihi = math.ceil(lo), math.floor(hi)
        if ilo > ihi:  # no integer inside: fall back to a float in range
            return number_sampler(NumberSpec(lo, hi, spec.shape, False, spec.decimals, spec.center))
        if ilo == ihi:
            return constant(ilo)
        draw = _raw(spec.shape, float(ilo), float(ihi), spec.center, integer=True)

        def as_int(u: Any, v: Any, t: str) -> int:
            x = round(draw(u.rnd))
            return ilo if x < ilo else ihi if x > ihi else x

        return with_source(as_int, lambda w, out: [
            f"{out} = round({w.ref(draw)}(u.rnd))", *_clip(w, out, ilo, ihi)])
    if lo == hi:
        return constant(lo)
    draw = _raw(spec.shape, lo, hi, spec.center, integer=False)
    d = spec.decimals

    def as_float(u: Any, v: Any, t: str) -> float:
        x = round(draw(u.rnd), d)
        return lo if x < lo else hi if x > hi else x

    return with_source(as_float, lambda w, out: [
        f"{out} = round({w.ref(draw)}(u.rnd), {d})", *_clip(w, out, lo, hi)])


def _clip(w: Writer, out: str, lo: float, hi: float) -> list[str]:
    return [f"if {out} < {w.ref(lo)}:", f"    {out} = {w.ref(lo)}",
            f"elif {out} > {w.ref(hi)}:", f"    {out} = {w.ref(hi)}"]


def _raw(shape: str, lo: float, hi: float, center: float | None, *, integer: bool) -> Any:
    span = hi - lo
    if shape == "mean" and center is not None and span > 0:
        m = (center - lo) / span
        if span > 100 and 0 < m < 0.1:  # mean far below the top (score 0-1e6, mean 8000)
            return _skewed(lo, hi, center - lo, +1)
        if span > 100 and 0.9 < m < 1:
            return _skewed(lo, hi, hi - center, -1)
        m = min(max(m, 0.02), 0.98)
        a, b = max(5.0 * m, 0.6), max(5.0 * (1.0 - m), 0.6)
        return lambda rnd: lo + span * rnd.betavariate(a, b)
    if shape == "low":
        return lambda rnd: lo + span * rnd.betavariate(1.2, 3.0)
    if shape == "beta22":
        return lambda rnd: lo + span * rnd.betavariate(2.0, 2.0)
    if shape == "log":
        top = math.log1p(span)
        return lambda rnd: lo + math.expm1(top * rnd.betavariate(2.5, 1.5))
    if shape == "lognormal":
        med = center if center is not None and lo < center < hi else math.sqrt(max(lo, 1.0) * hi)
        mu = math.log(max(med, 1e-9))
        sigma = 1.0

        def lognormal(rnd: Any) -> float:
            for _ in range(4):
                x = rnd.lognormvariate(mu, sigma)
                if lo <= x <= hi:
                    return x
            return min(max(x, lo), hi)

        return lognormal
    if shape == "geom":
        if span > 50:
            return _raw("log", lo, hi, center, integer=integer)
        log_q = math.log(1.0 - _GEOM_P)
        return lambda rnd: lo + min(span, math.floor(math.log(1.0 - rnd.random()) / log_q))
    if shape == "tri":
        mode = center if center is not None and lo <= center <= hi else lo + span / 3
        return lambda rnd: rnd.triangular(lo, hi, mode)
    return lambda rnd: lo + span * rnd.random()


def _skewed(lo: float, hi: float, mean_offset: float, direction: int) -> Any:
    """A lognormal offset from one end whose mean is ``mean_offset`` (σ = 1), clipped."""
    sigma = 1.0
    mu = math.log(mean_offset) - sigma * sigma / 2.0
    base = lo if direction > 0 else hi

    def draw(rnd: Any) -> float:
        for _ in range(4):
            x = base + direction * rnd.lognormvariate(mu, sigma)
            if lo <= x <= hi:
                return x
        return min(max(x, lo), hi)

    return draw
