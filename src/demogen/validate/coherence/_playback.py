"""Playbacks: a resume follows a pause, the playhead goes back only at a start or a seek,
never passes the title's length, and nothing of a playback comes after its completion.

Rules ``playback`` names the player's controls: a ``resume`` continues what a ``pause``
stopped, so a resume with no pause since the last start or resume is reported; the
``playhead`` properties (``position_seconds``) move forward with the time played, so a
value below the user's last one is reported unless its event starts a playback (from 0) or
is a ``seek`` (where the playhead lands elsewhere), and a value above the title's length the
record shows beside it (``total_length_seconds``, ``video_duration``) is reported. A
``complete`` ends its playback: a tick (``event_roles.progress``) or a control (pause,
resume, seek, ``within``, another completion) after it and before the user's next start is
reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic.values.milestones import names_length
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where


class PlaybackChecker(Checker):
    name = "playback"
    description = ("a resume (playback.resume) only after a pause; the playhead "
                   "(playback.playhead) goes back only at a start or a seek and never passes "
                   "the title's length; nothing of a playback after its completion "
                   "(playback.complete)")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        playback = given.rules.playback
        self.starts = frozenset(playback.start)
        self.pauses = frozenset(playback.pause)
        self.resumes = frozenset(playback.resume)
        self.seeks = frozenset(playback.seek)
        self.playheads = tuple(playback.playhead)
        self.completes = frozenset(playback.complete)
        #: What belongs to a playing title: nothing of it comes after its completion.
        self.playing = (frozenset(given.rules.event_roles.progress) | self.pauses
                        | self.resumes | self.seeks | frozenset(playback.within)
                        | self.completes) - self.starts
        #: Property name → whether it names the title's length (cached: names repeat).
        self._lengths: dict[str, bool] = {}
        #: Users whose playback completed (no start since).
        self._ended: set[str] = set()
        #: Users whose player is paused (a pause not resumed yet).
        self._paused: set[str] = set()
        #: (user, playhead property) → the value it last showed.
        self._last: dict[tuple[str, str], float] = {}

    @property
    def active(self) -> bool:
        return bool(self.resumes or self.playheads or self.completes)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        event = record.get("#event_name")
        props = record.get("properties")
        if record.get("#type") != "track" or not isinstance(props, Mapping):
            return
        user = str(record.get("#distinct_id") or record.get("#account_id") or "")
        self._controls(user, str(event), where, report)
        self._after_completion(user, str(event), where, report)
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
            self._past_length(user, name, value, props, str(event), where, report)

    def _past_length(self, user: str, name: str, value: float, props: Mapping[str, Any],
                     event: str, where: Where, report: Report) -> None:
        """A playhead above the title's length the record shows beside it."""
        for prop, length in props.items():
            is_length = self._lengths.get(prop)
            if is_length is None:
                is_length = self._lengths[prop] = prop != name and names_length(prop)
            if is_length and isinstance(length, int | float) and not isinstance(length, bool) \
                    and value > length:
                report(where, f"user {user}: {name} {value} on {event} is past the title's "
                              f"length ({prop} {length})")
                return

    def _after_completion(self, user: str, event: str, where: Where, report: Report) -> None:
        if event in self.starts:
            self._ended.discard(user)
            return
        if event in self.playing and user in self._ended:
            report(where, f"user {user}: {event} after its playback's completion without a "
                          f"start since (playback.complete)")
        if event in self.completes:
            self._ended.add(user)

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
