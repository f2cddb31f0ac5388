"""When sessions happen in a user's local day, how long they last, how many events.

Start hours follow the preset's hourly curve in the user's local time, and part of a
user's sessions start near their own anchor hour (a chronotype: the curve is the mix of
many people's habits, not everyone's); lengths are lognormal (realism-bands.md §1.2); a
few sessions hold one long pause (an app left open), which a 30-minute idle rule would
split but the SDK's session does not; the number of events follows the active length,
with the preset's median events per session at the median length.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from demogen.simulation.presets import VerticalPreset
from demogen.vocab import Segment

DAY_SECONDS = 86_400.0
MIN_SESSION_SECONDS = 10.0
MAX_SESSION_SECONDS = 4 * 3600.0
#: Shortest break between two sessions (one session ends after 30 min idle, §0).
MIN_SESSION_GAP_SECONDS = 30 * 60.0
MAX_EVENTS_PER_SESSION = 400

_SEGMENT_LENGTH = {Segment.POWER_USER: 1.3, Segment.CHURNING_USER: 0.6, Segment.NEW_USER: 1.1}
_SEGMENT_COUNT = {Segment.POWER_USER: 1.2, Segment.CHURNING_USER: 0.6}


@dataclass(frozen=True, slots=True)
class Session:
    start: float      # seconds since local midnight
    duration: float   # seconds, the pause included
    events: int       # planned number of events, brackets included
    pause: float = 0.0       # seconds of one long pause inside the session (0: none)
    pause_at: float = 0.0    # where the pause falls, as a share of the active time


class SessionModel:
    def __init__(self, preset: VerticalPreset):
        self._hour_cum = tuple(accumulate(preset.hourly_weights))
        self._hour_total = self._hour_cum[-1] + 0.0
        self._extra_sessions = preset.sessions_per_active_day.mean - 1.0
        self._max_sessions = preset.sessions_per_active_day.max
        self._median = preset.session_minutes.median * 60.0
        self._sigma = preset.session_minutes.sigma
        self._seconds_per_event = self._median / preset.events_per_session.median
        self._pause_share = preset.session_minutes.long_pause_share
        self._pause_median = preset.session_minutes.long_pause_minutes * 60.0
        self._anchor_share = preset.chronotype.anchor_share
        # Per anchor hour, the curve times a kernel around it (circular distance): a
        # user's own hours, still shaped by the vertical's, so the night stays a trough.
        spread = preset.chronotype.spread_hours
        self._near_cum = tuple(
            tuple(accumulate(w * math.exp(-0.5 * (min(abs(h - a), 24 - abs(h - a)) / spread) ** 2)
                             for h, w in enumerate(preset.hourly_weights)))
            for a in range(24))

    def expected_count(self, segment: Segment, engagement: float) -> float:
        """About how many sessions :meth:`day` gives (its draw before the day's cap)."""
        extra = self._extra_sessions * _SEGMENT_COUNT.get(segment, 1.0) \
            * min(engagement, 4.0) ** 0.15
        return min(1.0 + extra, float(self._max_sessions))

    def day(self, rnd: random.Random, segment: Segment, engagement: float,
            chronotype: float | None = None) -> list[Session]:
        """The sessions of one active day, in order and not overlapping.

        ``chronotype`` is the user's place (0–1) on this model's hourly curve: their
        anchor hour is the curve's quantile there, so it follows whatever curve applies.
        """
        count = 1 + _poisson(rnd, self._extra_sessions * _SEGMENT_COUNT.get(segment, 1.0)
                             * min(engagement, 4.0) ** 0.15)
        count = min(count, self._max_sessions)
        anchor = None if chronotype is None else int(self._hour_time(chronotype, 0.0) // 3600)
        starts = sorted(self._start_time(rnd, anchor) for _ in range(count))
        sessions: list[Session] = []
        free_from = 0.0
        for start in starts:
            start = max(start, free_from)
            if start > DAY_SECONDS - MIN_SESSION_SECONDS - 1:
                break
            duration = self._duration(rnd, segment)
            duration = min(duration, DAY_SECONDS - 1 - start)
            events = max(2, min(MAX_EVENTS_PER_SESSION,
                                round(duration / self._seconds_per_event * rnd.uniform(0.7, 1.3))))
            pause, pause_at = self._pause(rnd, DAY_SECONDS - 1 - start - duration)
            sessions.append(Session(start, duration + pause, events, pause, pause_at))
            free_from = start + duration + pause + MIN_SESSION_GAP_SECONDS * rnd.uniform(1.0, 3.0)
        return sessions

    def _start_time(self, rnd: random.Random, anchor: int | None = None) -> float:
        if anchor is not None and rnd.random() < self._anchor_share:
            near = self._near_cum[anchor]
            hour = bisect_right(near, rnd.random() * near[-1], 0, 23)
            return hour * 3600.0 + rnd.random() * 3600.0
        return self._hour_time(rnd.random(), rnd.random())

    def _hour_time(self, place: float, within: float) -> float:
        """The time of day at ``place`` (0–1) on the hourly curve, ``within`` its hour."""
        # random.choices(range(24), cum_weights=…)[0], without its checks: the same draw.
        hour = bisect_right(self._hour_cum, place * self._hour_total, 0, 23)
        return hour * 3600.0 + within * 3600.0

    def _pause(self, rnd: random.Random, room: float) -> tuple[float, float]:
        """A long pause for a few sessions: lognormal around the preset's median, always
        over the 30-minute idle rule; none where it would run past midnight."""
        if not self._pause_share or rnd.random() >= self._pause_share:
            return 0.0, 0.0
        pause = max(self._pause_median * math.exp(0.5 * rnd.gauss(0.0, 1.0)),
                    MIN_SESSION_GAP_SECONDS + 60.0)
        at = rnd.uniform(0.2, 0.8)
        return (pause, at) if pause < room else (0.0, 0.0)

    def _duration(self, rnd: random.Random, segment: Segment) -> float:
        seconds = self._median * math.exp(self._sigma * rnd.gauss(0.0, 1.0))
        seconds *= _SEGMENT_LENGTH.get(segment, 1.0)
        return min(max(seconds, MIN_SESSION_SECONDS), MAX_SESSION_SECONDS)


def _poisson(rnd: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small means of sessions per day."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, rnd.random()
    while p > limit:
        k += 1
        p *= rnd.random()
    return k
