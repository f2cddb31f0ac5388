"""A user's way through a thing's parts: a number naming a part (``episode_no``,
``chapter_number``, ``lesson_idx``: :func:`~demogen.analysis.heuristic.values.steps.
is_position`) beside the record's thing id (``series_id``) is where that user is in that
thing. Drawn per event, a reader's episodes of one series went back as often as forward.

Each user keeps, per property and thing (in ``user.sticky``), the last part consumed and
the session it was consumed in. A consuming event (Rules ``event_roles.consume``: an
episode viewed or read, a lesson started) shows the part being consumed until it shows it
a second time or in a later session, then takes the next one (view 6, read 6, view 7);
any other event shows the part being consumed this session (a like or comment after the
read), else the next one (an unlock before it). So a thing's parts never go back. A plan
with no consuming event of the property moves on with every record."""

from __future__ import annotations

from typing import Any

from demogen.analysis.heuristic.values.steps import (
    first_part_share,
    is_position,
    start_share,
    step_thing_id,
)
from demogen.simulation._context import UserContext
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

_SLOT = "position\x1f"
#: What ``user.sticky`` keeps per property and thing: the part being consumed, the session
#: it was taken in and the consuming events that have shown it.
Kept = tuple[int, int, frozenset[str]]
_NONE: frozenset[str] = frozenset()
#: The top of a part number the plan gives no range for.
_TOP = 1000


def position_sampler(tables: Tables, prop: Property, event: str | None,
                     present: frozenset[str], deps: set[str]) -> Sampler | None:
    """The sampler of ``prop`` when it numbers a part of the record's thing, else None."""
    if event is None or prop.type != PropertyType.NUMBER or prop.enum or \
            not is_position(prop.name) or tables.source(prop, "pool") is not None:
        return None
    thing = step_thing_id(present)
    if thing is None or thing == prop.name:
        return None
    deps.add(thing)
    lo, top = _range(tables, prop, event)
    movers = _consumers(tables, prop.name)
    return _mover(prop.name, thing, lo, top, event) if not movers or event in movers \
        else _shower(prop.name, thing, lo, top)


def _range(tables: Tables, prop: Property, event: str) -> tuple[int, int]:
    """The part numbers' range: this event's, else any event's the plan gives."""
    bounds = tables.bounds(prop, event)
    if bounds is None:
        bounds = next((b for e in tables.taxonomy.events if prop.name in e.properties
                       and (b := tables.bounds(prop, e.name)) is not None), None)
    lo = int(bounds[0]) if bounds is not None else 1
    top = int(bounds[1]) if bounds is not None else _TOP
    return lo, max(lo, top)


def _consumers(tables: Tables, name: str) -> frozenset[str]:
    """The consuming events that show the part: they move the position on."""
    return frozenset(e for e in tables.rules.event_roles.consume
                     if (ev := tables.taxonomy.event(e)) is not None and name in ev.properties)


def _first(u: UserContext, lo: int, top: int) -> int:
    """The part before the user's first one of a thing (their position before it)."""
    if u.rnd.random() < first_part_share():
        return lo - 1
    return lo - 1 + int(u.rnd.random() * (top - lo) * start_share())


def _mover(name: str, thing: str, lo: int, top: int, event: str) -> Sampler:
    """The part this consuming event takes: the one being consumed when it has not shown it
    yet (the read after the view of one episode), else the next one (the next view)."""
    def value(u: UserContext, v: dict[str, Any], t: str) -> int:
        key = (_SLOT, name, v.get(thing))
        kept: Kept | None = u.sticky.get(key)
        if kept is None:
            part, shown = _first(u, lo, top) + 1, _NONE
        else:
            part, session, shown = kept
            if event in shown or session != u.session_number:
                part, shown = min(part + 1, top), _NONE     # past the last part: it again
        u.sticky[key] = (part, u.session_number, shown | {event})
        return part

    return value


def _shower(name: str, thing: str, lo: int, top: int) -> Sampler:
    """The part being consumed this session (a like after the read), else the next one
    (an unlock before it)."""
    def value(u: UserContext, v: dict[str, Any], t: str) -> int:
        key = (_SLOT, name, v.get(thing))
        kept: Kept | None = u.sticky.get(key)
        if kept is None:    # before the first consumed: the first part, kept for it
            kept = (_first(u, lo, top), -1, _NONE)
            u.sticky[key] = kept
        part, session, _ = kept
        return part if session == u.session_number else min(part + 1, top)

    return value
