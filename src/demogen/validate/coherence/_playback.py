"""Playbacks: a resume follows a pause, the playhead goes back only at a start or a seek.

Rules ``playback`` names the player's controls: a ``resume`` continues what a ``pause``
stopped, so a resume with no pause since the last start or resume is reported; the
``playhead`` properties (``position_seconds``) move forward with the time played, so a
value below the user's last one is reported unless its event starts a playback (from 0) or
is a ``seek`` (where the playhead lands elsewhere).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where


class PlaybackChecker(Checker):
    name = "playback"
    description = ("a resume (playback.resume) only after a pause; the playhead "
                   "(playback.playhead) goes back only at a start or a seek")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        playback = given.rules.playback
        self.starts = frozenset(playback.start)
        self.pauses = frozenset(playback.pause)
        self.resumes = frozenset(playback.resume)
        self.seeks = frozenset(playback.seek)
        self.playheads = tuple(playback.playhead)
        #: Users whose player is paused (a pause not resumed yet).
        self._paused: set[str] = set()
        #: (user, playhead property) → the value it last showed.
        self._last: dict[tuple[str, str], float] = {}

    @property
    def active(self) -> bool:
        return bool(self.resumes or self.playheads)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        event = record.get("#event_name")
        props = record.get("properties")
        if record.get("#type") != "track" or not isinstance(props, Mapping):
            return
        user = str(record.get("#distinct_id") or record.get("#account_id") or "")
        self._controls(user, str(event), where, report)
        jumps = event in self.starts or event in self.seeks
        for name in self.playheads:
            value = props.get(name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            last = self._last.get((user, name))
            if last is not None and value < last and not jumps:
                report(where, f"user {user}: {name} went back from {last} to {value} on "
                              f"{event} without a seek (playback.seek)")
            self._last[user, name] = value

    def _controls(self, user: str, event: str, where: Where, report: Report) -> None:
        if event in self.pauses:
            self._paused.add(user)
        elif event in self.resumes:
            if user not in self._paused:
                report(where, f"user {user}: {event} without a pause before it "
                              f"(playback.pause)")
            self._paused.discard(user)
        elif event in self.starts:
            self._paused.discard(user)
