"""What a user holds: a toggle pair (``favorite_add`` / ``favorite_remove``, ``follow`` /
``unfollow``: :func:`~demogen.analysis.heuristic.values.toggles.is_toggle`) of a pair group
puts a thing (its key: ``series_id``) in the user's set and takes it out. Drawn per event,
an add named a series already a favourite (152 of them at 1,000 x 14 seed 3): an add now
names one the user does not hold, a remove one they hold (the one the session's add put
in, else a held one), across sessions. The set is a dict per user and pair (in
``user.sticky``), in the order things came in, so a pick from it is deterministic."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from demogen.analysis.heuristic.values.toggles import is_toggle
from demogen.simulation._context import UserContext
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._pairs import PairGroup

_SLOT = "held\x1f"
#: Draws of an added thing before it settles for one the user holds (a catalogue of sixty:
#: a user holding thirty misses 16 times in 1e-5).
_TRIES = 16


def toggle_sampler(groups: Iterable[PairGroup], event: str, name: str, fn: Sampler
                   ) -> Sampler:
    """``fn``, or when ``name`` is the key of a toggle pair ``event`` is in, the thing it
    puts in (one not held) or takes out (one held)."""
    for group in groups:
        if group.key != name or len(group.members) != 2:
            continue
        put, take = group.members
        if not is_toggle(put, take):
            continue
        slot = (_SLOT, group.slot)
        if event == put:
            return _put(slot, fn)
        if event == take:
            return _take(slot, fn)
    return fn


def _put(slot: tuple[str, str], fn: Sampler) -> Sampler:
    def value(u: UserContext, v: dict[str, Any], t: str) -> Any:
        held: dict[Any, None] = u.sticky.setdefault(slot, {})
        x = fn(u, v, t)
        for _ in range(_TRIES):
            if x not in held:
                break
            x = fn(u, v, t)
        held[x] = None
        return x

    return value


def _take(slot: tuple[str, str], fn: Sampler) -> Sampler:
    def value(u: UserContext, v: dict[str, Any], t: str) -> Any:
        held: dict[Any, None] = u.sticky.setdefault(slot, {})
        x = fn(u, v, t)     # the session's add (the pair's), else a draw
        if x not in held and held:
            x = list(held)[int(u.rnd.random() * len(held))]
        held.pop(x, None)
        return x

    return value
