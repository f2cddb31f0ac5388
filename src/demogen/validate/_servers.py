"""Which of a user's roles a record belongs to: the server moves the records show.

A role is the user on one server (Rules ``event_roles.new_role``). The server is the one
the user's records last showed (any server property, on events and ``user_set``); a
``user_setOnce`` keeps the first server and is no move. Servers are numbered per user: 0
the first, one more per move (a server id and name changing together count once). The
coherence ``roles`` check and the ``progress``/``state``/``mirror`` checks read role
values (Rules ``properties.<p>.per_role``) per role through this one follower.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from demogen.analysis.heuristic import servers

__all__ = ["ServerMoves", "role_starts", "server_fields"]


def server_fields(names: Iterable[str]) -> frozenset[str]:
    """The properties of ``names`` that show the user's server."""
    return frozenset(n for n in names if servers.server_field(n) is not None)


class ServerMoves:
    """Follows each user's server through their records, in order."""

    def __init__(self, fields: Iterable[str]) -> None:
        self.fields = frozenset(fields)
        #: (user, server property) → the value it last showed and how often it changed.
        self._shown: dict[tuple[str, str], tuple[str, int]] = {}
        #: User → the number of their server (0: the first; one more per move).
        self._server: dict[str, int] = {}

    def server(self, user: str) -> int:
        """The number of the server ``user`` plays on now."""
        return self._server.get(user, 0)

    def follow(self, user: str, kind: str | None, props: Mapping[str, Any]) -> int:
        """Read one record of ``user`` (``#type`` ``kind``); the user's server after it."""
        if kind == "user_setOnce":
            return self.server(user)
        for name in self.fields & props.keys():
            if props[name] is None:
                continue
            value = str(props[name])
            last = self._shown.get((user, name))
            changes = 0 if last is None else last[1] + (last[0] != value)
            self._shown[user, name] = (value, changes)
            if changes > self._server.get(user, 0):
                self._server[user] = changes
        return self.server(user)


def role_starts(fields: Iterable[str], records: Iterable[tuple[str, int, str | None,
                                                                Mapping[str, Any]]]
                ) -> list[tuple[str, int, int]]:
    """(user, position, server number) of each record that starts a user's next role, from
    ``records`` (user, position, ``#type``, properties) in order by user and position."""
    moves = ServerMoves(fields)
    starts = []
    for user, position, kind, props in records:
        before = moves.server(user)
        if moves.follow(user, kind, props) != before:
            starts.append((user, position, moves.server(user)))
    return starts
