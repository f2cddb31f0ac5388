"""The SDK-shaped emitter: behaviour code calls ``track`` / ``user_update``; this builds
ThinkingData records (format doc §1, §14), serialises them with orjson and hands the
line to the output sink for the record's local day.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any, Protocol

import orjson

from demogen.simulation._context import UserContext
from demogen.simulation.naming import NameMap
from demogen.vocab import RecordType


class LineSink(Protocol):
    def write(self, day: date, line: bytes) -> None: ...


def new_uuid4(bits: int) -> str:
    """A canonical version-4 UUID from 128 random bits of the user's stream."""
    bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)     # version 4
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)     # RFC 4122 variant
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Emitter:
    """Stamps time, ids and presets on records and writes them to the day's file."""

    def __init__(self, sink: LineSink, start: date, days: int, app_id: str | None = None,
                 names: NameMap | None = None):
        self._sink = sink
        self._dates = [start + timedelta(days=d) for d in range(days + 1)]
        self._date_text = [d.isoformat() for d in self._dates]
        self._app_id = app_id
        self._events = names.events if names else {}
        self._props = names.properties if names else {}
        self.counts: Counter[str] = Counter()

    def time_text(self, clock: float) -> str:
        """``yyyy-MM-dd HH:mm:ss.SSS`` for seconds since the window's first local midnight."""
        millis = int(clock * 1000)
        day, ms = divmod(millis, 86_400_000)
        sec, ms = divmod(ms, 1000)
        minutes, sec = divmod(sec, 60)
        hours, minutes = divmod(minutes, 60)
        return f"{self._date_text[day]} {hours:02d}:{minutes:02d}:{sec:02d}.{ms:03d}"

    def _header(self, user: UserContext, kind: str, time_text: str) -> dict[str, Any]:
        record: dict[str, Any] = {"#type": kind, "#time": time_text,
                                  "#distinct_id": user.device.distinct_id}
        if user.account_id is not None:
            record["#account_id"] = user.account_id
        if self._app_id is not None:
            record["#app_id"] = self._app_id
        return record

    def track(self, user: UserContext, event: str, clock: float, time_text: str,
              presets: dict[str, Any], properties: dict[str, Any]) -> None:
        record = self._header(user, RecordType.TRACK.value, time_text)
        record["#event_name"] = self._events.get(event, event)
        record["#uuid"] = new_uuid4(user.rnd.getrandbits(128))
        record["#ip"] = user.device.ip
        record["properties"] = {**presets, **self._renamed(properties)}
        self._write(clock, record)

    def user_update(self, user: UserContext, kind: RecordType, clock: float, time_text: str,
                    properties: dict[str, Any]) -> None:
        record = self._header(user, kind.value, time_text)
        record["#uuid"] = new_uuid4(user.rnd.getrandbits(128))
        record["properties"] = self._renamed(properties)
        self._write(clock, record)

    def _renamed(self, properties: dict[str, Any]) -> dict[str, Any]:
        """Plan names ThinkingData would reject, written as their snake_case renames."""
        renames = self._props
        if not renames or not any(k in renames for k in properties):
            return properties
        return {renames.get(k, k): v for k, v in properties.items()}

    def _write(self, clock: float, record: dict[str, Any]) -> None:
        self.counts[record["#type"]] += 1
        self._sink.write(self._dates[int(clock // 86_400)], orjson.dumps(record))
