"""Values that outlive one event, kept in ``user.sticky``.

- per user: drawn the first time, then the same on every event (server, channel …);
- latest: "where the user is now" (``cur_stage_id``) shows the last value an event
  carried (``stage_id`` of the last stage played), else the per-user draw;
- per session: the session's id, number and first-session flag, from the session the
  engine is in (``user.session_number``, ``user.session_start``).

Keys of ``user.sticky``: a property name for per-user values; ``latest\\x1f<name>`` and
``session\\x1f<name>`` for the others (``\\x1f`` never occurs in a property name).
"""

from __future__ import annotations

from typing import Any

from demogen.analysis.heuristic.values.lifetimes import SESSION_FIRST, SESSION_ID
from demogen.simulation._context import UserContext
from demogen.simulation.values._codegen import Writer, indent, with_source
from demogen.simulation.values._draw import Sampler, uuid4_text
from demogen.simulation.values._tables import Tables
from demogen.simulation.values._times import epoch_seconds
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

_NOTHING: Any = object()
LATEST = "latest\x1f"
SESSION = "session\x1f"


def per_user(name: str, inner: Sampler) -> Sampler:
    """``inner``'s first value for the user, reused on every later event."""

    def sticky(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = u.sticky.get(name, _NOTHING)
        if x is _NOTHING:
            x = u.sticky[name] = inner(u, v, t)
        return x

    def source(w: Writer, out: str) -> list[str]:
        key, nothing = w.ref(name), w.ref(_NOTHING)
        return [f"{out} = sk.get({key}, {nothing})", f"if {out} is {nothing}:",
                *indent(w.value(inner, out)), f"    sk[{key}] = {out}"]

    return with_source(sticky, source)


def latest(stem: str, inner: Sampler) -> Sampler:
    """The last value of event property ``stem`` the user's events carried, else ``inner``."""
    key = LATEST + stem

    def current(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = u.sticky.get(key, _NOTHING)
        return inner(u, v, t) if x is _NOTHING else x

    def source(w: Writer, out: str) -> list[str]:
        nothing = w.ref(_NOTHING)
        return [f"{out} = sk.get({w.ref(key)}, {nothing})", f"if {out} is {nothing}:",
                *indent(w.value(inner, out))]

    return with_source(current, source)


def recorded(name: str, inner: Sampler) -> Sampler:
    """``inner``, remembering its value as the user's latest ``name`` (see :func:`latest`)."""
    key = LATEST + name

    def record(u: UserContext, v: dict[str, Any], t: str) -> Any:
        x = u.sticky[key] = inner(u, v, t)
        return x

    def source(w: Writer, out: str) -> list[str]:
        return [*w.value(inner, out), f"sk[{w.ref(key)}] = {out}"]

    return with_source(record, source)


def per_session(tables: Tables, prop: Property, role: str) -> Sampler:
    """The session's id, number or first-session flag, in the property's type.

    ``user.session_number`` 0 (an engine that does not count sessions) reads as 1.
    """
    if prop.type == PropertyType.BOOLEAN or role == SESSION_FIRST:
        return _first_session(prop.type)
    if role == SESSION_ID:
        return _session_id(prop)
    if prop.type == PropertyType.NUMBER:
        bounds = tables.bounds(prop, None)
        lo, hi = (int(bounds[0]), int(bounds[1])) if bounds else (1, 1 << 31)
        return with_source(lambda u, v, t: min(max(u.session_number or 1, lo), hi),
                           lambda w, out: [f"{out} = min(max(u.session_number or 1, {lo}), {hi})"])
    return with_source(lambda u, v, t: str(u.session_number or 1),
                       lambda w, out: [f"{out} = str(u.session_number or 1)"])


def _first_session(ptype: PropertyType) -> Sampler:
    if ptype == PropertyType.NUMBER:
        yes, no = 1, 0
    elif ptype == PropertyType.STRING:
        yes, no = "true", "false"
    else:
        return with_source(lambda u, v, t: u.session_number <= 1,
                           lambda w, out: [f"{out} = u.session_number <= 1"])
    return with_source(lambda u, v, t: yes if u.session_number <= 1 else no,
                       lambda w, out: [f"{out} = {yes!r} if u.session_number <= 1 else {no!r}"])


def _session_id(prop: Property) -> Sampler:
    """GA4 style: a number is the session start in Unix seconds; a string is a uuid drawn
    from the user's stream at the session's first event. Either is kept for the session."""
    key = SESSION + prop.name
    numeric = prop.type == PropertyType.NUMBER

    def session_id(u: UserContext, v: dict[str, Any], t: str) -> Any:
        kept = u.sticky.get(key)
        if kept is not None and kept[0] == u.session_number:
            return kept[1]
        if numeric:  # the event's epoch, minus how far into the session the event is
            x: Any = int(epoch_seconds(u, t) - (u.clock - u.session_start))
        else:
            x = uuid4_text(u.rnd.getrandbits(128))
        u.sticky[key] = (u.session_number, x)
        return x

    def source(w: Writer, out: str) -> list[str]:
        kept = w.temp()
        return [f"{kept} = sk.get({w.ref(key)})",
                f"if {kept} is not None and {kept}[0] == u.session_number:",
                f"    {out} = {kept}[1]", "else:", f"    {out} = {w.ref(session_id)}(u, v, t)"]

    return with_source(session_id, source)
