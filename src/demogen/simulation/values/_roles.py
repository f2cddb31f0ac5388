"""A user's roles: the values of their role (character) belong to the server it lives on.

A user who moves to a new server creates a role there (Rules ``event_roles.new_role``);
the role's own values (Rules ``properties.<p>.per_role``, and those showing one of them:
``rules.per_role_properties``) start afresh with it: a level at 1, a new id and name, the
first stage. The old role's values are kept under its server, so a user going back finds
their old role as they left it. Account values (VIP, money paid, balances) are no role's
and carry on.

A role's values live in three places: user properties (``user.state``), values drawn once
per user (``user.sticky`` under the property's name, or the last value an event showed)
and the stage position (``_progress.POSITION``), which a role's stage ids and chapters
read.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, fields
from typing import Any

from demogen.analysis.heuristic.values import progression
from demogen.analysis.rules import per_role_properties
from demogen.simulation._context import UserContext
from demogen.simulation.state import Derivation
from demogen.simulation.values._compile import plain
from demogen.simulation.values._convert import MISS
from demogen.simulation.values._derived import state_derivations
from demogen.simulation.values._draw import Sampler, mix64
from demogen.simulation.values._progress import POSITION, main_level
from demogen.simulation.values._state import role_start
from demogen.simulation.values._sticky import LATEST
from demogen.simulation.values._tables import Tables
from demogen.vocab import PropertyType

#: ``user.sticky`` key of the roles the user left: server → :class:`_Role`.
KEPT = "roles\x1fkept"


@dataclass(slots=True)
class _Role:
    """One role's values while the user plays on another server."""

    state: dict[str, Any] = field(default_factory=dict)
    sticky: dict[str, Any] = field(default_factory=dict)


class Roles:
    """Switches a user's role-level values from one server's role to another's."""

    def __init__(self, tables: Tables, fresh: Callable[[str], Sampler]) -> None:
        names = per_role_properties(tables.rules)
        #: Numbers first (a level starts at its bottom, reading nothing): the others' starts
        #: (a stage id from the level) read the new role's numbers.
        self._starts = tuple((n, role_start(tables, p, fresh(n))) for n, p in sorted(
            tables.user_props.items(), key=lambda item: item[1].type != PropertyType.NUMBER)
            if n in names and not p.is_preset)
        #: Event values drawn once per user (``tmp_power``, ``nick_name``): a new role draws
        #: its own (values showing another's, a mirror, follow that one instead).
        self._drawn = tuple((n, plain(tables, p, None, frozenset())[0])
                            for n, p in sorted(tables.props.items())
                            if n in names and n not in tables.user_props
                            and tables.spec(p).source is None)
        #: Their bottoms, for numbers: a new role's start near it (:meth:`_first_draw`).
        self._bottoms = {n: b[0] for n, p in tables.props.items()
                         if n in dict(self._drawn) and p.type == PropertyType.NUMBER
                         and (b := tables.bounds(p, None)) is not None}
        level = main_level(tables)
        self._level = level if level in names else None
        #: Role values a formula computes from other user properties (``combat_power =
        #: level * 1000 + …``): computed again from the new role's start values.
        self._derived = tuple(d for d in state_derivations(tables) if d.target in names)
        stages = any(progression.is_stage_name(n) or progression.is_chapter_name(n)
                     for n in names)
        #: Sticky keys of the role's values: per-user draws, last values shown, the stage.
        self._keys = tuple(k for n in sorted(names) for k in (n, LATEST + n)) + \
            ((POSITION,) if stages else ())

    @property
    def active(self) -> bool:
        return bool(self._starts or self._keys)

    def switch(self, u: UserContext, old: Hashable, new: Hashable) -> dict[str, Any]:
        """Keep the role on server ``old`` and take up the one on ``new`` (its kept values,
        else a new role's); returns the role's user properties, already in ``u.state``."""
        kept: dict[Hashable, _Role] = u.sticky.setdefault(KEPT, {})
        left = kept[old] = _Role(
            state={n: u.state[n] for n, _ in self._starts if n in u.state},
            sticky={k: u.sticky.pop(k) for k in self._keys if k in u.sticky})
        back = kept.pop(new, None)
        if back is not None:
            u.sticky.update(back.sticky)
            values = back.state
        else:
            role = _new_role(u, len(kept))
            values: dict[str, Any] = {}
            for n, start in self._starts:
                # Each start is the role's as it goes (``role`` shares ``u.state``): a stage
                # id's start reads the new role's level, not the old role's (index 298,
                # ``stage_20_10``, for a role at level 2).
                v = start(role, {}, "")
                if v is not MISS:
                    values[n] = u.state[n] = v
            values.update(_derived(self._derived, u, values))
            u.sticky.update({n: self._first_draw(n, draw, role, left, values)
                             for n, draw in self._drawn if n in left.sticky})
        u.state.update(values)
        return values


    def _first_draw(self, name: str, draw: Sampler, role: UserContext, left: _Role,
                    values: dict[str, Any]) -> Any:
        """A new role's value drawn once per user. A number (``tmp_power``) starts near its
        range's bottom, as low above it as the new role's level is to the old role's (level
        2 after level 40: a 20th of the old role's height); the bottom without a level."""
        low, old = self._bottoms.get(name), left.sticky[name]
        if low is None or not isinstance(old, int | float) or isinstance(old, bool):
            return draw(role, {}, "")
        level = self._level
        share = _share(left.state.get(level), values.get(level)) if level else 0.0
        value = low + max(old - low, 0.0) * share
        return round(value) if isinstance(old, int) else value


def _share(old: Any, new: Any) -> float:
    """The new role's level over the old role's (0 when either is unknown), at most 1."""
    if not all(isinstance(x, int | float) and not isinstance(x, bool) and x > 0
               for x in (old, new)):
        return 0.0
    return min(new / old, 1.0)


def _derived(derivations: tuple[Derivation, ...], u: UserContext, values: dict[str, Any]
             ) -> dict[str, Any]:
    """The formula values of a new role whose inputs its start ``values`` set."""
    state, out = {**u.state, **values}, {}
    for d in derivations:
        if d.inputs & state.keys() and d.inputs & (values.keys() | out.keys()):
            value = d.compute(u.rnd, state)
            if value is not None:
                out[d.target] = state[d.target] = value
    return out


def _new_role(u: UserContext, number: int) -> UserContext:
    """``u`` as its ``number``-th new role's draws see it: the same user (state, stream,
    device) under another index, so what is drawn from the index (a name, an id kept for
    the user) is the new role's own rather than the old role's again."""
    role = UserContext(**{f.name: getattr(u, f.name) for f in fields(UserContext)})
    role.index = u.index ^ mix64(number + 1) << 1
    return role
