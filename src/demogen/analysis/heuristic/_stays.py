"""Events that happen inside a stay: a gift is sent while the user is in the live stream.

A session sequence opened by entering and closed by leaving (``live_enter`` →
``live_exit``, heuristic_flows.yaml ``stays``) is a stay in a room; the property naming the
room (``live_id``: an id the opener and closer share whose word is the opener's object)
is its key. Another event showing that id (``gift_send`` with ``live_id``) is done inside
the stay: Rules ``events.<e>.during: <opener>`` (the simulation places it between the
opener and its closer, showing the opener's id). Followers (``follows``) are left alone.
"""

from __future__ import annotations

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.rules import EventConstraints, EventSpec


def with_stays(specs: dict[str, EventSpec], ctx: Context,
               constraints: EventConstraints) -> dict[str, EventSpec]:
    """``specs`` with ``during`` set for each event done inside a stay."""
    out = dict(specs)
    for event, opener in _during(ctx, constraints, specs).items():
        entry = out.get(event)
        out[event] = entry.model_copy(update={"during": opener}) if entry is not None \
            else EventSpec(during=opener, origin="heuristic")
    return out


def _during(ctx: Context, constraints: EventConstraints,
            specs: dict[str, EventSpec]) -> dict[str, str]:
    sequenced = {e for d in constraints.sequence_details for e in d.events}
    found: dict[str, str] = {}
    for detail in constraints.sequence_details:
        if detail.scope != "session" or len(detail.events) < 2 or \
                not _is_stay(ctx, detail.events[0], detail.events[-1]):
            continue
        opener = detail.events[0]
        key = detail.key or _room_key(ctx, opener, detail.events[-1])
        if key is None:
            continue
        for name in ctx.names:
            spec = specs.get(name)
            if name not in sequenced and name not in found and key in ctx.props_of(name) \
                    and (spec is None or spec.follows is None):
                found[name] = opener
    return found


def _is_stay(ctx: Context, opener: str, closer: str) -> bool:
    verbs = load("flows")["stays"]
    return ctx.index.info(opener).verb in verbs["open"] and \
        ctx.index.info(closer).verb in verbs["close"]


def _room_key(ctx: Context, opener: str, closer: str) -> str | None:
    """The id the opener and closer share that names the opener's object (``live_id``)."""
    words = set(split_words(opener))
    for name in ctx.props_of(opener):
        parts = split_words(name)
        if name in ctx.props_of(closer) and len(parts) > 1 and parts[-1] == "id" \
                and set(parts[:-1]) <= words:
            return name
    return None


__all__ = ["with_stays"]
