"""The playhead a playback's events show (Rules ``playback.playhead``: ``position_seconds``,
``video_current_time``): it starts at 0 on a playback start, moves on with the time played
(the time between the user's records while the player plays), stands still from a pause to
its resume, and jumps only where a seek lands (back or forward). So consecutive values only
go down at a start or a seek. It never passes the title's length shown beside it (one
length per playback: ``values/_pairs``), and a completion (``playback.complete``, a
milestone's ``video_complete``) shows that length, the end of the title, and stops the
player. Where a formula gives the playhead on an event (a milestone's share of the length)
the formula decides there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from demogen.analysis.heuristic.values.milestones import names_length
from demogen.simulation._context import UserContext
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: Where a user's playheads live in ``user.sticky`` (by property name).
SLOT = "\x1fplayhead"
#: Share of seeks that go back (a rewind); the rest skip forward.
SEEK_BACK = 0.5
#: Longest skip forward, in seconds.
SEEK_AHEAD = 300.0
#: Record times are naive wall-clock strings: differences of them are seconds played.
_EPOCH = datetime(2000, 1, 1)


@dataclass(slots=True)
class Playhead:
    """One playhead: where it is, at which record time (seconds), whether it moves, and in
    which session (a new session finds the player stopped where it was left)."""

    position: float = 0.0
    clock: float = 0.0
    playing: bool = False
    session: int = -1

    def advance(self, clock: float, session: int) -> None:
        if session != self.session:
            self.session, self.playing = session, False
        elif self.playing and clock > self.clock:
            self.position += clock - self.clock
        self.clock = clock


def playhead_sampler(tables: Tables, prop: Property, event: str | None,
                     present: frozenset[str], deps: set[str]) -> Sampler | None:
    """The playhead ``prop`` shows on ``event`` (None: ``prop`` is no playhead there)."""
    playback = tables.rules.playback
    if event is None or prop.name not in playback.playhead or prop.type != PropertyType.NUMBER:
        return None
    completes = {*playback.complete, *(m.complete for m in playback.milestones.values()
                                       if m.complete)}
    # The title's length shown beside the playhead (one per playback: values/_pairs): the
    # playhead never passes it, and a completion shows it.
    length = next((p for p in sorted(present) if names_length(p) and p != prop.name), None)
    if length is not None:
        deps.add(length)
    completion = event in completes
    role = next((r for r in ("start", "pause", "resume", "seek")
                 if event in getattr(playback, r)), None)
    # A tick is sent while the title plays: the player plays, even where no start of this
    # session came before (a title left playing).
    if role is None and event in tables.rules.event_roles.progress:
        role = "resume"
    key = SLOT + prop.name

    def playhead(u: UserContext, values: dict[str, Any], time: str) -> Any:
        head: Playhead | None = u.sticky.get(key)
        if head is None:
            head = u.sticky[key] = Playhead()
        clock = (datetime.fromisoformat(time) - _EPOCH).total_seconds()
        head.advance(clock, u.session_number)
        if role == "start":
            head.position, head.playing = 0.0, True
        elif role == "pause":
            head.playing = False
        elif role == "seek":
            head.position = _landing(u, head.position)
            head.playing = True
        elif role == "resume":
            head.playing = True
        if completion:      # the playback ends: nothing of it plays on
            head.playing = False
        end = values.get(length) if length is not None else None
        if isinstance(end, int | float) and (completion or head.position > end):
            head.position = float(end)      # the title's end: a completion, or played out
        return int(head.position)

    return playhead


def _landing(u: UserContext, position: float) -> float:
    """Where a seek lands: back anywhere before the playhead, or a skip forward."""
    if u.rnd.random() < SEEK_BACK:
        return position * u.rnd.random()
    return position + SEEK_AHEAD * u.rnd.random()
