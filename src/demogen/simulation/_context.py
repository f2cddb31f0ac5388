"""What behaviour code and value samplers share about one simulated user.

These are plain ``__slots__`` dataclasses: they are touched for every event, so no
validation happens here (validation happened when rules and config were loaded).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from demogen.vocab import LifecycleStage, Segment


@dataclass(slots=True)
class DeviceProfile:
    """One device, stable for the user's whole life (format doc §12).

    ``presets`` holds the ``#`` properties that go inside every ``track`` record's
    ``properties`` (``#os``, ``#os_version``, ``#device_model``, ``#manufacturer``,
    ``#screen_width``, ``#screen_height``, ``#carrier``, ``#system_language``, ``#lib``,
    ``#lib_version``, ``#device_id`` …), already consistent with each other and with
    the country. ``#app_version``, ``#network_type`` and ``#zone_offset`` are added per
    event by the emitter because they change over time.
    """

    distinct_id: str
    country: str            # ISO 3166-1 alpha-2, upper case ("KR")
    zone_offset: float      # hours east of UTC, may be fractional
    ip: str                 # a public-looking IPv4 address in the country
    locale: str             # Faker locale of the country ("ko_KR")
    language: str           # BCP-47-ish system language ("ko")
    currency: str           # ISO 4217 ("KRW")
    presets: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class UserContext:
    """The simulated user as samplers see it. ``state`` holds user-property values."""

    index: int
    rnd: random.Random
    device: DeviceProfile
    segment: Segment = Segment.NEW_USER
    stage: LifecycleStage = LifecycleStage.INSTALLED
    engagement: float = 1.0
    account_id: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    #: Local time of the event being built, seconds since the window start at 00:00 local.
    clock: float = 0.0
    #: The current session: 1-based number over the user's life, and its start clock.
    session_number: int = 0
    session_start: float = 0.0
    #: Values fixed once per user (server, channel, language …) and per-user memory of
    #: key values that pair events (the level_name of the open level_start).
    sticky: dict[str, Any] = field(default_factory=dict)
