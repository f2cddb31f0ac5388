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

``geom`` and ``uniform`` are drawn directly from one ``random()``; the other shapes through
inverse-CDF tables built here once (``_inverse``): exact probabilities per value for
integers over up to 4,096 values, a quantile table otherwise. A draw is then one
``random()`` and a ``bisect`` instead of the stdlib's rejection samplers.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from demogen.simulation.values import _inverse as inverse
from demogen.simulation.values._codegen import Writer, with_source
from demogen.simulation.values._draw import Sampler, constant

_GEOM_P = 0.55  # P(quantity == lo); an assumption: realism-bands.md has no basket-size band
_TRIES = 4      # lognormal shapes: draws until one lands in range, then clipped


@dataclass(frozen=True, slots=True)
class Direct:
    """A shape drawn straight from one ``random()``: ``draw(rnd)``, and the same draw as
    an expression of ``rnd()`` for the generated code."""

    draw: Callable[[Callable[[], float]], float]
    expression: str


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
        direct = _direct(spec.shape, float(ilo), float(ihi), spec.center)
        if direct is None and ihi - ilo < inverse.MAX_DISCRETE:
            return _discrete(ilo, _discrete_table(spec.shape, ilo, ihi, spec.center))
        return _rounded(direct or _quantile_table(spec.shape, float(ilo), float(ihi), spec.center),
                        ilo, ihi, None)
    if lo == hi:
        return constant(lo)
    direct = _direct(spec.shape, lo, hi, spec.center)
    return _rounded(direct or _quantile_table(spec.shape, lo, hi, spec.center), lo, hi,
                    spec.decimals)


def _discrete(ilo: int, cum: tuple[float, ...]) -> Sampler:
    """``ilo + k`` with probability ``cum[k] - cum[k-1]``."""
    bis = bisect.bisect_right
    return with_source(lambda u, v, t: ilo + bis(cum, u.rnd.random()),
                       lambda w, out: [f"{out} = {ilo} + _bisect({w.ref(cum)}, rnd())"])


def _rounded(shape: Direct | inverse.Quantiles, lo: float, hi: float,
             decimals: int | None) -> Sampler:
    """A drawn number rounded (to an integer when ``decimals`` is None) and clipped."""
    if isinstance(shape, Direct):
        draw = shape.draw
        lines: list[str] = ["{out} = " + shape.expression]
        refs: dict[str, Any] = {}
    else:
        table = shape

        def draw(rnd: Callable[[], float]) -> float:
            return table(rnd())

        lines = ["{y} = rnd()", "{i} = _bisect({edges}, {y})",
                 "{out} = {start}[{i}] + {slope}[{i}] * {y}"]
        refs = {"edges": table.edges, "start": table.start, "slope": table.slope}

    def number(u: Any, v: Any, t: str) -> float:
        x = round(draw(u.rnd.random)) if decimals is None else round(draw(u.rnd.random), decimals)
        return lo if x < lo else hi if x > hi else x

    def source(w: Writer, out: str) -> list[str]:
        names = {k: w.ref(x) for k, x in refs.items()}
        code = [line.format(out=out, y=f"{out}y", i=f"{out}i", **names) for line in lines]
        rounding = f"round({out})" if decimals is None else f"round({out}, {decimals})"
        return [*code, f"{out} = {rounding}", *_clip(w, out, lo, hi)]

    return with_source(number, source)


def _clip(w: Writer, out: str, lo: float, hi: float) -> list[str]:
    return [f"if {out} < {w.ref(lo)}:", f"    {out} = {w.ref(lo)}",
            f"elif {out} > {w.ref(hi)}:", f"    {out} = {w.ref(hi)}"]


# Tables are pure functions of the shape: properties (and segments) that share a shape
# share its table instead of holding a copy each.

@functools.lru_cache(maxsize=1024)
def _discrete_table(shape: str, ilo: int, ihi: int, center: float | None) -> tuple[float, ...]:
    return inverse.discrete(_grid(shape, float(ilo), float(ihi), center), ilo, ihi)


@functools.lru_cache(maxsize=1024)
def _quantile_table(shape: str, lo: float, hi: float, center: float | None) -> inverse.Quantiles:
    return inverse.quantiles(_grid(shape, lo, hi, center))


def _tabulated(shape: str, lo: float, hi: float, center: float | None) -> bool:
    if shape == "mean":
        return center is not None and hi > lo
    return shape in ("low", "beta22", "log", "lognormal", "tri") or \
        (shape == "geom" and hi - lo > 50)


def _direct(shape: str, lo: float, hi: float, center: float | None) -> Direct | None:
    """Geometric quantities and uniform draws (one ``random()`` each); None for the
    shapes drawn through tables."""
    if _tabulated(shape, lo, hi, center):
        return None
    span = hi - lo
    if shape == "geom":
        log_q = math.log(1.0 - _GEOM_P)
        return Direct(lambda rnd: lo + min(span, math.floor(math.log(1.0 - rnd()) / log_q)),
                      f"{lo!r} + min({span!r}, _floor(_log(1.0 - rnd()) / {log_q!r}))")
    return Direct(lambda rnd: lo + span * rnd(), f"{lo!r} + {span!r} * rnd()")


def _grid(shape: str, lo: float, hi: float, center: float | None) -> inverse.Grid:
    """The CDF of a tabulated shape on [lo, hi]."""
    span = hi - lo
    if shape == "mean" and center is not None:
        m = (center - lo) / span
        if span > 100 and 0 < m < 0.1:  # mean far below the top (score 0-1e6, mean 8000)
            return _skewed(lo, hi, center - lo, +1)
        if span > 100 and 0.9 < m < 1:
            return _skewed(lo, hi, hi - center, -1)
        m = min(max(m, 0.02), 0.98)
        return _beta(lo, span, max(5.0 * m, 0.6), max(5.0 * (1.0 - m), 0.6))
    if shape == "low":
        return _beta(lo, span, 1.2, 3.0)
    if shape == "beta22":
        return _beta(lo, span, 2.0, 2.0)
    if shape in ("log", "geom"):   # a geometric quantity over a wide range: log-shaped
        top = math.log1p(span)
        return inverse.transformed(inverse.beta_grid(2.5, 1.5),
                                   lambda b: lo + math.expm1(top * b))
    if shape == "lognormal":
        med = center if center is not None and lo < center < hi else math.sqrt(max(lo, 1.0) * hi)
        return inverse.clipped_lognormal_grid(math.log(max(med, 1e-9)), 1.0, lo, hi, _TRIES)
    assert shape == "tri", shape
    mode = center if center is not None and lo <= center <= hi else lo + span / 3
    return inverse.triangular_grid(lo, hi, mode)


def _beta(lo: float, span: float, a: float, b: float) -> inverse.Grid:
    return inverse.transformed(inverse.beta_grid(a, b), lambda x: lo + span * x)


def _skewed(lo: float, hi: float, mean_offset: float, direction: int) -> inverse.Grid:
    """A lognormal offset from one end whose mean is ``mean_offset`` (σ = 1), clipped."""
    sigma = 1.0
    mu = math.log(mean_offset) - sigma * sigma / 2.0
    offsets = inverse.clipped_lognormal_grid(mu, sigma, 0.0, hi - lo, _TRIES)
    base = lo if direction > 0 else hi
    return inverse.transformed(offsets, lambda x: base + direction * x,
                               decreasing=direction < 0)
