"""Role creations: once per server a user plays on.

A role creation (Rules ``event_roles.new_role``: ``create_role``, ``create_character``)
makes the user's role on the server they play on. A user who moves to a newer server
(``catalogues.server.move_share``) creates one there, so the check counts per server: a
second creation on one server is reported, one on each server is not. The server is the
one the user's records last showed (any server property, events and ``user_set``; a
``user_setOnce`` keeps the first server and is no move). validate's plain ``one_time``
check leaves these events to this one.

A role's own values (Rules ``properties.<p>.per_role`` and what shows them) belong to the
role: a level or stage never goes back within one role (the progression check leaves them
to this one), and a role created on a new server starts afresh: its first value carrying
on from where the old role had progressed to is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic.values import progression
from demogen.analysis.rules import per_role_properties
from demogen.validate._servers import ServerMoves, server_fields
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where

_Order = tuple[float, ...]
#: Records whose values show the role as it is (not a ``user_add`` amount).
_SHOWING = frozenset({"track", "user_set"})


def _order(value: Any) -> _Order | None:
    """A level number, or a stage id's numbers (``stage_3_7``: 3, 7), in order; None:
    neither."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (float(value),)
    order = progression.stage_order(value)
    return tuple(float(n) for n in order[1]) if order is not None else None


class RolesChecker(Checker):
    name = "roles"
    description = ("a role creation (event_roles.new_role) at most once per server the user "
                   "plays on: again only after a move to a new server")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        self.creations = frozenset(given.rules.event_roles.new_role)
        self.fields = server_fields(given.rules.properties)
        self.moves = ServerMoves(self.fields)
        #: (user, event) → the servers (by number) it was created on.
        self._created: dict[tuple[str, str], set[int]] = {}
        role = per_role_properties(given.rules)
        #: Role values that only move forward within a role: levels and stage ids.
        self.forward = frozenset(
            n for n in role if given.rules.properties[n].kind == "level"
            or progression.is_stage_name(n))
        #: (user, property) → (server, first value on it, last value on it).
        self._role_values: dict[tuple[str, str], tuple[int, _Order, _Order]] = {}

    @property
    def active(self) -> bool:
        return bool(self.creations)

    def _role_value(self, user: str, props: Mapping[str, Any], where: Where,
                    report: Report) -> None:
        """A role's level or stage: forward within the role, afresh on a new one."""
        server = self.moves.server(user)
        for name in self.forward & props.keys():
            order = _order(props[name])
            if order is None:
                continue
            seen = self._role_values.get((user, name))
            if seen is None or seen[0] != server:
                # A level only: a plan lists its stages (and chapters) in its own order.
                if seen is not None and seen[2] > seen[1] and order >= seen[2] and \
                        not progression.is_stage_name(name):
                    report(where, f"user {user}: {name} {props[name]!r} on a new role carries "
                                  f"on from the old role's (per_role)")
                self._role_values[user, name] = (server, order, order)
                continue
            if order < seen[2]:
                report(where, f"user {user}: {name} went back to {props[name]!r} within "
                              f"one role")
            self._role_values[user, name] = (server, seen[1], order)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        props = record.get("properties")
        if not isinstance(props, Mapping):
            return
        user = str(record.get("#distinct_id") or record.get("#account_id") or "")
        self.moves.follow(user, record.get("#type"), props)
        if record.get("#type") in _SHOWING:
            self._role_value(user, props, where, report)
        event = record.get("#event_name")
        if record.get("#type") != "track" or event not in self.creations:
            return
        server = self.moves.server(user)
        on = self._created.setdefault((user, str(event)), set())
        if server in on:
            report(where, f"user {user}: {event} again on the same server "
                          f"(once per server: event_roles.new_role)")
        on.add(server)

    def notes(self) -> list[str]:
        if self.creations and not self.fields:
            return ["roles: no server property; role creations are counted per user"]
        return []
