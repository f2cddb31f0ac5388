"""Role creations: once per server a user plays on.

A role creation (Rules ``event_roles.new_role``: ``create_role``, ``create_character``)
makes the user's role on the server they play on. A user who moves to a newer server
(``catalogues.server.move_share``) creates one there, so the check counts per server: a
second creation on one server is reported, one on each server is not. The server is the
one the user's records last showed (any server property, events and ``user_set``; a
``user_setOnce`` keeps the first server and is no move). validate's plain ``one_time``
check leaves these events to this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic import servers
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where


class RolesChecker(Checker):
    name = "roles"
    description = ("a role creation (event_roles.new_role) at most once per server the user "
                   "plays on: again only after a move to a new server")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        self.creations = frozenset(given.rules.event_roles.new_role)
        self.fields = frozenset(name for name in given.rules.properties
                                if servers.server_field(name) is not None)
        #: (user, server property) → the value it last showed and how often it changed.
        self._shown: dict[tuple[str, str], tuple[str, int]] = {}
        #: User → the number of their server (0: the first; one more per move).
        self._server: dict[str, int] = {}
        #: (user, event) → the servers (by number) it was created on.
        self._created: dict[tuple[str, str], set[int]] = {}

    @property
    def active(self) -> bool:
        return bool(self.creations)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        props = record.get("properties")
        if not isinstance(props, Mapping):
            return
        user = str(record.get("#distinct_id") or record.get("#account_id") or "")
        if record.get("#type") != "user_setOnce":
            self._follow(user, props)
        event = record.get("#event_name")
        if record.get("#type") != "track" or event not in self.creations:
            return
        server = self._server.get(user, 0)
        on = self._created.setdefault((user, str(event)), set())
        if server in on:
            report(where, f"user {user}: {event} again on the same server "
                          f"(once per server: event_roles.new_role)")
        on.add(server)

    def _follow(self, user: str, props: Mapping[str, Any]) -> None:
        """Count the user's moves: a server property showing a value unlike its last one
        (the id and the name of one move count once)."""
        for name in self.fields & props.keys():
            value = str(props[name])
            last = self._shown.get((user, name))
            changes = 0 if last is None else last[1] + (last[0] != value)
            self._shown[user, name] = (value, changes)
            if changes > self._server.get(user, 0):
                self._server[user] = changes

    def notes(self) -> list[str]:
        if self.creations and not self.fields:
            return ["roles: no server property; role creations are counted per user"]
        return []
