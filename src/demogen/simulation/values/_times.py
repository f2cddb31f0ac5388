"""Time values: the event's own time, a moment before or after it, a birthday, an epoch.

Every sampler reads the event's ``#time`` text (``yyyy-MM-dd HH:mm:ss.SSS``, local) and
answers in the same format, so times in properties line up with the record's time.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any

from demogen.analysis.heuristic.values import kinds
from demogen.analysis.heuristic.values.names import normalize
from demogen.simulation._context import UserContext
from demogen.simulation.values import _inverse as inverse
from demogen.simulation.values._codegen import with_source
from demogen.simulation.values._draw import Sampler, mix64, salt

_EPOCH = datetime(1970, 1, 1)
_TIME_SUFFIX = re.compile(r"_(time|at|date|timestamp|ts|datetime)$")
#: The count of nights a stay's last day lies after its first.
_NIGHTS = re.compile(r"(^|_)(nights|night_count|room_nights|num_nights|stay_nights)$")


def format_time(dt: datetime) -> str:
    """``yyyy-MM-dd HH:mm:ss.SSS`` (format doc §4), for naive times of years 1000–9999."""
    return dt.isoformat(" ", "milliseconds")


def names_event(prop_name: str, event: str) -> bool:
    """``signup_time`` on ``sign_up``: the property is the time of this very event."""
    stem = _TIME_SUFFIX.sub("", normalize(prop_name)).replace("_", "")
    ev = normalize(event).replace("_", "")
    return len(stem) >= 4 and len(ev) >= 4 and (stem in ev or ev in stem)


def _now(u: UserContext, v: dict[str, Any], t: str) -> str:
    return t


#: The event's own time.
event_time = with_source(_now, lambda w, out: [f"{out} = t"])


def time_sampler(name: str, seed: int, kind: str,
                 lead_days: float | None = None) -> Sampler:
    """Times of a kind: now, a ``past``/``long_past``/``future`` moment, a ``stay`` day
    (``lead_days``: its median days ahead), or a birthday."""
    if kind == "now":
        return event_time
    if kind == kinds.STAY:
        return _stay(name, kinds.STAY_LEAD_DAYS if lead_days is None else lead_days)
    if kind == "birthday":
        return _birthday(salt(seed, "birthday", normalize(name)))
    if kind == "future":
        return _future(14.0 if "trial" in normalize(name) else None)
    return _past(30.0 if kind == "long_past" else 3.0)


def date_sampler(name: str, seed: int, lead_days: float | None = None) -> Sampler:
    """The ``yyyy-MM-dd`` part of :func:`time_sampler`'s value."""
    time_fn = time_sampler(name, seed, kinds.time_kind(name), lead_days)
    return lambda u, v, t: time_fn(u, v, t)[:10]


def _birthday(key: int) -> Sampler:
    def birthday(u: UserContext, v: dict[str, Any], t: str) -> str:
        h = mix64(u.index ^ key)  # a hash, not a draw: the same birthday on every event
        year = int(t[:4]) - 18 - h % 38
        return format_time(datetime(year, 1, 1) + timedelta(days=(h >> 8) % 365))

    return birthday


def _future(fixed_days: float | None) -> Sampler:
    parse = datetime.fromisoformat

    def future(u: UserContext, v: dict[str, Any], t: str) -> str:
        days = fixed_days if fixed_days is not None else 1.0 + 29.0 * u.rnd.random()
        return format_time(parse(t) + timedelta(days=days))

    return future


def _stay(name: str, median_days: float) -> Sampler:
    """A stay's first day, whole days ahead of the event (lognormal, σ = 1, at most a
    year); a stay's last day (``checkout_date``) is the first day drawn on the same event
    plus its nights, where the event shows both before it."""
    parse = datetime.fromisoformat
    table = inverse.quantiles(inverse.clipped_lognormal_grid(
        math.log(max(median_days, 0.01)), 1.0, 0.0, 365.0, tries=1))
    ends = kinds.ends_a_stay(name)

    def stay(u: UserContext, v: dict[str, Any], t: str) -> str:
        if ends and (end := _stay_end(v)) is not None:
            return end
        day = parse(t[:10]) + timedelta(days=int(table(u.rnd.random())))
        return format_time(day)

    return stay


def stay_reads(name: str, present: frozenset[str]) -> set[str]:
    """What a stay's last day reads of its event: the first stay day and the nights."""
    if not kinds.ends_a_stay(name):
        return set()
    return {p for p in present if _NIGHTS.search(normalize(p)) or (
        kinds.time_kind(p) == kinds.STAY and not kinds.ends_a_stay(p))}


def _stay_end(v: dict[str, Any]) -> str | None:
    """The first stay day the event drew plus its nights (both already in ``v``)."""
    start = next((val for key, val in v.items() if isinstance(val, str)
                  and kinds.time_kind(key) == kinds.STAY
                  and not kinds.ends_a_stay(key)), None)
    nights = nights_of(v)
    if start is None or nights is None:
        return None
    end = datetime.fromisoformat(start[:10]) + timedelta(days=int(nights))
    return format_time(end) if len(start) > 10 else end.date().isoformat()


def names_nights(name: str) -> bool:
    """``nights``, ``room_nights``: the count of nights of a stay."""
    return _NIGHTS.search(normalize(name)) is not None


def nights_of(v: dict[str, Any]) -> int | None:
    """The stay's count of nights among the values ``v`` (None: they name none)."""
    return next((int(val) for key, val in v.items() if _NIGHTS.search(normalize(key))
                 and isinstance(val, int | float) and not isinstance(val, bool)), None)


def _past(median_days: float) -> Sampler:
    parse = datetime.fromisoformat
    # lognormal seconds (σ = 1) capped at a year, through an inverse-CDF table
    table = inverse.quantiles(inverse.clipped_lognormal_grid(
        math.log(median_days * 86400.0), 1.0, 0.0, 365 * 86400.0, tries=1))

    def past(u: UserContext, v: dict[str, Any], t: str) -> str:
        return format_time(parse(t) - timedelta(seconds=table(u.rnd.random())))

    return past


def epoch_seconds(u: UserContext, t: str) -> float:
    """The event time as Unix seconds (the device's zone offset taken off local time)."""
    local = datetime.fromisoformat(t)
    return (local - _EPOCH).total_seconds() - u.device.zone_offset * 3600.0


def epoch_sampler(*, millis: bool) -> Sampler:
    if millis:
        return lambda u, v, t: int(epoch_seconds(u, t) * 1000)
    return lambda u, v, t: int(epoch_seconds(u, t))
