"""The SDK-shaped emitter: behaviour code calls ``track`` / ``user_update``; this builds
ThinkingData records (format doc §1, §14), serialises them and hands the line to the
output sink for the record's local day.

This is the innermost loop of the generator (one call per record), so a record is not
built as a dict and serialised whole: the parts that do not change between records are
serialised once and kept as bytes — the ``#type``/``#time`` opening per record type, the
ids of the current user, ``#event_name`` per event, the ``#ip`` and preset block of the
current session — and each record is those bytes joined around the two parts that do
change, ``orjson.dumps`` of the custom properties and the ``#uuid``. The bytes are
exactly what ``orjson.dumps`` of the record dict gives (same keys, same order, same
values); ``tests/simulation/test_emitter.py`` compares the two. The measured gain is in
docs/performance.md.
"""

from __future__ import annotations

from binascii import hexlify
from collections import Counter
from datetime import date, timedelta
from typing import Any, Protocol

import orjson

from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.naming import NameMap
from demogen.vocab import RecordType


class LineSink(Protocol):
    def write(self, day: date, line: bytes) -> None: ...


#: Bits cleared and set to turn 128 random bits into a version-4, RFC 4122 variant UUID.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)

#: ``MM:SS`` for every second of an hour and ``.mmm`` for every millisecond: ``#time`` is
#: then three lookups and two concatenations (see :meth:`Emitter.time_text`).
_MINUTE_SECOND = tuple(f"{s // 60:02d}:{s % 60:02d}" for s in range(3600))
_MILLIS = tuple(f".{ms:03d}" for ms in range(1000))

_dumps = orjson.dumps


def new_uuid4(bits: int) -> str:
    """A canonical version-4 UUID from 128 random bits of the user's stream."""
    return _uuid4_bytes(bits).decode()


def _uuid4_bytes(bits: int) -> bytes:
    h = hexlify((bits & _UUID_CLEAR | _UUID_SET).to_bytes(16, "big"))
    return b"-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:]))


class Emitter:
    """Stamps time, ids and presets on records and writes them to the day's file.

    ``track`` takes the session's preset dict; it serialises it once and reuses the bytes
    while the same, unchanged dict comes back (one per session in the engine).
    """

    def __init__(self, sink: LineSink, start: date, days: int, app_id: str | None = None,
                 names: NameMap | None = None):
        self._sink = sink
        self._dates = [start + timedelta(days=d) for d in range(days + 1)]
        #: ``yyyy-MM-dd HH:`` of every hour of the window (and of the day after it).
        self._hours = [f"{d.isoformat()} {h:02d}:" for d in self._dates for h in range(24)]
        self._app = b"" if app_id is None else b',"#app_id":' + _dumps(app_id)
        self._events = names.events if names else {}
        self._props = names.properties if names else {}
        self._tracks = 0
        self._updates: Counter[RecordType] = Counter()
        # Serialised once, then reused (see the module docstring).
        self._event_parts: dict[str, bytes] = {}      # event → ',"#event_name":…,"#uuid":"'
        self._update_opens: dict[str, bytes] = {}     # kind → '{"#type":"user_set","#time":'
        self._device: DeviceProfile | None = None     # the user whose ids are in _ids
        self._account: str | None = None
        self._ids = b""                               # ',"#distinct_id":…[,"#account_id":…]'
        self._presets: dict[str, Any] | None = None   # the session whose presets are in _tail
        self._presets_copy: dict[str, Any] = {}
        self._ip_part = b""                           # '","#ip":…,"properties":'
        self._tail = b""                              # the same + '{<presets>,'
        self._tail_alone = b""                        # the same + '{<presets>}'

    @property
    def counts(self) -> Counter[str]:
        """Records written per ``#type``."""
        counts: Counter[str] = Counter()
        if self._tracks:
            counts[RecordType.TRACK.value] = self._tracks
        for kind, n in self._updates.items():
            counts[RecordType(kind).value] += n
        return counts

    def time_text(self, clock: float) -> str:
        """``yyyy-MM-dd HH:mm:ss.SSS`` for seconds since the window's first local midnight."""
        millis = int(clock * 1000)
        hour, ms = divmod(millis, 3_600_000)
        second, ms = divmod(ms, 1000)
        return self._hours[hour] + _MINUTE_SECOND[second] + _MILLIS[ms]

    def track(self, user: UserContext, event: str, clock: float, time_text: str,
              presets: dict[str, Any], properties: dict[str, Any]) -> None:
        device = user.device
        if device is not self._device or user.account_id is not self._account:
            self._identify(user)
        if presets is not self._presets or presets != self._presets_copy:
            self._session_presets(presets, device.ip)
        event_part = self._event_parts.get(event)
        if event_part is None:
            event_part = self._event_part(event)
        if self._props:
            properties = self._renamed(properties)
        if not properties:
            tail, body = self._tail_alone, b""
        elif presets.keys().isdisjoint(properties):
            tail, body = self._tail, _dumps(properties)[1:]      # '{' is in the tail
        else:   # a custom property overrides a preset in place, as {**presets, **props} does
            tail, body = self._ip_part, _dumps({**presets, **properties})
        self._tracks += 1
        self._sink.write(self._dates[int(clock // 86_400)], b"".join((
            b'{"#type":"track","#time":', _dumps(time_text), self._ids, event_part,
            _uuid4_bytes(user.rnd.getrandbits(128)), tail, body, b"}",
        )))

    def user_update(self, user: UserContext, kind: RecordType, clock: float, time_text: str,
                    properties: dict[str, Any]) -> None:
        if user.device is not self._device or user.account_id is not self._account:
            self._identify(user)
        opening = self._update_opens.get(kind)
        if opening is None:
            opening = self._update_opens[kind] = (
                b'{"#type":' + _dumps(RecordType(kind).value) + b',"#time":')
        if self._props:
            properties = self._renamed(properties)
        self._updates[kind] += 1
        self._sink.write(self._dates[int(clock // 86_400)], b"".join((
            opening, _dumps(time_text), self._ids, b',"#uuid":"',
            _uuid4_bytes(user.rnd.getrandbits(128)), b'","properties":', _dumps(properties),
            b"}",
        )))

    # -- the parts serialised once -----------------------------------------------------------

    def _identify(self, user: UserContext) -> None:
        """The ids of a new user, or of a user who just got an account id."""
        self._device, self._account = user.device, user.account_id
        ids = b',"#distinct_id":' + _dumps(user.device.distinct_id)
        if user.account_id is not None:
            ids += b',"#account_id":' + _dumps(user.account_id)
        self._ids = ids + self._app
        self._presets = None     # the preset block holds the device's #ip

    def _session_presets(self, presets: dict[str, Any], ip: str) -> None:
        self._presets, self._presets_copy = presets, dict(presets)
        self._ip_part = head = b'","#ip":' + _dumps(ip) + b',"properties":'
        block = _dumps(presets)
        self._tail_alone = head + block
        self._tail = head + (block[:-1] + b"," if presets else b"{")

    def _event_part(self, event: str) -> bytes:
        part = self._event_parts[event] = (
            b',"#event_name":' + _dumps(self._events.get(event, event)) + b',"#uuid":"')
        return part

    def _renamed(self, properties: dict[str, Any]) -> dict[str, Any]:
        """Plan names ThinkingData would reject, written as their snake_case renames."""
        renames = self._props
        if renames.keys().isdisjoint(properties):
            return properties
        return {renames.get(k, k): v for k, v in properties.items()}
