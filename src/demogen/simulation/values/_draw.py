"""Drawing primitives shared by every sampler: the sampler type, cheap stable hashes,
and picks from a fixed list (uniform, mildly skewed, or the same one per user)."""

from __future__ import annotations

import bisect
import hashlib
import itertools
from collections.abc import Callable, Sequence
from typing import Any

from demogen.simulation._context import UserContext
from demogen.simulation.values._codegen import with_source

#: A compiled sampler: (user, values generated so far for this event, event time) → value.
Sampler = Callable[[UserContext, dict[str, Any], str], Any]

MASK64 = (1 << 64) - 1


def mix64(x: int) -> int:
    """SplitMix64's finaliser: a cheap, well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def salt(*parts: object) -> int:
    """A stable 64-bit number for a tuple of names (compile time only)."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def zipf_cum(n: int, s: float) -> tuple[float, ...]:
    """Cumulative weights 1/(i+1)^s: the first values are the most common, none is rare."""
    total = 0.0
    out = []
    for i in range(n):
        total += 1.0 / (i + 1) ** s
        out.append(total)
    return tuple(out)


def choice_sampler(values: Sequence[Any], skew: float = 0.0) -> Sampler:
    """Draw from ``values``; ``skew`` > 0 gives a mild Zipf skew towards the first ones."""
    vals = tuple(values)
    n = len(vals)
    if n == 1:
        return constant(vals[0])
    if skew <= 0:
        return with_source(lambda u, v, t: vals[int(u.rnd.random() * n)],
                           lambda w, out: [f"{out} = {w.ref(vals)}[int(rnd() * {n})]"])
    cum = normalized(zipf_cum(n, skew))
    bis = bisect.bisect_right
    return with_source(
        lambda u, v, t: vals[bis(cum, u.rnd.random())],
        lambda w, out: [f"{out} = {w.ref(vals)}[_bisect({w.ref(cum)}, rnd())]"])


def weighted_sampler(values: Sequence[Any], weights: Sequence[float] | None) -> Sampler:
    """Draw from ``values`` with the given weights (equal chances without weights)."""
    if not weights:
        return choice_sampler(values)
    vals, cum = tuple(values), normalized(tuple(itertools.accumulate(weights)))
    bis = bisect.bisect_right
    return with_source(
        lambda u, v, t: vals[bis(cum, u.rnd.random())],
        lambda w, out: [f"{out} = {w.ref(vals)}[_bisect({w.ref(cum)}, rnd())]"])


def normalized(cum: Sequence[float]) -> tuple[float, ...]:
    """Cumulative weights scaled to end at 1.0 exactly: ``bisect_right(cum, random())``
    is then an index below ``len(cum)``."""
    total = cum[-1]
    return (*(c / total for c in cum[:-1]), 1.0)


def constant(value: Any) -> Sampler:
    """Always ``value`` (the same object every time)."""
    return with_source(lambda u, v, t: value, lambda w, out: [f"{out} = {w.ref(value)}"])


def stable_sampler(values: Sequence[Any], key: int) -> Sampler:
    """The same value of ``values`` for a user every time (a hash of the user index)."""
    vals = tuple(values)
    n = len(vals)
    return with_source(
        lambda u, v, t: vals[mix64(u.index ^ key) % n],
        lambda w, out: [f"{out} = {w.ref(vals)}[{w.ref(mix64)}(u.index ^ {key}) % {n}]"])


_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` without building the UUID object."""
    h = "%032x" % (bits & _UUID_CLEAR | _UUID_SET)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
